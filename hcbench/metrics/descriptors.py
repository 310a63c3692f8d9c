"""A fixed, training-free descriptor embedding of spectrogram images.

It summarises what a listener hears in a clip (spectral balance, dynamics over time,
onsets, tonal peakiness) at any image resolution, so Frechet distances between sets
of spectrograms can be compared across models without a learned embedder.
"""
from __future__ import annotations

import numpy as np

N_BANDS = 16  # frequency resolution of the descriptor, independent of the image's


def describe_spectrograms(images: np.ndarray) -> np.ndarray:
    """uint8 (n, bands, frames) -> float64 (n, 4 * N_BANDS + 6) descriptors.

    >>> describe_spectrograms(np.zeros((2, 32, 32), dtype=np.uint8)).shape
    (2, 70)
    """
    level = np.asarray(images, dtype=np.float64) / 255.0
    bands = _pool_bands(level)
    flux = np.clip(np.diff(bands, axis=2), 0, None)
    return np.concatenate(
        [
            bands.mean(axis=2),  # spectral balance
            bands.std(axis=2),  # how much each band moves over time
            flux.mean(axis=2),  # onset strength per band
            _band_peak_fraction(bands),  # how often a band is near its peak (sustain)
            _global_features(level, flux),
        ],
        axis=1,
    )


def _pool_bands(level: np.ndarray) -> np.ndarray:
    """Average adjacent mel rows into N_BANDS bands."""
    edges = np.linspace(0, level.shape[1], N_BANDS + 1).round().astype(int)
    return np.stack([level[:, a:b].mean(axis=1) for a, b in zip(edges[:-1], edges[1:])], axis=1)


def _band_peak_fraction(bands: np.ndarray) -> np.ndarray:
    return (bands > 0.75).mean(axis=2)


def _global_features(level: np.ndarray, flux: np.ndarray) -> np.ndarray:
    rows = np.arange(level.shape[1])[None, :, None]
    energy = level.sum(axis=1, keepdims=True) + 1e-9
    centroid = (level * rows).sum(axis=1) / energy[:, 0] / level.shape[1]  # (n, frames)
    onset = flux.sum(axis=1)  # (n, frames - 1)
    peakiness = level.max(axis=1) - level.mean(axis=1)  # tonal peaks stand above the frame mean
    return np.stack(
        [
            centroid.mean(axis=1),
            centroid.std(axis=1),
            onset.mean(axis=1),
            onset.std(axis=1),
            peakiness.mean(axis=1),
            (level > 0.1).mean(axis=(1, 2)),  # how much of the image holds sound at all
        ],
        axis=1,
    )
