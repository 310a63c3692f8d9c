"""``method=rwr``: reward-weighted fine-tuning on fresh samples, weights from the reward model.

Source: Lee et al. 2023, "Aligning Text-to-Image Models using Human Feedback" (section 3): sample
from the current model, score each sample with a reward model learned from human ratings, and
fine-tune on the samples with the loss weighted by their reward,
``E[r(x) * ||eps - eps_theta(x_t, t)||^2] + beta * E_pretrain[||eps - eps_theta||^2]``. Here:

- the reward model is refitted after every round on every rating so far (stars and listening,
  QC-weighted, over the platform's similarity representation: ``hcbench.loop.reward_ratings``);
- the fresh samples answer the round's requests again: ``samples_per_request`` new songs per
  request from v(t), from noise drawn from the run seed, which no rater hears;
- a sample's weight is its predicted reward clipped to [0, 1] (Lee et al.), or, with
  ``temperature``, ``exp((r - max r) / temperature)`` (reward-weighted regression, Peters and Schaal 2007);
- the optional pretraining term (``pretrain_weight`` = beta, default 0: off) adds the base model's
  training clips the platform holds (the corpus songs that served as references) with weight beta;
- the loss is the run's weighted fine-tuner (``finetune=weighted``, eq. 2's loss and trainer).

Raters are asked exactly as in the paper's loop (``PaperLoop.asks``: the same rating calls), and D
is selected as there (references, old songs); only the version-making differs.
"""
from __future__ import annotations

import copy
import logging

import numpy as np

from hcbench.errors import ConfigError
from hcbench.loop.config import RequestConfig
from hcbench.loop.finetune import round_trainer
from hcbench.loop.method import Round
from hcbench.loop.paper import PaperLoop
from hcbench.loop.reward_ratings import fit_on_ratings, record_fit
from hcbench.models.generator import Generator
from hcbench.models.model_dir import save_generator
from hcbench.models.pretrain import pretrain
from hcbench.models.reward_model import reward_weights, save_reward_model
from hcbench.store import RunStore, queries

log = logging.getLogger(__name__)
SAMPLE_STREAM = 40  # random stream of the run seed for the fresh samples, apart from the loop's (generation: 30)


class RewardWeighted(PaperLoop):
    """The paper's asks and selection; v(t+1) is v(t) fine-tuned on its own fresh samples, weighted by reward."""

    def __init__(self, seed: int, samples_per_request: int = 4, temperature: float | None = None,
                 pretrain_weight: float = 0.0):
        if samples_per_request < 1 or (temperature is not None and temperature <= 0):
            raise ConfigError("method=rwr needs samples_per_request >= 1 and temperature > 0 or null, got "
                              f"{samples_per_request} and {temperature}")
        if not 0.0 <= pretrain_weight <= 1.0:
            raise ConfigError(f"method.pretrain_weight is a weight in [0, 1], got {pretrain_weight}")
        self.seed, self.samples_per_request = seed, samples_per_request
        self.temperature, self.pretrain_weight = temperature, pretrain_weight

    def next_version(self, round: Round) -> dict:
        """Fit the reward model, sample afresh from v(t), and fine-tune v(t+1) on the samples by reward."""
        old, new, store = round.iteration, round.iteration + 1, round.store
        if round.finetune.objective != "weighted":
            raise ConfigError(f"method=rwr trains with the weighted loss; finetune={round.finetune.objective} "
                              "was given (use finetune=weighted, conf/method/rwr.yaml's default)")
        reward = fit_on_ratings(store, old, round.similarity, round.loop.rating, self.seed)
        record_fit(store, old, reward)
        generator = copy.deepcopy(round.versions.generator(old))
        images = fresh_samples(generator, store, old, round.loop.requests, self.samples_per_request,
                               _sample_seed(self.seed, old))
        weights = reward_weights(reward.predict(round.similarity.represent(images)), self.temperature)
        images, weights = self._with_pretraining(store, images, weights)
        trainer = round_trainer(round.finetune, generator, round.loop.requests.strength, new)
        summary = pretrain(generator, images, trainer, round.versions.folder(new) / "train", weights=weights,
                           description=f"RWR v{new} on {len(images)} samples")
        model_dir = save_generator(generator.eval_mode(), round.versions.folder(new) / "model")
        save_reward_model(model_dir, reward)  # what compare scores the reward model's accuracy with
        round.versions.register(new, model_dir, train_size=len(images), iteration=old)
        return summary | {"mean_weight": float(np.mean(weights))}

    def _with_pretraining(self, store: RunStore, images: np.ndarray, weights: np.ndarray):
        """The samples, plus the base model's clips the platform holds with weight beta (when beta > 0)."""
        if self.pretrain_weight == 0:
            return images, weights
        clips = queries.corpus_songs_of_split(store, "train")
        if not clips:
            log.warning("method=rwr: no base-model training clip in the store; the pretraining term is left out")
            return images, weights
        return (np.concatenate([images, store.song_images(clips)]),
                np.concatenate([weights, np.full(len(clips), self.pretrain_weight)]))


def fresh_samples(generator: Generator, store: RunStore, iteration: int, requests: RequestConfig, per_request: int,
                  seed: int) -> np.ndarray:
    """``per_request`` new songs for each of ``iteration``'s requests (its inputs, strength and eta), flattened."""
    inputs = queries.request_inputs(store, iteration)
    songs = [store.song_images(ids) for _, ids in sorted(inputs.items())]
    drawn = generator.generate_from(songs, requests.strength, per_request, seed, requests.eta)
    return drawn.reshape(-1, *drawn.shape[2:])


def _sample_seed(seed: int, iteration: int) -> int:
    return int(np.random.SeedSequence([seed, SAMPLE_STREAM, iteration]).generate_state(1)[0] & 0x7FFFFFFF)
