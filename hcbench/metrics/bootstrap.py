"""Percentile bootstrap confidence intervals, seeded."""
from __future__ import annotations

import numpy as np


def mean_with_ci(values, weights=None, resamples: int = 1000, seed: int = 0, level: float = 0.95) -> dict:
    """Weighted mean and its bootstrap interval; NaNs when there is nothing to average.

    >>> r = mean_with_ci([1.0, 2.0, 3.0, 4.0], resamples=200)
    >>> r["mean"], r["low"] < 2.5 < r["high"], r["n"]
    (2.5, True, 4)
    """
    values = np.asarray(values, np.float64)
    weights = np.ones_like(values) if weights is None else np.asarray(weights, np.float64)
    if len(values) == 0 or weights.sum() <= 0:
        return {"mean": float("nan"), "low": float("nan"), "high": float("nan"), "n": int(len(values))}
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, len(values), (resamples, len(values)))
    w = weights[picks]
    with np.errstate(invalid="ignore", divide="ignore"):
        means = (w * values[picks]).sum(axis=1) / w.sum(axis=1)
    means = means[np.isfinite(means)]
    tail = (1 - level) / 2 * 100
    low, high = np.percentile(means, [tail, 100 - tail])
    return {"mean": float(np.average(values, weights=weights)), "low": float(low), "high": float(high),
            "n": int(len(values))}
