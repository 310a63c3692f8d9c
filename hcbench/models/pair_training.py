"""Fine-tuning on preference pairs (Diffusion-DPO), with the trainer of pretraining."""
from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import torch

from hcbench.audio.mel import images_to_tensor
from hcbench.models.generator import Generator
from hcbench.models.preference_loss import diffusion_dpo_loss
from hcbench.models.pretrain import TrainerConfig, train


def train_on_pairs(generator: Generator, images: np.ndarray, winners: np.ndarray, losers: np.ndarray,
                   cfg: TrainerConfig, beta: float, out_dir: Path, description: str = "DPO") -> dict:
    """Train ``generator.unet`` in place; pair i prefers ``images[winners[i]]`` to ``images[losers[i]]``.

    The reference is the generator as it is now, frozen. Each step takes
    ``cfg.batch_size // 2`` pairs, so as many images as a step of ``pretrain``.
    """
    winners, losers = np.asarray(winners), np.asarray(losers)
    if len(winners) == 0 or winners.shape != losers.shape:
        raise ValueError(f"need one or more pairs: {len(winners)} winners, {len(losers)} losers")
    if cfg.batch_size < 2:
        raise ValueError(f"a DPO step takes pairs: batch_size must be at least 2, got {cfg.batch_size}")
    data = images_to_tensor(images).to(generator.device)
    reference = copy.deepcopy(generator.unet).eval().requires_grad_(False)
    pairs = cfg.batch_size // 2
    won, lost = torch.as_tensor(winners), torch.as_tensor(losers)

    def batch_loss(unet: torch.nn.Module, rng: torch.Generator) -> torch.Tensor:
        pick = torch.randint(0, len(won), (pairs,), generator=rng)
        return diffusion_dpo_loss(unet, reference, generator.scheduler, data[won[pick]], data[lost[pick]], beta,
                                  generator=rng, min_timestep=cfg.min_timestep, max_timestep=cfg.max_timestep)

    return train(generator, batch_loss, cfg, out_dir, description) | {"pairs": len(winners)}
