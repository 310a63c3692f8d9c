"""The denoising loss, optionally weighted per sample (paper eq. 2)."""
from __future__ import annotations

import torch
from diffusers import DDIMScheduler, UNet2DModel


def weighted_diffusion_loss(
    unet: UNet2DModel,
    scheduler: DDIMScheduler,
    clean: torch.Tensor,
    weights: torch.Tensor | None = None,
    generator: torch.Generator | None = None,
    min_timestep: int = 0,
    max_timestep: int | None = None,
) -> torch.Tensor:
    """mean_i c_i * ||eps_i - eps_theta(x_t, t)_i||^2 (pixel-averaged); c_i = 1 when no weights.

    ``weights`` are confidences in [0, 1], one per sample: the paper's rating-weighted
    loss. Uniform weights reduce it to the standard DDPM loss. Timesteps are drawn from
    [min_timestep, max_timestep) (default: all), to train only part of the noise range.
    """
    n = clean.shape[0]
    noise = torch.randn(clean.shape, generator=generator).to(clean.device)
    timesteps = sample_timesteps(scheduler, n, generator, min_timestep, max_timestep).to(clean.device)
    noisy = scheduler.add_noise(clean, noise, timesteps)
    per_sample = denoising_error(unet, noisy, timesteps, noise)
    if weights is None:
        return per_sample.mean()
    weights = torch.as_tensor(weights, dtype=per_sample.dtype, device=per_sample.device)
    if weights.shape != (n,) or (weights < 0).any() or (weights > 1).any():
        raise ValueError(f"weights must be {n} confidences in [0, 1], got shape {tuple(weights.shape)}")
    return (weights * per_sample).mean()


def sample_timesteps(scheduler: DDIMScheduler, n: int, generator: torch.Generator | None = None,
                     min_timestep: int = 0, max_timestep: int | None = None) -> torch.Tensor:
    """``n`` training timesteps drawn uniformly from [min_timestep, max_timestep) (default: all)."""
    high = scheduler.config.num_train_timesteps if max_timestep is None else max_timestep
    if not 0 <= min_timestep < high <= scheduler.config.num_train_timesteps:
        raise ValueError(f"timesteps must satisfy 0 <= min ({min_timestep}) < max ({high}) <= "
                         f"{scheduler.config.num_train_timesteps}")
    return torch.randint(min_timestep, high, (n,), generator=generator)


def denoising_error(unet: UNet2DModel, noisy: torch.Tensor, timesteps: torch.Tensor, noise: torch.Tensor
                    ) -> torch.Tensor:
    """Per sample, ||eps - eps_theta(x_t, t)||^2 averaged over pixels."""
    return (unet(noisy, timesteps).sample - noise).pow(2).flatten(1).mean(1)
