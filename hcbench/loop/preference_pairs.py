"""Preference pairs for DPO fine-tuning: two songs of one iteration made from the same inputs.

Songs of the same inputs answer the same wish, so their scores compare like with like; the
higher-scored song of a pair is preferred when the scores differ by more than a gap. Songs
of different iterations never pair: their raters and their versions differ.
"""
from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable

import numpy as np

from hcbench.store import RunStore, queries


Labels = Callable[[int], dict[int, float]]  # iteration -> each of its songs' label by id, in place of its score


def same_input_pairs(store: RunStore, iterations: int | Iterable[int], min_gap: float,
                     labels: Labels | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(winner song ids, loser song ids) among the songs made and scored in each of ``iterations``.

    ``labels`` replaces the scores (a song it leaves out pairs with none): a method that
    learns from something other than the ratings (the oracle) keeps the pairing.
    """
    pairs = [pair for i in ([iterations] if isinstance(iterations, int) else iterations)
             for pair in _pairs_of(store, int(i), min_gap, labels)]
    winners, losers = (np.array(side, dtype=np.int64) for side in zip(*pairs)) if pairs else (np.zeros(0, int),) * 2
    return winners, losers


def _pairs_of(store: RunStore, iteration: int, min_gap: float, labels: Labels | None) -> list[tuple[int, int]]:
    inputs = queries.request_inputs(store, iteration)
    rows = queries.scores_of_songs_made_in(store, iteration)
    if labels is not None:
        label = labels(iteration)
        rows = [{**row, "score": label[row["id"]]} for row in rows if row["id"] in label]
    groups: dict[tuple, list[dict]] = {}
    for row in rows:
        groups.setdefault(tuple(sorted(inputs[row["request_id"]])), []).append(row)
    return [(a["id"], b["id"]) if a["score"] > b["score"] else (b["id"], a["id"])
            for group in groups.values() for a, b in itertools.combinations(group, 2)
            if abs(a["score"] - b["score"]) > min_gap]
