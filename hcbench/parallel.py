"""Process pools for the one-off corpus work (rendering, spectrograms, reference embeddings).

Results come back in input order and each task is computed exactly as in the parent, so a
parallel build is bit-for-bit the serial one. Workers are spawned, not forked: forking a process
that runs threads (rich's progress bar, torch) is unsafe. Each worker runs BLAS/OpenMP on one
thread: on 2 cores, two workers of 2 threads each slow each other down badly.
"""
from __future__ import annotations

import contextlib
import os
import sys
from typing import Any, Callable, Iterable, Iterator

from hcbench.errors import ConfigError

AUTO = "auto"
MAX_AUTO_WORKERS = 8  # "auto" on a big machine: each worker holds music21 and a SoundFont (~0.3 GB)
# Tasks each worker must get to pay for its start (2-5 s on a busy 2-core box: spawn re-imports torch,
# librosa, music21); below that one process is faster (the tiny corpus: 3.4 s serial, 9.7 s in 2 processes).
MIN_TASKS_PER_WORKER = {"render": 8, "spectrograms": 100, "embedding": 8}  # embedding tasks: chunks of 8 clips
THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS")


def resolve_workers(workers: int | str, name: str = "workers") -> int:
    """``"auto"``: one process per usable core (at most 8); else a positive int.

    >>> resolve_workers(3)
    3
    >>> resolve_workers("auto") >= 1
    True
    """
    if workers == AUTO:
        return max(1, min(MAX_AUTO_WORKERS, usable_cores()))
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise ConfigError(f"{name} must be a positive number of processes or 'auto' (one per core), got {workers!r}")
    return workers


def worth_starting(workers: int, tasks: int, kind: str) -> int:
    """How many of ``workers`` processes pay off for ``tasks`` tasks of ``kind`` (1: work inline).

    >>> worth_starting(2, 277, "render"), worth_starting(2, 7, "render")
    (2, 1)
    """
    return max(1, min(workers, tasks // MIN_TASKS_PER_WORKER[kind]))


def usable_cores() -> int:
    """Cores this process may run on (a container or taskset may allow fewer than the machine has)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1


@contextlib.contextmanager
def process_pool(workers: int, initializer: Callable[..., None] | None = None, initargs: tuple = ()):
    """A spawn pool of ``workers`` single-threaded processes, or None when ``workers`` is 1 (work inline)
    or when this process cannot spawn (a job of a joblib sweep: see ``can_spawn``)."""
    if workers <= 1 or not can_spawn():
        yield None
        return
    import multiprocessing as mp

    with _one_thread_environment():  # read by BLAS/OpenMP when they load in the child, before any code of ours
        pool = mp.get_context("spawn").Pool(workers, _start_worker, (initializer, initargs))
    try:
        yield pool
    finally:
        pool.terminate()
        pool.join()


def can_spawn() -> bool:
    """Whether a spawned child can start. A child resets the parent's default start method first; in a
    worker of joblib's loky (``hydra/launcher=joblib``) that is "loky", unknown in the child, which dies
    before running anything while the pool waits for it forever. Such a job is already one of
    several side by side, so it works inline instead."""
    import multiprocessing as mp

    return mp.get_start_method(allow_none=True) in (None, *mp.get_all_start_methods())


def ordered_map(fn: Callable[[Any], Any], items: Iterable, pool, chunksize: int = 1) -> Iterator:
    """``map(fn, items)`` in order, through ``pool`` when there is one; results arrive as they finish."""
    if pool is None:
        return map(fn, items)
    return pool.imap(fn, items, chunksize=chunksize)


def _start_worker(initializer: Callable[..., None] | None, initargs: tuple) -> None:
    from hcbench.threads import single_thread

    global _THREAD_LIMIT
    _THREAD_LIMIT = single_thread()  # also libraries the environment did not reach; kept for the worker's life
    _THREAD_LIMIT.__enter__()
    torch = sys.modules.get("torch")  # loaded by the imports that unpickled the initializer; never imported for this
    if torch is not None:
        torch.set_num_threads(1)
    if initializer is not None:
        initializer(*initargs)


_THREAD_LIMIT: Any = None


@contextlib.contextmanager
def _one_thread_environment():
    saved = {name: os.environ.get(name) for name in THREAD_VARIABLES}
    os.environ.update({name: "1" for name in THREAD_VARIABLES})
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
