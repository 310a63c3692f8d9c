"""The user's own audio: every file under a folder, its subfolder as the style label."""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Iterator

import numpy as np

from hcbench.audio import AudioError, list_audio_files, load_audio
from hcbench.audio.io import AUDIO_EXTENSIONS

log = logging.getLogger(__name__)


def folder_files(root: str | Path) -> list[Path]:
    """The audio files under ``root``; an error naming it when there are none."""
    root = Path(root).expanduser()
    files = list_audio_files(root)
    if not files:
        raise AudioError(root, f"holds no audio files ({', '.join(AUDIO_EXTENSIONS)})", "put your recordings in it")
    return files


def collection_of(path: Path, root: Path) -> str:
    """The folder a file sits in, relative to ``root``; files at the top take the root's name.

    >>> collection_of(Path("/m/jazz/bebop/a.wav"), Path("/m"))
    'jazz/bebop'
    >>> collection_of(Path("/m/a.wav"), Path("/m"))
    'm'
    """
    parent = path.parent.relative_to(root)
    return parent.as_posix() if parent.parts else root.name


def folder_pieces(root: str | Path, sample_rate: int, min_seconds: float) -> Iterator[tuple[np.ndarray, dict]]:
    """Each usable file as (audio, labels); a bad file is skipped with a warning naming it.

    Raises AudioError naming ``root`` when no file is usable, so a corpus is never silently empty.
    """
    root = Path(root).expanduser().resolve()
    files = folder_files(root)
    used = 0
    for path in files:
        try:
            audio = load_audio(path, sample_rate, min_seconds=min_seconds)
        except AudioError as error:
            log.warning("skipping %s", error)
            continue
        used += 1
        rel = path.relative_to(root).as_posix()
        yield audio, {"source": "folder", "collection": collection_of(path, root), "title": path.stem, "original": rel}
    if used == 0:
        raise AudioError(
            root, f"has {len(files)} audio file(s) but none is usable (see the warnings above)",
            f"give decodable recordings of at least {min_seconds:g} s",
        )
