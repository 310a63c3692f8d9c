"""v0 trained against a fixed reward model, judged by the truth along its steps (``hcbench overopt RUN policy=...``).

Source: the over-optimisation curves of Gao et al. 2023 and MusicRL (Cideron et al. 2024): a
policy optimised longer against a learned reward keeps raising that reward while what it stands
for levels off or falls. Best of n only reorders v0's own samples; a policy trained on the reward
can leave the music the reward model was fitted on. Two optimisers, each a baseline's update run
for many epochs against the run's final reward model, held fixed:

- ``ddpo``: DDPO_IS (Black et al. 2023; ``method=ddpo``'s PPO steps, ``train_policy``) on fresh
  trajectories, advantages normalised per prompt;
- ``rwr``: reward-weighted fine-tuning on fresh samples (Lee et al. 2023; ``method=rwr``'s
  denoising loss), weights ``exp((r - max r) / temperature)`` (reward-weighted regression). The
  epoch's batches are drawn in proportion to the weights rather than weighting a uniform draw:
  the same objective in expectation, but with sharp weights most uniform batches would carry no
  signal, and Adam scales such near-zero gradients up into steps of noise. A small temperature
  distils each epoch's best samples into the weights: best of n, compounded.

Each epoch samples afresh from the current weights for the training prompts (the run's own
requests, inverted by the current weights) and rewards the samples. Before the first epoch and
every ``eval_every`` epochs the current weights answer the same fresh evaluation requests from
the same noise (common random numbers, so the stages are paired), and each answer gets the proxy
(the reward model's score) and the truth (its requester's true utility, read to evaluate as
``hcbench rate`` does). Nothing is rated, charged to a method or trained on the truth.
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from hcbench.audio.mel import tensor_to_images
from hcbench.errors import ConfigError
from hcbench.models.ddpo_loss import request_advantages
from hcbench.models.ddpo_sampling import sample_trajectories
from hcbench.models.ddpo_training import train_policy
from hcbench.models.generator import Generator, merged_starts
from hcbench.models.pretrain import TrainerConfig, adamw, pretrain
from hcbench.models.reward_model import reward_weights

log = logging.getLogger(__name__)
SAMPLE_STREAM = 0x0D0  # the epochs' random stream of the run seed, one seed per epoch
GRAD_CLIP = 1.0  # DDPO's max gradient norm, as method=ddpo (and the trainer's default)
OPTIMISERS = ("ddpo", "rwr")


@dataclass(frozen=True)
class TrainSchedule:
    """How hard the proxy is optimised: ``epochs`` x ``steps_per_epoch`` optimiser steps by ``optimiser``."""

    optimiser: str = "rwr"
    epochs: int = 40
    eval_every: int = 5
    samples_per_request: int = 4
    steps_per_epoch: int = 4
    batch_size: int = 8
    learning_rate: float = 1e-4
    eta: float = 1.0
    clip_range: float = 1e-4  # ddpo: PPO's ratio clip
    adv_clip: float = 5.0  # ddpo: advantages clipped to +- this
    temperature: float = 0.02  # rwr: the weights' temperature, in reward units

    def __post_init__(self):
        if self.optimiser not in OPTIMISERS:
            raise ConfigError(f"train.optimiser={self.optimiser}: overopt trains by one of {', '.join(OPTIMISERS)}")
        for name in ("epochs", "eval_every", "steps_per_epoch", "batch_size", "learning_rate", "clip_range",
                     "adv_clip", "eta", "temperature"):
            if getattr(self, name) <= 0:
                raise ConfigError(f"train.{name} must be positive, got {getattr(self, name)}")
        if self.samples_per_request < 2:
            raise ConfigError("train.samples_per_request must be >= 2: rewards are compared within a request, "
                              f"got {self.samples_per_request}")

    def eval_epochs(self) -> list[int]:
        """The epochs after which the policy is judged: 0 (v0), every ``eval_every``, and the last."""
        return sorted({0, *range(self.eval_every, self.epochs + 1, self.eval_every), self.epochs})


Score = Callable[[np.ndarray], np.ndarray]  # spectrograms (n, H, W) -> the reward model's scores (n,)
Judge = Callable[[np.ndarray, int], tuple[np.ndarray, np.ndarray]]  # (answers, step) -> (proxy, truth)


def trained_stages(policy: Generator, score: Score, prompts: Sequence[np.ndarray], evaluation: Sequence[np.ndarray],
                   judge: Judge, schedule: TrainSchedule, strength: float, seed: int,
                   out_dir: Path) -> tuple[list[int], np.ndarray, np.ndarray, list[dict]]:
    """Train ``policy`` in place; returns the optimiser steps judged, (requests, stages) proxy and truth, and
    each epoch's record (the mean reward of the samples it trained on, the trainer's statistics).

    ``prompts`` and ``evaluation``: each request's input spectrograms (k, H, W). Each epoch's weights are
    checkpointed under ``out_dir``, so a rerun resumes where a killed one stopped.
    """
    judged = schedule.eval_epochs()
    proxies, truths, epochs = [], [], []
    for epoch in range(schedule.epochs + 1):
        if epoch in judged:
            answers = _answers(policy, evaluation, strength, seed, schedule.eta)
            proxy, truth = judge(answers, epoch * schedule.steps_per_epoch)
            proxies.append(proxy), truths.append(truth)
        if epoch < schedule.epochs:
            epochs.append(_epoch(policy, score, prompts, schedule, strength, seed, epoch, out_dir / f"epoch{epoch:03d}"))
            log.info("overopt %s epoch %d: %s", schedule.optimiser, epoch + 1, epochs[-1])
    steps = [e * schedule.steps_per_epoch for e in judged]
    return steps, np.stack(proxies, axis=1), np.stack(truths, axis=1), epochs


def _answers(policy: Generator, requests: Sequence[np.ndarray], strength: float, seed: int, eta: float) -> np.ndarray:
    """One song per request from the current weights, from the same noise at every stage."""
    policy.eval_mode()
    latents = policy.invert_requests(list(requests), strength)
    return policy.generate_from_latents(latents, strength, 1, seed, eta)[:, 0]


def _epoch(policy: Generator, score: Score, prompts: Sequence[np.ndarray], schedule: TrainSchedule,
           strength: float, seed: int, epoch: int, out_dir: Path) -> dict:
    """Fresh rewarded samples from the current weights, then ``steps_per_epoch`` optimiser steps on them."""
    policy.eval_mode()
    with torch.no_grad():
        latents = policy.invert_requests(list(prompts), strength)
    trainer = TrainerConfig(steps=schedule.steps_per_epoch, batch_size=schedule.batch_size, warmup_steps=0,
                            ema_decay=0.0, grad_clip=GRAD_CLIP, checkpoint_every=schedule.steps_per_epoch,
                            seed=seed + epoch, optimizer=adamw(schedule.learning_rate),
                            max_timestep=policy.highest_timestep(strength) + 1)
    description = f"overopt {schedule.optimiser} epoch {epoch + 1}/{schedule.epochs}"
    if schedule.optimiser == "ddpo":
        starts = merged_starts(latents, schedule.samples_per_request)
        trajectories = sample_trajectories(policy, starts, strength, _epoch_seed(seed, epoch), schedule.eta)
        rewards = score(tensor_to_images(trajectories.samples))
        advantages = request_advantages(rewards.reshape(-1, schedule.samples_per_request), schedule.adv_clip)
        summary = train_policy(policy, trajectories, advantages.ravel(), trainer, schedule.eta, schedule.clip_range,
                               out_dir, description)
    else:
        samples = policy.generate_from_latents(latents, strength, schedule.samples_per_request,
                                               _epoch_seed(seed, epoch), schedule.eta)
        samples = samples.reshape(-1, *samples.shape[2:])
        rewards = score(samples)
        weights = reward_weights(rewards, schedule.temperature)
        drawn = np.random.default_rng(_epoch_seed(seed, epoch)).choice(
            len(samples), schedule.steps_per_epoch * schedule.batch_size, p=weights / weights.sum())
        summary = pretrain(policy, samples[drawn], trainer, out_dir, description=description)
    kept = ("final_loss", "approx_kl", "clip_fraction")
    return {"epoch": epoch + 1, "step": (epoch + 1) * schedule.steps_per_epoch, "mean_reward": float(rewards.mean()),
            **{k: summary[k] for k in kept if k in summary}}


def _epoch_seed(seed: int, epoch: int) -> int:
    return int(np.random.SeedSequence([seed, SAMPLE_STREAM, epoch]).generate_state(1)[0] & 0x7FFFFFFF)
