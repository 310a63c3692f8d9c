"""DDPO's policy-gradient steps on sampled trajectories, with the trainer of pretraining.

Source: Black et al. 2023 (DDPO_IS). Each optimiser step takes ``cfg.batch_size`` trajectories
(drawn with the trainer's seeded generator, as pretraining draws its batches) and every stochastic
step of each: one UNet call recomputes their log-probabilities under the current weights, and
PPO's clipped loss (``hcbench.models.ddpo_loss``) averages over them, as DDPO accumulates its
gradient over a sample's timesteps. Optimiser, gradient clipping, checkpoints and resuming are
``hcbench.models.pretrain.train``'s.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from hcbench.models.ddpo_loss import clipped_policy_loss
from hcbench.models.ddpo_sampling import Trajectories, policy_log_prob
from hcbench.models.generator import Generator
from hcbench.models.pretrain import TrainerConfig, train


def train_policy(generator: Generator, trajectories: Trajectories, advantages: np.ndarray, cfg: TrainerConfig,
                 eta: float, clip_range: float, out_dir: Path, description: str = "DDPO") -> dict:
    """Train ``generator.unet`` in place; ``advantages`` has one entry per trajectory.

    Returns the trainer's summary with the approximate KL and clip fraction, averaged over the
    steps this call ran (a resumed run reports its own steps only).
    """
    steps = trajectories.stochastic.nonzero().flatten()
    if len(steps) == 0:
        raise ValueError("no step of the trajectories is stochastic: DDPO has nothing to train")
    device = generator.device
    starts = trajectories.latents[:, steps].to(device)  # (n, k, C, H, W): x_t of each trained step
    targets = trajectories.latents[:, steps + 1].to(device)  # x_{t-1} each step drew
    old = trajectories.log_probs[:, steps].to(device)
    timesteps, gains = trajectories.timesteps[steps], torch.as_tensor(advantages, dtype=torch.float32).to(device)
    stats: list[dict] = []

    def batch_loss(unet: torch.nn.Module, rng: torch.Generator) -> torch.Tensor:
        pick = torch.randint(0, len(old), (cfg.batch_size,), generator=rng).to(device)
        new = policy_log_prob(unet, generator.scheduler, starts[pick].flatten(0, 1), timesteps.repeat(len(pick)),
                              targets[pick].flatten(0, 1), eta).view(len(pick), len(steps))
        loss, step_stats = clipped_policy_loss(new, old[pick], gains[pick, None], clip_range)
        stats.append(step_stats)
        return loss

    summary = train(generator, batch_loss, cfg, out_dir, description)
    return summary | {name: float(np.mean([s[name] for s in stats])) if stats else float("nan")
                      for name in ("approx_kl", "clip_fraction")}
