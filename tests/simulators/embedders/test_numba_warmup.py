"""librosa's numba kernels are first run under a cache-wide lock, once per process (numba issue 10128)."""
from __future__ import annotations

import numpy as np
import pytest
from filelock import FileLock, Timeout

from simulators.embedders import numba_warmup
from simulators.embedders.descriptor import DescriptorEmbedder


@pytest.fixture
def cold_process(tmp_path, monkeypatch):
    monkeypatch.setenv("HCBENCH_CACHE", str(tmp_path))
    monkeypatch.setattr(numba_warmup, "_warm", False)
    return tmp_path / numba_warmup.LOCK_NAME


def test_the_first_run_waits_for_the_lock_and_later_runs_skip_it(cold_process):
    calls = []
    held = FileLock(cold_process)
    held.acquire()
    with pytest.raises(Timeout):  # another process is compiling: wait, do not compile beside it
        numba_warmup.warm_kernels(calls.append, 100, timeout=0.2)
    assert calls == []
    held.release()
    numba_warmup.warm_kernels(calls.append, 100)
    assert len(calls) == 1 and calls[0].shape == (100,) and np.abs(calls[0]).max() > 0
    held.acquire()
    numba_warmup.warm_kernels(calls.append, 100, timeout=0.2)  # warm already: the lock is not asked for
    held.release()
    assert len(calls) == 1


def test_the_embedder_warms_its_kernels_before_its_first_clip(cold_process, monkeypatch):
    warmed = []
    monkeypatch.setattr("simulators.embedders.descriptor.warm_kernels",
                        lambda describe, rate: warmed.append(describe(np.zeros(rate, np.float32))))
    embed = DescriptorEmbedder()
    t = np.arange(11025) / 11025
    features = embed(np.sin(2 * np.pi * 330 * t)[None], 11025)
    assert len(warmed) == 1 and warmed[0].shape == features[0].shape
