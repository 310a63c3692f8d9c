"""Audio of any length -> the spectrogram clips a similarity pools (all clips of a song, eq. 3)."""
from __future__ import annotations

import numpy as np

from hcbench.audio import MelConfig, audio_to_image, slice_audio
from hcbench.threads import single_thread


def song_images(audio: np.ndarray, mel: MelConfig, source: str = "<audio>", drop_quiet: bool = True) -> np.ndarray:
    """Mono audio at ``mel.sample_rate`` -> uint8 images (clips, y_res, x_res) of its non-overlapping clips.

    With ``drop_quiet`` quiet gaps are skipped (and a silent or too-short song is an AudioError
    naming ``source``); without it, audio shorter than one clip is zero-padded to one.
    """
    audio = np.asarray(audio, np.float32)
    if not drop_quiet and audio.shape[-1] < mel.slice_length:
        audio = np.pad(audio, (0, mel.slice_length - audio.shape[-1]))
    clips = slice_audio(audio, mel.slice_length, drop_quiet=drop_quiet, source=source)
    with single_thread():  # small mel products: extra BLAS threads only spin
        return np.stack([audio_to_image(clip, mel) for clip in clips])
