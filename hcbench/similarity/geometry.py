"""Spectrograms of one mel geometry made fit for a model trained on another.

The loop hands similarity the generator's spectrograms; the shipped VQ-VAE was trained on
the ``small`` geometry (64x64, ~3 s at 11025 Hz). When both cover the same clip length at
the same sample rate and dB range (the ``tiny`` model: 32x32, hop 1024), an image differs
only in how finely it samples the same mel-frequency x time plane, so it is resized
(bilinear) to the VQ-VAE's grid. Anything else cannot be fixed by resizing: ConfigError.
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch
import torch.nn.functional as F

from hcbench.audio.mel import MelConfig
from hcbench.errors import ConfigError

CLIP_LENGTH_TOLERANCE = 0.05  # clip lengths within 5% cover the same music for a similarity


def describe(mel: MelConfig) -> str:
    return (f"{mel.y_res}x{mel.x_res} mel, {mel.sample_rate} Hz, n_fft {mel.n_fft}, hop {mel.hop_length}, "
            f"top_db {mel.top_db:g} ({mel.slice_seconds:.2f} s)")


def image_adapter(source: MelConfig | None, target: MelConfig) -> Callable[[np.ndarray], np.ndarray]:
    """A function taking uint8 images in ``source``'s geometry (None: already ``target``'s) to ``target``'s."""
    source = source or target
    same_plane = (source.sample_rate == target.sample_rate and source.top_db == target.top_db
                  and abs(source.slice_seconds / target.slice_seconds - 1) <= CLIP_LENGTH_TOLERANCE)
    if not same_plane:
        raise ConfigError(
            f"similarity: spectrograms of {describe(source)} cannot be compared by a model trained on "
            f"{describe(target)} (sample rate, dB range or clip length differ); train a VQ-VAE in the generator's "
            f"geometry (hcbench pretrain model=vqvae model.mel.<key>=...) and set similarity.path to its model/ "
            f"folder, or use similarity=descriptor")
    shape = (source.y_res, source.x_res)

    def adapt(images: np.ndarray) -> np.ndarray:
        images = np.asarray(images, np.uint8)
        if images.shape[1:] != shape:
            raise ValueError(f"expected spectrograms of shape (n, {shape[0]}, {shape[1]}) ({describe(source)}), "
                             f"got {images.shape}")
        return images if shape == (target.y_res, target.x_res) else resize(images, target.y_res, target.x_res)

    return adapt


def resize(images: np.ndarray, height: int, width: int) -> np.ndarray:
    """Bilinear resize of uint8 images (n, H, W) -> (n, height, width), rounded back to uint8."""
    x = torch.from_numpy(np.asarray(images, np.float32)).unsqueeze(1)
    y = F.interpolate(x, size=(height, width), mode="bilinear", align_corners=False)
    return y.squeeze(1).round().clamp(0, 255).to(torch.uint8).numpy()
