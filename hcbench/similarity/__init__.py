"""Song similarity for the loop (R's similarity term, the purge cycle) and for ``hcbench similarity``.

``codebook`` is the paper's (section 4.3): eq. 3 codebook usage of the shipped VQ-VAE, eq. 4 cosine.
``descriptor`` is a training-free fallback on spectrogram descriptors. conf/similarity/ picks one.
"""
from hcbench.similarity.base import SongSimilarity, cosine

__all__ = ["SongSimilarity", "cosine"]
