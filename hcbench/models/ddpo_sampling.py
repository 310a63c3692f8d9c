"""DDIM with eta > 0 as a policy: trajectories, and each step's log-probability (DDPO).

Source: Black et al. 2023, "Training Diffusion Models with Reinforcement Learning" (DDPO),
section 4 and their ``ddim_step_with_logprob``. With eta > 0 a DDIM step from x_t draws
x_{t-1} ~ N(mu_theta(x_t, t), sigma_t^2 I), where (Song et al. 2021, eqs. 12 and 16, as
diffusers' ``DDIMScheduler.step`` computes them)

    x0      = (x_t - sqrt(1 - a_t) eps) / sqrt(a_t)        clipped as the scheduler clips it
    sigma_t = eta * sqrt((1 - a_prev) / (1 - a_t) * (1 - a_t / a_prev))
    mu      = sqrt(a_prev) x0 + sqrt(1 - a_prev - sigma_t^2) eps

with a the scheduler's cumulative alphas (a_prev: the step's target timestep, or the final
alpha below 0) and eps = eps_theta(x_t, t). The log-probability is averaged over pixels,
DDPO's convention, which keeps the PPO ratio's scale apart from the image size. A step whose
sigma_t is 0 (the last one, when the scheduler sets the final alpha to one) is deterministic:
it has no log-probability, and the policy gradient leaves it out.

Sampling draws the noise the generator draws (per sample, from ``sample_generators(seed)``) and
steps with the scheduler itself, so a trajectory's last latent is the song ``Generator.denoise``
makes from the same start and seed.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import torch
from diffusers import DDIMScheduler, UNet2DModel

from hcbench.errors import ConfigError
from hcbench.models.generator import Generator
from hcbench.models.seeding import randn_per_sample, sample_generators


@dataclass(frozen=True)
class Trajectories:
    """Denoising trajectories: every latent visited, and the log-probability of each step taken."""

    latents: torch.Tensor  # (n, steps + 1, C, H, W): the start, then x after each step (the last: the sample)
    timesteps: torch.Tensor  # (steps,) the timestep each step starts from, descending
    log_probs: torch.Tensor  # (n, steps) under the sampling weights; 0 where the step is deterministic
    stochastic: torch.Tensor  # (steps,) bool: sigma_t > 0, the steps the policy gradient trains

    @property
    def samples(self) -> torch.Tensor:
        return self.latents[:, -1]


def step_std(scheduler: DDIMScheduler, timesteps: torch.Tensor, eta: float) -> torch.Tensor:
    """sigma_t of each step from ``timesteps`` (n,), as (n, 1, 1, 1)."""
    a_t, a_prev = _alphas(scheduler, timesteps)
    return eta * ((1 - a_prev) / (1 - a_t) * (1 - a_t / a_prev)).sqrt()


def step_gaussian(scheduler: DDIMScheduler, eps: torch.Tensor, timesteps: torch.Tensor, x: torch.Tensor,
                  eta: float) -> tuple[torch.Tensor, torch.Tensor]:
    """Mean and std of x_{t-1} given x_t = ``x`` and eps_theta = ``eps``; ``timesteps`` (n,) may differ per sample."""
    _check_scheduler(scheduler)
    a_t, a_prev = (a.to(x.device) for a in _alphas(scheduler, timesteps))
    x0 = (x - (1 - a_t).sqrt() * eps) / a_t.sqrt()
    if scheduler.config.clip_sample:
        x0 = x0.clamp(-scheduler.config.clip_sample_range, scheduler.config.clip_sample_range)
    std = step_std(scheduler, timesteps, eta).to(x.device)
    return a_prev.sqrt() * x0 + (1 - a_prev - std**2).sqrt() * eps, std


def step_log_prob(scheduler: DDIMScheduler, eps: torch.Tensor, timesteps: torch.Tensor, x: torch.Tensor,
                  x_prev: torch.Tensor, eta: float) -> torch.Tensor:
    """log N(x_prev; mu, sigma_t^2 I) per sample, averaged over pixels: (n,). Every step must be stochastic."""
    mean, std = step_gaussian(scheduler, eps, timesteps, x, eta)
    if not bool((std > 0).all()):
        raise ValueError("a step with sigma_t = 0 is deterministic and has no log-probability")
    log_prob = -((x_prev.detach() - mean) ** 2) / (2 * std**2) - std.log() - 0.5 * math.log(2 * math.pi)
    return log_prob.flatten(1).mean(1)


def policy_log_prob(unet: UNet2DModel, scheduler: DDIMScheduler, x: torch.Tensor, timesteps: torch.Tensor,
                    x_prev: torch.Tensor, eta: float) -> torch.Tensor:
    """``step_log_prob`` under ``unet``'s eps: differentiable in its weights."""
    return step_log_prob(scheduler, unet(x, timesteps.to(x.device)).sample, timesteps, x, x_prev, eta)


