"""Resumable training checkpoints for the VQ-VAE: written atomically, read with a clear error."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import torch

from hcbench.errors import HCBenchError
from hcbench.models.vqvae.model import VQVAE


@dataclass
class TrainState:
    """Everything a resumed run needs to continue as if never stopped (codebook buffers are in the model)."""

    model: VQVAE
    optimizer: torch.optim.Optimizer
    lr_schedule: object
    rng: torch.Generator  # batch order and dead-code restarts
    step: int = 0
    history: dict[str, list[float]] = field(default_factory=dict)  # per-step metrics, one list per name
    seconds: float = 0.0


def save_checkpoint(state: TrainState, path: Path) -> None:
    """Write to a temporary file, then rename: a kill mid-write keeps the previous checkpoint."""
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {"model": state.model.state_dict(), "optimizer": state.optimizer.state_dict(),
               "lr_schedule": state.lr_schedule.state_dict(), "rng": state.rng.get_state(), "step": state.step,
               "history": state.history, "seconds": state.seconds}
    tmp = path.with_suffix(".tmp")
    torch.save(payload, tmp)
    os.replace(tmp, path)


def resume(state: TrainState, path: Path) -> bool:
    """Load ``path`` into ``state`` if it exists; False when there is nothing to resume."""
    if not path.exists():
        return False
    payload = _read_into(state.model, path)
    state.optimizer.load_state_dict(payload["optimizer"])
    state.lr_schedule.load_state_dict(payload["lr_schedule"])
    state.rng.set_state(payload["rng"])
    state.step, state.history, state.seconds = payload["step"], payload["history"], payload["seconds"]
    return True


def _read_into(model: VQVAE, path: Path) -> dict:
    """The checkpoint's payload, its weights loaded into ``model``; one clear error for a bad file."""
    try:
        payload = torch.load(path, map_location="cpu", weights_only=False)
        model.load_state_dict(payload["model"])
        return payload
    except Exception as error:  # unreadable file, or a run of another architecture in this folder
        raise HCBenchError(f"cannot resume from {path}: {type(error).__name__}: {str(error)[:200]}; "
                           "delete that file to start over, or choose another out_dir") from error
