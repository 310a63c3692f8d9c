import numpy as np

from hcbench.metrics.descriptors import N_BANDS, describe_spectrograms


def _image(rows, columns=slice(None), size=32, level=255):
    image = np.zeros((size, size), dtype=np.uint8)
    image[rows, columns] = level
    return image


def test_spectral_balance_follows_the_energy():
    low, high = describe_spectrograms(np.stack([_image(slice(0, 4)), _image(slice(28, 32))]))
    assert low[0] > low[N_BANDS - 1] and high[N_BANDS - 1] > high[0]
    centroid = 4 * N_BANDS
    assert high[centroid] > low[centroid]


def test_onsets_raise_the_flux_features():
    sustained = _image(slice(10, 12))
    struck = np.zeros_like(sustained)
    struck[10:12, ::4] = 255  # repeated short notes
    flux_index = 4 * N_BANDS + 2
    a, b = describe_spectrograms(np.stack([sustained, struck]))
    assert b[flux_index] > a[flux_index] + 0.1


def test_resolution_independent_width_and_deterministic():
    small = describe_spectrograms(np.random.default_rng(0).integers(0, 255, (3, 32, 32), dtype=np.uint8))
    large = describe_spectrograms(np.random.default_rng(0).integers(0, 255, (3, 64, 64), dtype=np.uint8))
    assert small.shape[1] == large.shape[1]
    np.testing.assert_array_equal(small, describe_spectrograms(np.random.default_rng(0).integers(0, 255, (3, 32, 32), dtype=np.uint8)))
