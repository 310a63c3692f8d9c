"""Fine-tuning v(n) into v(n+1): the paper's weighted loss on D (eq. 2), or DPO on preference pairs.

The paper loop's next version (``hcbench.loop.paper``); ``finetune.objective`` picks the loss.
"""
from __future__ import annotations

import copy
import functools
import logging
from collections.abc import Callable

import numpy as np

from hcbench.errors import ConfigError
from hcbench.loop.config import FinetuneConfig
from hcbench.loop.preference_pairs import same_input_pairs
from hcbench.loop.versions import Versions
from hcbench.models.generator import Generator
from hcbench.models.model_dir import save_generator
from hcbench.models.pair_training import train_on_pairs
from hcbench.models.pretrain import pretrain
from hcbench.store import RunStore, queries

log = logging.getLogger(__name__)

# (store, iterations, min_gap) -> (winner song ids, loser song ids): where DPO's preferences come from
PairSource = Callable[[RunStore, range | list[int], float], tuple[np.ndarray, np.ndarray]]
# (store, trainer settings, base clips) -> (images, weights, what they are): what eq. 2 learns from
WeightedData = Callable[[RunStore, FinetuneConfig, np.ndarray | None], tuple[np.ndarray, list[float], str]]


def finetune_next_version(store: RunStore, iteration: int, versions: Versions, cfg: FinetuneConfig,
                          strength: float, pairs: PairSource = same_input_pairs,
                          base_images: np.ndarray | None = None, data: WeightedData | None = None) -> dict:
    """Train v(iteration+1) from v(iteration); resumable through its checkpoint folder.

    ``strength`` is the loop's: with ``cfg.generation_timesteps`` only the timesteps a
    generation at that strength visits are trained, where a change can reach the songs.
    The weighted loss learns from ``data`` (by default ``training_set_data``: D plus, with
    ``cfg.pretraining_mix``, some of ``base_images``, the base model's training clips); DPO learns
    from ``pairs``. A control or the oracle replaces either.
    """
    new = iteration + 1
    train_size = queries.training_set_size(store)
    generator = copy.deepcopy(versions.generator(iteration))
    trainer = round_trainer(cfg, generator, strength, new)
    train = (functools.partial(_train_dpo, pairs=pairs) if cfg.objective == "dpo"
             else functools.partial(_train_weighted, base_images=base_images, data=data))
    summary = train(store, iteration, generator, trainer, versions.folder(new) / "train", new)
    model_dir = save_generator(generator.eval_mode(), versions.folder(new) / "model")
    versions.register(new, model_dir, train_size, iteration)
    return summary


def round_trainer(cfg: FinetuneConfig, generator: Generator, strength: float, new: int) -> FinetuneConfig:
    """The settings that train v``new``: its own seed, and the timestep range ``cfg`` asks for."""
    trainer = copy.copy(cfg)
    trainer.seed = cfg.seed + new  # each round its own batches and noise
    if cfg.generation_timesteps:
        trainer.max_timestep = generator.highest_timestep(strength) + 1
    return trainer


def _train_weighted(store: RunStore, iteration: int, generator: Generator, cfg: FinetuneConfig, out, new: int,
                    base_images: np.ndarray | None = None, data: WeightedData | None = None) -> dict:
    images, weights, what = (data or training_set_data)(store, cfg, base_images)
    if len(images) == 0:
        return _unchanged(iteration, new, f"there is nothing to learn ({what})")
    return pretrain(generator, images, cfg, out, weights=weights, description=f"fine-tuning v{new} on {what}")


def training_set_data(store: RunStore, cfg: FinetuneConfig,
                      base_images: np.ndarray | None) -> tuple[np.ndarray, list[float], str]:
    """D as the store holds it, each song weighted by its confidence c (eq. 2), then ``cfg.pretraining_mix``
    times as many of the base model's training clips at full weight."""
    rows = queries.training_set(store)
    if not rows:
        return np.zeros((0,), np.uint8), [], "an empty training set"
    images, weights = store.song_images([r["song_id"] for r in rows]), [r["confidence"] for r in rows]
    what = f"{len(rows)} songs"
    if extra := round(cfg.pretraining_mix * len(rows)):
        clips = pretraining_clips(base_images, extra, cfg.seed)
        images, weights = np.concatenate([images, clips]), weights + [1.0] * len(clips)
        what += f" + {len(clips)} base clips"
    return images, weights, what


def pretraining_clips(base_images: np.ndarray | None, count: int, seed: int) -> np.ndarray:
    """``count`` of the base model's training clips, drawn without replacement by ``seed`` (all if fewer)."""
    if base_images is None or len(base_images) == 0:
        raise ConfigError("finetune.pretraining_mix needs the base model's training clips, which this method "
                          "does not pass; set finetune.pretraining_mix=0")
    rng = np.random.default_rng([seed, 7])
    return base_images[np.sort(rng.permutation(len(base_images))[:count])]


def _train_dpo(store: RunStore, iteration: int, generator: Generator, cfg: FinetuneConfig, out, new: int,
               pairs: PairSource = same_input_pairs) -> dict:
    summary = train_dpo(store, iteration, generator, cfg, out, description=f"DPO v{new}", pairs=pairs)
    if summary is None:
        return _unchanged(iteration, new, f"no two songs of the same inputs differ by more than {cfg.pair_min_gap}")
    return summary


def train_dpo(store: RunStore, iteration: int, generator: Generator, cfg: FinetuneConfig, out_dir,
              description: str = "DPO", pairs: PairSource = same_input_pairs) -> dict | None:
    """DPO of ``generator`` in place on same-input pairs (``iteration``'s, or all so far); None when there is none."""
    iterations = range(iteration + 1) if cfg.pairs_from == "all" else [iteration]
    winners, losers = pairs(store, iterations, cfg.pair_min_gap)
    if len(winners) == 0:
        return None
    ids = np.unique(np.concatenate([winners, losers]))
    return train_on_pairs(generator, store.song_images(ids.tolist()), np.searchsorted(ids, winners),
                          np.searchsorted(ids, losers), cfg, cfg.dpo_beta, out_dir,
                          description=f"{description} on {len(winners)} pairs")


def _unchanged(iteration: int, new: int, why: str) -> dict:
    log.warning("iteration %d: %s; v%d is a copy of v%d", iteration, why, new, iteration)
    return {"steps": 0}
