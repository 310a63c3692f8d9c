"""Response model: half stars, listening with skips, Bradley-Terry."""
import numpy as np
import pytest

from simulators.response import (
    brief_fraction, engaged_fraction, preference_probability, quantise_stars, stars_from_utility,
)


def test_stars_are_half_steps_from_1_to_5_and_follow_utility():
    rng = np.random.default_rng(0)
    u = np.linspace(0, 1, 11)
    assert stars_from_utility(u, 0.0, 1.0, 0.0, rng).tolist() == [1.0, 1.5, 2.0, 2.0, 2.5, 3.0, 3.5, 4.0, 4.0, 4.5, 5.0]
    noisy = stars_from_utility(np.full(10000, 0.5), 0.5, 1.0, 0.4, rng)
    assert set(np.unique(noisy * 2) % 1) == {0.0} and noisy.mean() == pytest.approx(3.5, abs=0.02)
    assert quantise_stars(np.array([-3.0, 7.0])).tolist() == [1.0, 5.0]


def test_disliked_songs_are_skipped_early_liked_ones_played_out():
    rng = np.random.default_rng(0)
    disliked = engaged_fraction(np.full(5000, 0.1), 0.3, rng)
    liked = engaged_fraction(np.full(5000, 0.9), 0.3, rng)
    assert (disliked <= 0.3).mean() > 0.97 and disliked.mean() == pytest.approx(0.186, abs=0.01)
    assert liked.min() >= 0.95 and liked.mean() == pytest.approx(0.975, abs=0.005)


def test_brief_listening_stays_in_its_range():
    fractions = brief_fraction((1000,), 0.02, 0.1, np.random.default_rng(0))
    assert fractions.min() >= 0.02 and fractions.max() <= 0.1


def test_bradley_terry_probabilities():
    p = preference_probability(np.array([0.7, 0.5, 0.3]), np.array([0.5, 0.5, 0.5]), 0.1)
    np.testing.assert_allclose(p, [0.880797, 0.5, 0.119203], atol=1e-6)
