"""librosa's numba kernels are compiled under one lock per machine, once per process (numba issue 10128)."""
from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest
from filelock import FileLock, Timeout

from hcbench.audio import librosa_kernels
from simulators.embedders.descriptor import DescriptorEmbedder


@pytest.fixture
def cold_process(tmp_path, monkeypatch):
    monkeypatch.setattr(librosa_kernels, "LOCK_PATH", tmp_path / "kernels.lock")
    monkeypatch.setattr(librosa_kernels, "_warm_features", False)
    return tmp_path / "kernels.lock"


def test_the_first_feature_run_waits_for_the_lock_and_later_runs_skip_it(cold_process):
    calls = []
    held = FileLock(cold_process)
    held.acquire()
    with pytest.raises(Timeout):  # another process is compiling: wait, do not compile beside it
        librosa_kernels.warm_features(calls.append, 100, timeout=0.2)
    assert calls == []
    held.release()
    librosa_kernels.warm_features(calls.append, 100)
    assert len(calls) == 1 and calls[0].shape == (100,) and np.abs(calls[0]).max() > 0
    held.acquire()
    librosa_kernels.warm_features(calls.append, 100, timeout=0.2)  # warm already: the lock is not asked for
    held.release()
    assert len(calls) == 1


def test_the_embedder_warms_its_kernels_before_its_first_clip(cold_process, monkeypatch):
    warmed = []
    monkeypatch.setattr("simulators.embedders.descriptor.warm_features",
                        lambda describe, rate: warmed.append(describe(np.zeros(rate, np.float32))))
    t = np.arange(11025) / 11025
    features = DescriptorEmbedder()(np.sin(2 * np.pi * 330 * t)[None], 11025)
    assert len(warmed) == 1 and warmed[0].shape == features[0].shape


def test_a_process_loads_librosas_kernel_modules_only_while_holding_the_lock():
    """While another process holds the machine's lock, importing librosa through hcbench waits for it."""
    code = "import filelock, sys\ntry:\n    import hcbench.audio.librosa_kernels\nexcept filelock.Timeout:\n    sys.exit(3)\n"
    env = {**os.environ, "HCBENCH_KERNEL_LOCK_TIMEOUT": "1"}
    with FileLock(librosa_kernels.LOCK_PATH):
        waited = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=env)
    assert waited.returncode == 3, waited.stderr
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=env)
    assert loaded.returncode == 0, loaded.stderr
