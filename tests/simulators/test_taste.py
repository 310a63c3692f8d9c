"""Tastes: cluster centres, example songs, drift."""
import numpy as np
import pytest

from hcbench.errors import ConfigError
from simulators.taste import (
    TasteConfig, cluster_centres, drifted, match_scale, scatter, style_centres, taste_from_examples, unit_rows,
)
from tests.simulators.conftest import STYLES


def test_cluster_centres_are_unit_directions_one_per_style(space):
    centres = cluster_centres(space.reference, 3, seed=0)
    assert centres.shape == (3, 8)
    np.testing.assert_allclose(np.linalg.norm(centres, axis=1), 1.0)
    styles = style_centres(space.reference, space.labels, "collection")
    assert sorted(styles) == sorted(STYLES)
    best = [max(styles, key=lambda name: styles[name] @ c) for c in centres]
    assert sorted(best) == sorted(STYLES)  # k-means finds the three styles


def test_a_taste_from_liked_songs_points_at_them(space):
    liked = space.reference[:200]  # the first style
    taste = taste_from_examples(liked)
    assert (liked @ taste).mean() > 1.0 > (space.reference[200:] @ taste).mean()
    with pytest.raises(ConfigError, match="no reference clip has a 'genre' label"):
        style_centres(space.reference, space.labels, "genre")


def test_scatter_strays_about_spread_from_the_centre():
    centres = np.tile(np.eye(8)[0], (2000, 1))
    tastes = scatter(centres, 0.5, np.random.default_rng(0))
    angles = np.degrees(np.arccos(tastes @ np.eye(8)[0]))
    assert np.median(angles) == pytest.approx(24.0, abs=1.5)


def test_drift_turns_towards_the_target_and_stops_there():
    start, target = np.array([[1.0, 0.0, 0.0]]), unit_rows(np.array([[1.0, 1.0, 0.0]]))
    halfway = drifted(start, target, np.array([np.pi / 8]))
    np.testing.assert_allclose(halfway, [[np.cos(np.pi / 8), np.sin(np.pi / 8), 0.0]])
    np.testing.assert_allclose(drifted(start, target, np.array([10.0])), target)
    np.testing.assert_allclose(drifted(start, start, np.array([1.0])), start)


def test_match_scale_is_the_corpus_sd_of_each_projection(space):
    tastes = cluster_centres(space.reference, 3, seed=0)
    expected = (space.reference @ tastes.T).std(axis=0, ddof=1)
    np.testing.assert_allclose(match_scale(tastes, np.cov(space.reference, rowvar=False)), expected)


def test_taste_config_errors():
    with pytest.raises(ConfigError, match="taste.source must be one of"):
        TasteConfig(source="vibes")
    with pytest.raises(ConfigError, match="needs taste.prompts"):
        TasteConfig(source="prompts")
