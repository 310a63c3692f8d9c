"""DDPO's objective: PPO's clipped surrogate over denoising steps, with per-request advantages.

Source: Black et al. 2023, "Training Diffusion Models with Reinforcement Learning", DDPO_IS
(their eq. 4 with PPO's clipping, Schulman et al. 2017): each step of a trajectory is an action
whose probability ratio r = exp(log p_theta - log p_old) is clipped to [1 - eps, 1 + eps], and
the loss is mean(max(-A r, -A clip(r))). A sample's advantage A is its reward normalised over
the samples of the same request (DDPO's per-prompt statistics), then clipped to +-``adv_clip``.
"""
from __future__ import annotations

import numpy as np
import torch

STD_FLOOR = 1e-8  # DDPO's: a request whose samples tie gets advantages 0, not a division by 0


def clipped_policy_loss(log_probs: torch.Tensor, old_log_probs: torch.Tensor, advantages: torch.Tensor,
                        clip_range: float) -> tuple[torch.Tensor, dict]:
    """PPO's clipped loss over matching (sample, step) entries, and its approximate KL and clip fraction.

    >>> old = torch.zeros(2)
    >>> loss, stats = clipped_policy_loss(old, old, torch.tensor([1.0, 3.0]), 0.1)
    >>> float(loss), stats["clip_fraction"]
    (-2.0, 0.0)
    """
    ratio = torch.exp(log_probs - old_log_probs)
    unclipped = -advantages * ratio
    clipped = -advantages * ratio.clamp(1 - clip_range, 1 + clip_range)
    loss = torch.maximum(unclipped, clipped).mean()
    with torch.no_grad():
        stats = {"approx_kl": float(0.5 * ((log_probs - old_log_probs) ** 2).mean()),
                 "clip_fraction": float(((ratio - 1).abs() > clip_range).float().mean())}
    return loss, stats


def request_advantages(rewards: np.ndarray, adv_clip: float) -> np.ndarray:
    """(requests, samples) rewards -> advantages normalised within each request, clipped to +-``adv_clip``.

    >>> np.round(request_advantages(np.array([[1.0, 3.0], [5.0, 5.0]]), 5.0), 6).tolist()
    [[-1.0, 1.0], [0.0, 0.0]]
    """
    rewards = np.asarray(rewards, np.float64)
    mean, std = rewards.mean(axis=1, keepdims=True), rewards.std(axis=1, keepdims=True)
    return np.clip((rewards - mean) / (std + STD_FLOOR), -adv_clip, adv_clip)
