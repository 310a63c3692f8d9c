import pytest
import torch

from hcbench.audio import images_to_tensor
from hcbench.models.diffusion_loss import weighted_diffusion_loss


def _loss(generator, batch, weights=None, seed=0):
    return weighted_diffusion_loss(generator.unet, generator.scheduler, batch, weights, torch.Generator().manual_seed(seed))


def test_uniform_weights_equal_the_plain_loss_and_zero_weights_vanish(tiny_generator):
    batch = images_to_tensor(tiny_generator.sample(4, seed=0))
    plain = _loss(tiny_generator, batch)
    torch.testing.assert_close(_loss(tiny_generator, batch, torch.ones(4)), plain)
    assert _loss(tiny_generator, batch, torch.zeros(4)).item() == 0.0
    half = _loss(tiny_generator, batch, torch.full((4,), 0.5))
    torch.testing.assert_close(half, plain / 2)


def test_weights_select_which_samples_drive_the_gradient(tiny_generator):
    batch = images_to_tensor(tiny_generator.sample(2, seed=0))
    loss = _loss(tiny_generator, batch, torch.tensor([1.0, 0.0]))
    first_only = _loss(tiny_generator, batch[:1].repeat(2, 1, 1, 1), torch.tensor([1.0, 0.0]))
    assert loss > 0 and first_only > 0
    loss.backward()
    assert any(p.grad is not None and p.grad.abs().sum() > 0 for p in tiny_generator.unet.parameters())


@pytest.mark.parametrize("weights", [torch.tensor([1.5, 0.2]), torch.tensor([-0.1, 0.2]), torch.ones(3)])
def test_bad_weights_are_refused(tiny_generator, weights):
    batch = images_to_tensor(tiny_generator.sample(2, seed=0))
    with pytest.raises(ValueError, match=r"confidences in \[0, 1\]"):
        _loss(tiny_generator, batch, weights)


def test_a_timestep_range_trains_only_those_noise_levels(tiny_generator, monkeypatch):
    seen = []
    original = tiny_generator.scheduler.add_noise
    monkeypatch.setattr(tiny_generator.scheduler, "add_noise", lambda x, n, t: seen.append(t) or original(x, n, t))
    batch = images_to_tensor(tiny_generator.sample(2, seed=0)).repeat(32, 1, 1, 1)
    weighted_diffusion_loss(tiny_generator.unet, tiny_generator.scheduler, batch, min_timestep=100, max_timestep=300)
    assert 100 <= int(seen[0].min()) and int(seen[0].max()) < 300
    with pytest.raises(ValueError, match="timesteps must satisfy"):
        weighted_diffusion_loss(tiny_generator.unet, tiny_generator.scheduler, batch, min_timestep=300, max_timestep=300)
