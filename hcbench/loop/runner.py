"""The human-computation loop, iteration by iteration, each stage recorded in the run store.

    plan -> generate -> rate -> score (QC, R, c) -> training signal -> next version

The method (conf/method/, ``hcbench.loop.method``) decides what raters are asked, what the
answers teach and how the next version is made; the rest is shared. The runner alone
marks a stage done and records its time, after the stage returns. A stage killed part way
is run again and redoes only its unfinished part, so ``run`` continues a killed run where
it stopped: with no rating lost or duplicated, and with the numbers an uninterrupted run
would give.
"""
from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from hcbench.audio import MelConfig
from hcbench.loop.budget import BudgetConfig
from hcbench.loop.collect import TruthRecorder, asked_calls, collect_ratings
from hcbench.loop.collect_pairs import PairTruthRecorder, collect_preferences
from hcbench.loop.config import FinetuneConfig, LoopConfig
from hcbench.loop.dispatch import plan_iteration, training_pool
from hcbench.loop.generation import generate_songs
from hcbench.loop.inversions import PoolInversions
from hcbench.loop.method import AsksPairs, Method, Round
from hcbench.loop.panel import RaterPanel
from hcbench.loop.pool import CorpusSongs, register_corpus_song
from hcbench.loop.scoring import score_iteration
from hcbench.loop.versions import Versions
from hcbench.store import RunStore, queries

Stage = tuple[str, Callable[[], object]]  # (name in the store's stages table, work)


@dataclass
class LoopParts:
    """Everything the loop works with; built by ``hcbench run`` from the config."""

    cfg: LoopConfig
    panel: RaterPanel
    similarity: object  # hcbench.similarity.SongSimilarity
    mel: MelConfig
    input_songs: CorpusSongs  # where the input pool comes from
    input_index: np.ndarray  # the pool: clip indices into input_songs
    base_songs: CorpusSongs  # the base model's training clips: references while D is empty
    method: Method  # what differs between the paper's loop and a baseline (conf/method/)
    finetune: FinetuneConfig  # the run's fine-tuner (conf/finetune/), for the methods that fine-tune
    seed: int
    budget: BudgetConfig = field(default_factory=BudgetConfig)  # rating calls per round (default: unlimited)
    record_truth: TruthRecorder | None = None
    record_pair_truth: PairTruthRecorder | None = None  # the same for pairwise answers
    after_iteration: Callable[[RunStore, int], None] | None = None  # metrics, report, terminal table
    _base_repr: np.ndarray | None = field(default=None, repr=False)
    _inversions: PoolInversions | None = field(default=None, repr=False)


def run_loop(store: RunStore, versions: Versions, parts: LoopParts) -> None:
    """Run (or continue) every iteration of the loop."""
    pool_ids = [register_corpus_song(store, parts.input_songs, int(i), parts.mel) for i in parts.input_index]
    pool_images = parts.input_songs.images[parts.input_index]
    for iteration in range(parts.cfg.iterations):
        if store.stage_done(iteration, "done"):
            continue
        run_stages(store, iteration, _stages(store, versions, parts, iteration, pool_ids, pool_images))
        if parts.after_iteration is not None:
            parts.after_iteration(store, iteration)


def run_stages(store: RunStore, iteration: int, stages: list[Stage]) -> None:
    """Run each stage not yet done, timing it and marking it done with the summary it returns (a dict,
    such as a method's selection or fine-tune report; anything else is not kept); then mark the iteration done."""
    for name, work in stages:
        if store.stage_done(iteration, name):
            continue
        started = time.perf_counter()
        summary = work()
        store.finish_stage(iteration, name, time.perf_counter() - started, summary if isinstance(summary, dict) else None)
    store.finish_stage(iteration, "done", 0.0)


def _stages(store: RunStore, versions: Versions, parts: LoopParts, iteration: int, pool_ids, pool_images) -> list[Stage]:
    """The iteration's stages in order; the last iteration evaluates every version and trains nothing."""
    cfg, method = parts.cfg, parts.method
    round_ = Round(store, iteration, versions, cfg, parts.finetune, parts.similarity, parts.panel,
                   parts.base_songs.images)

    def plan():
        training = training_pool(store, parts.similarity, parts.base_songs, _base_representations(parts))
        plan_iteration(store, iteration, cfg, parts.panel, versions.ids(), pool_ids, pool_images, training,
                       parts.similarity, parts.base_songs, parts.mel, parts.seed)

    def generate():
        if parts._inversions is None:  # inputs are pool songs, already in memory: invert each once per version
            parts._inversions = PoolInversions(dict(zip(pool_ids, pool_images)))
        generate_songs(store, iteration, versions, queries.request_inputs(store, iteration), parts._inversions,
                       cfg.requests, parts.seed)

    def next_version():
        if iteration + 1 not in versions.ids():
            return method.next_version(round_)
        return None  # made, then the run stopped before marking it: that round keeps no fine-tune report

    budget = parts.budget.round(iteration, cfg.iterations)

    def rate():
        collect_ratings(store, iteration, parts.panel, method.asks, parts.record_truth, budget)
        if isinstance(method, AsksPairs):  # pairwise questions take what the ratings left of the budget
            collect_preferences(store, iteration, parts.panel, method.pair_asks(store, iteration),
                                parts.record_pair_truth, budget, asked_calls(store, iteration, method.asks,
                                                                             budget.limit))

    stages = [("plan", plan), ("generate", generate), ("rate", rate),
              ("score", lambda: score_iteration(store, iteration, cfg, parts.similarity))]
    if iteration < cfg.iterations - 1:
        stages += [("select", lambda: method.training_signal(round_)), ("finetune", next_version)]
    return stages


def _base_representations(parts: LoopParts) -> np.ndarray:
    if parts._base_repr is None:
        parts._base_repr = parts.similarity.represent(parts.base_songs.images)
    return parts._base_repr
