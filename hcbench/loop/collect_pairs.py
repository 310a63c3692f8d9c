"""Collect an iteration's pairwise answers: which of two songs a rater prefers (``AsksPairs.pair_asks``).

As with ratings (``hcbench.loop.collect``), asking and answering are separate steps:
``pending_pair_asks`` says which fixed units of questions have no answers yet, and
``record_preferences`` stores a unit's answers in one transaction, with their count added to
the round's rating calls (one call per answer) and the hidden truth a simulator attaches. A
web page would call ``record_preferences`` as people answer; a simulated panel answers a unit
at once (``collect_preferences``). The method reads the stored answers in its later stages.

Under a budget, questions are asked in the method's order, each with all its answers, while
they fit in what the round's ratings left (``hcbench.loop.budget.affordable``).
"""
from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from hcbench.loop.budget import RoundBudget, affordable
from hcbench.loop.collect import CHUNK
from hcbench.loop.method import PairAsk
from hcbench.loop.panel import RaterPanel
from hcbench.progress import progress_bar
from hcbench.store import RunStore, queries, records

PAIR_KEY = 1  # appended to a unit's panel key, so pairwise draws never repeat a rating unit's draws

# (store, preference ids, rater ids, first audio paths, second audio paths) -> None: a simulator's hidden truth
PairTruthRecorder = Callable[[RunStore, list[int], np.ndarray, list[Path], list[Path]], None]


def collect_preferences(store: RunStore, iteration: int, panel: RaterPanel, questions: list[list[PairAsk]],
                        record_pair_truth: PairTruthRecorder | None, budget: RoundBudget, spent: int = 0) -> int:
    """Ask the panel every affordable question not yet answered; ``spent``: calls the round's ratings take from
    ``budget``. Returns the answers added."""
    limit = None if budget.limit is None else budget.limit - spent
    todo = pending_pair_asks(store, iteration, questions, limit)
    if todo:
        panel.sync(queries.ratings_per_rater(store, len(panel.rater_ids)))
    added = 0
    with progress_bar(f"iteration {iteration}: pairwise answers", sum(n for _, n, _ in todo)) as advance:
        for c, n, asks in todo:
            chose_first = panel.prefer(_raters(asks), *_audio(store, asks), (iteration, c, PAIR_KEY))
            added += len(record_preferences(store, iteration, asks, chose_first, record_pair_truth, budget))
            advance(n)
    return added


def pending_pair_asks(store: RunStore, iteration: int, questions: list[list[PairAsk]],
                      limit: int | None = None) -> list[tuple[int, int, list[PairAsk]]]:
    """(unit index, questions in it, its asks) of every unit of ``CHUNK`` affordable questions with an answer
    missing."""
    questions = questions[:affordable([len(q) for q in questions], limit)]
    answered = queries.answered_pairs(store, iteration)
    units = [(c, len(questions[i:i + CHUNK]), [ask for question in questions[i:i + CHUNK] for ask in question])
             for c, i in enumerate(range(0, len(questions), CHUNK))]
    return [(c, n, asks) for c, n, asks in units if not answered.issuperset(map(_answer_key, asks))]


def record_preferences(store: RunStore, iteration: int, asks: list[PairAsk], chose_first: np.ndarray,
                       record_pair_truth: PairTruthRecorder | None, budget: RoundBudget) -> list[int]:
    """Store the answers to ``asks`` (one each, in order) and count them as rating calls, in one transaction;
    returns the answers' ids."""
    now = time.time()
    with store.transaction() as db:
        ids = [records.preference(db, iteration, ask.request_id, ask.rater_id, ask.first_song_id,
                                  ask.second_song_id, bool(first), now) for ask, first in zip(asks, chose_first)]
        records.rating_calls(db, iteration, len(ids), budget.limit, budget.charged)
        if record_pair_truth is not None:
            record_pair_truth(store, ids, _raters(asks), *_audio(store, asks))
    return ids


def _answer_key(ask: PairAsk) -> tuple[int, int, int]:
    return ask.rater_id, ask.first_song_id, ask.second_song_id


def _raters(asks: list[PairAsk]) -> np.ndarray:
    return np.array([ask.rater_id for ask in asks], np.int64)


def _audio(store: RunStore, asks: list[PairAsk]) -> tuple[list[Path], list[Path]]:
    return [store.run_dir / a.first_audio for a in asks], [store.run_dir / a.second_audio for a in asks]
