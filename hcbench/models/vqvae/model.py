"""Encoder, codebook, decoder and metric head of the similarity VQ-VAE.

    image (1, 64, 64) -> encoder -> (D, 16, 16) unit vectors -> nearest codes -> decoder -> image
                                              \-> soft usage (K,) -> metric head -> unit embedding

``usage_counts`` is eq. 3 before normalisation: how many encoder positions of each clip
chose each code. Counts add across clips and songs, which is what lets one vector stand
for a whole set.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from hcbench.audio.mel import images_to_tensor
from hcbench.models.vqvae.codebook import EMACodebook
from hcbench.models.vqvae.config import VQVAEConfig

ENCODE_BATCH = 256  # clips per forward pass when encoding for similarity (memory only)


class ResBlock(nn.Module):
    """x + conv1x1(relu(conv3x3(relu(x)))): the VQ-VAE paper's residual block."""

    def __init__(self, channels: int, hidden: int):
        super().__init__()
        self.body = nn.Sequential(nn.ReLU(), nn.Conv2d(channels, hidden, 3, padding=1), nn.ReLU(),
                                  nn.Conv2d(hidden, channels, 1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.body(x)


def encoder(cfg: VQVAEConfig) -> nn.Sequential:
    """Stride-2 convs down to 1/2**len(channels) of the image, residual blocks, a 1x1 to the code dimension."""
    layers, width = [], 2 if cfg.frequency_channel else 1
    for out in cfg.channels:
        layers += [nn.Conv2d(width, out, 4, stride=2, padding=1), nn.ReLU()]
        width = out
    layers += [ResBlock(width, cfg.res_hidden) for _ in range(cfg.res_blocks)]
    return nn.Sequential(*layers, nn.ReLU(), nn.Conv2d(width, cfg.code_dim, 1))


def decoder(cfg: VQVAEConfig) -> nn.Sequential:
    """The encoder mirrored: transposed convs back to the image size, output in [-1, 1] units (no squashing)."""
    widths = list(reversed(cfg.channels))
    layers: list[nn.Module] = [nn.Conv2d(cfg.code_dim, widths[0], 3, padding=1)]
    layers += [ResBlock(widths[0], cfg.res_hidden) for _ in range(cfg.res_blocks)]
    for width, out in zip(widths, widths[1:] + [1]):
        layers += [nn.ReLU(), nn.ConvTranspose2d(width, out, 4, stride=2, padding=1)]
    return nn.Sequential(*layers)


def with_frequency(x: torch.Tensor) -> torch.Tensor:
    """Append a channel holding each row's mel-band position in [-1, 1] (CoordConv).

    Convolutions are blind to where they are; on a spectrogram the row is the frequency,
    so without this a stripe in the bass and one in the treble would get the same code.
    """
    rows = torch.linspace(-1.0, 1.0, x.shape[2], dtype=x.dtype, device=x.device)
    return torch.cat([x, rows.view(1, 1, -1, 1).expand(x.shape[0], 1, x.shape[2], x.shape[3])], dim=1)


@dataclass
class Forward:
    """One training forward pass: everything the losses and the metrics need."""

    reconstruction: torch.Tensor  # (B, 1, H, W)
    commitment: torch.Tensor  # scalar ||z - sg(e)||^2, mean over positions
    soft_usage: torch.Tensor  # (B, K) mean soft assignment over each clip's positions; rows sum to 1
    embedding: torch.Tensor  # (B, head_dim) unit head embedding of the soft usage
    index: torch.Tensor  # (B * positions,) hard code indices
    restarts: int  # dead codes restarted in this pass


class VQVAE(nn.Module):
    """The similarity model; ``usage_counts`` and ``head_embedding`` are its inference API."""

    def __init__(self, cfg: VQVAEConfig):
        super().__init__()
        self.cfg = cfg
        self.encoder, self.decoder = encoder(cfg), decoder(cfg)
        self.codebook = EMACodebook(cfg.codebook_size, cfg.code_dim, cfg.decay, cfg.dead_code_threshold)
        self.head = nn.Sequential(nn.Linear(cfg.codebook_size, cfg.head_hidden), nn.ReLU(),
                                  nn.Linear(cfg.head_hidden, cfg.head_dim))

    def forward(self, x: torch.Tensor, rng: torch.Generator | None = None) -> Forward:
        """Encode, quantise (updating the codebook when training), decode and embed (B, 1, H, W) in [-1, 1]."""
        z, shape = self._encode_flat(x)
        quantised, index, cos = self.codebook.quantize(z)
        restarts = self.codebook.update(z, index, rng) if self.training else 0
        commitment = (z - quantised.detach()).pow(2).sum(1).mean()
        batch, positions = x.shape[0], shape[1] * shape[2]
        soft = F.softmax(cos / self.cfg.temperature, dim=1).view(batch, positions, -1).mean(1)
        spatial = quantised.view(batch, shape[1], shape[2], -1).permute(0, 3, 1, 2)
        return Forward(self.decoder(spatial), commitment, soft, self.embed_usage(soft), index, restarts)

    def embed_usage(self, usage: torch.Tensor) -> torch.Tensor:
        """(B, K) usage rows (summing to 1) -> unit head embeddings; sqrt makes small usages count (Hellinger)."""
        return F.normalize(self.head(usage.clamp_min(0).sqrt()), dim=1)

    @torch.no_grad()
    def codes(self, images: np.ndarray) -> torch.Tensor:
        """uint8 spectrograms (n, H, W) -> (n, positions) nearest-code indices, in inference mode."""
        was_training = self.training
        self.eval()
        x = images_to_tensor(np.asarray(images, np.uint8))
        parts = [self.codebook.cosines(self._encode_flat(chunk)[0]).argmax(1).view(len(chunk), -1)
                 for chunk in x.split(ENCODE_BATCH)]
        self.train(was_training)
        return torch.cat(parts) if parts else torch.zeros((0, 0), dtype=torch.long)

    def usage_counts(self, images: np.ndarray) -> np.ndarray:
        """uint8 spectrograms (n, H, W) -> (n, K) float counts of positions per code (eq. 3, unnormalised)."""
        index = self.codes(images)
        counts = torch.zeros(index.shape[0], self.cfg.codebook_size)
        counts.scatter_add_(1, index, torch.ones_like(index, dtype=counts.dtype))
        return counts.numpy().astype(np.float64)

    @torch.no_grad()
    def head_embedding(self, usage: np.ndarray) -> np.ndarray:
        """(n, K) normalised usages (one song's or one set's each) -> (n, head_dim) unit embeddings."""
        return self.embed_usage(torch.as_tensor(np.atleast_2d(usage), dtype=torch.float32)).numpy().astype(np.float64)

    def _encode_flat(self, x: torch.Tensor) -> tuple[torch.Tensor, tuple[int, int, int]]:
        """(B, 1, H, W) -> (B * h * w, D) unit vectors and the (B, h, w) grid they came from."""
        z = self.encoder(with_frequency(x) if self.cfg.frequency_channel else x)
        b, d, h, w = z.shape
        return F.normalize(z.permute(0, 2, 3, 1).reshape(-1, d), dim=1), (b, h, w)
