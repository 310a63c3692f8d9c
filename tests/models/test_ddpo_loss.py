"""DDPO's objective: PPO's clipped surrogate and per-request advantages."""
import math

import numpy as np
import pytest
import torch

from hcbench.models.ddpo_loss import clipped_policy_loss, request_advantages

CLIP = 1e-4


def test_at_ratio_one_the_loss_is_minus_the_mean_advantage_and_nothing_is_clipped():
    old = torch.tensor([[-1.2, -0.7], [0.3, 2.0]])
    advantages = torch.tensor([[1.5], [-0.5]])
    new = old.clone().requires_grad_(True)
    loss, stats = clipped_policy_loss(new, old, advantages, CLIP)
    assert float(loss.detach()) == pytest.approx(-0.5) and stats == {"approx_kl": 0.0, "clip_fraction": 0.0}
    loss.backward()
    torch.testing.assert_close(new.grad, -advantages.expand(2, 2) / 4)  # d(-A r)/d log p = -A r, over 4 entries


@pytest.mark.parametrize("advantage, clipped", [(1.0, True), (-1.0, False)])
def test_beyond_the_clip_range_only_the_pessimistic_side_keeps_its_gradient(advantage, clipped):
    old = torch.zeros(4)
    new = torch.full((4,), math.log(1 + 3 * CLIP)).requires_grad_(True)  # ratio 1 + 3 eps: beyond the range
    loss, stats = clipped_policy_loss(new, old, torch.full((4,), advantage), CLIP)
    loss.backward()
    expected = -advantage * ((1 + CLIP) if clipped else (1 + 3 * CLIP))  # a gain is capped; a loss is not
    assert float(loss) == pytest.approx(expected, rel=1e-6) and stats["clip_fraction"] == 1.0
    assert bool((new.grad == 0).all()) == clipped
    assert stats["approx_kl"] == pytest.approx(0.5 * math.log(1 + 3 * CLIP) ** 2, rel=1e-4)


def test_within_the_clip_range_the_ratio_is_not_clipped():
    old = torch.zeros(2)
    new = torch.full((2,), math.log(1 + 0.5 * CLIP))
    loss, stats = clipped_policy_loss(new, old, torch.ones(2), CLIP)
    assert float(loss) == pytest.approx(-(1 + 0.5 * CLIP), rel=1e-7) and stats["clip_fraction"] == 0.0


def test_advantages_are_normalised_within_each_request_and_clipped():
    rewards = np.array([[0.1, 0.2, 0.3, 0.4], [2.0, 2.0, 2.0, 2.0], [0.0, 0.0, 0.0, 10.0]])
    advantages = request_advantages(rewards, adv_clip=1.5)
    assert np.allclose(advantages[0], (rewards[0] - 0.25) / rewards[0].std(), atol=1e-6)
    assert np.allclose(advantages[1], 0.0)  # a request whose samples tie teaches nothing
    assert advantages[2].tolist() == pytest.approx([-1 / math.sqrt(3)] * 3 + [1.5], rel=1e-6)
