"""True utility: how much a rater would enjoy a song, known only to the simulator.

utility = sigmoid(taste_weight * taste match + quality_weight * quality + offset), in (0, 1).
The taste match is a rater's taste direction projected on the song, in corpus standard
deviations (clipped). The quality term is 0 for songs as typical as corpus music and
falls linearly, without bound, as a Gaussian mixture fitted to the corpus reference finds
the song less likely: white noise heard through the channel sits ~9 robust sds below
corpus music, so far off the music manifold that no taste can make up for it.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import expit

from hcbench.errors import ConfigError
from hcbench.threads import single_thread


@dataclass(frozen=True)
class UtilityConfig:
    """How taste and quality combine into the hidden utility."""

    taste_weight: float = 1.2  # logit per corpus standard deviation of taste match: how much taste decides
    quality_weight: float = 1.0  # logit per robust sd of corpus log-density below typical music (noise: ~-9 sds)
    offset: float = 0.5  # logit of typical corpus music at neutral taste (0.5: utility 0.62, ~3.5 honest stars)
    match_limit: float = 2.5  # taste match is clipped to +-this many corpus sds: taste alone cannot rescue noise
    components: int = 6  # Gaussian mixture components of the manifold density (fewer for small references)
    regularisation: float = 0.05  # variance added to each component, in corpus sds squared: smooths the manifold

    def __post_init__(self):
        if self.taste_weight < 0 or self.quality_weight <= 0:
            raise ConfigError("utility.taste_weight must be >= 0 and utility.quality_weight > 0 "
                              f"(got {self.taste_weight}, {self.quality_weight}): noise must never please anyone")
        if self.match_limit <= 0:
            raise ConfigError(f"utility.match_limit must be positive, got {self.match_limit}")
        if self.components < 1 or self.regularisation <= 0:
            raise ConfigError(f"utility.components must be >= 1 and utility.regularisation > 0, got "
                              f"{self.components}, {self.regularisation}")


class Manifold:
    """Density of the corpus reference; ``quality(x)`` <= 0 says how far below typical music a song lies.

    A Gaussian mixture is fitted on 80% of the reference and judged on the other 20%, so
    "typical" means typical of corpus music the mixture has not seen (in-sample scores
    flatter the tails). Spaces wider than ``max_dims`` are reduced by PCA first.
    """

    def __init__(self, reference: np.ndarray, components: int = 6, regularisation: float = 0.05, seed: int = 0,
                 max_dims: int = 32):
        from sklearn.decomposition import PCA
        from sklearn.mixture import GaussianMixture

        reference = np.asarray(reference, np.float64)
        order = np.random.default_rng(seed).permutation(len(reference))
        held = order[: len(reference) // 5] if len(reference) >= 50 else order  # tiny references: judge in-sample
        fit = order[len(held):] if len(reference) >= 50 else order
        dims = min(max_dims, len(fit))  # PCA cannot keep more components than it has points (small references)
        self.pca = PCA(dims, random_state=seed).fit(reference[fit]) if reference.shape[1] > dims else None
        points = self._project(reference[fit])
        k = int(max(1, min(components, len(points) // (4 * points.shape[1]))))  # >= 4*dim points per component
        self.gmm = GaussianMixture(k, covariance_type="full", reg_covar=regularisation, random_state=seed)
        with single_thread():
            self.gmm.fit(points)
        scores = self.gmm.score_samples(self._project(reference[held]))
        self.median = float(np.median(scores))
        self.spread = float(np.median(np.abs(scores - self.median)) * 1.4826) or 1.0  # robust sd of corpus music

    def typicality(self, x: np.ndarray) -> np.ndarray:
        """Log-density in robust sds of held-out corpus music from its median: ~N(0, 1) there, far below for noise."""
        return (self.gmm.score_samples(self._project(np.atleast_2d(x))) - self.median) / self.spread

    def quality(self, x: np.ndarray) -> np.ndarray:
        """0 for songs at least as typical as the median corpus clip, minus one per robust sd below it.

        >>> m = Manifold(np.random.default_rng(0).standard_normal((400, 2)))
        >>> m.quality(np.array([[0.0, 0.0], [1.5, 1.5], [8.0, 8.0]])).round(1).tolist()
        [0.0, -2.4, -144.1]
        """
        return np.minimum(self.typicality(x), 0.0) + 0.0

    def _project(self, x: np.ndarray) -> np.ndarray:
        return x if self.pca is None else self.pca.transform(x)


def utility(match: np.ndarray, quality: np.ndarray, cfg: UtilityConfig) -> np.ndarray:
    """Bounded utility in (0, 1) from taste match (corpus sds) and quality (<= 0); broadcasts.

    >>> match, quality = np.array([0.0, 2.0, 9.0]), np.array([0.0, 0.0, -9.0])  # typical, to taste, noise to taste
    >>> typical, to_taste, noise_to_taste = utility(match, quality, UtilityConfig())
    >>> round(float(typical), 3), round(float(to_taste), 3), round(float(noise_to_taste), 3)
    (0.622, 0.948, 0.004)
    """
    taste = cfg.taste_weight * np.clip(match, -cfg.match_limit, cfg.match_limit)
    logit = taste + cfg.quality_weight * quality + cfg.offset
    return expit(logit)  # the logistic function, without overflow for noise's very negative logits
