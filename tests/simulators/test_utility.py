"""True utility: taste match plus a manifold quality term that no taste can outweigh."""
import numpy as np
import pytest

from hcbench.errors import ConfigError
from simulators import Songs, build_population, ground_truth
from simulators.utility import Manifold, UtilityConfig, utility
from tests.simulators.conftest import population_config, songs_like_corpus

EVERY_TASTE = {"honest": 0.3, "drifting": 0.2, "colluder": 0.2, "lenient": 0.3}


def test_noise_cannot_please_anyone(space):
    population = build_population(population_config(EVERY_TASTE), space, 300, seed=0)
    truth = ground_truth(population)
    rng = np.random.default_rng(0)
    noise = Songs(10.0 * rng.standard_normal((50, space.dim)), 3.0)  # far off the three-style manifold
    music = songs_like_corpus(space, 50)
    assert truth.utility(noise).max() < 0.01
    assert truth.quality(noise).max() < -9
    assert truth.utility(music).max(axis=0).min() > 0.4  # every corpus-like song pleases someone
    assert population.rate(noise).stars[truth.profile_labels == "honest"].mean() < 1.3


def test_utility_rises_with_taste_and_with_quality():
    cfg = UtilityConfig()
    by_taste = utility(np.array([-2.0, 0.0, 2.0]), np.zeros(3), cfg)
    by_quality = utility(np.zeros(3), np.array([-6.0, -2.0, 0.0]), cfg)
    assert np.all(np.diff(by_taste) > 0) and np.all(np.diff(by_quality) > 0)
    assert utility(np.array([100.0]), np.array([0.0]), cfg) == utility(np.array([2.5]), np.array([0.0]), cfg)


def test_manifold_is_judged_on_held_out_reference(space):
    manifold = Manifold(space.reference, seed=0)
    assert manifold.gmm.n_components == 6
    typical = manifold.typicality(space.reference)
    assert abs(np.median(typical)) < 0.3  # held-out and fitted clips alike sit near 0
    assert manifold.quality(space.reference[:5] * 5).max() < -5


def test_wide_spaces_are_reduced_before_the_mixture():
    reference = np.random.default_rng(0).standard_normal((300, 64))
    manifold = Manifold(reference, max_dims=16)
    assert manifold.pca.n_components_ == 16 and manifold.quality(reference[:3] * 4).max() < 0


def test_a_wide_space_with_fewer_reference_clips_than_max_dims_still_fits():
    """The VQ-VAE embedder's 128 dimensions on a 27-clip corpus: PCA keeps at most one component per point."""
    reference = np.random.default_rng(0).standard_normal((27, 128))
    manifold = Manifold(reference, max_dims=32)
    assert manifold.pca.n_components_ == 27 and np.isfinite(manifold.quality(reference[:3])).all()


def test_bad_weights_are_refused():
    with pytest.raises(ConfigError, match="noise must never please anyone"):
        UtilityConfig(quality_weight=0.0)
    with pytest.raises(ConfigError, match="match_limit must be positive"):
        UtilityConfig(match_limit=0.0)
