"""DDPO's trajectories: the generator's own samples, and each step's log-probability a plain Gaussian's."""
import pytest
import torch
from torch.distributions import Normal

from hcbench.errors import ConfigError
from hcbench.models.ddpo_sampling import policy_log_prob, sample_trajectories, step_gaussian
from hcbench.models.seeding import sample_generators

ETA, SEED = 1.0, 3


@pytest.fixture
def trajectories(tiny_generator):
    starts = torch.randn((3, *tiny_generator.image_shape), generator=torch.Generator().manual_seed(0))
    return starts, sample_trajectories(tiny_generator, starts, 1.0, SEED, ETA)


def _direct_alphas(scheduler):
    """Cumulative alphas from the config's linear betas, computed here rather than taken from the scheduler."""
    cfg = scheduler.config
    betas = torch.linspace(cfg.beta_start, cfg.beta_end, cfg.num_train_timesteps, dtype=torch.float32)
    return torch.cumprod(1.0 - betas, dim=0)


def test_each_steps_log_probability_is_a_direct_gaussians(tiny_generator, trajectories):
    _, drawn = trajectories
    alphas, stride = _direct_alphas(tiny_generator.scheduler), 1000 // tiny_generator.steps
    assert drawn.stochastic[:-1].all() and not drawn.stochastic[-1]  # the last step lands on alpha = 1
    for j, t in enumerate(drawn.timesteps[:-1].tolist()):
        x, x_prev = drawn.latents[:, j], drawn.latents[:, j + 1]
        a_t, a_prev = alphas[t], alphas[t - stride]
        sigma = ETA * torch.sqrt((1 - a_prev) / (1 - a_t) * (1 - a_t / a_prev))
        with torch.no_grad():
            eps = tiny_generator.unet(x, t).sample
        x0 = ((x - torch.sqrt(1 - a_t) * eps) / torch.sqrt(a_t)).clamp(-1, 1)
        mean = torch.sqrt(a_prev) * x0 + torch.sqrt(1 - a_prev - sigma**2) * eps
        direct = Normal(mean, sigma).log_prob(x_prev).flatten(1).mean(1)
        torch.testing.assert_close(drawn.log_probs[:, j], direct, atol=1e-5, rtol=1e-5)
    assert torch.equal(drawn.log_probs[:, -1], torch.zeros(3))


def test_the_trajectories_end_in_the_generators_own_samples(tiny_generator, trajectories):
    starts, drawn = trajectories
    denoised = tiny_generator.denoise(starts, 1.0, sample_generators(SEED, 3), ETA)
    assert torch.equal(drawn.samples, denoised) and torch.equal(drawn.latents[:, 0], starts)


def test_the_gaussians_mean_is_the_schedulers_noiseless_step(tiny_generator, trajectories):
    _, drawn = trajectories
    x, t = drawn.latents[:, 2], drawn.timesteps[2]
    with torch.no_grad():
        eps = tiny_generator.unet(x, t).sample
    mean, std = step_gaussian(tiny_generator.scheduler, eps, t.repeat(3), x, ETA)
    step = tiny_generator.scheduler.step(eps, t, x, eta=ETA, variance_noise=torch.zeros_like(x)).prev_sample
    torch.testing.assert_close(mean, step, atol=1e-6, rtol=1e-6)
    assert float(std.min()) > 0


def test_recomputing_mixed_steps_in_one_call_gives_the_sampled_log_probabilities(tiny_generator, trajectories):
    _, drawn = trajectories
    k = int(drawn.stochastic.sum())
    with torch.no_grad():
        again = policy_log_prob(tiny_generator.unet, tiny_generator.scheduler, drawn.latents[:, :k].flatten(0, 1),
                                drawn.timesteps[:k].repeat(3), drawn.latents[:, 1:k + 1].flatten(0, 1), ETA)
    torch.testing.assert_close(again.view(3, k), drawn.log_probs[:, :k], atol=1e-5, rtol=1e-5)


def test_a_deterministic_ddim_is_refused_as_a_policy(tiny_generator):
    with pytest.raises(ConfigError, match="eta > 0"):
        sample_trajectories(tiny_generator, torch.zeros((1, *tiny_generator.image_shape)), 1.0, 0, 0.0)
