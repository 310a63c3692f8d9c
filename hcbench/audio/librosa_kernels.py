"""librosa, with its numba kernels compiled by one process at a time: import librosa from here.

librosa compiles its ``@guvectorize(cache=True)`` kernels when a submodule first loads (and some
``@njit(cache=True)`` ones at first call) and caches them on disk beside its own files. When two
processes compile the same kernel at once (a fresh install: the corpus embedding's workers beside
their parent, or two jobs of a sweep), numba can pair one process's kernel file with the other's
wrapper file, and every later call of that kernel crashes the interpreter with a segmentation
fault (numba issue 10128, open as of numba 0.68). So each process loads librosa's kernel modules,
and runs the raters' features once, under one lock per user and machine (the cache is shared by
every process using this Python, whatever its ``$HCBENCH_CACHE``): the first process compiles and
writes the cache, the others wait and then load it whole.
"""
from __future__ import annotations

import importlib
import os
import tempfile
from pathlib import Path
from typing import Callable

import librosa
import numpy as np
from filelock import FileLock

KERNEL_MODULES = ("librosa.core", "librosa.util.utils", "librosa.filters", "librosa.feature", "librosa.onset")  # what
# hcbench calls (librosa.feature loads librosa.sequence too); librosa.beat is never used, so never compiled
LOCK_PATH = Path(tempfile.gettempdir()) / f"hcbench-numba-kernels-{os.getuid() if hasattr(os, 'getuid') else 0}.lock"
TIMEOUT = float(os.environ.get("HCBENCH_KERNEL_LOCK_TIMEOUT", 600))  # seconds; compiling them all takes ~30 s
_warm_features = False


def kernel_lock(timeout: float = TIMEOUT) -> FileLock:
    return FileLock(LOCK_PATH, timeout=timeout)


def warm_features(describe: Callable[[np.ndarray], np.ndarray], sample_rate: int, timeout: float = TIMEOUT) -> None:
    """Run ``describe`` once on a short test signal under the lock (once per process), so the kernels
    compiled at first call are compiled one process at a time too."""
    global _warm_features
    if _warm_features:
        return
    t = np.arange(sample_rate) / sample_rate  # one second: enough frames for onsets, tempo and chroma
    signal = (0.3 * np.sin(2 * np.pi * 440 * t) * (1 + np.sign(np.sin(2 * np.pi * 4 * t))) / 2).astype(np.float32)
    with kernel_lock(timeout):
        describe(signal)
    _warm_features = True


with kernel_lock():
    for _name in KERNEL_MODULES:
        importlib.import_module(_name)

__all__ = ["librosa", "kernel_lock", "warm_features"]
