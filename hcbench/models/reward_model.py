"""A reward model: a song's expected rating from features the platform computes itself.

Source: the reward model of RLHF (Christiano et al. 2017; MusicRL, Cideron et al. 2024), kept small
because a round yields a few hundred ratings: ridge regression (scikit-learn's ``RidgeCV``, its
penalty chosen by leave-one-out on the training rows) over standardised features. The features
are the platform's similarity representation of a song (``SongSimilarity.represent``: eq. 3's
codebook usage by default), never anything a simulator knows. The target is whatever the caller
fits it to (``hcbench.loop.reward_ratings``: eq. 2's c, stars and listening, QC-weighted).

It lives in hcbench/ rather than baselines/ because a version that serves best-of-n carries it
(``hcbench.models.best_of_n``), and hcbench never imports baselines. A fitted model is a handful
of numbers, written as JSON beside the version it serves, so a run's reward model can be read,
reloaded and re-evaluated exactly.

>>> x = np.array([[0.0, 1.0], [1.0, 0.0], [2.0, 1.0], [3.0, 0.0], [4.0, 1.0], [5.0, 0.0]])
>>> model = fit_reward_model(x, x[:, 0] / 5, np.ones(6), groups=np.arange(6), seed=0)
>>> bool(model.predict(np.array([[5.0, 0.0]]))[0] > model.predict(np.array([[0.0, 0.0]]))[0])
True
>>> RewardModel.from_json(model.to_json()) == model
True
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
from scipy.stats import spearmanr
from sklearn.linear_model import RidgeCV
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler

REWARD_FILE = "reward_model.json"  # a version folder's reward model, for methods whose version is not best-of-n
ALPHAS = tuple(10.0 ** k for k in range(-2, 5))  # ridge penalties tried; features are standardised
MIN_HELD_OUT = 4  # held-out songs below which no Spearman is reported


@dataclass(frozen=True)
class RewardModel:
    """reward(x) = ((x - mean) / scale) @ coef + intercept; ``fit`` says what it was fitted on and how well."""

    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float
    alpha: float
    fit: dict = field(default_factory=dict, compare=False)  # rows, songs, held-out Spearman: for reports

    def predict(self, features: np.ndarray) -> np.ndarray:
        """(n, d) features -> (n,) predicted rewards."""
        x = (np.asarray(features, np.float64) - np.asarray(self.mean)) / np.asarray(self.scale)
        return x @ np.asarray(self.coef) + self.intercept

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> "RewardModel":
        data = json.loads(text)
        return cls(**{k: tuple(v) if isinstance(v, list) else v for k, v in data.items()})


def save_reward_model(folder: Path, model: RewardModel) -> Path:
    """Keep ``model`` in a version's ``folder`` (sorted-key JSON: the same model, the same bytes)."""
    path = Path(folder) / REWARD_FILE
    path.write_text(model.to_json() + "\n")
    return path


def load_reward_model(folder: str | Path) -> RewardModel | None:
    """The reward model kept in a version's ``folder`` by ``save_reward_model``, or None."""
    path = Path(str(folder)) / REWARD_FILE
    return RewardModel.from_json(path.read_text()) if path.is_file() else None


def fit_reward_model(features: np.ndarray, targets: np.ndarray, weights: np.ndarray, groups: np.ndarray,
                     seed: int, held_out: float = 0.2) -> RewardModel:
    """Ridge on rows (a row per rating; ``groups``: its song), weighted by ``weights`` (QC weights).

    Its held-out fit is the Spearman correlation, over a ``held_out`` share of the songs (drawn from
    ``seed``), between a fit on the other songs and each held-out song's weighted mean target; the
    model returned is then refitted on every row.
    """
    features, targets = np.asarray(features, np.float64), np.asarray(targets, np.float64)
    weights, groups = np.asarray(weights, np.float64), np.asarray(groups)
    keep = weights > 0
    features, targets, weights, groups = features[keep], targets[keep], weights[keep], groups[keep]
    fit = {"rows": int(len(targets)), "songs": int(len(np.unique(groups))),
           "held_out_spearman": _held_out_spearman(features, targets, weights, groups, seed, held_out)}
    if len(np.unique(groups)) < 2:  # nothing to learn from: every song gets the mean
        return constant_reward(float(np.average(targets, weights=weights)) if len(targets) else 0.0,
                               features.shape[1], fit)
    return _from_pipeline(_fitted_pipeline(features, targets, weights), fit)


def constant_reward(value: float, dims: int, fit: dict | None = None) -> RewardModel:
    """A reward model that scores every song ``value``: best-of-n then serves its first candidate."""
    return RewardModel((0.0,) * dims, (1.0,) * dims, (0.0,) * dims, value, 0.0, fit or {})


def _fitted_pipeline(features: np.ndarray, targets: np.ndarray, weights: np.ndarray) -> Pipeline:
    pipeline = make_pipeline(StandardScaler(), RidgeCV(alphas=ALPHAS))
    return pipeline.fit(features, targets, ridgecv__sample_weight=weights)


def _from_pipeline(pipeline: Pipeline, fit: dict) -> RewardModel:
    scaler, ridge = pipeline.named_steps["standardscaler"], pipeline.named_steps["ridgecv"]
    return RewardModel(tuple(scaler.mean_.tolist()), tuple(scaler.scale_.tolist()), tuple(ridge.coef_.tolist()),
                       float(ridge.intercept_), float(ridge.alpha_), fit)


def _held_out_spearman(features, targets, weights, groups, seed: int, share: float) -> float | None:
    songs = np.unique(groups)
    rng = np.random.default_rng([seed, 0x5EA])
    test_songs = rng.permutation(songs)[:int(round(share * len(songs)))]
    test = np.isin(groups, test_songs)
    if len(test_songs) < MIN_HELD_OUT or len(np.unique(groups[~test])) < 2:
        return None
    predicted = _fitted_pipeline(features[~test], targets[~test], weights[~test]).predict(features[test])
    per_song = [(predicted[groups[test] == s][0],
                 np.average(targets[test][groups[test] == s], weights=weights[test][groups[test] == s]))
                for s in test_songs]
    rho = spearmanr(*np.array(per_song).T).statistic
    return None if np.isnan(rho) else float(rho)


def reward_weights(rewards: np.ndarray, temperature: float | None) -> np.ndarray:
    """Each sample's loss weight in [0, 1]: its reward clipped (Lee et al.), or exp((r - max r) / temperature).

    >>> reward_weights(np.array([-0.2, 0.5, 1.3]), None).tolist()
    [0.0, 0.5, 1.0]
    >>> np.round(reward_weights(np.array([0.0, 0.1, 0.2]), 0.1), 3).tolist()
    [0.135, 0.368, 1.0]
    """
    rewards = np.asarray(rewards, np.float64)
    if temperature is None:
        return np.clip(rewards, 0.0, 1.0)
    return np.exp((rewards - rewards.max()) / temperature)
