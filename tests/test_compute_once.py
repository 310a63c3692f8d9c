"""Processes that want the same cache entry at once compute it once; a killed holder blocks no one."""
from __future__ import annotations

import multiprocessing as mp
import os
import signal
import time
from pathlib import Path

import pytest

from hcbench.compute_once import compute_once


def _slow_count(target: str, log: str) -> None:
    path = Path(target)

    def compute():
        with open(log, "a") as f:
            f.write(f"{os.getpid()}\n")
        time.sleep(2)  # longer than the spread of the workers' start-up
        path.write_text("made")

    compute_once(path, path.is_file, compute)
    assert path.read_text() == "made"


def test_processes_asking_at_once_compute_it_once(tmp_path):
    target, log = tmp_path / "entry.npz", tmp_path / "log"
    context = mp.get_context("spawn")
    workers = [context.Process(target=_slow_count, args=(str(target), str(log))) for _ in range(3)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(60)
    assert [w.exitcode for w in workers] == [0, 0, 0]
    assert len(log.read_text().split()) == 1


def _hold_forever(target: str) -> None:
    compute_once(Path(target), lambda: False, lambda: time.sleep(600))


def test_a_killed_holder_releases_the_lock(tmp_path):
    target = tmp_path / "entry"
    holder = mp.get_context("spawn").Process(target=_hold_forever, args=(str(target),))
    holder.start()
    lock = tmp_path / ".entry.lock"
    for _ in range(300):  # wait until it holds the lock
        if lock.exists():
            break
        time.sleep(0.05)
    time.sleep(0.5)
    os.kill(holder.pid, signal.SIGKILL)
    holder.join(10)
    made = []
    compute_once(target, target.is_file, lambda: made.append(target.write_text("x")))
    assert made and target.read_text() == "x"


def test_a_compute_that_fails_leaves_the_entry_to_the_next_caller(tmp_path):
    target = tmp_path / "entry"

    def fail():
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError, match="disk full"):
        compute_once(target, target.is_file, fail)
    compute_once(target, target.is_file, lambda: target.write_text("x"))
    assert target.read_text() == "x"
