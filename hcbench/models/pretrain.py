"""Pretraining of the base UNet on corpus spectrograms: resumable, checkpointed, logged."""
from __future__ import annotations

import copy
import csv
import logging
import time
from dataclasses import dataclass
from collections.abc import Callable
from functools import partial
from pathlib import Path

import numpy as np
import torch
from diffusers.optimization import get_cosine_schedule_with_warmup
from diffusers.training_utils import EMAModel
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from hcbench.audio.mel import images_to_tensor
from hcbench.errors import ConfigError
from hcbench.models.checkpoints import load_into, save_atomic
from hcbench.models.diffusion_loss import weighted_diffusion_loss
from hcbench.models.generator import Generator

log = logging.getLogger(__name__)


@dataclass
class TrainerConfig:
    """How the base model is pretrained; the defaults are conf/trainer/default.yaml's."""

    steps: int = 2000  # optimiser steps in total (a resumed run continues to this)
    batch_size: int = 32  # spectrograms per step
    warmup_steps: int = 100  # linear learning-rate warm-up before the cosine decay
    ema_decay: float = 0.999  # weights shipped are this EMA; it smooths the last steps' noise
    grad_clip: float = 1.0  # max gradient norm; keeps early steps from blowing up
    checkpoint_every: int = 100  # steps between resumable checkpoints
    seed: int = 0  # seeds batch order and diffusion noise
    min_timestep: int = 0  # diffusion timesteps trained: [min_timestep, max_timestep)
    max_timestep: int | None = None  # None: up to the scheduler's last
    optimizer: Callable | None = None  # parameters -> optimiser (Hydra partial); AdamW(lr=3e-4) if None

    def __post_init__(self):
        for name in ("steps", "batch_size", "checkpoint_every"):
            if getattr(self, name) <= 0:
                raise ConfigError(f"trainer.{name} must be positive, got {getattr(self, name)}")
        if not 0.0 <= self.ema_decay < 1.0:
            raise ConfigError(f"trainer.ema_decay must lie in [0, 1), got {self.ema_decay}")


@dataclass
class TrainState:
    """Everything a resumed run needs to continue as if never stopped."""

    unet: torch.nn.Module
    optimizer: torch.optim.Optimizer
    lr_schedule: object
    ema: EMAModel
    rng: torch.Generator
    step: int = 0
    losses: list[float] | None = None
    seconds: float = 0.0


BatchLoss = Callable[[torch.nn.Module, torch.Generator], torch.Tensor]  # (training unet, rng) -> loss


def pretrain(generator: Generator, images: np.ndarray, cfg: TrainerConfig, out_dir: Path,
             weights: np.ndarray | None = None, description: str = "pretrain") -> dict:
    """Train ``generator.unet`` in place on uint8 spectrograms; returns summary metrics.

    ``weights`` (one confidence in [0, 1] per image) make it the paper's rating-weighted
    fine-tuning (eq. 2); without them every image counts fully.
    """
    data = images_to_tensor(images).to(generator.device)
    confidences = None if weights is None else torch.as_tensor(np.asarray(weights), dtype=torch.float32)
    if confidences is not None and confidences.shape != (len(data),):
        raise ValueError(f"need one weight per image: {len(data)} images, weights of shape {tuple(confidences.shape)}")

    def batch_loss(unet: torch.nn.Module, rng: torch.Generator) -> torch.Tensor:
        index = torch.randint(0, data.shape[0], (cfg.batch_size,), generator=rng)
        return weighted_diffusion_loss(unet, generator.scheduler, data[index],
                                       None if confidences is None else confidences[index], generator=rng,
                                       min_timestep=cfg.min_timestep, max_timestep=cfg.max_timestep)

    return train(generator, batch_loss, cfg, out_dir, description)


