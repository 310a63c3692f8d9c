"""Embedders: plain callables from a batch of audio to vectors, chosen in conf/embedder/.

``descriptor`` (the default) needs no weights; ``clap`` loads a local LAION CLAP folder.
Spectrograms are heard as audio: :func:`embed_spectrograms` inverts them first.
"""
from __future__ import annotations

from typing import Protocol

import numpy as np

from hcbench.audio import MelConfig, image_to_audio
from hcbench.threads import single_thread

GRIFFIN_LIM_SEED = 0  # one fixed seed: an image sounds the same wherever it sits in a batch


class Embedder(Protocol):
    """``embed(audio, sample_rate) -> (n, dim)``; ``cache_key`` names its cached corpus embeddings.

    An embedder may also set ``spawn_safe = True``: cheap to pickle, single-threaded and deterministic
    per clip, so corpus clips may be embedded in several processes (torch models leave it unset).
    """

    dim: int
    cache_key: str

    def __call__(self, audio: np.ndarray | list[np.ndarray], sample_rate: int) -> np.ndarray: ...


def embed_spectrograms(embed: Embedder, images: np.ndarray, mel: MelConfig) -> np.ndarray:
    """uint8 mel images (n, y_res, x_res) -> (n, dim), through the audio a listener would hear.

    >>> from simulators.embedders.descriptor import DescriptorEmbedder
    >>> images = np.full((2, 32, 32), 128, dtype=np.uint8)
    >>> embed_spectrograms(DescriptorEmbedder(), images, MelConfig(x_res=32, y_res=32)).shape
    (2, 31)
    """
    with single_thread():  # Griffin-Lim's NNLS and small FFTs: extra threads only spin
        audio = [image_to_audio(image, mel, seed=GRIFFIN_LIM_SEED) for image in np.asarray(images)]
    return embed(audio, mel.sample_rate)


__all__ = ["Embedder", "embed_spectrograms"]
