"""Eq. 3: a song's (or a set's) representation is its normalised codebook usage; and its perplexity."""
from __future__ import annotations

import numpy as np


def normalise(counts: np.ndarray) -> np.ndarray:
    """Counts per code -> usage summing to 1 along the last axis (eq. 3).

    >>> normalise(np.array([[2.0, 0.0, 2.0]]))
    array([[0.5, 0. , 0.5]])
    """
    counts = np.asarray(counts, np.float64)
    return counts / np.maximum(counts.sum(axis=-1, keepdims=True), 1e-12)


def pooled_usage(counts: np.ndarray) -> np.ndarray:
    """One usage vector (K,) for every clip and song behind ``counts`` (n, K) together.

    Eq. 3 sums the assignments of all encoder positions of all songs before normalising,
    so a set of songs is represented like one long song (a longer song weighs more).

    >>> pooled_usage(np.array([[3.0, 1.0], [0.0, 4.0]]))
    array([0.375, 0.625])
    """
    return normalise(np.asarray(counts, np.float64).sum(axis=0))


def perplexity(usage: np.ndarray) -> float:
    """exp(entropy) of a usage vector: K when all codes are used equally, 1 when a single code is.

    >>> round(perplexity(np.full(8, 1 / 8)), 6), perplexity(np.eye(4)[0])
    (8.0, 1.0)
    """
    p = normalise(usage)
    p = p[p > 0]
    return float(np.exp(-(p * np.log(p)).sum()))
