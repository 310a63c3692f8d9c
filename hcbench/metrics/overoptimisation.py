"""Best-of-n against the truth: the proxy (reward-model score) and true utility of the pick, per n.

Source: the over-optimisation plots of Gao et al. 2023 and AlpacaFarm (Dubois et al. 2023), and
MusicRL (Cideron et al. 2024): a proxy optimised harder keeps rising while the truth it stands
for levels off or falls. Every request has the same ``candidates`` samples; best of n picks among
the first n of them (``best_candidate``: the first of equals), so every n shares its samples with
the n before it and the curve moves only by what the larger choice picks.

>>> proxy = np.array([[0.1, 0.5, 0.2, 0.9]])
>>> truth = np.array([[0.4, 0.6, 0.1, 0.2]])
>>> picks(proxy, [1, 2, 4]).tolist()
[[0, 1, 3]]
>>> [(r["n"], r["proxy"]["mean"], r["truth"]["mean"]) for r in curve(proxy, truth, [1, 2, 4], resamples=10)]
[(1, 0.1, 0.4), (2, 0.5, 0.6), (4, 0.9, 0.2)]
>>> over_optimised(curve(proxy, truth, [1, 2, 4], resamples=10))
[(2, 4)]

A fall counts as more than noise only where its paired interval (``truth_vs_previous``, the same
requests' picks at the two n) lies below 0: ``beyond_noise``.
"""
from __future__ import annotations

import numpy as np

from hcbench.metrics.bootstrap import mean_with_ci
from hcbench.models.best_of_n import best_candidate

N_VALUES = (1, 2, 4, 8, 16, 32)


def picks(proxy: np.ndarray, ns: list[int]) -> np.ndarray:
    """(requests, len(ns)): each request's pick at each n, the best proxy score among its first n candidates."""
    return np.stack([best_candidate(proxy[:, :n]) for n in ns], axis=1)


def curve(proxy: np.ndarray, truth: np.ndarray, ns: list[int], resamples: int = 1000, seed: int = 0) -> list[dict]:
    """Per n: mean proxy and mean truth of the picks, and truth's paired change from n = ns[0] and from the
    n before, each with a 95% bootstrap interval over requests. ``proxy`` and ``truth``: (requests, candidates)."""
    proxy, truth = np.asarray(proxy, np.float64), np.asarray(truth, np.float64)
    if max(ns) > proxy.shape[1] or min(ns) < 1:
        raise ValueError(f"n must lie in 1..{proxy.shape[1]} (the candidates drawn), got {list(ns)}")
    chosen = picks(proxy, ns)
    rows = np.arange(len(proxy))
    picked = truth[rows[:, None], chosen]  # (requests, len(ns)): the truth of each n's pick
    return [{"n": int(n), "requests": len(proxy),
             "proxy": mean_with_ci(proxy[rows, chosen[:, i]], None, resamples, seed),
             "truth": mean_with_ci(picked[:, i], None, resamples, seed),
             "truth_vs_first": mean_with_ci(picked[:, i] - picked[:, 0], None, resamples, seed),
             "truth_vs_previous": mean_with_ci(picked[:, i] - picked[:, max(i - 1, 0)], None, resamples, seed)}
            for i, n in enumerate(ns)]


def over_optimised(rows: list[dict]) -> list[tuple[int, int]]:
    """(n, next n) of each step of the curve where the mean proxy rises while the mean truth falls."""
    return [(a["n"], b["n"]) for a, b in zip(rows, rows[1:])
            if b["proxy"]["mean"] > a["proxy"]["mean"] and b["truth"]["mean"] < a["truth"]["mean"]]


def beyond_noise(row: dict) -> bool:
    """Whether the truth's fall into this n is more than noise: its paired 95% interval lies below 0."""
    return row["truth_vs_previous"]["high"] < 0
