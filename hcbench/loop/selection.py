"""Update targets (paper 3.1), the cold start, top-k, and the purge cycle (3.2): what D holds next.

Selection is the paper loop's training signal (``hcbench.loop.paper``). Run again after a
crash it changes nothing more: the cold start is judged by D as the iteration found it,
a song enters D once, and the purge leaves no duplicate behind for a second pass.
"""
from __future__ import annotations

import numpy as np

from hcbench.loop.config import SelectionConfig
from hcbench.store import RunStore, queries, records


def select_and_purge(store: RunStore, iteration: int, cfg: SelectionConfig, similarity) -> dict:
    """Add this iteration's winners to D, then purge duplicates and old songs. One transaction."""
    cold_start = is_cold_start(store, iteration)
    winners = queries.best_scored_songs(store, iteration, cfg.top_k, cfg.beat_reference and not cold_start)
    return enter_and_purge(store, iteration, winners, cfg, similarity) | {"cold_start": cold_start}


def is_cold_start(store: RunStore, iteration: int) -> bool:
    """D was empty when ``iteration`` began (judged as it found D, so a rerun after a crash agrees)."""
    return queries.training_set_size(store, after_iteration=iteration - 1) == 0


def enter_and_purge(store: RunStore, iteration: int, songs: list[dict], cfg: SelectionConfig, similarity) -> dict:
    """``songs`` (song_id, confidence, score) enter D, then the purge cycle runs. One transaction."""
    with store.transaction() as db:
        records.add_to_training_set(db, iteration, songs)
        purged = _purge(store, iteration, cfg, similarity) if cfg.purge else {"age": 0, "duplicate": 0}
    return {"added": len(songs), "purged": purged}


def _purge(store: RunStore, iteration: int, cfg: SelectionConfig, similarity) -> dict:
    """Remove songs past ``max_age`` iterations, then the lower-scored of near-duplicate pairs."""
    aged = records.remove_aged(store.connection, iteration, cfg.max_age) if cfg.max_age is not None else 0
    ids = [r["song_id"] for r in queries.training_set(store, best_first=True)]
    duplicates = near_duplicates(similarity, store.song_images(ids), cfg.duplicate_threshold) if ids else []
    records.remove_duplicates(store.connection, iteration, [ids[i] for i in duplicates])
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
