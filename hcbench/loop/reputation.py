"""Rater reputation that compares like with like (``loop.qc.reputation_method=correlation``).

The consensus-distance reputation (``agreement``) scores a rater by how far its stars sit from
the others' on the same songs. That punishes whoever differs from the majority: a harsher
scale, a wider one, or a minority taste. Here a rater is judged on the *shape* of its stars:
their correlation, over its songs, with the trusted crowd's consensus on the same songs, each
rater's stars taken from its own mean first (its leniency is its own business). Raters of every
taste agree with the crowd on what does not depend on taste (a song off the music manifold is
worse for everyone), so an honest minority keeps a positive correlation, while a saboteur who
inverts what it hears runs against the crowd. With ``taste_factors`` = k the k leading taste
directions of the rating matrix (its singular vectors, after the consensus is taken out) are
partialled out of both sides first, so that only the taste-independent part is compared.

The consensus is robust by reweighting: each round, raters count in proportion to their own
positive correlation, so inverters and those the listening check distrusts stop shaping it.
A rater is flagged when its correlation lies below 0 with confidence: Fisher's z times
sqrt(ratings - 3 - k) under ``flag_z``, so that a rater with few ratings is not flagged on noise.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

ROUNDS = 5  # reweighting rounds: weights settle within 3-4 on replayed runs
MAX_RHO = 0.999  # keeps Fisher's z finite


@dataclass(frozen=True)
class Reputation:
    rho: np.ndarray  # per rater: correlation with the trusted consensus (NaN: not measurable)
    z: np.ndarray  # per rater: Fisher z of rho times sqrt(degrees of freedom); 0 where not measurable


def correlation_reputation(rater_index: np.ndarray, song: np.ndarray, stars: np.ndarray, trusted: np.ndarray,
                           taste_factors: int = 0) -> Reputation:
    """Each rater's correlation with the leave-one-out consensus of trusted raters on its songs.

    ``rater_index`` runs 0..n_raters-1 (``np.unique``'s inverse); ``trusted`` (per rater) says who may
    shape the consensus from the start.

    >>> rater = np.repeat([0, 1, 2, 3], 6); song = np.tile(np.arange(6), 4)
    >>> quality = np.array([1.0, 2.0, 3.0, 4.0, 5.0, 3.0])
    >>> stars = np.concatenate([quality, quality + 0.5, np.minimum(quality + 1, 5), 6 - quality])  # 3 inverts
    >>> rep = correlation_reputation(rater, song, stars, np.ones(4, bool))
    >>> bool((rep.rho[:3] > 0.9).all()), bool(rep.rho[3] < -0.9)
    (True, True)
    """
    n_raters = len(trusted)
    songs, s = np.unique(song, return_inverse=True)
    x = np.full((n_raters, len(songs)), np.nan)
    x[rater_index, s] = stars
    observed = ~np.isnan(x)
    x = np.where(observed, x - _row_means(x, observed)[:, None], 0.0)
    weight = trusted.astype(np.float64)
    for _ in range(ROUNDS):
        consensus, has = _leave_one_out(x, observed, weight)
        factors = _taste_factors(x, observed, weight, taste_factors)
        rho, dof = _partial_correlations(x, consensus, observed & has, factors)
        weight = np.where(trusted, np.clip(np.nan_to_num(rho), 0.0, 1.0), 0.0)
    z = np.arctanh(np.clip(np.nan_to_num(rho), -MAX_RHO, MAX_RHO)) * np.sqrt(np.maximum(dof, 0))
    return Reputation(rho, np.where(dof > 0, z, 0.0))


def _row_means(x: np.ndarray, observed: np.ndarray) -> np.ndarray:
    counts = observed.sum(axis=1)
    return np.where(observed, x, 0.0).sum(axis=1) / np.maximum(counts, 1)


def _leave_one_out(x: np.ndarray, observed: np.ndarray, weight: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per (rater, song): the weighted mean of the other raters' centred stars, and whether any weight is there."""
    w = observed * weight[:, None]
    total, mass = (x * w).sum(axis=0), w.sum(axis=0)
    others = mass[None, :] - w
    has = others > 1e-9
    return np.where(has, (total[None, :] - x * w) / np.where(has, others, 1.0), 0.0), has


def _taste_factors(x: np.ndarray, observed: np.ndarray, weight: np.ndarray, k: int) -> np.ndarray | None:
    """(songs, k) leading taste directions of the trusted ratings, orthogonal to the crowd's mean opinion."""
    if k <= 0:
        return None
    w = observed * weight[:, None]
    mean = (x * w).sum(axis=0) / np.maximum(w.sum(axis=0), 1e-9)
    _, _, vt = np.linalg.svd(x * np.sqrt(weight)[:, None], full_matrices=False)
    factors = vt[:k].T
    return factors - np.outer(mean, mean @ factors) / max(float(mean @ mean), 1e-12)


def _partial_correlations(x, consensus, usable, factors) -> tuple[np.ndarray, np.ndarray]:
    """Per rater: correlation of its stars with the consensus over its usable songs (taste factors
    partialled out when given) and the degrees of freedom behind it."""
    k = 0 if factors is None else factors.shape[1]
    rho, dof = np.full(len(x), np.nan), np.zeros(len(x))
    for r in range(len(x)):
        cols = np.flatnonzero(usable[r])
        if len(cols) < k + 4:
            continue
        design = np.ones((len(cols), 1)) if factors is None else np.column_stack([np.ones(len(cols)), factors[cols]])
        a, b = _residual(design, x[r, cols]), _residual(design, consensus[r, cols])
        scale = np.sqrt((a @ a) * (b @ b))
        if scale > 1e-12:
            rho[r], dof[r] = a @ b / scale, len(cols) - 3 - k
    return rho, dof


def _residual(design: np.ndarray, y: np.ndarray) -> np.ndarray:
    return y - design @ np.linalg.lstsq(design, y, rcond=None)[0]
