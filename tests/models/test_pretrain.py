import numpy as np
import pytest
import torch

from hcbench.errors import ConfigError, HCBenchError
from hcbench.models import pretrain as pretrain_module
from hcbench.models.factory import untrained_generator
from hcbench.models.pretrain import TrainerConfig, pretrain
from tests.models.interrupt import killed_at_step


def _striped_images(n=64, size=32, seed=0):
    """Spectrogram-like toy data: horizontal harmonic stripes with onsets, learnable in a few steps."""
    rng = np.random.default_rng(seed)
    images = np.zeros((n, size, size), dtype=np.uint8)
    for image in images:
        for row in rng.choice(size, 3, replace=False):
            image[row, rng.integers(0, size // 2) :] = 220
    return images


def _config(**overrides):
    return TrainerConfig(**{"steps": 12, "batch_size": 8, "warmup_steps": 2, "checkpoint_every": 4, **overrides})


def test_loss_falls_and_parameters_change(tmp_path, tiny_model_cfg):
    generator = untrained_generator(tiny_model_cfg, seed=0)
    before = [p.detach().clone() for p in generator.unet.parameters()]
    summary = pretrain(generator, _striped_images(), _config(steps=40), tmp_path)
    losses = np.loadtxt(tmp_path / "losses.csv", delimiter=",", skiprows=1)[:, 1]
    assert losses[-10:].mean() < 0.7 * losses[:10].mean()
    assert summary["steps"] == 40 and (tmp_path / "loss_curve.png").stat().st_size > 0
    assert any(not torch.equal(a, b) for a, b in zip(before, generator.unet.parameters()))


def test_killed_run_resumes_to_the_same_weights(tmp_path, tiny_model_cfg, monkeypatch):
    uninterrupted = untrained_generator(tiny_model_cfg, seed=0)
    pretrain(uninterrupted, _striped_images(), _config(), tmp_path / "whole")

    with pytest.raises(KeyboardInterrupt), killed_at_step(monkeypatch, pretrain_module, 6):  # checkpoint at 4
        pretrain(untrained_generator(tiny_model_cfg, seed=0), _striped_images(), _config(), tmp_path / "resumed")
    resumed = untrained_generator(tiny_model_cfg, seed=0)
    summary = pretrain(resumed, _striped_images(), _config(), tmp_path / "resumed")
    assert summary["steps"] == 12
    for a, b in zip(uninterrupted.unet.parameters(), resumed.unet.parameters()):
        torch.testing.assert_close(a, b, atol=0, rtol=0)


def test_bad_trainer_values_name_the_field():
    with pytest.raises(ConfigError, match="trainer.steps"):
        TrainerConfig(steps=0)
    with pytest.raises(ConfigError, match="trainer.ema_decay"):
        TrainerConfig(ema_decay=1.0)


def test_corrupt_checkpoint_says_how_to_start_over(tmp_path, tiny_model_cfg):
    (tmp_path / "checkpoints").mkdir()
    (tmp_path / "checkpoints" / "last.pt").write_bytes(b"half a checkpoint")
    with pytest.raises(HCBenchError, match="delete that file to start over"):
        pretrain(untrained_generator(tiny_model_cfg, seed=0), _striped_images(), _config(), tmp_path)
