"""The reward model learned from the loop's own ratings (issue 13, section 2: ``reward_model``).

Each rating is a row: its song's similarity representation (the platform's, ``SongSimilarity``)
as features; eq. 2's c of its stars and listening (``loop.rating.confidence_stars_share``) as
target; its QC weight (``rating_qc``: discarded, discounted or trusted) as sample weight. Served
songs, references and output-agreement ratings all count: each is one rater's judgement of one
song. R's similarity term is left out of the target, since it is about the request's inputs, not
the song alone. Used by best_of_n (which song to serve) and rwr (how much each fresh sample counts).
"""
from __future__ import annotations

import numpy as np

from hcbench.loop.config import RatingConfig
from hcbench.loop.rating import confidence
from hcbench.models.reward_model import RewardModel, constant_reward, fit_reward_model
from hcbench.store import RunStore, queries


def fit_on_ratings(store: RunStore, iteration: int, similarity, rating: RatingConfig, seed: int) -> RewardModel:
    """A reward model fitted on every rating of iterations 0..``iteration``, held-out fit in its ``fit``."""
    rows = queries.weighted_ratings_up_to(store, iteration)
    if not rows:
        return constant_reward(0.0, _dims(store, similarity), {"rows": 0, "songs": 0, "held_out_spearman": None})
    songs = np.array([r["song_id"] for r in rows])
    unique = np.unique(songs)
    features = similarity.represent(store.song_images(unique.tolist()))[np.searchsorted(unique, songs)]
    targets = confidence(*(np.array([r[k] for r in rows], np.float64)
                           for k in ("stars", "listen_seconds", "song_seconds")), rating)
    model = fit_reward_model(features, targets, np.array([r["weight"] for r in rows]), songs, seed)
    return RewardModel(**{**model.__dict__, "fit": {**model.fit, "iteration": iteration}})


def record_fit(store: RunStore, iteration: int, model: RewardModel) -> None:
    """Keep the fit of the reward model fitted after ``iteration`` in the store, where the run's metrics read it."""
    store.set_meta(queries.REWARD_MODEL_META, {**queries.reward_model_fits(store), str(iteration): model.fit})


def _dims(store: RunStore, similarity) -> int:
    """The representation's width, from one song the store holds (every run registers its input pool)."""
    first = int(store.scalar("SELECT MIN(id) FROM songs"))
    return int(similarity.represent(store.song_images([first])).shape[1])
