"""How often a method's reward model orders two held-out songs as the truth does (issue 13, section 4).

The songs are the shared evaluation's: fresh requests no reward model was fitted on, each answered
by every judged version. Pairs are every two versions' songs of one request (the same rater,
inputs and agreement raters); a song's truth is its mean true utility over the raters who heard it
in that request, as compare's "true utility" averages. Pairs the truth ties are skipped; a pair
the reward model ties counts half (a coin flip). This module reads the truth: it evaluates.

>>> pair_accuracy(np.array([3.0, 2.0, 1.0]), np.array([0.9, 0.5, 0.7]), [[0, 1, 2]])
{'accuracy': 0.6666666666666666, 'pairs': 3}
"""
from __future__ import annotations

from itertools import combinations

import numpy as np

from hcbench.metrics.version_steps import requests_by_key
from hcbench.models.reward_model import RewardModel
from hcbench.store import RunStore, queries


def pair_accuracy(scores: np.ndarray, truth: np.ndarray, groups: list[list[int]]) -> dict:
    """Share of within-group pairs (indices into ``scores``/``truth``) that ``scores`` orders as ``truth``.

    Truth ties are skipped, score ties count half; ``accuracy`` is None when no pair is left.
    """
    right, pairs = 0.0, 0
    for group in groups:
        for a, b in combinations(group, 2):
            truth_sign = np.sign(truth[a] - truth[b])
            if truth_sign == 0:
                continue
            score_sign = np.sign(scores[a] - scores[b])
            right += 0.5 if score_sign == 0 else float(score_sign == truth_sign)
            pairs += 1
    return {"accuracy": right / pairs if pairs else None, "pairs": pairs}


def evaluation_pairs(store: RunStore) -> tuple[list[int], np.ndarray, list[list[int]]]:
    """The evaluation's generated songs (ids), each one's mean true utility, and its requests as index groups."""
    song_ids, truth, groups = [], [], []
    for by_version in requests_by_key(queries.rated_outputs_with_requests(store, 0)).values():
        group = []
        for version in sorted(by_version):
            ratings = by_version[version]
            utilities = [r["utility"] for r in ratings if r["utility"] is not None]
            if not utilities:
                continue
            group.append(len(song_ids))
            song_ids.append(int(ratings[0]["song_id"]))
            truth.append(float(np.mean(utilities)))
        groups.append(group)
    return song_ids, np.array(truth), groups


def reward_accuracies(store: RunStore, models: dict[str, RewardModel | None], similarity) -> dict[str, dict | None]:
    """Each named reward model's ``pair_accuracy`` on the evaluation's songs; None where a name has no model."""
    song_ids, truth, groups = evaluation_pairs(store)
    if not song_ids:
        return {name: None if model is None else {"accuracy": None, "pairs": 0} for name, model in models.items()}
    features = similarity.represent(store.song_images(song_ids))
    return {name: None if model is None else pair_accuracy(model.predict(features), truth, groups)
            for name, model in models.items()}
