"""The paper's similarity: eq. 3 codebook usage of the shipped VQ-VAE, compared by cosine (eq. 4).

>>> sim = CodebookSimilarity("vqvae")
>>> images = np.random.default_rng(0).integers(0, 255, (3, 64, 64), dtype=np.uint8)
>>> rows = sim.represent(images)
>>> rows.shape, bool(np.allclose(rows.sum(1), 1))
((3, 128), True)
>>> float(sim.similarity(rows[0], rows[0])) == 1.0
True
"""
from __future__ import annotations

import numpy as np

from hcbench.audio.mel import MelConfig
from hcbench.errors import ConfigError
from hcbench.models.vqvae.io import load_vqvae
from hcbench.models.vqvae.usage import normalise, pooled_usage
from hcbench.similarity.base import cosine
from hcbench.similarity.geometry import image_adapter

REPRESENTATIONS = ("usage", "head")


class CodebookSimilarity:
    """``represent`` / ``represent_set`` / ``similarity`` over a trained VQ-VAE.

    ``representation``: ``usage`` is eq. 3 itself (K numbers summing to 1, cosines in [0, 1]);
    ``head`` maps that usage through the metric-learning head (cosines in [-1, 1]).
    ``mel``: the geometry of the images it will be given (the generator's); None means the
    VQ-VAE's own. Other geometries are resized or refused, see :mod:`hcbench.similarity.geometry`.
    """

    def __init__(self, path: str = "vqvae", representation: str = "usage", mel: MelConfig | None = None):
        if representation not in REPRESENTATIONS:
            raise ConfigError(f"similarity.representation must be one of {list(REPRESENTATIONS)}, "
                              f"got {representation!r}")
        self.loaded = load_vqvae(path)
        self.representation = representation
        self.mel = mel or self.loaded.mel  # the geometry callers' images are in
        self._adapt = image_adapter(mel, self.loaded.mel)

    @property
    def dim(self) -> int:
        cfg = self.loaded.model.cfg
        return cfg.codebook_size if self.representation == "usage" else cfg.head_dim

    def counts(self, images: np.ndarray) -> np.ndarray:
        """(n, K) nearest-code counts of each image: what eq. 3 sums."""
        return self.loaded.model.usage_counts(self._adapt(images))

    def represent(self, images: np.ndarray) -> np.ndarray:
        """One row per image (one clip per song)."""
        return self._finish(normalise(self.counts(images)))

    def represent_set(self, images: np.ndarray) -> np.ndarray:
        """One vector for all the images together: counts pooled over every clip, then normalised (eq. 3)."""
        return self._finish(pooled_usage(self.counts(images))[None])[0]

    def similarity(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return cosine(a, b)

    def _finish(self, usage: np.ndarray) -> np.ndarray:
        return usage if self.representation == "usage" else self.loaded.model.head_embedding(usage)
