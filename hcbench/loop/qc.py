"""Quality control (paper 2.1): listening check, outlier filter, rater reputation and flags.

Everything works on the ratings alone, as a platform would: no check may peek at a
simulator's ground truth. Output agreement (several raters per new song) is arranged
at dispatch; here it supplies the consensus that reputation and outliers are measured
against.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hcbench.loop.config import QCConfig

ROBUST_SD = 1.4826  # MAD -> standard deviation for normal data
MIN_SPREAD = 0.5  # stars: a unanimous song still tolerates one half-step
FULL_DISAGREEMENT = 1.5  # stars from the consensus at which a rating shows no agreement at all


@dataclass(frozen=True)
class RatingTable:
    """Ratings as arrays, one entry per rating."""

    rater: np.ndarray
    song: np.ndarray
    stars: np.ndarray
    listen_fraction: np.ndarray


@dataclass(frozen=True)
class QCResult:
    weight: np.ndarray  # per rating, 0..1
    listen_failed: np.ndarray  # per rating
    outlier: np.ndarray  # per rating
    raters: np.ndarray  # rater ids with ratings
    reputation: np.ndarray  # per rater in ``raters``
    n_ratings: np.ndarray
    brief_share: np.ndarray  # share of a rater's ratings given after hardly listening
    flagged: np.ndarray  # bool per rater
    reason: list[str]


def quality_control(table: RatingTable, cfg: QCConfig) -> QCResult:
    """Weigh every rating and judge every rater from the ratings given so far."""
    brief = table.listen_fraction < cfg.min_listen_fraction
    listen_failed = brief & (table.stars >= cfg.high_stars) if cfg.listen_check else np.zeros_like(brief)
    outlier = _outliers(table, cfg.outlier_z) if cfg.outlier_filter else np.zeros_like(brief)
    consensus = _leave_one_out_mean(table.song, table.stars)
    agreement = np.clip(1.0 - np.abs(table.stars - consensus) / FULL_DISAGREEMENT, 0.0, 1.0)
    raters, index = np.unique(table.rater, return_inverse=True)
    has_consensus = ~np.isnan(consensus)
    n_judged = np.bincount(index, weights=has_consensus, minlength=len(raters))
    agreed = np.bincount(index, weights=np.where(has_consensus, agreement, 0.0), minlength=len(raters))
    prior_n = cfg.reputation_prior_ratings
    reputation = (agreed + prior_n * cfg.reputation_prior) / (n_judged + prior_n)
    n_ratings = np.bincount(index, minlength=len(raters))
    brief_share = np.bincount(index, weights=brief, minlength=len(raters)) / n_ratings
    flagged, reason = _flags(reputation, brief_share, n_ratings, cfg)
    weight = np.ones(len(table.stars))
    if cfg.reputation:
        weight *= reputation[index]
    weight = np.where(listen_failed, weight * cfg.listen_discount, weight)
    weight = np.where(outlier, 0.0, weight)
    return QCResult(weight, listen_failed, outlier, raters, reputation, n_ratings, brief_share, flagged, reason)


def _flags(reputation, brief_share, n_ratings, cfg: QCConfig) -> tuple[np.ndarray, list[str]]:
    judged = n_ratings >= cfg.min_ratings_to_flag
    low = judged & cfg.reputation & (reputation < cfg.flag_below)
    lazy = judged & cfg.listen_check & (brief_share >= cfg.flag_listen_failures)
    reason = [", ".join(r for r, on in (("low reputation", a), ("hardly listens", b)) if on) for a, b in zip(low, lazy)]
    return low | lazy, reason


def _leave_one_out_mean(groups: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Mean of the other values in each value's group; NaN where it is alone."""
    _, index = np.unique(groups, return_inverse=True)
    total = np.bincount(index, weights=values)[index]
    count = np.bincount(index)[index]
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 1, (total - values) / (count - 1), np.nan)


def _outliers(table: RatingTable, z: float) -> np.ndarray:
    """Ratings more than ``z`` robust sds from their song's median (songs with 3+ ratings)."""
    out = np.zeros(len(table.stars), bool)
    order = np.argsort(table.song, kind="stable")
    songs, starts, counts = np.unique(table.song[order], return_index=True, return_counts=True)
    for start, count in zip(starts, counts):
        if count < 3:
            continue
        members = order[start:start + count]
        stars = table.stars[members]
        median = np.median(stars)
        spread = max(ROBUST_SD * np.median(np.abs(stars - median)), MIN_SPREAD)
        out[members] = np.abs(stars - median) / spread > z
    return out
