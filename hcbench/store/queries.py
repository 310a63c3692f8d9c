"""The questions the loop, its methods and the metrics ask of a run database, one function each.

Every read of the loop and of the metrics goes through here (and every write through
``records``), so a change of the schema touches this package only, and a new method
asks the paper loop's questions instead of writing its own SQL.
"""
from __future__ import annotations

import json

import numpy as np

from hcbench.store.database import RunStore

# --- requests ------------------------------------------------------------------------------------------------


def request_inputs(store: RunStore, iteration: int | None) -> dict[int, list[int]]:
    """Input song ids of each request of ``iteration`` (None: of every iteration), in order."""
    inputs: dict[int, list[int]] = {}
    which = "r.iteration = ?" if iteration is not None else "? IS NULL"
    for row in store.rows("SELECT ri.request_id, ri.song_id FROM request_inputs ri JOIN requests r "
                          f"ON r.id = ri.request_id WHERE {which} ORDER BY ri.request_id, ri.position",
                          (iteration,)):
        inputs.setdefault(row["request_id"], []).append(row["song_id"])
    return inputs


def song_styles(store: RunStore) -> dict[int, str]:
    """Per generated song, its style group: the version that made it and its request's input songs.

    Songs of one group are merges of the same inputs by the same model, so they share a style; what
    differs between them is mostly how well each came out (quality control compares stars within a group).
    """
    inputs: dict[tuple[int, int], list[int]] = {}
    for row in store.rows("SELECT s.id, s.version, ri.song_id AS input FROM songs s JOIN request_inputs ri "
                          "ON ri.request_id = s.request_id WHERE s.kind = 'generated'"):
        inputs.setdefault((row["id"], row["version"]), []).append(row["input"])
    return {song: f"v{version}:{','.join(map(str, sorted(ids)))}" for (song, version), ids in inputs.items()}


def planned_requests(store: RunStore, iteration: int) -> int:
    """How many requests ``iteration``'s plan wrote (0: not planned yet)."""
    return int(store.scalar("SELECT COUNT(*) FROM requests WHERE iteration = ?", (iteration,)))


def new_song_requests(store: RunStore, iteration: int) -> list[dict]:
    """id, version and served_song_id (None until generated) of ``iteration``'s requests for a new song."""
    return store.rows("SELECT id, version, served_song_id FROM requests WHERE iteration = ? AND dispatch = 'new' "
                      "ORDER BY id", (iteration,))


def requests_to_rate(store: RunStore, iteration: int) -> list[dict]:
    """Every request of ``iteration`` with the audio and version of its served song and of its reference."""
    return store.rows("SELECT r.*, s.audio_path AS served_audio, s.version AS served_version, "
                      "b.audio_path AS reference_audio, b.version AS reference_version "
                      "FROM requests r JOIN songs s ON s.id = r.served_song_id "
                      "LEFT JOIN songs b ON b.id = r.reference_song_id WHERE r.iteration = ? ORDER BY r.id",
                      (iteration,))


def request_counts(store: RunStore, iteration: int) -> dict[str, int]:
    """Requests of ``iteration`` per dispatch ('new', 'old')."""
    return {r["dispatch"]: r["n"] for r in store.rows(
        "SELECT dispatch, COUNT(*) AS n FROM requests WHERE iteration = ? GROUP BY dispatch", (iteration,))}


# --- songs ---------------------------------------------------------------------------------------------------


def next_song_id(store: RunStore) -> int:
    return int(store.scalar("SELECT COALESCE(MAX(id), 0) + 1 FROM songs"))


def corpus_song_id(store: RunStore, source: str) -> int | None:
    """The id of the corpus clip registered as ``source``, or None."""
    found = store.scalar("SELECT id FROM songs WHERE source = ?", (source,))
    return None if found is None else int(found)


def song_audio_path(store: RunStore, song_id: int) -> str:
    """The song's WAV, relative to the run directory."""
    return store.scalar("SELECT audio_path FROM songs WHERE id = ?", (song_id,))


# --- ratings and scores --------------------------------------------------------------------------------------


def rated_requests(store: RunStore, iteration: int) -> set[int]:
    """Requests of ``iteration`` with at least one rating."""
    return set(store.column("SELECT DISTINCT request_id FROM ratings WHERE iteration = ?", (iteration,)).tolist())


