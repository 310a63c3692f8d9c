"""CodebookSimilarity on the shipped VQ-VAE: eq. 3 rows, pooled sets, cosine ranges."""
import numpy as np
import pytest

from hcbench.errors import ConfigError
from hcbench.models.vqvae.usage import normalise
from hcbench.similarity.codebook import CodebookSimilarity
from tests.similarity.songs import song_clips


@pytest.fixture(scope="module")
def usage_similarity():
    return CodebookSimilarity("vqvae")


def test_rows_are_usages_and_cosines_lie_in_zero_one(usage_similarity):
    images = song_clips(seeds=range(5))
    rows = usage_similarity.represent(images)
    k = usage_similarity.loaded.model.cfg.codebook_size
    assert rows.shape == (5, k) and usage_similarity.dim == k
    np.testing.assert_allclose(rows.sum(1), 1.0)
    s = usage_similarity.similarity(rows, rows)
    assert s.shape == (5, 5) and s.min() >= 0.0 and s.max() <= 1.0
    np.testing.assert_allclose(np.diag(s), 1.0)


def test_a_set_is_the_pooled_counts_of_its_songs(usage_similarity):
    images = song_clips(seeds=range(4))
    counts = usage_similarity.counts(images)
    np.testing.assert_allclose(usage_similarity.represent_set(images), counts.sum(0) / counts.sum())
    np.testing.assert_allclose(usage_similarity.represent_set(images[:1]), usage_similarity.represent(images[:1])[0])
    # every clip has the same number of positions, so the set is also the mean of the songs' usages
    np.testing.assert_allclose(usage_similarity.represent_set(images), usage_similarity.represent(images).mean(0))


def test_head_rows_are_unit_vectors_of_the_pooled_usage():
    head = CodebookSimilarity("vqvae", representation="head")
    images = song_clips(seeds=range(3))
    rows = head.represent(images)
    assert rows.shape == (3, head.dim) and head.dim == head.loaded.model.cfg.head_dim
    np.testing.assert_allclose(np.linalg.norm(rows, axis=1), 1.0, rtol=1e-5)
    pooled = normalise(head.counts(images).sum(0))
    np.testing.assert_allclose(head.represent_set(images), head.loaded.model.head_embedding(pooled)[0])
    assert -1.0 <= head.similarity(rows, rows).min() <= 1.0


def test_unknown_representation_is_a_config_error():
    with pytest.raises(ConfigError, match="similarity.representation must be one of"):
        CodebookSimilarity("vqvae", representation="codes")
