"""Resumable training checkpoints for the VQ-VAE: written atomically, read with a clear error."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import torch

from hcbench.models.checkpoints import load_into, save_atomic
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
    save_atomic({"model": state.model.state_dict(), "optimizer": state.optimizer.state_dict(),
                 "lr_schedule": state.lr_schedule.state_dict(), "rng": state.rng.get_state(), "step": state.step,
                 "history": state.history, "seconds": state.seconds}, path)


def resume(state: TrainState, path: Path) -> bool:
    """Load ``path`` into ``state`` if it exists; False when there is nothing to resume."""
    if not path.exists():
        return False
    payload = load_into(state.model, path, "model")
    state.optimizer.load_state_dict(payload["optimizer"])
    state.lr_schedule.load_state_dict(payload["lr_schedule"])
    state.rng.set_state(payload["rng"])
    state.step, state.history, state.seconds = payload["step"], payload["history"], payload["seconds"]
    return True
