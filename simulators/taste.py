"""Tastes: unit directions in the embedding space that say what a rater likes.

A taste comes from a population cluster (k-means centres of the corpus reference),
from example songs the rater likes (their mean), or from a text prompt (CLAP). The
taste match of a song is its projection on the direction in corpus standard
deviations, so every rater's matches are on one scale. Drifting raters rotate from
their first taste towards a second one as they rate.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from hcbench.errors import ConfigError
from hcbench.threads import single_thread

SOURCES = ("clusters", "styles", "prompts")


@dataclass(frozen=True)
class TasteConfig:
    """Where a population's tastes come from."""

    source: str = "clusters"  # clusters (k-means of the corpus), styles (mean of one label's clips) or prompts (CLAP)
    clusters: int = 4  # taste clusters when source=clusters (at least 2: the reference is centred on 0)
    weights: list[float] | None = None  # share of raters per centre (a favourite makes a shared taste); None: equal
    style_key: str = "collection"  # corpus label whose values are styles (source=styles, and colluders' style)
    prompts: list[str] = field(default_factory=list)  # text tastes when source=prompts; each rater draws one
    cluster_seed: int = 0  # k-means seed: the clusters belong to the corpus, not to one draw of raters
    spread: float = 0.5  # how far a rater strays from its centre (0: all alike; 0.5: ~24 degrees)

    def __post_init__(self):
        if self.source not in SOURCES:
            raise ConfigError(f"taste.source must be one of {list(SOURCES)}, got {self.source!r}")
        if self.clusters < 2 or self.spread < 0:
            raise ConfigError(f"taste.clusters must be >= 2 (the mean of a centred corpus has no direction; use "
                              f"taste.weights for a shared taste) and taste.spread >= 0, got {self.clusters}, {self.spread}")
        if self.weights is not None and (min(self.weights) < 0 or sum(self.weights) <= 0):
            raise ConfigError(f"taste.weights must be >= 0 with a positive sum, got {self.weights}")
        if self.source == "prompts" and not self.prompts:
            raise ConfigError("taste.source=prompts needs taste.prompts, e.g. [\"a calm piano piece\"]")


def unit_rows(vectors: np.ndarray) -> np.ndarray:
    """Each row scaled to length 1 (zero rows stay zero).

    >>> unit_rows(np.array([[3.0, 4.0], [0.0, 0.0]])).tolist()
    [[0.6, 0.8], [0.0, 0.0]]
    """
    vectors = np.asarray(vectors, np.float64)
    norms = np.linalg.norm(vectors, axis=-1, keepdims=True)
    return np.divide(vectors, norms, out=np.zeros_like(vectors), where=norms > 0)


def cluster_centres(reference: np.ndarray, k: int, seed: int = 0) -> np.ndarray:
    """(k, dim) unit directions of k-means centres of the reference: the population's taste clusters."""
    from sklearn.cluster import KMeans

    k = min(k, len(reference))
    with single_thread():
        km = KMeans(n_clusters=k, n_init=4, random_state=seed).fit(np.asarray(reference, np.float64))
    return unit_rows(km.cluster_centers_)


def style_centres(reference: np.ndarray, labels: list[dict], key: str) -> dict[str, np.ndarray]:
    """Style name -> unit direction of the mean of that style's reference clips (its example songs)."""
    values = np.array([str(label.get(key, "")) for label in labels])
    names = sorted(set(values) - {""})
    if not names:
        raise ConfigError(f"no reference clip has a {key!r} label; choose taste.style_key from the corpus labels")
    return {name: taste_from_examples(reference[values == name]) for name in names}


def taste_from_examples(liked: np.ndarray) -> np.ndarray:
    """A rater who likes these songs: the unit direction of their mean embedding.

    >>> taste_from_examples(np.array([[1.0, 1.0], [1.0, -1.0]])).tolist()
    [1.0, 0.0]
    """
    return unit_rows(np.asarray(liked, np.float64).mean(axis=0))


def scatter(centres: np.ndarray, spread: float, rng: np.random.Generator) -> np.ndarray:
    """One taste per centre row, pushed off it by isotropic noise of length ~``spread``."""
    noise = rng.standard_normal(centres.shape) / np.sqrt(centres.shape[1])
    return unit_rows(centres + spread * noise)


def match_scale(tastes: np.ndarray, covariance: np.ndarray) -> np.ndarray:
    """Corpus sd of each taste's projection, sqrt(t' C t): divides matches onto one scale."""
    return np.sqrt(np.maximum(np.einsum("rd,de,re->r", tastes, covariance, tastes), 1e-12))


def drifted(start: np.ndarray, target: np.ndarray, angle: np.ndarray) -> np.ndarray:
    """Rotate each start row towards its target row by ``angle`` radians, stopping at the target.

    >>> drifted(np.array([[1.0, 0.0]]), np.array([[0.0, 1.0]]), np.array([np.pi / 4])).round(3).tolist()
    [[0.707, 0.707]]
    """
    between = np.arccos(np.clip((start * target).sum(axis=-1), -1.0, 1.0))
    theta = np.minimum(angle, between)[:, None]
    across = unit_rows(target - (start * target).sum(axis=-1, keepdims=True) * start)
    return unit_rows(np.cos(theta) * start + np.sin(theta) * across)
