"""Per-sample torch generators, so a sample's noise depends on its seed only, not on batching."""
from __future__ import annotations

import numpy as np
import torch


def sample_generators(seed: int, n: int) -> list[torch.Generator]:
    """``n`` independent CPU generators derived from ``seed`` (SeedSequence spawning).

    >>> [g.initial_seed() == h.initial_seed() for g, h in zip(sample_generators(0, 2), sample_generators(0, 2))]
    [True, True]
    """
    children = np.random.SeedSequence(seed).generate_state(n, dtype=np.uint64)
    return [torch.Generator().manual_seed(int(s) & 0x7FFF_FFFF_FFFF_FFFF) for s in children]


def randn_per_sample(shape: tuple[int, ...], generators: list[torch.Generator], device="cpu") -> torch.Tensor:
    """One normal draw of ``shape[1:]`` per generator, stacked (CPU draw, then moved)."""
    draws = [torch.randn(shape[1:], generator=g, dtype=torch.float32) for g in generators]
    return torch.stack(draws).to(device)
