"""librosa's numba kernels compiled by one process at a time.

librosa caches its ``@guvectorize(cache=True)`` kernels on disk. When two processes compile the
same kernel at once (a fresh install: the corpus embedding's workers, or two jobs of a sweep), numba
can pair one process's kernel file with the other's wrapper file, and every later call of that
kernel crashes the interpreter with a segmentation fault (numba issue 10128, open as of numba
0.68). So the first use of the descriptor features in each process runs under a file lock: the
first process compiles and writes the cache, the others wait and then load it whole.
"""
from __future__ import annotations

from typing import Callable

import numpy as np
from filelock import FileLock

from hcbench.paths import cache_dir

LOCK_NAME = ".numba-kernels.lock"
_warm = False


def warm_kernels(describe: Callable[[np.ndarray], np.ndarray], sample_rate: int, timeout: float = 600.0) -> None:
    """Run ``describe`` once on a short test signal under the cache-wide lock (once per process)."""
    global _warm
    if _warm:
        return
    root = cache_dir()
    root.mkdir(parents=True, exist_ok=True)
    t = np.arange(sample_rate) / sample_rate  # one second: enough frames for onsets, tempo and chroma
    signal = (0.3 * np.sin(2 * np.pi * 440 * t) * (1 + np.sign(np.sin(2 * np.pi * 4 * t))) / 2).astype(np.float32)
    with FileLock(root / LOCK_NAME, timeout=timeout):
        describe(signal)
    _warm = True
