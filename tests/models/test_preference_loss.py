"""Diffusion-DPO: the loss at the reference, its errors, and training on pairs moving toward winners."""
import copy
import math

import numpy as np
import pytest
import torch

from hcbench.audio.mel import images_to_tensor
from hcbench.models.factory import untrained_generator
from hcbench.models.pair_training import train_on_pairs
from hcbench.models.preference_loss import diffusion_dpo_loss
from hcbench.models.pretrain import TrainerConfig


def _bands(n, rows, size=32):
    """Spectrogram-like images with energy in the given rows: two styles to prefer between."""
    images = np.zeros((n, size, size), dtype=np.uint8)
    images[:, rows, :] = 220
    return images


def test_the_loss_is_log_2_while_the_model_equals_its_reference(tiny_model_cfg):
    generator = untrained_generator(tiny_model_cfg, seed=0)
    data = images_to_tensor(np.concatenate([_bands(4, slice(2, 6)), _bands(4, slice(20, 24))]))
    loss = diffusion_dpo_loss(generator.unet, copy.deepcopy(generator.unet), generator.scheduler, data[:4], data[4:],
                              beta=1000.0, generator=torch.Generator().manual_seed(0))
    assert loss.item() == pytest.approx(math.log(2), abs=1e-6) and loss.requires_grad


def test_unpaired_inputs_are_refused(tiny_model_cfg):
    generator = untrained_generator(tiny_model_cfg, seed=0)
    data = images_to_tensor(_bands(5, slice(2, 6)))
    with pytest.raises(ValueError, match="pair up"):
        diffusion_dpo_loss(generator.unet, generator.unet, generator.scheduler, data[:3], data[3:], beta=1.0)


def test_training_on_pairs_prefers_the_winners(tmp_path, tiny_model_cfg):
    images = np.concatenate([_bands(16, slice(2, 6)), _bands(16, slice(20, 24))])  # 0-15 win, 16-31 lose
    winners, losers = np.arange(16), np.arange(16, 32)
    reference = untrained_generator(tiny_model_cfg, seed=0)
    generator = copy.deepcopy(reference)
    cfg = TrainerConfig(steps=30, batch_size=8, warmup_steps=2, checkpoint_every=10, ema_decay=0.0,
                        optimizer=lambda params: torch.optim.AdamW(params, lr=1e-3))
    summary = train_on_pairs(generator, images, winners, losers, cfg, beta=100.0, out_dir=tmp_path)
    assert summary["pairs"] == 16 and summary["steps"] == 30
    data = images_to_tensor(images)
    gap = _error(generator, data[:16]) - _error(reference, data[:16]) - (_error(generator, data[16:])
                                                                         - _error(reference, data[16:]))
    assert gap < 0  # the winners' denoising error fell, relative to the reference, more than the losers'


@torch.no_grad()
def _error(generator, images, draws=8):
    """Mean denoising error over fixed noise and timesteps (the same for every model asked)."""
    rng, total = torch.Generator().manual_seed(1), 0.0
    for _ in range(draws):
        noise = torch.randn(images.shape, generator=rng)
        t = torch.randint(0, generator.scheduler.config.num_train_timesteps, (len(images),), generator=rng)
        noisy = generator.scheduler.add_noise(images, noise, t)
        total += (generator.unet.eval()(noisy, t).sample - noise).pow(2).mean().item()
    return total / draws


def test_training_on_no_pairs_is_refused(tmp_path, tiny_model_cfg):
    generator = untrained_generator(tiny_model_cfg, seed=0)
    with pytest.raises(ValueError, match="one or more pairs"):
        train_on_pairs(generator, _bands(2, slice(2, 6)), np.zeros(0, int), np.zeros(0, int), TrainerConfig(),
                       beta=1.0, out_dir=tmp_path)
