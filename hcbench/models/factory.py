"""Build generators from the ``model`` config group."""
from __future__ import annotations

from hydra.utils import instantiate
from omegaconf import DictConfig

from hcbench.models.generator import Generator
from hcbench.models.model_dir import load_generator


def generator_from_config(model: DictConfig, device: str = "cpu") -> Generator:
    """The trained generator at ``model.path`` (a preset name or a diffusers-layout folder)."""
    return load_generator(model.path, steps=model.steps, batch_size=model.batch_size, device=device)


def untrained_generator(model: DictConfig, seed: int, device: str = "cpu") -> Generator:
    """A randomly initialised generator of ``model``'s architecture (seeded), for pretraining."""
    if model.get("unet") is None:
        raise ValueError(f"model {model.name} has no unet architecture in its config; it can only be loaded")
    import torch

    torch.manual_seed(seed)
    unet = instantiate(model.unet, _convert_="all").to(device)
    return Generator(unet, instantiate(model.scheduler), instantiate(model.mel), model.steps, model.batch_size)
