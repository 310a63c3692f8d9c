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
    draws = resampled_means(values, weights, resamples, seed)
    return {**percentile_interval(np.average(values, weights=weights), draws, level), "n": int(len(values))}


def resampled_means(values: np.ndarray, weights: np.ndarray | None = None, resamples: int = 1000,
                    seed: int = 0) -> np.ndarray:
    """Weighted means of ``resamples`` draws with replacement (draws whose weights sum to 0 dropped)."""
    values = np.asarray(values, np.float64)
    if not len(values):
        return np.array([])
    weights = np.ones_like(values) if weights is None else np.asarray(weights, np.float64)
    picks = np.random.default_rng(seed).integers(0, len(values), (resamples, len(values)))
    w = weights[picks]
    with np.errstate(invalid="ignore", divide="ignore"):
        means = (w * values[picks]).sum(axis=1) / w.sum(axis=1)
    return means[np.isfinite(means)]


def percentile_interval(mean: float, draws: np.ndarray, level: float = 0.95) -> dict:
    """``mean`` with the central ``level`` range of bootstrap ``draws`` (NaN bounds when there are none)."""
    if not len(draws):
        return {"mean": float(mean), "low": float("nan"), "high": float("nan")}
    tail = (1 - level) / 2 * 100
    low, high = np.percentile(draws, [tail, 100 - tail])
    return {"mean": float(mean), "low": float(low), "high": float(high)}
