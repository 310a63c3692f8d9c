"""How far a fine-tuned version moved from v0: the gap between their noise predictions.

Both models predict the noise of the same noisy inputs (the same clean spectrograms, each
noised at every timestep that generation visits, with the same noise), so the gap measures
what training changed and nothing else; 0 for a model identical to v0.
"""
from __future__ import annotations

import numpy as np
import torch

from hcbench.audio.mel import images_to_tensor
from hcbench.models.generator import Generator


@torch.no_grad()
def noise_prediction_drift(model: Generator, base: Generator, images: np.ndarray, strength: float,
                           seed: int = 0) -> float:
    """Mean squared gap between ``model``'s and ``base``'s predicted noise, over ``images`` and the
    timesteps that generation at ``strength`` visits."""
    clean = images_to_tensor(np.asarray(images)).to(base.device)
    noise_source = torch.Generator().manual_seed(seed)
    gaps = []
    for t in _generation_timesteps(base, strength):
        noise = torch.randn(clean.shape, generator=noise_source).to(base.device)
        timesteps = torch.full((len(clean),), int(t), dtype=torch.long, device=base.device)
        noisy = base.scheduler.add_noise(clean, noise, timesteps)
        gap = model.unet(noisy, timesteps).sample - base.unet(noisy, timesteps).sample
        gaps.append(float(gap.pow(2).mean()))
    return float(np.mean(gaps))


def _generation_timesteps(generator: Generator, strength: float) -> list[int]:
    highest = generator.highest_timestep(strength)
    generator.scheduler.set_timesteps(generator.steps)
    return [int(t) for t in generator.scheduler.timesteps if int(t) <= highest]