@torch.no_grad()
def sample_trajectories(generator: Generator, starts: torch.Tensor, strength: float, seed: int,
                        eta: float) -> Trajectories:
    """DDIM from ``starts`` (n, C, H, W) at ``strength`` with noise ``eta`` > 0, each sample's noise from ``seed``."""
    if eta <= 0:
        raise ConfigError(f"DDPO's policy is DDIM with eta > 0 (a Gaussian per step), got eta = {eta}")
    timesteps = generator.timesteps(strength)
    generators = sample_generators(seed, starts.shape[0])
    chunks = [_chunk_trajectory(generator, starts[i:i + generator.batch_size].to(generator.device), timesteps,
                                generators[i:i + generator.batch_size], eta)
              for i in range(0, starts.shape[0], generator.batch_size)]
    stochastic = step_std(generator.scheduler, timesteps, eta).flatten() > 0
    return Trajectories(torch.cat([c[0] for c in chunks]), timesteps, torch.cat([c[1] for c in chunks]), stochastic)


def _chunk_trajectory(generator: Generator, x: torch.Tensor, timesteps: torch.Tensor,
                      generators: list[torch.Generator], eta: float) -> tuple[torch.Tensor, torch.Tensor]:
    """One batch: the scheduler's own steps (as ``Generator.denoise``), each step's log-probability beside."""
    latents, log_probs = [x], []
    for t in timesteps:
        eps = generator.unet(x, t).sample
        noise = randn_per_sample(tuple(x.shape), generators, generator.device)
        x_prev = generator.scheduler.step(eps, t, x, eta=eta, variance_noise=noise).prev_sample
        steps = t.repeat(len(x))
        stochastic = bool((step_std(generator.scheduler, steps[:1], eta) > 0).all())
        log_probs.append(step_log_prob(generator.scheduler, eps, steps, x, x_prev, eta) if stochastic
                         else torch.zeros(len(x), device=x.device))
        latents.append(x := x_prev)
    return torch.stack(latents, 1), torch.stack(log_probs, 1)


def _alphas(scheduler: DDIMScheduler, timesteps: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """a_t and a_prev of each step, (n, 1, 1, 1) on the CPU; the scheduler's timesteps must be set."""
    timesteps = torch.as_tensor(timesteps).reshape(-1).cpu().long()
    previous = timesteps - scheduler.config.num_train_timesteps // scheduler.num_inference_steps
    alphas = scheduler.alphas_cumprod
    a_prev = torch.where(previous >= 0, alphas[previous.clamp(min=0)], scheduler.final_alpha_cumprod)
    return alphas[timesteps].view(-1, 1, 1, 1), a_prev.view(-1, 1, 1, 1)


def _check_scheduler(scheduler: DDIMScheduler) -> None:
    if scheduler.config.prediction_type != "epsilon" or scheduler.config.thresholding:
        raise ConfigError("DDPO's log-probability follows a scheduler that predicts epsilon and clips x0 (or not); "
                          f"got prediction_type={scheduler.config.prediction_type}, "
                          f"thresholding={scheduler.config.thresholding}")
