"""DDPO's steps: trajectories with positive advantage become likelier, those with negative less likely."""
import copy

import numpy as np
import torch

from hcbench.models.ddpo_sampling import policy_log_prob, sample_trajectories
from hcbench.models.ddpo_training import train_policy
from hcbench.models.pretrain import TrainerConfig, adamw

ETA = 1.0


def _log_probs(unet, generator, drawn):
    k = int(drawn.stochastic.sum())
    with torch.no_grad():
        return policy_log_prob(unet, generator.scheduler, drawn.latents[:, :k].flatten(0, 1),
                               drawn.timesteps[:k].repeat(len(drawn.latents)),
                               drawn.latents[:, 1:k + 1].flatten(0, 1), ETA).view(-1, k).sum(1)


def test_policy_steps_move_probability_toward_positive_advantages(tmp_path, tiny_generator):
    starts = torch.randn((8, *tiny_generator.image_shape), generator=torch.Generator().manual_seed(0))
    drawn = sample_trajectories(tiny_generator, starts, 0.5, 1, ETA)
    advantages = np.array([1.0, -1.0] * 4)
    before = copy.deepcopy(tiny_generator.unet)
    cfg = TrainerConfig(steps=4, batch_size=4, warmup_steps=0, ema_decay=0.0, checkpoint_every=4, seed=0,
                        optimizer=adamw(1e-6))  # small: a large step lowers every sample's log p
    summary = train_policy(tiny_generator, drawn, advantages, cfg, ETA, 0.2, tmp_path)
    gain = _log_probs(tiny_generator.unet, tiny_generator, drawn) - _log_probs(before, tiny_generator, drawn)
    assert gain[advantages > 0].mean() > 0 > gain[advantages < 0].mean()
    assert summary["steps"] == 4 and summary["approx_kl"] > 0 and 0 <= summary["clip_fraction"] <= 1
