"""The codebook: cosine nearest-code assignment, EMA updates and dead-code restarts.

Encoder outputs and codes are unit vectors (as in ViT-VQGAN): the nearest code is the
one of highest cosine, and a temperature on those cosines gives the soft assignment
that makes the usage histogram differentiable. Codes move by an exponential moving
average of the vectors assigned to them (no codebook gradient), and a code that goes
unused is restarted on a random encoder output of the batch, so the codebook does not
collapse onto a few entries.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn


class EMACodebook(nn.Module):
    """K unit-length codes of dimension D, held as buffers (they are not optimised by gradients)."""

    def __init__(self, size: int, dim: int, decay: float, dead_threshold: float):
        super().__init__()
        self.decay, self.dead_threshold = decay, dead_threshold
        codes = F.normalize(torch.randn(size, dim), dim=1)
        self.register_buffer("codes", codes)
        self.register_buffer("ema_count", torch.ones(size))  # EMA of positions assigned per batch
        self.register_buffer("ema_sum", codes.clone())  # EMA of the sum of vectors assigned

    @property
    def size(self) -> int:
        return self.codes.shape[0]

    def cosines(self, z: torch.Tensor) -> torch.Tensor:
        """(N, D) unit vectors -> (N, K) cosine to every code."""
        return z @ self.codes.T

    def quantize(self, z: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Nearest codes for (N, D) unit vectors: (straight-through quantised, indices, cosines).

        Works on a copy of the codes: ``update`` changes them in place before the backward pass.
        """
        codes = self.codes.clone()
        cos = z @ codes.T
        index = cos.argmax(dim=1)
        chosen = codes[index]
        return z + (chosen - z).detach(), index, cos

    @torch.no_grad()
    def update(self, z: torch.Tensor, index: torch.Tensor, rng: torch.Generator | None = None) -> int:
        """One EMA step towards the vectors assigned to each code, then restart dead codes; returns restarts."""
        onehot = F.one_hot(index, self.size).to(z.dtype)
        self.ema_count.mul_(self.decay).add_(onehot.sum(0), alpha=1 - self.decay)
        self.ema_sum.mul_(self.decay).add_(onehot.T @ z, alpha=1 - self.decay)
        self.codes.copy_(F.normalize(self.ema_sum, dim=1))
        return self._restart_dead(z.detach(), rng)

    def _restart_dead(self, z: torch.Tensor, rng: torch.Generator | None) -> int:
        dead = torch.nonzero(self.ema_count < self.dead_threshold).flatten()
        if len(dead) == 0:
            return 0
        picks = torch.randint(0, z.shape[0], (len(dead),), generator=rng)
        self.codes[dead] = z[picks]
        self.ema_sum[dead] = z[picks] * self.dead_threshold
        self.ema_count[dead] = self.dead_threshold
        return len(dead)
