"""Response model: from a (reported) utility to what a platform observes. Vectorised; shapes broadcast.

Stars are 1 to 5 in steps of 0.5 (the paper's scale); listening time has early skips
for disliked songs; a pairwise choice follows Bradley-Terry on utility.
"""
from __future__ import annotations

import numpy as np
from scipy.special import expit

SKIP_SHARPNESS = 0.05  # utility width over which skipping goes from likely to unlikely
EARLY_SKIP = (0.05, 0.3)  # share of a song heard before an early skip: low, high


def quantise_stars(latent: np.ndarray) -> np.ndarray:
    """Round to the nearest half star inside 1..5.

    >>> quantise_stars(np.array([0.2, 2.74, 2.76, 9.0])).tolist()
    [1.0, 2.5, 3.0, 5.0]
    """
    return np.clip(np.round(np.asarray(latent) * 2.0) / 2.0, 1.0, 5.0)


def stars_from_utility(u, bias, scale, noise, rng: np.random.Generator) -> np.ndarray:
    """3 stars at utility 0.5, scale * 2 stars either side at 0 and 1, shifted by bias, blurred by noise.

    >>> stars_from_utility(np.array([0.0, 0.5, 1.0]), 0.0, 1.0, 0.0, np.random.default_rng(0)).tolist()
    [1.0, 3.0, 5.0]
    """
    u = np.asarray(u, np.float32)
    latent = 3.0 + 2.0 * scale * (2.0 * u - 1.0) + bias
    return quantise_stars(latent + noise * rng.standard_normal(u.shape, dtype=np.float32)).astype(np.float32)


def engaged_fraction(u, skip_below, rng: np.random.Generator) -> np.ndarray:
    """Share of a song an attentive listener plays: skipped early when disliked, played (nearly) out when liked.

    >>> disliked, loved = engaged_fraction(np.array([0.0, 1.0]), 0.3, np.random.default_rng(0))
    >>> bool(disliked <= 0.3), float(loved)
    (True, 1.0)
    """
    u = np.asarray(u, np.float32)
    skip = rng.random(u.shape, dtype=np.float32) < expit((skip_below - u) / SKIP_SHARPNESS)
    early = EARLY_SKIP[0] + (EARLY_SKIP[1] - EARLY_SKIP[0]) * rng.random(u.shape, dtype=np.float32)
    full = 1.0 - 0.5 * (1.0 - u) * rng.random(u.shape, dtype=np.float32)  # stops a little early on lukewarm songs
    return np.where(skip, early, full).astype(np.float32)


def brief_fraction(shape, low, high, rng: np.random.Generator) -> np.ndarray:
    """Share of a song a rater who only glances plays: uniform in [low, high]."""
    return (low + (high - low) * rng.random(shape, dtype=np.float32)).astype(np.float32)


def preference_probability(u_first, u_second, temperature) -> np.ndarray:
    """Bradley-Terry: P(first is preferred) = sigmoid((u_first - u_second) / temperature).

    >>> preference_probability(np.array([0.6, 0.5]), np.array([0.5, 0.5]), 0.1).round(3).tolist()
    [0.731, 0.5]
    """
    return expit((np.asarray(u_first) - np.asarray(u_second)) / temperature)
