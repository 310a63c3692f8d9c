"""Cut long audio into model-sized clips."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from hcbench.audio.errors import AudioError

QUIET_RMS = 1e-3  # about -60 dBFS: slices quieter than this are gaps, not music


def loud_slices(slices: np.ndarray) -> np.ndarray:
    """Boolean mask of the slices (n, length) at or above QUIET_RMS: music, not gaps."""
    return np.sqrt((slices**2).mean(axis=1)) >= QUIET_RMS


def slice_audio(
    audio: np.ndarray,
    slice_length: int,
    hop: int | None = None,
    drop_quiet: bool = True,
    source: str | Path = "<audio>",
) -> np.ndarray:
    """Non-padded windows of ``slice_length`` samples every ``hop`` (default: no overlap).

    >>> slice_audio(np.ones(10, dtype=np.float32), 4).shape
    (2, 4)
    """
    hop = hop or slice_length
    if audio.shape[-1] < slice_length:
        seconds = audio.shape[-1]
        raise AudioError(source, f"is too short: {seconds} samples, one clip needs {slice_length}", "give longer audio")
    starts = range(0, audio.shape[-1] - slice_length + 1, hop)
    slices = np.stack([audio[s : s + slice_length] for s in starts])
    if drop_quiet:
        slices = slices[loud_slices(slices)]
        if len(slices) == 0:
            raise AudioError(source, "has no slice louder than -60 dBFS RMS", "give audio with audible music")
    return slices.astype(np.float32)


def middle_clip(audio: np.ndarray, slice_length: int, source: str | Path = "<audio>") -> np.ndarray:
    """The audible clip nearest the middle of a song: the one a request is built from."""
    slices = slice_audio(audio, slice_length, source=source)
    return slices[len(slices) // 2]
