"""The rating function R (paper eq. 1) and the fine-tuning confidence c (eq. 2)."""
from __future__ import annotations

import numpy as np

from hcbench.loop.config import RatingConfig

MIN_STARS, MAX_STARS = 1.0, 5.0


def normalised_stars(stars) -> np.ndarray:
    """1..5 stars -> 0..1."""
    return (np.asarray(stars, np.float64) - MIN_STARS) / (MAX_STARS - MIN_STARS)


def listen_fraction(listen_seconds, song_seconds) -> np.ndarray:
    return np.clip(np.asarray(listen_seconds, np.float64) / np.asarray(song_seconds, np.float64), 0.0, 1.0)


def rating_function(stars, listen_seconds, song_seconds, similarity, cfg: RatingConfig) -> np.ndarray:
    """R = weighted mean of normalised stars, normalised listening and output-input similarity.

    The paper's weights are equal; ``similarity`` is a cosine, of which only agreement (>= 0) counts.

    >>> float(rating_function(5.0, 30.0, 30.0, 1.0, RatingConfig()))
    1.0
    >>> round(float(rating_function(3.0, 15.0, 30.0, -0.2, RatingConfig())), 3)
    0.333
    """
    parts = (normalised_stars(stars), listen_fraction(listen_seconds, song_seconds),
             np.clip(np.asarray(similarity, np.float64), 0.0, 1.0))
    weights = (cfg.stars_weight, cfg.listen_weight, cfg.similarity_weight)
    return sum(w * p for w, p in zip(weights, parts)) / sum(weights)


def confidence(stars, listen_seconds, song_seconds, cfg: RatingConfig) -> np.ndarray:
    """Eq. 2's c in [0, 1]: the weighted mean of normalised stars and listening."""
    share = cfg.confidence_stars_share
    return share * normalised_stars(stars) + (1 - share) * listen_fraction(listen_seconds, song_seconds)
