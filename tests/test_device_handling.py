"""device=... end to end, without a GPU: on the virtual device of tests/virtual_device.py, which
rejects what CUDA rejects (CPU tensors mixed into device ops, CPU generators for device draws,
.numpy() of device tensors, checkpoints reloaded onto the wrong device) while computing with
real numbers. A real-CUDA check runs too where CUDA is present."""
from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf
import torch
from hydra import compose, initialize_config_dir

from hcbench.models import pretrain as pretrain_module
from hcbench.models.factory import untrained_generator
from hcbench.models.pair_training import train_on_pairs
from hcbench.models.pretrain import pretrain
from hcbench.paths import conf_dir
from tests.conftest import tone_sequence
from tests.models.interrupt import killed_at_step
from tests.models.test_pretrain import _config, _striped_images
from tests.virtual_device import DeviceMixError, virtual_device


def test_the_virtual_device_rejects_what_cuda_rejects_and_allows_what_it_allows():
    with virtual_device() as device:
        x = torch.randn(4, 3).to(device)
        assert x.device.type == "vdev" and (x * torch.tensor(2.0)).device == x.device  # a 0-dim CPU scalar is fine
        assert x[torch.tensor([0, 2])].device == x.device  # CPU indices are fine
        assert float(x.sum().item()) == pytest.approx(float(x.cpu().sum()))
        with pytest.raises(DeviceMixError, match="same device"):
            x + torch.ones(4, 3)
        with pytest.raises(DeviceMixError, match="Generator"):
            torch.randn(3, generator=torch.Generator().manual_seed(0), device=device)
        with pytest.raises(Exception):
            x.numpy()
        assert x.cpu().numpy().shape == (4, 3)


def test_a_cpu_tensor_left_behind_in_generation_is_caught(tiny_model_cfg, monkeypatch):
    from hcbench.models import generator as generator_module

    real = generator_module.randn_per_sample
    monkeypatch.setattr(generator_module, "randn_per_sample", lambda shape, gens, device="cpu": real(shape, gens))
    with virtual_device() as device:
        generator = untrained_generator(tiny_model_cfg, seed=0, device=device).eval_mode()
        generator.steps = 2
        with pytest.raises(DeviceMixError):
            generator.generate_from([_striped_images(1)], 0.5, n=1, seed=0)


def test_generation_on_the_device_gives_the_cpu_songs(tiny_model_cfg):
    requests = [_striped_images(2, seed=1), _striped_images(1, seed=2)]
    on_cpu = untrained_generator(tiny_model_cfg, seed=0).eval_mode()
    on_cpu.steps = 6
    with virtual_device() as device:
        on_device = untrained_generator(tiny_model_cfg, seed=0, device=device).eval_mode()
        on_device.steps = 6
        merged = on_device.generate_from(requests, 0.5, n=2, seed=3)
        sampled = on_device.sample(2, seed=4)
    assert merged.dtype == np.uint8 and sampled.shape == (2, 32, 32)
    # the device's kernels may round differently (here SDPA's): a grey level, rarely
    for got, want in ((merged, on_cpu.generate_from(requests, 0.5, n=2, seed=3)), (sampled, on_cpu.sample(2, seed=4))):
        assert np.abs(got.astype(int) - want).max() <= 1 and (got != want).mean() < 0.01