def ratings_per_rater(store: RunStore, n_raters: int) -> np.ndarray:
    """How many answers (ratings and pairwise answers) each rater 0..n_raters-1 has given so far."""
    counts = np.zeros(n_raters, np.int64)
    for table in ("ratings", "preferences"):
        for row in store.rows(f"SELECT rater_id, COUNT(*) AS n FROM {table} GROUP BY rater_id"):
            counts[row["rater_id"]] += row["n"]
    return counts


def ratings_up_to(store: RunStore, iteration: int) -> list[dict]:
    """Every rating given in iterations 0..``iteration``, in the order given."""
    return store.rows("SELECT * FROM ratings WHERE iteration <= ? ORDER BY id", (iteration,))


def weighted_ratings_up_to(store: RunStore, iteration: int) -> list[dict]:
    """song_id, stars, listen_seconds, song_seconds and QC weight (the pass of the rating's own iteration) of
    every rating given in iterations 0..``iteration``, in the order given: what a reward model learns from."""
    return store.rows("SELECT r.song_id, r.stars, r.listen_seconds, r.song_seconds, q.weight FROM ratings r "
                      "JOIN rating_qc q ON q.rating_id = r.id WHERE r.iteration <= ? ORDER BY r.id", (iteration,))


REWARD_MODEL_META = "reward_model"  # meta key: {iteration: the fit of the reward model fitted after it}


def reward_model_fits(store: RunStore) -> dict[str, dict]:
    """Per iteration (as a string), how the reward model fitted after it fitted; empty for methods without one."""
    return store.get_meta(REWARD_MODEL_META, {})


def corpus_songs_of_split(store: RunStore, split: str) -> list[int]:
    """Ids of the corpus songs of ``split`` the run has registered (``train``: the base model's clips that served
    as references), by id."""
    return store.column("SELECT id FROM songs WHERE kind = 'corpus' AND source LIKE ? ORDER BY id",
                        (f"corpus:{split}:%",)).tolist()


def rating_count(store: RunStore, iteration: int) -> int:
    return int(store.scalar("SELECT COUNT(*) FROM ratings WHERE iteration = ?", (iteration,)))


def rating_calls(store: RunStore) -> list[dict]:
    """iteration, calls (answered rating calls), budget (None: unlimited) and charged (to the method: 1; the
    evaluation round: 0) of every round that has answers, in order."""
    return store.rows("SELECT iteration, calls, budget, charged FROM rating_calls ORDER BY iteration")


def ratings_of(store: RunStore, iteration: int) -> list[dict]:
    """request_id, rater_id, song_id and role of every rating given in ``iteration``, in the order given."""
    return store.rows("SELECT request_id, rater_id, song_id, role FROM ratings WHERE iteration = ? ORDER BY id",
                      (iteration,))


def answered_pairs(store: RunStore, iteration: int) -> set[tuple[int, int, int]]:
    """(rater, first song, second song) of every pairwise answer given in ``iteration``."""
    return {(r["rater_id"], r["first_song_id"], r["second_song_id"]) for r in store.rows(
        "SELECT rater_id, first_song_id, second_song_id FROM preferences WHERE iteration = ?", (iteration,))}


def preferences_of(store: RunStore, iterations: list[int]) -> list[dict]:
    """iteration, rater_id, first_song_id, second_song_id and chose_first of every pairwise answer given in
    ``iterations``, in the order stored (answers may arrive in any order; each is read as it was stored)."""
    marks = ",".join("?" * len(iterations))
    return store.rows(f"SELECT iteration, rater_id, first_song_id, second_song_id, chose_first FROM preferences "
                      f"WHERE iteration IN ({marks}) ORDER BY id", [int(i) for i in iterations])


def charged_rating_calls(store: RunStore) -> int:
    """Rating calls the run's method spent: the charged rounds of ``rating_calls`` (a store opened at schema 3
    or later has the table; older runs are upgraded with it filled from their ratings)."""
    return int(store.scalar("SELECT COALESCE(SUM(calls), 0) FROM rating_calls WHERE charged = 1"))


def best_scored_songs(store: RunStore, iteration: int, limit: int, beat_reference: bool) -> list[dict]:
    """song_id, score and confidence of ``iteration``'s ``limit`` best-scored songs, optionally only those
    that beat their reference."""
    condition = "AND beats = 1" if beat_reference else ""
    return store.rows(f"SELECT song_id, score, confidence FROM song_scores WHERE iteration = ? {condition} "
                      "ORDER BY score DESC, song_id LIMIT ?", (iteration, limit))


