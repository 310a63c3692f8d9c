"""Files that appear whole or not at all: written beside their place, flushed to disk, renamed onto it.

A kill at any moment leaves the old file or the new one, never a truncated one that looks
valid (a cache, a checkpoint, a song the database already names); and once a write returns,
the new file survives a power cut as well, like the run database's commits (synchronous=FULL).
"""
from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from pathlib import Path

import numpy as np


def write_atomic(path: Path | str, write: Callable[[Path], object], sync_folder: bool = True) -> Path:
    """Have ``write(tmp)`` fill a temporary file beside ``path``; fsync it, rename it onto ``path``.

    The temporary name (``.tmp-…-NAME``) ends in ``path``'s own name, for writers that pick a
    format by the suffix, and is unique per call, so processes and threads never share one.
    ``sync_folder=False`` leaves the folder's fsync to a later write into the same folder.

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> write_atomic(folder / "a.txt", lambda tmp: tmp.write_text("whole")).read_text()
    'whole'
    >>> [p.name for p in folder.iterdir()]  # nothing temporary is left
    ['a.txt']
    >>> import shutil; shutil.rmtree(folder)
    """
    path = Path(path)
    tmp = path.with_name(f".tmp-{os.getpid()}-{secrets.token_hex(4)}-{path.name}")
    try:
        write(tmp)
        _fsync(tmp, os.O_RDWR)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    if sync_folder:
        try:  # the rename itself: a folder can be fsynced on POSIX systems, not everywhere
            _fsync(path.parent, os.O_RDONLY)
        except OSError:
            pass
    return path


def write_text_atomic(path: Path | str, text: str) -> Path:
    return write_atomic(path, lambda tmp: tmp.write_text(text))


def save_npz_atomic(path: Path | str, **arrays: np.ndarray) -> Path:
    """``np.savez`` through an open file, which keeps numpy from adding a second ``.npz``."""

    def write(tmp: Path) -> None:
        with open(tmp, "wb") as handle:
            np.savez(handle, **arrays)

    return write_atomic(path, write)


def _fsync(path: Path, flags: int) -> None:
    descriptor = os.open(path, flags)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
