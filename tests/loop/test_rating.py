import numpy as np
import pytest

from hcbench.errors import ConfigError
from hcbench.loop.config import RatingConfig
from hcbench.loop.rating import confidence, normalised_stars, rating_function


def test_r_is_the_unweighted_mean_of_its_three_terms():
    r = rating_function(stars=np.array([1.0, 5.0, 3.0]), listen_seconds=np.array([0.0, 3.0, 1.5]),
                        song_seconds=3.0, similarity=np.array([0.0, 1.0, 0.6]), cfg=RatingConfig())
    np.testing.assert_allclose(r, [0.0, 1.0, (0.5 + 0.5 + 0.6) / 3])


def test_weights_change_the_mix_and_negative_similarity_counts_as_none():
    stars_only = RatingConfig(stars_weight=1.0, listen_weight=0.0, similarity_weight=0.0)
    assert rating_function(4.0, 0.0, 3.0, -0.9, stars_only) == pytest.approx(0.75)
    assert rating_function(1.0, 0.0, 3.0, -0.9, RatingConfig()) == 0.0
    with pytest.raises(ConfigError, match="weights"):
        RatingConfig(stars_weight=0.0, listen_weight=0.0, similarity_weight=0.0)


def test_confidence_mixes_stars_and_listening_within_0_and_1():
    cfg = RatingConfig(confidence_stars_share=0.25)
    c = confidence(np.array([1.0, 5.0, 5.0]), np.array([3.0, 0.0, 6.0]), 3.0, cfg)
    np.testing.assert_allclose(c, [0.75, 0.25, 1.0])  # listening past the end counts as complete
    assert normalised_stars(3.0) == 0.5
