"""A method: what differs between the paper's loop and a baseline (conf/method/).

Every iteration of every method runs the same stages, in this order; the runner does the
shared ones, times every stage and marks it done:

    plan       requests: who asks, with which input songs, for which version     shared
    generate   the requested songs                                             shared
    rate       the panel answers what ``Method.asks`` of each request           shared, asks: method
               (within ``budget.ratings_per_round`` calls: ``hcbench.loop.budget``), then, for a
               method that ``AsksPairs``, its pairwise questions with what the budget has left
    score      quality control, R (eq. 1), c (eq. 2), beats-the-reference       shared
    select     ``Method.training_signal``: answers -> what the next version learns from
    finetune   ``Method.next_version``: v(t+1), registered in ``Round.versions``

The last iteration only evaluates, so it stops after ``score``. The store keeps these stage
names (``select``, ``finetune``) for every method: they are the paper loop's, and what
older runs recorded.

A stage may be cut short by a crash at any point and is then run again, so each one
redoes only its unfinished part; the runner skips ``next_version`` once v(t+1) exists.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np

from hcbench.loop.config import FinetuneConfig, LoopConfig
from hcbench.loop.panel import RaterPanel
from hcbench.loop.versions import Versions
from hcbench.store import RunStore


@dataclass(frozen=True)
class Ask:
    """One rating asked of the panel: rater ``rater_id`` hears ``song_id`` for a request, in a role."""

    request_id: int
    rater_id: int
    song_id: int
    audio_path: str  # relative to the run directory: what the rater hears
    role: str  # 'served' (the requester, its song), 'reference' (the requester, the nearest training sample),
    # or 'agreement' (another rater, the served song: output agreement)
    version: int | None  # version that made the song; None for a corpus song


@dataclass(frozen=True)
class PairAsk:
    """One pairwise answer asked of the panel: rater ``rater_id`` hears two songs and says which it prefers."""

    request_id: int  # the request whose rater (or agreement rater) is asked
    rater_id: int
    first_song_id: int  # heard first
    second_song_id: int
    first_audio: str  # relative to the run directory
    second_audio: str


@dataclass(frozen=True)
class Round:
    """One iteration of a run, as a method's stages see it."""

    store: RunStore
    iteration: int
    versions: Versions
    loop: LoopConfig  # the shared loop's settings (conf/loop/)
    finetune: FinetuneConfig  # the run's fine-tuner (conf/finetune/; a method picks its option)
    similarity: object  # hcbench.similarity.SongSimilarity
    panel: RaterPanel  # who rates (ratings and, for a method that ``AsksPairs``, pairwise answers)
    base_images: np.ndarray | None = None  # the base model's training clips (uint8), for a pretraining term


@runtime_checkable
class Method(Protocol):
    """A method (conf/method/<name>.yaml names its class); see the module docstring for when each runs."""

    def asks(self, request: dict) -> list[Ask]:
        """The ratings to ask of the panel for one planned request (a row of ``queries.requests_to_rate``)."""

    def training_signal(self, round: Round) -> dict:
        """Turn the iteration's scored answers into what the next version learns from; returns a summary."""

    def next_version(self, round: Round) -> dict:
        """Make v(iteration + 1) from the signal and register it in ``round.versions``; returns a summary."""


@runtime_checkable
class AsksPairs(Protocol):
    """A method that asks pairwise questions too; the rate stage asks them after ``Method.asks``' ratings.

    The answers land in the store (``preferences``) as they come, and the method's later stages
    read them from there: the panel may be people on a web page answering in their own time.
    """

    def pair_asks(self, store: RunStore, iteration: int) -> list[list[PairAsk]]:
        """``iteration``'s questions in asking order, each a list of the answers it asks (one rating call each).

        They must follow from the plan and the generated songs alone, never from answers, so that
        a resumed or live round asks exactly what an uninterrupted one asks.
        """
