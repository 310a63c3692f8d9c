"""The similarity VQ-VAE as an embedder: what a rater hears is a song's codebook usage (eq. 3).

Each signal is cut into the VQ-VAE's clips (a short one is zero-padded to one clip), every
clip is encoded, and the nearest-code counts of all clips are pooled: one K-vector per
signal, or the metric head's embedding of it. Trained in-project; no download.
"""
from __future__ import annotations

import hashlib

import numpy as np

from hcbench.audio.librosa_kernels import librosa
from hcbench.models.vqvae.io import FILES
from hcbench.similarity.codebook import CodebookSimilarity
from hcbench.similarity.songs import song_images
from simulators.embedders.file_digest import update_from_file


class VQVAEEmbedder:
    """``embed(audio, sample_rate) -> (n, dim)``: K = codebook size for ``usage``, head_dim for ``head``.

    >>> embed = VQVAEEmbedder()
    >>> t = np.arange(33075) / 11025
    >>> embed(np.sin(2 * np.pi * 440 * t)[None], 11025).shape
    (1, 128)
    """

    def __init__(self, path: str = "vqvae", representation: str = "usage"):
        self.similarity = CodebookSimilarity(path, representation)
        self.dim = self.similarity.dim

    @property
    def cache_key(self) -> str:
        """Names cached corpus embeddings: changes with the weights, config or representation."""
        digest = hashlib.sha1(self.similarity.representation.encode())
        for name in FILES:
            update_from_file(digest, self.similarity.loaded.path / name)
        return "vqvae-" + digest.hexdigest()[:10]

    def __call__(self, audio: np.ndarray | list[np.ndarray], sample_rate: int) -> np.ndarray:
        """A batch (n, samples) or a list of mono signals at ``sample_rate`` -> float64 (n, dim)."""
        mel = self.similarity.mel
        rows = []
        for signal in audio:
            signal = np.asarray(signal, np.float32)
            if sample_rate != mel.sample_rate:
                signal = librosa.resample(signal, orig_sr=sample_rate, target_sr=mel.sample_rate, res_type="soxr_hq")
            rows.append(self.similarity.represent_set(song_images(signal, mel, drop_quiet=False)))
        return np.stack(rows) if rows else np.zeros((0, self.dim))
