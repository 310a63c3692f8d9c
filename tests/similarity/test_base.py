"""Eq. 4: cosine of rows, broadcast like the loop calls it."""
import numpy as np

from hcbench.similarity.base import cosine


def test_shapes_broadcast_rows_against_rows():
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((3, 5)), rng.standard_normal((4, 5))
    assert cosine(a, b).shape == (3, 4)
    assert cosine(a[0], b).shape == (4,) and cosine(a, b[0]).shape == (3,) and cosine(a[0], b[0]).shape == ()
    np.testing.assert_allclose(cosine(a, b)[1, 2], a[1] @ b[2] / np.linalg.norm(a[1]) / np.linalg.norm(b[2]))


def test_range_symmetry_and_zero_rows():
    rng = np.random.default_rng(1)
    a = rng.standard_normal((20, 6))
    s = cosine(a, a)
    assert s.min() >= -1.0 and s.max() <= 1.0
    np.testing.assert_allclose(s, s.T)
    np.testing.assert_allclose(np.diag(s), 1.0)
    assert (cosine(np.abs(a), np.abs(a)) >= 0).all()  # usages are non-negative: cosine in [0, 1]
    assert cosine(np.zeros(6), a[0]) == 0.0
