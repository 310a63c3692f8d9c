"""The paper's similarity model (section 4.3): a VQ-VAE whose codebook usage represents songs.

A song's representation is the normalised histogram of nearest-code assignments over
every encoder position of its clips (eq. 3); a set of songs pools those counts, so any
number of songs gets one vector. Similarity is the cosine of two such vectors (eq. 4).
A small metric head trained by supervised contrastive learning on style labels shapes
the assignments so that the usage itself carries style.
"""
from hcbench.models.vqvae.config import MetricConfig, VQVAEConfig
from hcbench.models.vqvae.io import load_vqvae, save_vqvae
from hcbench.models.vqvae.model import VQVAE

__all__ = ["MetricConfig", "VQVAE", "VQVAEConfig", "load_vqvae", "save_vqvae"]
