"""DescriptorSimilarity: a fixed standardisation, mean rows for sets."""
import numpy as np

from hcbench.metrics.descriptors import describe_spectrograms
from hcbench.similarity.descriptor import DescriptorSimilarity
from tests.similarity.songs import song_clips


def test_scale_is_fixed_by_the_first_images_and_then_kept():
    images = song_clips(seeds=range(6))
    sim = DescriptorSimilarity()
    rows = sim.represent(images)
    np.testing.assert_allclose(rows.mean(0), 0.0, atol=1e-9)  # standardised on these very images
    later = sim.represent(images[:2])  # a later call reuses the scale: the same rows, not re-standardised
    np.testing.assert_allclose(later, rows[:2])


def test_fit_sets_the_reference_and_a_set_is_the_mean_row():
    reference, images = song_clips(seeds=range(10, 16)), song_clips(seeds=range(3))
    sim = DescriptorSimilarity().fit(reference)
    described = describe_spectrograms(reference)
    scale = np.where(described.std(0) > 1e-9, described.std(0), 1.0)
    np.testing.assert_allclose(sim.represent(images), (describe_spectrograms(images) - described.mean(0)) / scale)
    np.testing.assert_allclose(sim.represent_set(images), sim.represent(images).mean(0))
    s = sim.similarity(sim.represent(images), sim.represent_set(images))
    assert s.shape == (3,) and (-1 <= s).all() and (s <= 1).all()
