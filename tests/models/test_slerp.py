import itertools

import pytest
import torch

from hcbench.models.slerp import slerp, slerp_mean


def _latents(n, seed=0):
    return torch.randn(n, 1, 8, 8, generator=torch.Generator().manual_seed(seed))


def test_slerp_endpoints_and_norm():
    a, b = _latents(2)
    torch.testing.assert_close(slerp(a, b, 0.0), a)
    torch.testing.assert_close(slerp(a, b, 1.0), b)
    mid = slerp(a, b, 0.5)
    assert mid.norm() == pytest.approx(float((a.norm() + b.norm()) / 2), rel=1e-5)
    # a straight average loses norm; SLERP stays on the shell Gaussian latents live on
    assert ((a + b) / 2).norm() < 0.8 * mid.norm()


def test_mean_of_two_is_slerp_midpoint():
    a, b = _latents(2)
    torch.testing.assert_close(slerp_mean(torch.stack([a, b])), slerp(a, b, 0.5), atol=1e-6, rtol=1e-6)


def test_mean_weighs_every_song_equally_whatever_the_order():
    latents = _latents(3, seed=1)
    means = [slerp_mean(latents[list(order)]) for order in itertools.permutations(range(3))]
    for other in means[1:]:
        torch.testing.assert_close(other, means[0], atol=1e-6, rtol=1e-6)
    # a pairwise fold at 0.5 weighs the last song 1/2 and the first two 1/4: order matters
    fold = slerp(slerp(latents[0], latents[1], 0.5), latents[2], 0.5)
    fold_reordered = slerp(slerp(latents[2], latents[1], 0.5), latents[0], 0.5)
    assert (fold - fold_reordered).abs().max() > 0.1


def test_mean_of_symmetric_directions_is_their_centre():
    basis = torch.eye(3)
    mean = slerp_mean(basis)
    torch.testing.assert_close(mean / mean.norm(), torch.full((3,), 3**-0.5), atol=1e-6, rtol=1e-6)


def test_single_latent_is_returned_unchanged_and_not_aliased():
    latent = _latents(1)
    merged = slerp_mean(latent)
    torch.testing.assert_close(merged, latent[0])
    merged += 1
    assert not torch.equal(merged, latent[0])
