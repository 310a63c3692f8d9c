"""After an iteration's ratings: quality control, then each new song's score under R (eq. 1),
whether it beat its reference (the nearest training sample), and its fine-tuning confidence c (eq. 2).

With ``loop.qc.leniency`` a song's score is taken net of its raters' leniency, so songs
heard by different raters compare fairly; a requester's own served-versus-reference
comparison needs no such correction (one rater heard both). Scores are computed from the ratings
alone and replace what a cut-short pass wrote, so the stage can be run again.
"""
from __future__ import annotations

import numpy as np

from hcbench.loop.config import LoopConfig, QCConfig
from hcbench.loop.leniency import rater_offsets
from hcbench.loop.qc import QCResult, RatingTable, quality_control
from hcbench.loop.rating import confidence, rating_function
from hcbench.store import RunStore, queries, records


def score_iteration(store: RunStore, iteration: int, cfg: LoopConfig, similarity) -> QCResult:
    """QC over every rating so far; scores for the songs generated in ``iteration``. One transaction."""
    ratings = queries.ratings_up_to(store, iteration)
    table = rating_table(store, ratings, cfg.qc)
    qc = quality_control(table, cfg.qc)
    current = [i for i, r in enumerate(ratings) if r["iteration"] == iteration]
    r_value = _rating_function_values(store, iteration, [ratings[i] for i in current], cfg, similarity)
    if cfg.qc.leniency:
        r_value = r_value - _leniency(table, qc, cfg)[current]
    with store.transaction() as db:
        records.rater_qc(db, [(iteration, int(r), float(rep), int(n), int(round(b * n)), int(f), why) for r, rep, n, b,
                              f, why in zip(qc.raters, qc.reputation, qc.n_ratings, qc.brief_share, qc.flagged,
                                            qc.reason)])
        records.rating_qc(db, [(ratings[i]["id"], iteration, float(qc.weight[i]), int(qc.listen_failed[i]),
                                int(qc.outlier[i])) for i in current])
        records.song_scores(db, _song_scores(iteration, [ratings[i] for i in current], qc.weight[current], r_value,
                                             qc, cfg))
    return qc


def rating_table(store: RunStore, ratings: list[dict], cfg: QCConfig) -> RatingTable:
    """QC's view of ``ratings`` (rows of the ratings table); song style groups only when a check uses them."""
    styles = queries.song_styles(store) if cfg.within_style else {}
    return RatingTable(*(np.array([r[k] for r in ratings]) for k in ("rater_id", "song_id", "stars")),
                       np.array([r["listen_seconds"] / r["song_seconds"] for r in ratings]),
                       np.array([styles.get(r["song_id"], "") for r in ratings]))


def _leniency(table: RatingTable, qc: QCResult, cfg: LoopConfig) -> np.ndarray:
    """Each rating's rater offset in R's units: fitted on R's rater-given parts (stars and listening)."""
    given = rating_function(table.stars, table.listen_fraction, 1.0, 0.0, cfg.rating)  # similarity is the song's
    offsets = rater_offsets(table.rater, table.song, given, qc.weight, cfg.qc.leniency_prior_ratings)
    return np.array([offsets[r] for r in table.rater.tolist()])


def _rating_function_values(store, iteration, ratings: list[dict], cfg: LoopConfig, similarity) -> np.ndarray:
    """R of each rating: its stars and listening, and the rated song's similarity to the request's inputs."""
    inputs = queries.request_inputs(store, iteration)
    songs = sorted({r["song_id"] for r in ratings} | {s for ids in inputs.values() for s in ids})
    if not songs:
        return np.zeros(0)
    images = dict(zip(songs, store.song_images(songs)))
    representation = dict(zip(songs, similarity.represent(np.stack([images[s] for s in songs]))))
    wanted = {rid: similarity.represent_set(np.stack([images[s] for s in ids])) for rid, ids in inputs.items()}
    sim = np.array([float(similarity.similarity(representation[r["song_id"]][None], wanted[r["request_id"]][None])[0, 0])
                    for r in ratings])
    return rating_function(*(np.array([r[k] for r in ratings]) for k in ("stars", "listen_seconds", "song_seconds")),
                           sim, cfg.rating)


def _song_scores(iteration, ratings: list[dict], weight: np.ndarray, r_value: np.ndarray, qc: QCResult,
                 cfg: LoopConfig) -> list[tuple]:
    flagged = set(qc.raters[qc.flagged].tolist())
    by_request: dict[int, dict] = {}
    for rating, w, value in zip(ratings, weight, r_value):
        entry = by_request.setdefault(rating["request_id"], {"song": [], "w": [], "r": [], "c": []})
        if rating["role"] == "reference":
            entry["reference"] = value
            continue
        if rating["role"] == "served":
            entry["pair"], entry["requester"] = value, rating["rater_id"]
        entry["song"].append(rating["song_id"])
        entry["w"].append(w)
        entry["r"].append(value)
        entry["c"].append(float(confidence(rating["stars"], rating["listen_seconds"], rating["song_seconds"],
                                           cfg.rating)))
    rows = []
    for entry in by_request.values():
        if "reference" not in entry:  # an old song served from D: nothing new to score
            continue
        w = np.asarray(entry["w"])
        total = w.sum()
        score = float(np.average(entry["r"], weights=w)) if total > 0 else float(np.mean(entry["r"]))
        conf = float(np.average(entry["c"], weights=w)) if total > 0 else float(np.mean(entry["c"]))
        beats = entry["pair"] > entry["reference"] and entry["requester"] not in flagged
        rows.append((iteration, entry["song"][0], score, float(entry["pair"]), float(entry["reference"]),
                     conf, int(beats), len(entry["r"])))
    return rows
