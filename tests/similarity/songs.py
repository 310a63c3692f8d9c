"""Spectrogram clips of deterministic toy songs, in any mel geometry."""
from __future__ import annotations

import numpy as np

from hcbench.audio import MelConfig, audio_to_image
from tests.conftest import tone_sequence

STYLES = {  # (lowest note in Hz, harmonics, note length in s): register, brightness and pace
    "bass": (55.0, 2, 0.5),
    "bright": (220.0, 10, 0.25),
    "flute": (880.0, 1, 0.125),
}


def song_clips(seeds=range(3), mel: MelConfig | None = None) -> np.ndarray:
    """One clip per seed: a few decaying harmonic notes, as uint8 images (n, y_res, x_res)."""
    mel = mel or MelConfig()
    return np.stack([audio_to_image(tone_sequence(4.0, mel.sample_rate, seed=s)[: mel.slice_length], mel)
                     for s in seeds])


def styled_song(style: str, seed: int, sample_rate: int, seconds: float = 3.0) -> np.ndarray:
    """Random notes within an octave of the style's register, with its harmonics and pace."""
    low, harmonics, note = STYLES[style]
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * sample_rate)) / sample_rate
    audio = np.zeros_like(t)
    for start in np.arange(0, seconds, note):
        freq, local = low * 2 ** (rng.integers(0, 12) / 12), t - start
        mask = (local >= 0) & (local < note)
        audio[mask] += sum(np.sin(2 * np.pi * freq * k * local[mask]) / k for k in range(1, harmonics + 1)) \
            * np.exp(-4 * local[mask] / note)
    return (0.3 * audio / np.abs(audio).max()).astype(np.float32)


def styled_clips(per_style: int, mel: MelConfig) -> tuple[np.ndarray, list[str]]:
    """``per_style`` one-clip songs of every style in ``mel``'s geometry, and their style names."""
    styles = [style for style in STYLES for _ in range(per_style)]
    images = [audio_to_image(styled_song(style, seed, mel.sample_rate, 4.0)[: mel.slice_length], mel)
              for seed, style in enumerate(styles)]
    return np.stack(images), styles
