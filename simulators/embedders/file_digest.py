"""Hashing checkpoint files for cache keys, a block at a time: a LAION CLAP checkpoint is ~600 MB."""
from __future__ import annotations

from pathlib import Path


def update_from_file(digest, file: Path, block: int = 1 << 20):
    """Feed ``file``'s bytes into ``digest`` (a hashlib object) without reading it whole; returns ``digest``.

    >>> import hashlib, tempfile
    >>> path = Path(tempfile.mkdtemp()) / "w.bin"; _ = path.write_bytes(b"weights" * 1000)
    >>> update_from_file(hashlib.sha1(), path, block=64).hexdigest() == hashlib.sha1(path.read_bytes()).hexdigest()
    True
    """
    with open(file, "rb") as f:
        for chunk in iter(lambda: f.read(block), b""):
            digest.update(chunk)
    return digest
