"""Preference pairs for DPO fine-tuning: two songs of one iteration made from the same inputs.

Songs of the same inputs answer the same wish, so their scores compare like with like; the
higher-scored song of a pair is preferred when the scores differ by more than a gap.
"""
from __future__ import annotations

import itertools

import numpy as np

from hcbench.loop.generation import request_inputs
from hcbench.store import RunStore


def same_input_pairs(store: RunStore, iteration: int, min_gap: float) -> tuple[np.ndarray, np.ndarray]:
    """(winner song ids, loser song ids) among the songs made and scored in ``iteration``."""
    inputs = request_inputs(store, iteration)
    rows = store.rows("SELECT s.id, s.request_id, sc.score FROM song_scores sc JOIN songs s ON s.id = sc.song_id "
                      "WHERE sc.iteration = ? AND s.iteration = ? ORDER BY s.id", (iteration, iteration))
    groups: dict[tuple, list[dict]] = {}
    for row in rows:
        groups.setdefault(tuple(sorted(inputs[row["request_id"]])), []).append(row)
    pairs = [(a["id"], b["id"]) if a["score"] > b["score"] else (b["id"], a["id"])
             for group in groups.values() for a, b in itertools.combinations(group, 2)
             if abs(a["score"] - b["score"]) > min_gap]
    winners, losers = (np.array(side, dtype=np.int64) for side in zip(*pairs)) if pairs else (np.zeros(0, int),) * 2
    return winners, losers
