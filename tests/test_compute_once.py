"""Processes that want the same cache entry at once compute it once; a killed holder blocks no one."""
from __future__ import annotations

import multiprocessing as mp
import os
import signal
import time
from pathlib import Path

import pytest

from hcbench.compute_once import compute_once

SPAWN = mp.get_context("spawn")


def _slow_count(target: str, log: str, start) -> None:
    path = Path(target)

    def compute():
        with open(log, "a") as f:
            f.write(f"{os.getpid()}\n")
        time.sleep(1)
        path.write_text("made")

    start.wait(60)  # every worker asks at the same moment, however slowly each one started
    compute_once(path, path.is_file, compute)
    assert path.read_text() == "made"


def test_processes_asking_at_once_compute_it_once(tmp_path):
    target, log = tmp_path / "entry.npz", tmp_path / "log"
    start = SPAWN.Barrier(3)
    workers = [SPAWN.Process(target=_slow_count, args=(str(target), str(log), start)) for _ in range(3)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(120)
    assert [w.exitcode for w in workers] == [0, 0, 0]
    assert len(log.read_text().split()) == 1


def _hold_forever(target: str) -> None:
    compute_once(Path(target), lambda: False, lambda: time.sleep(600))


def _make(target: str) -> None:
    path = Path(target)
    compute_once(path, path.is_file, lambda: path.write_text("x"))


def test_a_killed_holder_releases_the_lock(tmp_path):
    target = tmp_path / "entry"
    holder = SPAWN.Process(target=_hold_forever, args=(str(target),))
    holder.start()
    for _ in range(600):  # until it holds the lock
        if (tmp_path / ".entry.lock").exists():
            break
        time.sleep(0.05)
    time.sleep(0.5)
    os.kill(holder.pid, signal.SIGKILL)
    holder.join(10)
    waiter = SPAWN.Process(target=_make, args=(str(target),))  # in a process: a lock never released fails, not hangs
    waiter.start()
    waiter.join(60)
    alive = waiter.is_alive()
    if alive:
        waiter.kill()
    assert not alive and waiter.exitcode == 0 and target.read_text() == "x"


def test_a_waiter_gives_up_on_a_lock_held_too_long(tmp_path, caplog):
    from filelock import FileLock

    target = tmp_path / "entry"
    with FileLock(tmp_path / ".entry.lock"):  # held here, so the spawned process must wait for it
        holder = SPAWN.Process(target=_make_with_short_wait, args=(str(target),))
        holder.start()
        holder.join(60)
    assert holder.exitcode == 0 and target.read_text() == "x"


def _make_with_short_wait(target: str) -> None:
    path = Path(target)
    compute_once(path, path.is_file, lambda: path.write_text("x"), wait_limit=0.5)


def test_a_compute_that_fails_leaves_the_entry_to_the_next_caller(tmp_path):
    target = tmp_path / "entry"

    def fail():
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError, match="disk full"):
        compute_once(target, target.is_file, fail)
    compute_once(target, target.is_file, lambda: target.write_text("x"))
    assert target.read_text() == "x"
