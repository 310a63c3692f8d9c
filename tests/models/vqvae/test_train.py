"""Training: losses fall, weights change, style reaches the usage, and a killed run resumes bit-identically."""
import numpy as np
import pytest
import torch

from hcbench.errors import HCBenchError
from hcbench.models.pretrain import TrainerConfig, adamw
from hcbench.models.vqvae import VQVAE, VQVAEConfig
from hcbench.models.vqvae import train as train_module
from hcbench.models.vqvae.evaluation import retrieval
from hcbench.models.vqvae.metric import encode_labels
from hcbench.models.vqvae.train import train_vqvae
from hcbench.models.vqvae.usage import normalise
from tests.models.interrupt import killed_at_step
from tests.models.vqvae.conftest import TINY, styled_images


def _config(**overrides):
    return TrainerConfig(**{"steps": 12, "batch_size": 16, "warmup_steps": 2, "checkpoint_every": 4,
                            "optimizer": adamw(3e-3), **overrides})


def _fresh():
    torch.manual_seed(0)
    return VQVAE(VQVAEConfig(**TINY))


def test_losses_fall_parameters_change_and_usage_learns_style(tmp_path, metric):
    images, labels = styled_images(64)
    model = _fresh()
    before = [p.detach().clone() for p in model.parameters()]
    summary = train_vqvae(model, images, encode_labels(labels, metric.vocabulary), metric, _config(steps=150), tmp_path)
    history = np.genfromtxt(tmp_path / "losses.csv", delimiter=",", names=True)
    assert history["reconstruction"][-20:].mean() < 0.5 * history["reconstruction"][:20].mean()
    for name in ("supcon_usage", "supcon_head"):  # many positives per anchor: its floor is ~log(7), far above 0
        assert history[name][-20:].mean() < 0.95 * history[name][:20].mean(), name
    assert summary["steps"] == 150 and (tmp_path / "loss_curve.png").stat().st_size > 0
    assert any(not torch.equal(a, b) for a, b in zip(before, model.parameters()))
    held_images, held_labels = styled_images(32, seed=1)
    usage, held_usage = normalise(model.usage_counts(images)), normalise(model.usage_counts(held_images))
    found = retrieval(held_usage, usage, held_labels, labels, ("collection",), exclude_same_piece=False, k=5)
    assert found["collection"]["precision"] > 0.9 > 0.5 == found["collection"]["chance"]  # upper vs lower stripes


def test_the_frequency_channel_is_what_tells_bass_from_treble(tmp_path, metric):
    """The same stripes high or low give the same codes to a plain conv encoder: eq. 3 cannot tell them apart."""
    images, labels = styled_images(64)
    found = {}
    for flag in (True, False):
        torch.manual_seed(0)
        model = VQVAE(VQVAEConfig(**{**TINY, "frequency_channel": flag}))
        ids = encode_labels(labels, metric.vocabulary)
        train_vqvae(model, images, ids, metric, _config(steps=150), tmp_path / str(flag))
        held_images, held_labels = styled_images(32, seed=1)
        usage, held_usage = normalise(model.usage_counts(images)), normalise(model.usage_counts(held_images))
        found[flag] = retrieval(held_usage, usage, held_labels, labels, ("collection",), False, k=5)
    found = {flag: result["collection"]["precision"] for flag, result in found.items()}
    assert found[True] > found[False] + 0.2, found


def test_killed_run_resumes_to_the_same_weights(tmp_path, metric, monkeypatch):
    images, labels = styled_images(32)
    ids = encode_labels(labels, metric.vocabulary)
    uninterrupted = _fresh()
    train_vqvae(uninterrupted, images, ids, metric, _config(), tmp_path / "whole")

    with pytest.raises(KeyboardInterrupt), killed_at_step(monkeypatch, train_module, 6):  # checkpoint at 4
        train_vqvae(_fresh(), images, ids, metric, _config(), tmp_path / "resumed")
    resumed = _fresh()
    assert train_vqvae(resumed, images, ids, metric, _config(), tmp_path / "resumed")["steps"] == 12
    for (name, a), b in zip(uninterrupted.state_dict().items(), resumed.state_dict().values()):
        torch.testing.assert_close(a, b, atol=0, rtol=0, msg=name)  # codebook buffers included
    whole = np.loadtxt(tmp_path / "whole" / "losses.csv", delimiter=",", skiprows=1)
    np.testing.assert_array_equal(whole, np.loadtxt(tmp_path / "resumed" / "losses.csv", delimiter=",", skiprows=1))


def test_corrupt_checkpoint_says_how_to_start_over(tmp_path, metric):
    (tmp_path / "checkpoints").mkdir()
    (tmp_path / "checkpoints" / "last.pt").write_bytes(b"half a checkpoint")
    images, labels = styled_images(8)
    with pytest.raises(HCBenchError, match=f"cannot resume from {tmp_path}/checkpoints/last.pt.*delete that file"):
        train_vqvae(_fresh(), images, encode_labels(labels, metric.vocabulary), metric, _config(), tmp_path)
