"""The fallback similarity: fixed spectrogram descriptors, standardised, compared by cosine.

Needs no trained model. The 70 descriptors of :mod:`hcbench.metrics.descriptors` have
different units, so each is scaled by a fixed mean and standard deviation: those of the
corpus clips when a corpus is configured, else those of the first images it is given
(or of :meth:`fit`'s). Fixed once, so representations from different calls compare.
"""
from __future__ import annotations

import numpy as np

from hcbench.audio.mel import MelConfig
from hcbench.metrics.descriptors import describe_spectrograms
from hcbench.similarity.base import cosine

MAX_REFERENCE_CLIPS = 2000  # corpus clips that fix the scale (a seeded subsample beyond this)


class DescriptorSimilarity:
    """``represent`` / ``represent_set`` / ``similarity`` on standardised descriptors; a set is the mean row.

    >>> sim = DescriptorSimilarity()
    >>> images = np.random.default_rng(0).integers(0, 255, (4, 32, 32), dtype=np.uint8)
    >>> sim.represent(images).shape, sim.represent_set(images).shape
    ((4, 70), (70,))
    """

    def __init__(self, corpus=None, mel: MelConfig | None = None, split: str = "train"):
        self.mel = mel or MelConfig()  # the geometry of the images it will be given
        self.mean: np.ndarray | None = None
        self.scale: np.ndarray | None = None
        if corpus is not None:
            self.fit(_corpus_images(corpus, self.mel, split))

    def fit(self, images: np.ndarray) -> "DescriptorSimilarity":
        """Fix the per-feature mean and scale from reference images; returns self."""
        described = describe_spectrograms(images)
        std = described.std(axis=0)
        self.mean, self.scale = described.mean(axis=0), np.where(std > 1e-9, std, 1.0)
        return self

    def represent(self, images: np.ndarray) -> np.ndarray:
        if self.mean is None:
            self.fit(images)
        return (describe_spectrograms(images) - self.mean) / self.scale

    def represent_set(self, images: np.ndarray) -> np.ndarray:
        return self.represent(images).mean(axis=0)

    def similarity(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return cosine(a, b)


def _corpus_images(corpus, mel: MelConfig, split: str) -> np.ndarray:
    """Spectrograms of a corpus (a built Corpus or a corpus config) in ``mel``'s geometry."""
    from hcbench.corpus import Corpus, build_corpus

    corpus = corpus if isinstance(corpus, Corpus) else build_corpus(corpus)
    images, _ = corpus.spectrograms(mel, split)
    if len(images) > MAX_REFERENCE_CLIPS:
        images = images[np.sort(np.random.default_rng(0).permutation(len(images))[:MAX_REFERENCE_CLIPS])]
    return images
