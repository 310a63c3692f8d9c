"""Plan an iteration's requests (paper 3.1 and section 6): who asks, with which songs, for which version.

The whole plan is drawn from the run seed and written in one transaction, so a resumed
run finds exactly the plan it was carrying out (and an iteration is planned only once).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hcbench.loop.config import LoopConfig, per_iteration
from hcbench.loop.panel import RaterPanel
from hcbench.loop.pool import CorpusSongs, audio_path, register_corpus_song
from hcbench.store import RunStore, queries, records


@dataclass
class TrainingPool:
    """Songs a request can be matched with: D when it holds songs, else the base model's training clips."""

    song_ids: list[int]  # store ids of D's songs (empty while drawing from the corpus)
    corpus_index: np.ndarray | None  # corpus clip index per entry when drawing from the corpus; None for D
    representations: np.ndarray  # (n, d)


def plan_iteration(store: RunStore, iteration: int, cfg: LoopConfig, panel: RaterPanel, versions: list[int],
                   pool_ids: list[int], pool_images: np.ndarray, training: TrainingPool, similarity,
                   base_clips: CorpusSongs, mel, seed: int) -> int:
    """Write the iteration's requests (unless they are written already); returns how many.

    A new song's request names its reference: the nearest training sample, which the
    requester rates too. In a paired evaluation (the last iteration,
    ``dispatch.evaluation=paired``) every version answers each new request, whatever
    ``dispatch.live_versions`` says: same rater, inputs, reference and agreement raters,
    so versions are compared on the same requests and their differences do not carry the
    spread between requests. ``dispatch.evaluation_raters`` sets how many raters hear each
    song there.
    """
    if planned := queries.planned_requests(store, iteration):
        return planned
    rng = np.random.default_rng([seed, 10, iteration])
    live = versions if cfg.dispatch.live_versions == "all" else versions[-1:]
    active = _active_raters(panel.rater_ids, per_iteration(cfg.requests.active_raters, iteration), rng)
    n = int(per_iteration(cfg.requests.per_iteration, iteration))
    raters = rng.choice(active, n)
    version = rng.choice(live, n)
    has_d = training.corpus_index is None
    old = has_d & (rng.random(n) < cfg.dispatch.p_old)
    pool_paths = [audio_path(store, i) for i in pool_ids]
    inputs = input_sets(panel.choose_inputs(raters, pool_paths, max(cfg.requests.input_counts), (iteration,)),
                           cfg.requests.inputs_per_request, seed, iteration)
    request_repr = np.stack([similarity.represent_set(pool_images[row]) for row in inputs])  # one vector per set
    nearest = np.argmax(similarity.similarity(request_repr, training.representations), axis=1)
    paired = cfg.dispatch.evaluation == "paired" and iteration == cfg.iterations - 1
    hearing = (cfg.dispatch.evaluation_raters or cfg.qc.agreement_k) if paired else cfg.qc.agreement_k
    written = 0
    with store.transaction() as db:
        for i in range(n):
            matched = _matched_song(store, training, int(nearest[i]), base_clips, mel)
            others = _agreement_raters(active, int(raters[i]), hearing - 1, rng) if not old[i] else []
            for answering in (versions if paired and not old[i] else [int(version[i])]):
                records.request(db, iteration, int(raters[i]), int(answering), "old" if old[i] else "new",
                                served=matched if old[i] else None, reference=None if old[i] else matched,
                                agreement_raters=others, inputs=[pool_ids[j] for j in inputs[i]])
                written += 1
    return written


def training_pool(store: RunStore, similarity, base_clips: CorpusSongs, base_repr: np.ndarray) -> TrainingPool:
    """D's songs and their representations, or the corpus (cold start: D is empty)."""
    ids = [int(row["song_id"]) for row in queries.training_set(store)]
    if not ids:
        return TrainingPool([], np.arange(len(base_repr)), base_repr)
    return TrainingPool(ids, None, similarity.represent(store.song_images(ids)))


def _matched_song(store, training: TrainingPool, index: int, base_clips: CorpusSongs, mel) -> int:
    if training.corpus_index is None:
        return training.song_ids[index]
    return register_corpus_song(store, base_clips, int(training.corpus_index[index]), mel)


def _active_raters(rater_ids: np.ndarray, count: int | None, rng: np.random.Generator) -> np.ndarray:
    if count is None or count >= len(rater_ids):
        return np.asarray(rater_ids)
    return np.sort(rng.choice(rater_ids, int(count), replace=False))


def input_sets(chosen: np.ndarray, counts: int | list[int], seed: int, iteration: int):
    """Each request's input songs: all ``chosen`` (n, k) for one count, else the first of them up to a count
    drawn per request (the first c of a sample without replacement are one of c), from a stream of its own."""
    if not isinstance(counts, (list, tuple)):
        return chosen
    drawn = np.random.default_rng([seed, 11, iteration]).choice(np.asarray(counts, np.int64), len(chosen))
    return [row[:count] for row, count in zip(chosen, drawn)]


def _agreement_raters(active: np.ndarray, requester: int, k: int, rng: np.random.Generator) -> list[int]:
    """``k`` other raters for output agreement (fewer when the active set is small)."""
    others = active[active != requester]
    return [int(r) for r in rng.choice(others, min(k, len(others)), replace=False)] if k > 0 else []
