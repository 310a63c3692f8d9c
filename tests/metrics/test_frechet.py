import numpy as np
import pytest

from hcbench.metrics.frechet import frechet_distance


def test_known_values_for_gaussians():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(4000, 3))
    assert frechet_distance(x, x) == pytest.approx(0.0, abs=1e-4)
    # shifting the mean by 1 in each of 3 dims adds 3; scaling std to 2 adds 3 * (2 - 1)^2
    assert frechet_distance(x, x + 1) == pytest.approx(3.0, abs=1e-3)
    assert frechet_distance(x, 2 * x) == pytest.approx(3.0, rel=0.05)


def test_singular_covariances_still_give_a_finite_distance():
    x = np.random.default_rng(1).normal(size=(100, 4))
    x[:, 3] = 0.0  # a constant column, as silent descriptor bands give
    assert np.isfinite(frechet_distance(x, x + 0.5))


def test_shape_errors_are_clear():
    with pytest.raises(ValueError, match="two"):
        frechet_distance(np.zeros((5, 3)), np.zeros((5, 4)))
