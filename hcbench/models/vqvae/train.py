"""Training the similarity VQ-VAE on corpus spectrograms and their style labels: resumable, logged.

It reuses the base model's ``TrainerConfig`` (steps, batch size, warm-up, clipping,
checkpoint interval, seed, optimiser); ``ema_decay`` there is for UNet weights and is
not used here: the codebook has its own EMA (``VQVAEConfig.decay``).
"""
from __future__ import annotations

import csv
import logging
import time
from pathlib import Path

import numpy as np
import torch
from diffusers.optimization import get_cosine_schedule_with_warmup

from hcbench.audio.mel import images_to_tensor
from hcbench.models.pretrain import TrainerConfig, _progress, _tail_mean, adamw
from hcbench.models.vqvae.checkpoint import TrainState, resume, save_checkpoint
from hcbench.models.vqvae.config import MetricConfig
from hcbench.models.vqvae.losses import vqvae_loss
from hcbench.models.vqvae.model import VQVAE

log = logging.getLogger(__name__)


def train_vqvae(model: VQVAE, images: np.ndarray, label_ids: torch.Tensor, metric: MetricConfig,
                cfg: TrainerConfig, out_dir: Path) -> dict:
    """Train ``model`` in place on uint8 spectrograms (n, H, W) with (n, n_keys) style ids; returns a summary.

    Same ``out_dir`` again resumes from ``out_dir/checkpoints/last.pt``.
    """
    out_dir = Path(out_dir)
    data = images_to_tensor(images)
    state = _init_state(model, cfg)
    if resume(state, out_dir / "checkpoints" / "last.pt"):
        log.info("resumed from step %d in %s", state.step, out_dir)
    with _progress() as progress:
        task = progress.add_task("pretrain vqvae", total=cfg.steps, completed=state.step, loss=float("nan"))
        while state.step < cfg.steps:
            started = time.perf_counter()
            metrics = _train_step(state, data, label_ids, metric, cfg)
            state.seconds += time.perf_counter() - started
            progress.update(task, advance=1, loss=metrics["loss"])
            if state.step % cfg.checkpoint_every == 0 or state.step == cfg.steps:
                save_checkpoint(state, out_dir / "checkpoints" / "last.pt")
                log.info("step %d/%d loss %.4f perplexity %.1f (%.0f s)", state.step, cfg.steps,
                         _tail_mean(state.history["loss"]), _tail_mean(state.history["perplexity"]), state.seconds)
    model.eval()
    write_history(state.history, out_dir)
    return {"steps": state.step, "train_seconds": state.seconds,
            **{f"final_{name}": _tail_mean(values) for name, values in state.history.items()}}


def _init_state(model: VQVAE, cfg: TrainerConfig) -> TrainState:
    model.train()
    optimizer = (cfg.optimizer or adamw())(model.parameters())
    schedule = get_cosine_schedule_with_warmup(optimizer, cfg.warmup_steps, cfg.steps)
    return TrainState(model, optimizer, schedule, torch.Generator().manual_seed(cfg.seed))


def _train_step(state: TrainState, data: torch.Tensor, label_ids: torch.Tensor, metric: MetricConfig,
                cfg: TrainerConfig) -> dict[str, float]:
    index = torch.randint(0, data.shape[0], (cfg.batch_size,), generator=state.rng)
    x = data[index]
    out = state.model(x, rng=state.rng)
    loss, metrics = vqvae_loss(out, x, label_ids[index], state.model.cfg, metric)
    state.optimizer.zero_grad(set_to_none=True)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(state.model.parameters(), cfg.grad_clip)
    state.optimizer.step()
    state.lr_schedule.step()
    state.step += 1
    for name, value in metrics.items():
        state.history.setdefault(name, []).append(value)
    return metrics


def write_history(history: dict[str, list[float]], out_dir: Path) -> None:
    """losses.csv (one row per step, one column per metric) and a PNG of the main curves."""
    from hcbench.models.vqvae.plots import plot_training_curves

    out_dir.mkdir(parents=True, exist_ok=True)
    names = list(history)
    steps = len(history[names[0]]) if names else 0
    with open(out_dir / "losses.csv", "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["step", *names])
        writer.writerows([i + 1, *(f"{history[n][i]:.6f}" for n in names)] for i in range(steps))
    plot_training_curves(history, out_dir / "loss_curve.png")
