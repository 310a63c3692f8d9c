"""Eq. 3: usage per song, pooled usage per set, and codebook perplexity."""
import numpy as np

from hcbench.models.vqvae.usage import normalise, perplexity, pooled_usage


def test_a_set_is_its_songs_counts_pooled():
    rng = np.random.default_rng(0)
    counts = rng.integers(0, 20, size=(4, 16)).astype(float)  # four songs' code counts
    pooled = pooled_usage(counts)
    np.testing.assert_allclose(pooled, counts.sum(0) / counts.sum())
    # equivalently: the songs' usages averaged with weights = their number of encoder positions
    np.testing.assert_allclose(pooled, np.average(normalise(counts), axis=0, weights=counts.sum(1)))
    assert np.isclose(pooled.sum(), 1.0)


def test_one_song_pooled_is_its_usage_and_zero_counts_stay_zero():
    counts = np.array([[0.0, 3.0, 1.0]])
    np.testing.assert_allclose(pooled_usage(counts), normalise(counts)[0])
    np.testing.assert_array_equal(normalise(np.zeros((2, 3))), np.zeros((2, 3)))


def test_perplexity_spans_one_to_k():
    assert perplexity(np.array([5.0, 0, 0, 0])) == 1.0
    assert np.isclose(perplexity(np.ones(64)), 64.0)
    assert 1.0 < perplexity(np.array([8.0, 1, 1, 0])) < 3.0
