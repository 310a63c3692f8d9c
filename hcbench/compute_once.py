"""One process computes a shared cache entry; others that want it at the same moment wait, then read it.

The caches (a corpus, its spectrograms, the raters' reference embedding) are written atomically,
so racing writers were always safe, but each did minutes of the same work: the jobs of a sweep
starting together on a cold cache rendered the same corpus once per job. The lock is an OS file
lock (``filelock``) in a hidden ``.NAME.lock`` file beside the entry; the OS releases it when its
holder exits or is killed, so a crashed build never blocks the next one.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from filelock import FileLock, Timeout

log = logging.getLogger(__name__)


def compute_once(target: Path, done: Callable[[], bool], compute: Callable[[], object]) -> None:
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
        lock.acquire()
    try:
        if not done():  # the holder we waited for has made it
            compute()
    finally:
        lock.release()
