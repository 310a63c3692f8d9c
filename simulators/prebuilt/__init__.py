"""Reference embeddings shipped with the package, so a fresh machine need not spend minutes on them.

Embedding the default run's 1,000 corpus reference clips takes ~2.5 min on 2 cores with the descriptors,
longer through the CLAP preset clap_corpus; each result is under 250 kB, one file per shipped embedder.
A shipped file is used only when it is what this machine would compute:

- the same cache name (embedder settings, mel geometry, split, clip count, seed);
- the same input: the hash of the very spectrograms this machine built from its own corpus;
- the same numeric libraries (versions);
- a spot check: a few clips, re-embedded here, must come out bit for bit equal.

Otherwise (another SoundFont, music21 or CPU) it is ignored and the clips are embedded here.
Regenerate after a change with ``python -m simulators.prebuilt`` (see __main__.py).
"""
from __future__ import annotations

import hashlib
import json
import logging
from importlib import metadata
from pathlib import Path

import numpy as np

from hcbench.audio import MelConfig

log = logging.getLogger(__name__)

FOLDER = Path(__file__).parent
SPOT_CHECKS = 8  # clips re-embedded to prove the shipped numbers are this machine's (~1 s)
SHIPPED_EMBEDDERS = ("descriptor", "clap_corpus")  # conf/embedder/ options whose default-run reference ships
LIBRARIES = ("numpy", "scipy", "librosa", "soxr", "numba")  # what Griffin-Lim and the descriptors run on


def shipped_reference(name: str, images: np.ndarray, embedder, mel: MelConfig) -> np.ndarray | None:
    """The shipped raw embeddings of ``images`` under cache file ``name``, or None when they do not match."""
    path = FOLDER / name
    if not path.is_file():
        return None
    with np.load(path) as data:
        raw, digest, versions = data["raw"], str(data["images_sha1"]), json.loads(str(data["versions"]))
    if digest != images_digest(images) or raw.shape[0] != len(images):
        log.info("shipped %s is for other spectrograms (another corpus build); embedding here", name)
        return None
    if versions != library_versions():
        log.info("shipped %s was made with %s, this machine has %s; embedding here", name, versions,
                 library_versions())
        return None
    from simulators.embedders import embed_spectrograms

    spot = np.unique(np.linspace(0, len(images) - 1, SPOT_CHECKS).round().astype(int))
    if not np.array_equal(embed_spectrograms(embedder, images[spot], mel), raw[spot]):
        log.info("shipped %s differs from this machine's numbers; embedding here", name)
        return None
    log.info("using the shipped %s (same spectrograms, libraries and spot check)", name)
    return raw


def ship_reference(name: str, images: np.ndarray, raw: np.ndarray, folder: Path = FOLDER) -> Path:
    """Write ``raw`` (the embeddings of ``images``) as a shipped file, with what it must match."""
    path = folder / name
    np.savez_compressed(path, raw=np.asarray(raw, np.float64), images_sha1=images_digest(images),
                        versions=json.dumps(library_versions(), sort_keys=True))
    return path


def images_digest(images: np.ndarray) -> str:
    images = np.ascontiguousarray(images, np.uint8)
    return hashlib.sha1(repr(images.shape).encode() + images.tobytes()).hexdigest()


def library_versions() -> dict[str, str | None]:
    found: dict[str, str | None] = {}
    for package in LIBRARIES:
        try:
            found[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            found[package] = None
    return found