def scored_songs(store: RunStore, iteration: int) -> list[dict]:
    """song_id, score and confidence of every song scored in ``iteration``, by song id."""
    return store.rows("SELECT song_id, score, confidence FROM song_scores WHERE iteration = ? ORDER BY song_id",
                      (iteration,))


def scores_of_songs_made_in(store: RunStore, iteration: int) -> list[dict]:
    """id, request_id and score of the songs generated and scored in ``iteration``."""
    return store.rows("SELECT s.id, s.request_id, sc.score FROM song_scores sc JOIN songs s ON s.id = sc.song_id "
                      "WHERE sc.iteration = ? AND s.iteration = ? ORDER BY s.id", (iteration, iteration))


def beats_reference(store: RunStore, iteration: int) -> np.ndarray:
    """Per scored song of ``iteration``: 1 if it beat its reference."""
    return store.column("SELECT beats FROM song_scores WHERE iteration = ?", (iteration,))


def qc_flags_and_profiles(store: RunStore, iteration: int) -> list[dict]:
    """flagged, true profile and home taste cluster (hidden tables; None without them) of each rater QC judged
    in ``iteration``."""
    return store.rows("SELECT q.flagged, t.profile, tc.cluster FROM qc q LEFT JOIN truth_raters t ON t.rater_id = "
                      "q.rater_id LEFT JOIN truth_rater_tastes tc ON tc.rater_id = q.rater_id WHERE q.iteration = ? "
                      "ORDER BY q.rater_id", (iteration,))


# --- the training set D --------------------------------------------------------------------------------------


def training_set(store: RunStore, best_first: bool = False) -> list[dict]:
    """song_id, confidence and score of D's songs now, by song id (or by score, best first)."""
    order = "score DESC, song_id" if best_first else "song_id"
    return store.rows(f"SELECT song_id, confidence, score FROM training_set WHERE removed_iteration IS NULL "
                      f"ORDER BY {order}")


def training_set_size(store: RunStore, after_iteration: int | None = None) -> int:
    """Songs in D now, or as ``after_iteration`` left it (-1: before the first)."""
    if after_iteration is None:
        return int(store.scalar("SELECT COUNT(*) FROM training_set WHERE removed_iteration IS NULL"))
    return int(store.scalar("SELECT COUNT(*) FROM training_set WHERE added_iteration <= ? AND "
                            "(removed_iteration IS NULL OR removed_iteration > ?)", (after_iteration, after_iteration)))


def training_set_changes(store: RunStore, iteration: int) -> tuple[int, int]:
    """(songs added to D, songs removed from D) in ``iteration``."""
    added = store.scalar("SELECT COUNT(*) FROM training_set WHERE added_iteration = ?", (iteration,))
    removed = store.scalar("SELECT COUNT(*) FROM training_set WHERE removed_iteration = ?", (iteration,))
    return int(added), int(removed)


# --- versions and stages -------------------------------------------------------------------------------------


def version_ids(store: RunStore) -> list[int]:
    return [int(v) for v in store.column("SELECT id FROM versions ORDER BY id")]


def version_path(store: RunStore, version: int) -> str:
    return store.scalar("SELECT path FROM versions WHERE id = ?", (version,))


def iterations_with(store: RunStore, stage: str) -> list[int]:
    """Iterations whose ``stage`` is done, in order."""
    return [int(i) for i in store.column("SELECT iteration FROM stages WHERE stage = ? ORDER BY iteration", (stage,))]


def stage_seconds(store: RunStore, iteration: int) -> dict[str, float]:
    """Seconds each stage of ``iteration`` took ('done' left out)."""
    return {r["stage"]: r["seconds"] for r in
            store.rows("SELECT stage, seconds FROM stages WHERE iteration = ? AND stage != 'done'", (iteration,))}


def stage_summaries(store: RunStore, iteration: int) -> dict[str, dict]:
    """What each stage of ``iteration`` reported (stages that reported nothing left out), in stage order."""
    return {r["stage"]: json.loads(r["summary"]) for r in
            store.rows("SELECT stage, summary FROM stages WHERE iteration = ? AND summary IS NOT NULL "
                       "ORDER BY finished_at", (iteration,))}


# --- what the metrics read -----------------------------------------------------------------------------------

_RATED_OUTPUTS = """
SELECT r.id, r.iteration, r.version, r.song_id, r.rater_id, r.stars, r.listen_seconds / r.song_seconds AS listened,
       q.weight AS qc_weight, t.utility, tc.cluster AS taste_cluster
FROM ratings r JOIN songs s ON s.id = r.song_id
LEFT JOIN rating_qc q ON q.rating_id = r.id LEFT JOIN truth_ratings t ON t.rating_id = r.id
LEFT JOIN truth_rater_tastes tc ON tc.rater_id = r.rater_id
WHERE r.role IN ('served', 'agreement') AND s.kind = 'generated' AND s.iteration = r.iteration
"""  # ratings of songs generated in the iteration they were rated: what a version makes now


