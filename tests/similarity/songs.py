"""Spectrogram clips of deterministic toy songs, in any mel geometry."""
from __future__ import annotations

import numpy as np

from hcbench.audio import MelConfig, audio_to_image
from tests.conftest import tone_sequence


def song_clips(seeds=range(3), mel: MelConfig | None = None) -> np.ndarray:
    """One clip per seed: a few decaying harmonic notes, as uint8 images (n, y_res, x_res)."""
    mel = mel or MelConfig()
    return np.stack([audio_to_image(tone_sequence(4.0, mel.sample_rate, seed=s)[: mel.slice_length], mel)
                     for s in seeds])