def test_training_on_the_device_resumes_to_the_same_weights(tmp_path, tiny_model_cfg, monkeypatch):
    images = _striped_images()
    with virtual_device() as device:
        whole = untrained_generator(tiny_model_cfg, seed=0, device=device)
        pretrain(whole, images, _config(), tmp_path / "whole", weights=np.linspace(0, 1, len(images)))
        with pytest.raises(KeyboardInterrupt), killed_at_step(monkeypatch, pretrain_module, 6):  # checkpoint at 4
            pretrain(untrained_generator(tiny_model_cfg, seed=0, device=device), images, _config(), tmp_path / "resumed",
                     weights=np.linspace(0, 1, len(images)))
        resumed = untrained_generator(tiny_model_cfg, seed=0, device=device)
        pretrain(resumed, images, _config(), tmp_path / "resumed", weights=np.linspace(0, 1, len(images)))
        whole_weights = [p.detach().cpu() for p in whole.unet.parameters()]
        resumed_weights = [p.detach().cpu() for p in resumed.unet.parameters()]
        summary = train_on_pairs(resumed, images, np.array([0, 1, 2]), np.array([3, 4, 5]), _config(steps=4), 100.0,
                                 tmp_path / "dpo")
        assert all(p.device.type == "vdev" for p in resumed.unet.parameters()) and summary["steps"] == 4
    on_cpu = untrained_generator(tiny_model_cfg, seed=0)
    pretrain(on_cpu, images, _config(), tmp_path / "cpu", weights=np.linspace(0, 1, len(images)))
    for a, b, c in zip(whole_weights, resumed_weights, on_cpu.unet.parameters()):
        # resumed = uninterrupted, on the device, to float rounding: the CPU's SIMD kernels may sum a
        # buffer's unaligned head apart, so where the allocator puts it can move the last bit (seen once
        # in CI: 1.5e-8); a resume that restored the wrong state differs by the size of a step, ~1e-4
        torch.testing.assert_close(b, a, atol=1e-6, rtol=0)
        torch.testing.assert_close(a, c.detach(), atol=1e-4, rtol=0)  # and close to the CPU's


def _compose(name: str, overrides: list[str]):
    with initialize_config_dir(config_dir=str(conf_dir()), version_base="1.3"):
        return compose(name, overrides=overrides)


@pytest.mark.slow
def test_generate_pretrain_and_run_commands_on_the_device(tmp_path):
    from hcbench.commands.generate import run_generate
    from hcbench.commands.pretrain import run_pretrain
    from hcbench.commands.run import run_experiment
    from hcbench.store import RunStore
    from tests.loop.conftest import loop_config

    for i in range(2):
        sf.write(tmp_path / f"in{i}.wav", tone_sequence(4, 11025, seed=i), 11025)
    with virtual_device() as device:
        files = run_generate(_compose("generate", ["model=tiny", "model.steps=6", "n=2", f"device={device}",
                                                   f"out={tmp_path / 'gen'}",
                                                   f"inputs=[{tmp_path / 'in0.wav'},{tmp_path / 'in1.wav'}]"]))
        model_dir = run_pretrain(_compose("pretrain", [
            "model=tiny", "trainer=smoke", "trainer.steps=6", "trainer.batch_size=4", "trainer.checkpoint_every=3",
            "corpus=tiny", f"corpus.cache_dir={tmp_path / 'cache'}", f"out_dir={tmp_path / 'pretrain'}",
            "eval.n_samples=4", "eval.steps=3", f"device={device}"]))
        run_dir = run_experiment(loop_config(tmp_path / "run", f"device={device}"))
    assert len(files) == 2 and all(f.stat().st_size > 0 for f in files)
    assert (model_dir / "unet" / "diffusion_pytorch_model.safetensors").is_file()
    store = RunStore(run_dir, create=False)
    assert store.scalar("SELECT COUNT(*) FROM versions") == 3 and store.scalar("SELECT COUNT(*) FROM ratings") > 0


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_on_cuda_generation_matches_the_cpu_and_training_resumes(tmp_path, tiny_model_cfg, monkeypatch):
    requests = [_striped_images(2, seed=1)]
    on_cpu, on_cuda = (untrained_generator(tiny_model_cfg, seed=0, device=d).eval_mode() for d in ("cpu", "cuda"))
    on_cpu.steps = on_cuda.steps = 6
    got, want = on_cuda.generate_from(requests, 0.5, n=2, seed=3), on_cpu.generate_from(requests, 0.5, n=2, seed=3)
    assert np.abs(got.astype(int) - want).mean() < 1.0
    with pytest.raises(KeyboardInterrupt), killed_at_step(monkeypatch, pretrain_module, 6):
        pretrain(untrained_generator(tiny_model_cfg, seed=0, device="cuda"), _striped_images(), _config(), tmp_path)
    monkeypatch.undo()
    resumed = untrained_generator(tiny_model_cfg, seed=0, device="cuda")
    assert pretrain(resumed, _striped_images(), _config(), tmp_path)["steps"] == 12
