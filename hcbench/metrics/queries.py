"""SQL shared by the metrics: which ratings say what a version makes."""

RATED_OUTPUTS = """
SELECT r.id, r.iteration, r.version, r.song_id, r.rater_id, r.stars, r.listen_seconds / r.song_seconds AS listened,
       q.weight AS qc_weight, t.utility
FROM ratings r JOIN songs s ON s.id = r.song_id
LEFT JOIN rating_qc q ON q.rating_id = r.id LEFT JOIN truth_ratings t ON t.rating_id = r.id
WHERE r.role IN ('served', 'agreement') AND s.kind = 'generated' AND s.iteration = r.iteration
"""  # ratings of songs generated in the iteration they were rated: what a version makes now
