"""Training the similarity VQ-VAE on corpus spectrograms and their style labels: resumable, logged.

It reuses the base model's ``TrainerConfig`` (steps, batch size, warm-up, clipping,
checkpoint interval, seed, optimiser); ``ema_decay`` there is for UNet weights and is
not used here: the codebook has its own EMA (``VQVAEConfig.decay``).
"""
from __future__ import annotations

from functools import partial
from pathlib import Path

import numpy as np
import torch

from hcbench.audio.mel import images_to_tensor
from hcbench.models.pretrain import TrainerConfig
from hcbench.models.train_loop import TrainState, init_state, run_steps, write_history
from hcbench.models.vqvae.config import MetricConfig
from hcbench.models.vqvae.losses import vqvae_loss
from hcbench.models.vqvae.model import VQVAE
from hcbench.models.vqvae.plots import PANELS


def train_vqvae(model: VQVAE, images: np.ndarray, label_ids: torch.Tensor, metric: MetricConfig,
                cfg: TrainerConfig, out_dir: Path) -> dict:
    """Train ``model`` in place on uint8 spectrograms (n, H, W) with (n, n_keys) style ids; returns a summary.

    Same ``out_dir`` again resumes from ``out_dir/checkpoints/last.pt``.
    """
    state = init_state(model, cfg)
    step = partial(_train_step, data=images_to_tensor(images), label_ids=label_ids, metric=metric, cfg=cfg)
    summary = run_steps(state, step, cfg, Path(out_dir), "pretrain vqvae", log_keys=("loss", "perplexity"))
    write_history(state.history, Path(out_dir), PANELS)
    return summary


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
    return metrics
