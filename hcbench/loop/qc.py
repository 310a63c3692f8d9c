"""Quality control (paper 2.1): listening check, outlier filter, rater reputation and flags.

Everything works on the ratings alone, as a platform would: no check may peek at a
simulator's ground truth. Output agreement (several raters per new song) is arranged
at dispatch; here it supplies the consensus that reputation and outliers are measured
against.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from hcbench.loop.config import QCConfig
from hcbench.loop.reputation import correlation_reputation

ROBUST_SD = 1.4826  # MAD -> standard deviation for normal data
MIN_SPREAD = 0.5  # stars: a unanimous song still tolerates one half-step
FULL_DISAGREEMENT = 1.5  # stars from the consensus at which a rating shows no agreement at all
SCALE_ENDS = (1.0, 5.0)  # the lowest and highest stars (paper: 1-5 in half steps)


@dataclass(frozen=True)
class RatingTable:
    """Ratings as arrays, one entry per rating."""

    rater: np.ndarray
    song: np.ndarray
    stars: np.ndarray
    listen_fraction: np.ndarray
    style: np.ndarray | None = None  # per rating: the rated song's style group (queries.song_styles); "" for none


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
    if not cfg.enabled:  # every check off: each rating counts in full, nobody is flagged
        cfg = replace(cfg, listen_check=False, reputation=False, outlier_filter=False, straight_line_check=False)
    brief = table.listen_fraction < cfg.min_listen_fraction
    listen_failed = brief & (table.stars >= cfg.high_stars) if cfg.listen_check else np.zeros_like(brief)
    outlier = _outliers(table, cfg.outlier_z) if cfg.outlier_filter else np.zeros_like(brief)
    raters, index = np.unique(table.rater, return_inverse=True)
    n_ratings = np.bincount(index, minlength=len(raters))
    brief_share = np.bincount(index, weights=brief, minlength=len(raters)) / n_ratings
    judged = n_ratings >= cfg.min_ratings_to_flag
    lazy = judged & cfg.listen_check & (brief_share >= cfg.flag_listen_failures)
    if cfg.reputation_method == "correlation":
        reputation, low = _correlation_reputation(table, index, ~lazy, cfg)
    else:
        reputation = _agreement_reputation(table, index, len(raters), cfg)
        low = reputation < cfg.flag_below
    low = judged & cfg.reputation & low
    ends = None if cfg.modal_at_ends else SCALE_ENDS
    one_value = judged & cfg.straight_line_check & (_modal_share(table.stars, index, ends) >= cfg.flag_modal_share)
    flagged, reason = _flags({"low reputation": low, "hardly listens": lazy, "one star value": one_value})
    weight = np.ones(len(table.stars))
    if cfg.reputation:
        weight *= np.clip(reputation, 0.0, 1.0)[index]
    weight = np.where(listen_failed, weight * cfg.listen_discount, weight)
    weight = np.where(outlier, 0.0, weight)
    return QCResult(weight, listen_failed, outlier, raters, reputation, n_ratings, brief_share, flagged, reason)


def _agreement_reputation(table: RatingTable, index: np.ndarray, n_raters: int, cfg: QCConfig) -> np.ndarray:
    """Mean closeness of a rater's stars to the others' mean on the same songs, shrunk to a prior."""
    consensus = _leave_one_out_mean(table.song, table.stars)
    agreement = np.clip(1.0 - np.abs(table.stars - consensus) / FULL_DISAGREEMENT, 0.0, 1.0)
    has_consensus = ~np.isnan(consensus)
    n_judged = np.bincount(index, weights=has_consensus, minlength=n_raters)
    agreed = np.bincount(index, weights=np.where(has_consensus, agreement, 0.0), minlength=n_raters)
    prior_n = cfg.reputation_prior_ratings
    return (agreed + prior_n * cfg.reputation_prior) / (n_judged + prior_n)


def _correlation_reputation(table: RatingTable, index: np.ndarray, trusted: np.ndarray,
                            cfg: QCConfig) -> tuple[np.ndarray, np.ndarray]:
    """(reputation, runs against the crowd): the correlation shrunk towards the prior by
    ``reputation_prior_ratings``, and Fisher's z under ``flag_z``."""
    used, stars = np.ones(len(index), bool), table.stars
    if cfg.within_style:
        used, stars = _within_style(table, index)
    rep = correlation_reputation(index[used], table.song[used], stars[used], trusted, cfg.taste_factors)
    n = np.bincount(index[used], minlength=len(trusted)).astype(np.float64)
    prior_n = cfg.reputation_prior_ratings
    shrunk = (np.nan_to_num(rep.rho) * n + cfg.reputation_prior * prior_n) / (n + prior_n)
    return np.where(np.isnan(rep.rho), cfg.reputation_prior, shrunk), rep.z < cfg.flag_z


def _within_style(table: RatingTable, index: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(usable, stars less the rater's mean over the same style group): only songs a rater heard at least
    two of from one group count, so that what is compared is how it ranks songs of one style, not its taste."""
    if table.style is None:
        raise ValueError("loop.qc.within_style needs each rating's song style group (RatingTable.style)")
    styles, style = np.unique(np.asarray(table.style, str), return_inverse=True)
    _, cell = np.unique(index * len(styles) + style.reshape(-1), return_inverse=True)  # one cell per (rater, group)
    count = np.bincount(cell)
    mean = np.bincount(cell, weights=table.stars) / count
    return (count[cell] >= 2) & (styles[style] != ""), table.stars - mean[cell]


def _modal_share(stars: np.ndarray, index: np.ndarray, ends: tuple[float, float] | None = None) -> np.ndarray:
    """Per rater: the share of its ratings that give its most frequent star value (values in ``ends`` not counted)."""
    levels, level = np.unique(stars, return_inverse=True)
    counts = np.zeros((index.max() + 1 if len(index) else 0, len(levels)))
    np.add.at(counts, (index, level), 1.0)
    if ends is not None:
        counts[:, np.isin(levels, ends)] = 0.0
    if counts.size == 0:  # an iteration that asked no stars (pairwise questions only)
        return np.zeros(len(counts))
    return counts.max(axis=1) / np.maximum(np.bincount(index, minlength=len(counts)), 1.0)


def _flags(checks: dict[str, np.ndarray]) -> tuple[np.ndarray, list[str]]:
    """Raters any check flags, each with the checks that did, comma-separated."""
    flagged = np.logical_or.reduce(list(checks.values()))
    reason = [", ".join(name for name, hit in checks.items() if hit[i]) for i in range(len(flagged))]
    return flagged, reason


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
