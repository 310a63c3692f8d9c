"""Rater leniency: how far above or below the others a rater scores the same songs.

A song's score averages a handful of raters, and who they are is luck: a lenient panel
lifts one variant, a harsh one sinks its sibling. Fitting value = song effect + rater
offset over every rating so far and subtracting the offsets takes that luck out of the
comparison of songs. Offsets shrink towards 0 for raters with few ratings, and only
songs heard by two or more raters inform them (one rating cannot tell song from rater).
Only differences between offsets mean anything: a shift shared by all raters moves
every score alike.
"""
from __future__ import annotations

import numpy as np

SWEEPS = 30  # alternating least-squares sweeps: offsets settle to ~1e-4 well before


def rater_offsets(rater: np.ndarray, song: np.ndarray, value: np.ndarray, weight: np.ndarray,
                  prior_ratings: float) -> dict[int, float]:
    """Rater id -> offset in ``value``'s units, from the additive model value = song + rater.

    ``weight`` is each rating's QC weight; ``prior_ratings`` is how many ratings' worth
    of evidence pulls an offset to 0.

    >>> rater, song = np.array([0, 1, 0, 1, 2, 2]), np.array([0, 0, 1, 1, 1, 0])
    >>> value = np.array([0.8, 0.6, 0.5, 0.3, 0.4, 0.7])  # rater 0 is 0.2 above rater 1, rater 2 between
    >>> offsets = rater_offsets(rater, song, value, np.ones(6), prior_ratings=0.0)
    >>> round(offsets[0] - offsets[1], 3), round(offsets[2] - offsets[1], 3)
    (0.2, 0.1)
    """
    rater, song, value, weight = (np.asarray(a) for a in (rater, song, value, weight))
    raters, r = np.unique(rater, return_inverse=True)
    _, s, per_song = np.unique(song, return_inverse=True, return_counts=True)
    shared = (per_song[s] > 1).astype(np.float64) * weight
    evidence = np.bincount(r, shared, len(raters)) + prior_ratings
    evidence = np.where(evidence > 0, evidence, 1.0)  # a rater with no shared song keeps offset 0
    offset = np.zeros(len(raters))
    for _ in range(SWEEPS):
        song_effect = _weighted_means(s, value - offset[r], weight)
        offset = np.bincount(r, shared * (value - song_effect[s]), len(raters)) / evidence
    return dict(zip(raters.tolist(), offset.tolist()))


def _weighted_means(group: np.ndarray, values: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """Weighted mean per group; the plain mean where a group's weights are all 0."""
    n = group.max() + 1 if len(group) else 0
    total = np.bincount(group, weight, n)
    weighted = np.bincount(group, weight * values, n) / np.where(total > 0, total, 1.0)
    plain = np.bincount(group, values, n) / np.maximum(np.bincount(group, minlength=n), 1)
    return np.where(total > 0, weighted, plain)
