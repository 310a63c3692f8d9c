"""Spherical interpolation of diffusion latents, for two songs or for many.

Gaussian latents live near a sphere of radius sqrt(dim); a straight average of two
of them falls inside it and denoises to mush, so songs are merged along the sphere.
"""
from __future__ import annotations

import torch

_PARALLEL = 1e-6  # below this angle two latents are the same direction


def slerp(a: torch.Tensor, b: torch.Tensor, t: float) -> torch.Tensor:
    """Interpolate from ``a`` (t=0) to ``b`` (t=1) along the great circle, norms linearly.

    >>> a, b = torch.tensor([1.0, 0.0]), torch.tensor([0.0, 1.0])
    >>> [round(x, 4) for x in slerp(a, b, 0.5).tolist()]  # float32: round in Python, not in torch
    [0.7071, 0.7071]
    """
    a_flat, b_flat = a.flatten().double(), b.flatten().double()
    a_norm, b_norm = a_flat.norm(), b_flat.norm()
    cos = torch.clamp(a_flat @ b_flat / (a_norm * b_norm), -1.0, 1.0)
    theta = torch.arccos(cos)
    if theta < _PARALLEL:
        return ((1 - t) * a.double() + t * b.double()).to(a.dtype)
    a_unit, b_unit = a_flat / a_norm, b_flat / b_norm
    direction = (torch.sin((1 - t) * theta) * a_unit + torch.sin(t * theta) * b_unit) / torch.sin(theta)
    norm = (1 - t) * a_norm + t * b_norm
    return (direction * norm).reshape(a.shape).to(a.dtype)


def slerp_mean(latents: torch.Tensor, iterations: int = 50, tol: float = 1e-10) -> torch.Tensor:
    """Equally weighted spherical mean (Karcher mean) of ``latents`` (n, ...).

    For two latents this is exactly ``slerp(a, b, 0.5)``; for more it weighs every
    song the same whatever their order, which a pairwise fold at 0.5 does not.
    The norm is the mean of the input norms.
    """
    if latents.shape[0] == 1:
        return latents[0].clone()
    flat = latents.flatten(1).double()
    norms = flat.norm(dim=1)
    units = flat / norms[:, None]
    mean = units.mean(0)
    mean = mean / mean.norm()
    for _ in range(iterations):
        tangent = _log_map(mean, units).mean(0)
        step = tangent.norm()
        mean = _exp_map(mean, tangent)
        if step < tol:
            break
    return (mean * norms.mean()).reshape(latents.shape[1:]).to(latents.dtype)


def _log_map(base: torch.Tensor, points: torch.Tensor) -> torch.Tensor:
    """Tangent vectors at ``base`` pointing to each unit vector in ``points``."""
    cos = torch.clamp(points @ base, -1.0, 1.0)
    theta = torch.arccos(cos)
    orthogonal = points - cos[:, None] * base
    scale = torch.where(theta > _PARALLEL, theta / torch.sin(theta).clamp_min(1e-12), torch.ones_like(theta))
    return orthogonal * scale[:, None]


def _exp_map(base: torch.Tensor, tangent: torch.Tensor) -> torch.Tensor:
    length = tangent.norm()
    if length < _PARALLEL:
        return base
    return torch.cos(length) * base + torch.sin(length) * tangent / length
