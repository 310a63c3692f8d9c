"""The similarity the loop uses (R's similarity term, the purge cycle's near-duplicate test).

Any class with these three methods serves; conf/similarity/ picks one and the loop builds
it with ``hydra.utils.instantiate(cfg.similarity)``.
"""
from __future__ import annotations

from typing import Protocol

import numpy as np


class SongSimilarity(Protocol):
    """Songs as vectors, and the cosine between them (paper eq. 4)."""

    def represent(self, images: np.ndarray) -> np.ndarray:
        """uint8 spectrograms (n, H, W) of n songs, one clip each -> (n, d) float rows."""
        ...

    def represent_set(self, images: np.ndarray) -> np.ndarray:
        """uint8 spectrograms (n, H, W) of a set of songs -> one (d,) representation of the set."""
        ...

    def similarity(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Cosine of rows: (d,) x (d,) -> scalar array, (n, d) x (m, d) -> (n, m)."""
        ...


def cosine(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Cosine similarity of every row of ``a`` with every row of ``b``; a zero row has similarity 0.

    >>> cosine(np.array([1.0, 0.0]), np.array([[1.0, 0.0], [0.0, 2.0], [-3.0, 0.0]]))
    array([ 1.,  0., -1.])
    """
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    out = _unit_rows(np.atleast_2d(a)) @ _unit_rows(np.atleast_2d(b)).T
    out = np.clip(out, -1.0, 1.0)
    if a.ndim == 1 and b.ndim == 1:
        return out[0, 0]
    return out[0] if a.ndim == 1 else out[:, 0] if b.ndim == 1 else out


def _unit_rows(x: np.ndarray) -> np.ndarray:
    norm = np.linalg.norm(x, axis=1, keepdims=True)
    return x / np.where(norm > 0, norm, 1.0)
