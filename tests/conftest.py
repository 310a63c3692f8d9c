"""Shared fixtures: small deterministic signals and a tiny random generator."""
from __future__ import annotations

import os
import tempfile

# One numba cache per xdist worker: librosa's kernels compiled by two workers at once into one
# cache can crash every later call (numba issue 10128; hcbench/audio/librosa_kernels.py).
# Set before anything imports numba, which reads it once.
os.environ.setdefault("NUMBA_CACHE_DIR", os.path.join(
    tempfile.gettempdir(), f"hcbench-tests-numba-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"))

import numpy as np
import pytest
import torch
from omegaconf import OmegaConf

from hcbench.paths import conf_dir
from tests.virtual_device import register as _register_virtual_device

_register_virtual_device()  # before any backward pass: see tests/virtual_device.py


def tone_sequence(seconds: float, sample_rate: int, seed: int = 0) -> np.ndarray:
    """A few decaying harmonic notes: music-like, with onsets and a spectrum."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * sample_rate)) / sample_rate
    audio = np.zeros_like(t)
    note_len = 0.25
    for start in np.arange(0, seconds, note_len):
        freq = 220 * 2 ** (rng.integers(0, 12) / 12)
        mask = (t >= start) & (t < start + note_len)
        local = t[mask] - start
        audio[mask] += sum(np.sin(2 * np.pi * freq * k * local) / k for k in (1, 2, 3)) * np.exp(-6 * local)
    return (0.3 * audio / np.abs(audio).max()).astype(np.float32)


@pytest.fixture
def tiny_model_cfg():
    return OmegaConf.load(conf_dir() / "model" / "tiny.yaml")


@pytest.fixture
def tiny_generator(tiny_model_cfg):
    from hcbench.models.factory import untrained_generator

    generator = untrained_generator(tiny_model_cfg, seed=0)
    generator.steps = 10
    return generator.eval_mode()


def _threads_per_worker() -> int:
    """Two threads, split between pytest-xdist's workers so that they do not oversubscribe the cores."""
    workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    return max(1, min(2, (os.cpu_count() or 1) // workers))


@pytest.fixture(autouse=True)
def _fixed_threads():
    torch.set_num_threads(_threads_per_worker())


def pytest_collection_modifyitems(config, items):
    """Modules with slow tests run first, each module's tests kept together and in order: xdist hands tests
    out in this order, so the long ones start early and short ones fill the workers' tails."""
    def module(item):
        return item.nodeid.split("::")[0]

    slow_modules = {module(item) for item in items if item.get_closest_marker("slow")}
    items.sort(key=lambda item: module(item) not in slow_modules)  # stable: order within each group kept
