"""One process computes a shared cache entry; others that want it at the same moment wait, then read it.

The caches (a corpus, its spectrograms, the raters' reference embedding) are written atomically,
so racing writers were always safe, but each did minutes of the same work: the jobs of a sweep
starting together on a cold cache rendered the same corpus once per job. The lock is an OS file
lock (``filelock``, flock) in a hidden ``.NAME.lock`` file beside the entry, which the OS releases
when its holder exits or is killed. On a file system without flock, filelock falls back to a soft
lock that a killed holder leaves behind; a waiter therefore gives up after ``wait_limit`` seconds
and computes the entry itself, as it did before the lock (the writes stay atomic).
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from filelock import FileLock, Timeout

log = logging.getLogger(__name__)


def compute_once(target: Path, done: Callable[[], bool], compute: Callable[[], object],
                 wait_limit: float = 3600.0) -> None:
    """Run ``compute`` unless ``done()``; while it runs, other processes asking for ``target`` wait for it.

    >>> import tempfile
    >>> target = Path(tempfile.mkdtemp()) / "entry.txt"
    >>> calls = []
    >>> for _ in range(2):
    ...     compute_once(target, target.is_file, lambda: calls.append(target.write_text("x")))
    >>> len(calls)
    1
    """
    if done():
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(target.parent / f".{target.name}.lock")
    try:
        lock.acquire(timeout=0)
    except Timeout:
        log.info("another process is computing %s; waiting for it", target)
        try:
            lock.acquire(timeout=wait_limit)
        except Timeout:
            log.warning("%s stayed locked for %.0f s (a stale lock?); computing it here as well", target, wait_limit)
            if not done():
                compute()
            return
    try:
        if not done():  # the holder we waited for has made it
            compute()
    finally:
        lock.release()
