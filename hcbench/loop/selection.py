"""Update targets (paper 3.1), the cold start, top-k, and the purge cycle (3.2): what D holds next."""
from __future__ import annotations

import numpy as np

from hcbench.loop.config import SelectionConfig
from hcbench.store import RunStore


def select_and_purge(store: RunStore, iteration: int, cfg: SelectionConfig, similarity) -> dict:
    """Add this iteration's winners to D, then purge duplicates and old songs. One transaction."""
    in_d = store.scalar("SELECT COUNT(*) FROM training_set WHERE removed_iteration IS NULL")
    cold_start = in_d == 0
    condition = "" if cold_start or not cfg.beat_baseline else "AND beats = 1"
    winners = store.rows(f"SELECT song_id, score, confidence FROM song_scores WHERE iteration = ? {condition} "
                         "ORDER BY score DESC, song_id LIMIT ?", (iteration, cfg.top_k))
    with store.transaction() as db:
        db.executemany("INSERT OR IGNORE INTO training_set (song_id, added_iteration, confidence, score) "
                       "VALUES (?, ?, ?, ?)", [(w["song_id"], iteration, w["confidence"], w["score"]) for w in winners])
        purged = _purge(store, iteration, cfg, similarity) if cfg.purge else {"age": 0, "duplicate": 0}
        store.finish_stage(iteration, "select", 0.0)
    return {"added": len(winners), "cold_start": cold_start, "purged": purged}


def _purge(store: RunStore, iteration: int, cfg: SelectionConfig, similarity) -> dict:
    """Remove songs past ``max_age`` iterations, then the lower-scored of near-duplicate pairs."""
    aged = 0
    if cfg.max_age is not None:
        aged = store.connection.execute(
            "UPDATE training_set SET removed_iteration = ?, removed_reason = 'age' WHERE removed_iteration IS NULL "
            "AND added_iteration <= ?", (iteration, iteration - cfg.max_age)).rowcount
    rows = store.rows("SELECT song_id FROM training_set WHERE removed_iteration IS NULL ORDER BY score DESC, song_id")
    ids = [r["song_id"] for r in rows]
    duplicates = near_duplicates(similarity, store.song_images(ids), cfg.duplicate_threshold) if ids else []
    store.connection.executemany(
        "UPDATE training_set SET removed_iteration = ?, removed_reason = 'duplicate' WHERE song_id = ?",
        [(iteration, ids[i]) for i in duplicates])
    return {"age": aged, "duplicate": len(duplicates)}


def near_duplicates(similarity, images: np.ndarray, threshold: float) -> list[int]:
    """Indices to drop: each song too similar to a song ranked above it that is kept (images best first)."""
    representation = similarity.represent(images)
    sim = similarity.similarity(representation, representation)
    kept: list[int] = []
    dropped: list[int] = []
    for i in range(len(images)):
        if kept and sim[i, kept].max() > threshold:
            dropped.append(i)
        else:
            kept.append(i)
    return dropped
