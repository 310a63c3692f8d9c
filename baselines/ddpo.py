"""``method=ddpo``: policy gradient over the DDIM steps, the reward from the reward model.

Source: Black et al. 2023, "Training Diffusion Models with Reinforcement Learning" (DDPO_IS):
denoising is a multi-step decision process whose actions are the DDIM steps with eta > 0, each a
Gaussian with a log-probability (``hcbench.models.ddpo_sampling``); fresh trajectories are
rewarded, advantages are normalised per prompt, and PPO's clipped ratio
(``hcbench.models.ddpo_loss``) bounds each update. Here:

- the reward model is refitted after every round on every rating so far (stars and listening,
  QC-weighted, over the platform's similarity representation: ``hcbench.loop.reward_ratings``),
  and scores each final song by that representation; no simulator's truth is read;
- a prompt is a request of the round: ``samples_per_request`` trajectories from its inverted,
  SLERP-merged inputs (as the loop generates), with DDIM noise ``eta``, from noise drawn from the
  run seed; no rater hears them;
- v(t+1) is v(t) after ``steps`` PPO steps of ``batch_size`` trajectories each (all their
  stochastic DDIM steps), Adam at ``learning_rate`` under the trainer's cosine schedule, gradient
  norm clipped to 1 (DDPO's), ratio clipped to 1 +- ``clip_range``, advantages to +-``adv_clip``.

Raters are asked exactly as in the paper's loop (``PaperLoop.asks``: the same rating calls), and D
is selected as there (references, old songs); only the version-making differs.
"""
from __future__ import annotations

import copy
import json
import logging

import numpy as np

from hcbench.audio.mel import tensor_to_images
from hcbench.errors import ConfigError
from hcbench.loop.method import Round
from hcbench.loop.paper import PaperLoop
from hcbench.loop.reward_ratings import fit_on_ratings, record_fit
from hcbench.models.ddpo_loss import request_advantages
from hcbench.models.ddpo_sampling import Trajectories, sample_trajectories
from hcbench.models.ddpo_training import train_policy
from hcbench.models.generator import Generator, merged_starts
from hcbench.models.model_dir import save_generator
from hcbench.models.pretrain import TrainerConfig, adamw
from hcbench.models.reward_model import save_reward_model
from hcbench.store import RunStore, queries

log = logging.getLogger(__name__)
SAMPLE_STREAM = 41  # random stream of the run seed for the trajectories (generation: 30, rwr: 40)
GRAD_CLIP = 1.0  # DDPO's max gradient norm


class DDPO(PaperLoop):
    """The paper's asks and selection; v(t+1) is v(t) after PPO steps on its own rewarded trajectories."""

    def __init__(self, seed: int, samples_per_request: int = 4, eta: float = 1.0, clip_range: float = 1e-4,
                 adv_clip: float = 5.0, learning_rate: float = 1e-5, steps: int = 20, batch_size: int = 8):
        if samples_per_request < 2:
            raise ConfigError(f"method=ddpo normalises rewards within a request: samples_per_request must be >= 2, "
                              f"got {samples_per_request}")
        for name, value in {"eta": eta, "clip_range": clip_range, "adv_clip": adv_clip,
                            "learning_rate": learning_rate, "steps": steps, "batch_size": batch_size}.items():
            if value <= 0:
                raise ConfigError(f"method.{name} must be positive, got {value}")
        self.seed, self.samples_per_request, self.eta = seed, samples_per_request, eta
        self.clip_range, self.adv_clip = clip_range, adv_clip
        self.learning_rate, self.steps, self.batch_size = learning_rate, steps, batch_size

    def next_version(self, round: Round) -> dict:
        """Fit the reward model, sample and reward trajectories from v(t), and take PPO steps to v(t+1)."""
        old, new, store = round.iteration, round.iteration + 1, round.store
        reward = fit_on_ratings(store, old, round.similarity, round.loop.rating, self.seed)
        record_fit(store, old, reward)
        generator = copy.deepcopy(round.versions.generator(old))
        trajectories = self._trajectories(generator, store, old, round.loop.requests.strength)
        rewards = reward.predict(round.similarity.represent(tensor_to_images(trajectories.samples)))
        advantages = request_advantages(rewards.reshape(-1, self.samples_per_request), self.adv_clip).ravel()
        summary = train_policy(generator, trajectories, advantages, self._trainer(new), self.eta, self.clip_range,
                               round.versions.folder(new) / "train",
                               description=f"DDPO v{new} on {len(rewards)} trajectories")
        model_dir = save_generator(generator.eval_mode(), round.versions.folder(new) / "model")
        save_reward_model(model_dir, reward)  # what compare scores the reward model's accuracy with
        round.versions.register(new, model_dir, train_size=len(rewards), iteration=old)
        summary |= {"mean_reward": float(np.mean(rewards)), "trajectories": len(rewards)}
        (round.versions.folder(new) / "train" / "ddpo.json").write_text(json.dumps(summary, indent=2) + "\n")
        log.info("method=ddpo v%d: %s", new, summary)
        return summary

    def _trajectories(self, generator: Generator, store: RunStore, iteration: int, strength: float) -> Trajectories:
        """``samples_per_request`` trajectories per request of ``iteration``, request by request."""
        inputs = queries.request_inputs(store, iteration)
        latents = generator.invert_requests([store.song_images(ids) for _, ids in sorted(inputs.items())], strength)
        return sample_trajectories(generator, merged_starts(latents, self.samples_per_request), strength,
                                   _sample_seed(self.seed, iteration), self.eta)

    def _trainer(self, new: int) -> TrainerConfig:
        return TrainerConfig(steps=self.steps, batch_size=self.batch_size, warmup_steps=0, ema_decay=0.0,
                             grad_clip=GRAD_CLIP, checkpoint_every=self.steps, seed=self.seed + new,
                             optimizer=adamw(self.learning_rate))


def _sample_seed(seed: int, iteration: int) -> int:
    return int(np.random.SeedSequence([seed, SAMPLE_STREAM, iteration]).generate_state(1)[0] & 0x7FFFFFFF)
