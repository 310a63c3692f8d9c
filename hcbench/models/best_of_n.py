"""A version that serves best-of-n: n candidates per request, the reward model's pick served.

Source: best-of-n sampling (rejection sampling against a reward model; Nakano et al. 2021,
AlpacaFarm, Dubois et al. 2023). The version's weights are another version's, untouched; what
makes it a version of its own is the serving rule, kept in its folder as ``best_of_n.json``
(the weights' folder, n, and the reward model). Every place that loads a version
(``hcbench.loop.versions``: the loop, and compare's shared evaluation) serves by that rule, so
best-of-n is judged as it would be deployed.

Candidate k of a request is denoised from the seed the plain generator would use, for k = 0,
and from seeds derived from it for k > 0: with n = 1, or with a reward model that ties every
candidate, a best-of-n version serves exactly the songs its weights alone would (common random
numbers with them in a paired evaluation).
"""
from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch

from hcbench.errors import ConfigError
from hcbench.models.generator import Generator
from hcbench.models.model_dir import load_generator
from hcbench.models.reward_model import RewardModel, load_reward_model

SERVING_FILE = "best_of_n.json"


@dataclass
class BestOfNGenerator(Generator):
    """A generator whose every request is answered by the best of ``candidates`` samples under ``reward``."""

    reward: RewardModel | None = None
    candidates: int = 1
    similarity: object = field(default=None, repr=False)  # the platform's SongSimilarity: the reward's features

    @torch.no_grad()
    def generate_from_latents(self, latents: Sequence[torch.Tensor], strength: float, n: int = 1, seed: int = 0,
                              eta: float = 1.0, progress=None) -> np.ndarray:
        """As ``Generator.generate_from_latents``; each of the ``n`` songs of a request is a best of ``candidates``."""
        drawn = draw_candidates(super(BestOfNGenerator, self).generate_from_latents, latents, strength, n, seed, eta,
                                self.candidates, progress)
        scores = self.reward.predict(self.similarity.represent(drawn.reshape(-1, *drawn.shape[3:])))
        best = best_candidate(scores.reshape(drawn.shape[:3]))
        return np.take_along_axis(drawn, best[:, :, None, None, None], axis=2)[:, :, 0]


def draw_candidates(generate, latents: Sequence[torch.Tensor], strength: float, n: int, seed: int, eta: float,
                    candidates: int, progress=None) -> np.ndarray:
    """(requests, n, candidates, H, W): candidate k of every song from ``candidate_seed(seed, k)``, so the
    first m candidates of a best of more are a best of m's candidates. ``generate``: a generate_from_latents."""
    return np.stack([generate(latents, strength, n, candidate_seed(seed, k), eta, progress)
                     for k in range(candidates)], axis=2)


def best_candidate(scores: np.ndarray) -> np.ndarray:
    """Index of the best-scored candidate along the last axis; the first of equals (candidate 0 on ties).

    >>> best_candidate(np.array([[0.1, 0.3, 0.3], [0.2, 0.2, 0.2]])).tolist()
    [1, 0]
    """
    return np.asarray(scores).argmax(axis=-1)


def candidate_seed(seed: int, k: int) -> int:
    """Candidate ``k``'s noise seed: the request's own for k = 0, one derived from it for k > 0.

    >>> candidate_seed(7, 0), candidate_seed(7, 1) == candidate_seed(7, 1) != candidate_seed(7, 2)
    (7, True)
    """
    if k == 0:
        return seed
    return int(np.random.SeedSequence([seed, 0xB0F, k]).generate_state(1)[0] & 0x7FFFFFFF)


def write_best_of_n(folder: Path, weights: str, candidates: int, reward: RewardModel) -> Path:
    """Write a best-of-n version's folder: ``weights`` (a model folder or preset) served as best of ``candidates``."""
    if candidates < 1:
        raise ConfigError(f"best-of-n needs n >= 1 candidates, got {candidates}")
    folder.mkdir(parents=True, exist_ok=True)
    rule = {"weights": str(weights), "candidates": int(candidates), "reward_model": json.loads(reward.to_json())}
    (folder / SERVING_FILE).write_text(json.dumps(rule, indent=2, sort_keys=True) + "\n")
    return folder


def serving_rule(path: str | Path) -> dict | None:
    """A version folder's best-of-n rule, or None for a plain model folder (or preset)."""
    rule = Path(str(path)) / SERVING_FILE
    return json.loads(rule.read_text()) if rule.is_file() else None


def weights_of(path: str | Path) -> str:
    """The model folder (or preset) whose weights a version serves: itself, or its best-of-n rule's weights."""
    rule = serving_rule(path)
    return str(path) if rule is None else rule["weights"]


def reward_model_of(path: str | Path) -> RewardModel | None:
    """The reward model a version carries: its best-of-n rule's, else the one kept beside its weights, else None."""
    rule = serving_rule(path)
    if rule is not None:
        return RewardModel.from_json(json.dumps(rule["reward_model"]))
    return load_reward_model(path)


def load_version(path: str | Path, steps: int, batch_size: int, device: str = "cpu",
                 similarity=None) -> Generator:
    """A version as it serves: a plain generator, or best-of-n when its folder holds the rule (in eval mode)."""
    generator = load_generator(weights_of(path), steps, batch_size, device).eval_mode()
    rule = serving_rule(path)
    if rule is None:
        return generator
    if similarity is None:
        raise ConfigError(f"{path} serves best-of-n, whose reward model scores songs by the platform's similarity "
                          "representation; load it with the run's similarity (Versions(..., similarity=...))")
    return BestOfNGenerator(generator.unet, generator.scheduler, generator.mel, generator.steps, generator.batch_size,
                   reward=reward_model_of(path),
                   candidates=int(rule["candidates"]), similarity=similarity)
