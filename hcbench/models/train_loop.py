"""The fixed loop under the small auxiliary models' trainers (similarity VQ-VAE, corpus CLAP).

A trainer supplies one step (state -> metrics dict); this loop owns the rest: resuming
from ``out_dir/checkpoints/last.pt``, the progress bar, periodic atomic checkpoints, timing,
and the per-step history (losses.csv and a plot of chosen curves).
"""
from __future__ import annotations

import csv
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import torch
from diffusers.optimization import get_cosine_schedule_with_warmup

from hcbench.models.checkpoints import load_into, save_atomic
from hcbench.models.pretrain import TrainerConfig, _progress, _tail_mean, adamw

log = logging.getLogger(__name__)


@dataclass
class TrainState:
    """Everything a resumed run needs to continue as if never stopped (buffers are in the model)."""

    model: torch.nn.Module
    optimizer: torch.optim.Optimizer
    lr_schedule: object
    rng: torch.Generator  # batch order and any random choice of the step
    step: int = 0
    history: dict[str, list[float]] = field(default_factory=dict)  # per-step metrics, one list per name
    seconds: float = 0.0


def init_state(model: torch.nn.Module, cfg: TrainerConfig) -> TrainState:
    """Model in training mode, AdamW (or the configured optimiser) with warm-up + cosine, seeded generator."""
    model.train()
    optimizer = (cfg.optimizer or adamw())(model.parameters())
    schedule = get_cosine_schedule_with_warmup(optimizer, cfg.warmup_steps, cfg.steps)
    return TrainState(model, optimizer, schedule, torch.Generator().manual_seed(cfg.seed))


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


def run_steps(state: TrainState, step: Callable[[TrainState], dict[str, float]], cfg: TrainerConfig, out_dir: Path,
              description: str, log_keys: tuple[str, ...] = ("loss",)) -> dict:
    """Call ``step`` until ``cfg.steps``, resuming and checkpointing; returns steps, seconds and final means."""
    out_dir = Path(out_dir)
    if resume(state, out_dir / "checkpoints" / "last.pt"):
        log.info("resumed from step %d in %s", state.step, out_dir)
    with _progress() as progress:
        task = progress.add_task(description, total=cfg.steps, completed=state.step, loss=float("nan"))
        while state.step < cfg.steps:
            started = time.perf_counter()
            metrics = step(state)
            state.step += 1
            for name, value in metrics.items():
                state.history.setdefault(name, []).append(value)
            state.seconds += time.perf_counter() - started
            progress.update(task, advance=1, loss=metrics["loss"])
            if state.step % cfg.checkpoint_every == 0 or state.step == cfg.steps:
                save_checkpoint(state, out_dir / "checkpoints" / "last.pt")
                figures = " ".join(f"{k} {_tail_mean(state.history[k]):.4f}" for k in log_keys)
                log.info("step %d/%d %s (%.0f s)", state.step, cfg.steps, figures, state.seconds)
    state.model.eval()
    return {"steps": state.step, "train_seconds": state.seconds,
            **{f"final_{name}": _tail_mean(values) for name, values in state.history.items()}}


def write_history(history: dict[str, list[float]], out_dir: Path, panels: tuple[tuple[str, str], ...]) -> None:
    """losses.csv (one row per step, one column per metric) and loss_curve.png of the ``panels`` (key, title)."""
    from hcbench.models.vqvae.plots import plot_training_curves

    out_dir.mkdir(parents=True, exist_ok=True)
    names = list(history)
    steps = len(history[names[0]]) if names else 0
    with open(out_dir / "losses.csv", "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["step", *names])
        writer.writerows([i + 1, *(f"{history[n][i]:.6f}" for n in names)] for i in range(steps))
    plot_training_curves(history, out_dir / "loss_curve.png", panels)
