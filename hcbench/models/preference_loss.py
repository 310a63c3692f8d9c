"""Diffusion-DPO (Wallace et al., 2023): learn from pairs of songs which one raters preferred.

The loss lowers the winner's denoising error, relative to a frozen reference model, more
than the loser's. Both songs of a pair are the model's own outputs, so what they share
(the model's style, its artefacts) cancels, and only what separates liked from disliked
songs is learned; eq. 2 on the model's own outputs learns both.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from diffusers import DDIMScheduler, UNet2DModel

from hcbench.models.diffusion_loss import denoising_error, sample_timesteps


def diffusion_dpo_loss(
    unet: UNet2DModel,
    reference: UNet2DModel,
    scheduler: DDIMScheduler,
    winners: torch.Tensor,
    losers: torch.Tensor,
    beta: float,
    generator: torch.Generator | None = None,
    min_timestep: int = 0,
    max_timestep: int | None = None,
) -> torch.Tensor:
    """-log sigmoid(-beta * [(e(w) - e_ref(w)) - (e(l) - e_ref(l))]), averaged over pairs.

    e is the pixel-averaged squared denoising error. A pair shares its noise and timestep,
    so the difference compares the two songs and not two draws of noise. Timesteps come
    from [min_timestep, max_timestep), as in ``weighted_diffusion_loss``.
    """
    if winners.shape != losers.shape:
        raise ValueError(f"winners {tuple(winners.shape)} and losers {tuple(losers.shape)} must pair up")
    n = winners.shape[0]
    noise = torch.randn(winners.shape, generator=generator).to(winners.device).repeat(2, 1, 1, 1)
    timesteps = sample_timesteps(scheduler, n, generator, min_timestep, max_timestep).to(winners.device).repeat(2)
    noisy = scheduler.add_noise(torch.cat([winners, losers]), noise, timesteps)
    with torch.no_grad():
        reference_error = denoising_error(reference, noisy, timesteps, noise)
    error = denoising_error(unet, noisy, timesteps, noise) - reference_error
    return -F.logsigmoid(-beta * (error[:n] - error[n:])).mean()