def train(generator: Generator, batch_loss: BatchLoss, cfg: TrainerConfig, out_dir: Path,
          description: str) -> dict:
    """Optimise ``generator.unet`` in place on ``batch_loss``: resumable, checkpointed, with a progress bar."""
    out_dir = Path(out_dir)
    state = _init_state(generator, cfg)
    if _maybe_resume(state, out_dir / "checkpoints" / "last.pt"):
        log.info("resumed from step %d in %s", state.step, out_dir)
    with _progress() as progress:
        task = progress.add_task(description, total=cfg.steps, completed=state.step, loss=float("nan"))
        while state.step < cfg.steps:
            started = time.perf_counter()
            loss = _train_step(state, batch_loss, cfg)
            state.seconds += time.perf_counter() - started
            progress.update(task, advance=1, loss=loss)
            if state.step % cfg.checkpoint_every == 0 or state.step == cfg.steps:
                _save_checkpoint(state, out_dir / "checkpoints" / "last.pt")
                log.info("step %d/%d loss %.4f (%.0f s)", state.step, cfg.steps, _tail_mean(state.losses), state.seconds)
    state.ema.copy_to(generator.unet.parameters())
    _write_losses(state.losses, out_dir)
    return {"steps": state.step, "final_loss": _tail_mean(state.losses), "train_seconds": state.seconds}


def _init_state(generator: Generator, cfg: TrainerConfig) -> TrainState:
    unet = generator.unet.train()
    optimizer = (cfg.optimizer or adamw())(unet.parameters())
    schedule = get_cosine_schedule_with_warmup(optimizer, cfg.warmup_steps, cfg.steps)
    ema = EMAModel(copy.deepcopy(unet).parameters(), decay=cfg.ema_decay, use_ema_warmup=True, power=0.75)
    return TrainState(unet, optimizer, schedule, ema, torch.Generator().manual_seed(cfg.seed), losses=[])


def _train_step(state: TrainState, batch_loss: BatchLoss, cfg: TrainerConfig) -> float:
    loss = batch_loss(state.unet, state.rng)
    state.optimizer.zero_grad(set_to_none=True)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(state.unet.parameters(), cfg.grad_clip)
    state.optimizer.step()
    state.lr_schedule.step()
    state.ema.step(state.unet.parameters())
    state.step += 1
    state.losses.append(loss.item())
    return state.losses[-1]


def _save_checkpoint(state: TrainState, path: Path) -> None:
    save_atomic({"unet": state.unet.state_dict(), "optimizer": state.optimizer.state_dict(),
                 "lr_schedule": state.lr_schedule.state_dict(), "ema": state.ema.state_dict(),
                 "rng": state.rng.get_state(), "step": state.step, "losses": state.losses,
                 "seconds": state.seconds}, path)


def _maybe_resume(state: TrainState, path: Path) -> bool:
    if not path.exists():
        return False
    payload = load_into(state.unet, path, "unet")
    state.optimizer.load_state_dict(payload["optimizer"])
    state.lr_schedule.load_state_dict(payload["lr_schedule"])
    state.ema.load_state_dict(payload["ema"])
    state.ema.to(device=next(state.unet.parameters()).device)  # the checkpoint was loaded onto the CPU
    state.rng.set_state(payload["rng"])
    state.step, state.losses, state.seconds = payload["step"], payload["losses"], payload["seconds"]
    return True


def _write_losses(losses: list[float], out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    with open(out_dir / "losses.csv", "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["step", "loss"])
        writer.writerows((i + 1, f"{loss:.6f}") for i, loss in enumerate(losses))
    from hcbench.report.plots import plot_loss_curve

    plot_loss_curve(losses, out_dir / "loss_curve.png")


def _tail_mean(losses: list[float], window: int = 100) -> float:
    return float(np.mean(losses[-window:])) if losses else float("nan")


def _progress() -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
        TextColumn("loss {task.fields[loss]:.4f}"), TimeElapsedColumn(), TimeRemainingColumn(),
    )


def adamw(lr: float = 3e-4, weight_decay: float = 0.0):
    """Default optimiser factory, for callers without Hydra's ``_partial_``."""
    return partial(torch.optim.AdamW, lr=lr, weight_decay=weight_decay)