def rated_outputs(store: RunStore) -> list[dict]:
    """Every rating of a song in the iteration that made it, with its QC weight, (hidden) true utility and the
    rater's (hidden) home taste cluster."""
    return store.rows(_RATED_OUTPUTS)


def rated_outputs_by_input(store: RunStore) -> list[dict]:
    """label and id of each input song with the version and stars of each rated output made from it (Table 1)."""
    return store.rows(f"""SELECT s.label, ri.song_id AS input, o.version, o.stars
                          FROM ({_RATED_OUTPUTS}) o JOIN ratings r ON r.id = o.id
                          JOIN request_inputs ri ON ri.request_id = r.request_id JOIN songs s ON s.id = ri.song_id""")


def rated_outputs_with_requests(store: RunStore, iteration: int) -> list[dict]:
    """``iteration``'s rated outputs with what makes two versions' requests the same request: requester,
    agreement raters, reference and inputs (sorted ids, comma-separated); and the rated song."""
    return store.rows(f"""
        SELECT o.version, o.song_id, o.stars, o.utility, q.rater_id AS requester, q.agreement_raters,
               q.reference_song_id,
               (SELECT group_concat(song_id) FROM
                   (SELECT song_id FROM request_inputs WHERE request_id = q.id ORDER BY song_id)) AS inputs
        FROM ({_RATED_OUTPUTS}) o JOIN ratings r ON r.id = o.id JOIN requests q ON q.id = r.request_id
        WHERE o.iteration = ?""", (iteration,))


def pairwise_answers(store: RunStore) -> list[dict]:
    """Every pairwise answer (iteration, songs, chose_first) with the rater's true utility of each song (hidden
    table; None without it), in the order stored."""
    return store.rows("SELECT p.iteration, p.first_song_id, p.second_song_id, p.chose_first, t.first_utility, "
                      "t.second_utility FROM preferences p LEFT JOIN truth_preferences t ON t.preference_id = p.id "
                      "ORDER BY p.id")


# --- what the listening report reads -------------------------------------------------------------------------

_ANSWER_RATINGS = """
SELECT r.song_id, AVG(r.stars) AS stars, COUNT(*) AS ratings, AVG(r.listen_seconds / r.song_seconds) AS listened,
       AVG(t.utility) AS utility
FROM ratings r LEFT JOIN truth_ratings t ON t.rating_id = r.id WHERE r.role != 'reference' GROUP BY r.song_id
"""  # a song's ratings as the answer to a request (served or output agreement), not as someone's reference


def songs_to_listen_to(store: RunStore, per_version: int) -> list[dict]:
    """Each version's first ``per_version`` generated songs, the last iteration's (the evaluation) first, with
    their files, request, how many songs the version made (``of_version``) and their ratings as answers: mean
    stars, count, mean share listened and mean true utility (hidden table; None without it)."""
    return store.rows(f"""
        SELECT s.*, a.stars, COALESCE(a.ratings, 0) AS ratings, a.listened, a.utility FROM (
            SELECT id, version, iteration, request_id, image_path, audio_path, seconds,
                   ROW_NUMBER() OVER (PARTITION BY version ORDER BY iteration DESC, id) AS rank,
                   COUNT(*) OVER (PARTITION BY version) AS of_version
            FROM songs WHERE kind = 'generated') s
        LEFT JOIN ({_ANSWER_RATINGS}) a ON a.song_id = s.id
        WHERE s.rank <= ? ORDER BY s.version, s.rank""", (per_version,))


def input_songs_of(store: RunStore, request_ids: list[int]) -> dict[int, list[dict]]:
    """id, label and files of each request's input songs, in order."""
    inputs: dict[int, list[dict]] = {}
    marks = ",".join("?" * len(request_ids))
    for row in store.rows(f"SELECT ri.request_id, s.id, s.label, s.image_path, s.audio_path FROM request_inputs ri "
                          f"JOIN songs s ON s.id = ri.song_id WHERE ri.request_id IN ({marks}) "
                          "ORDER BY ri.request_id, ri.position", [int(i) for i in request_ids]):
        inputs.setdefault(row.pop("request_id"), []).append(row)
    return inputs
