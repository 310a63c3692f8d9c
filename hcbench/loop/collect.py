"""Collect an iteration's ratings: what the method asks of each request (``Method.asks``: for the
paper's loop, the requester rates what it was served and the reference, and the agreement
raters rate each new song too: output agreement, paper 2.1), then the panel's answers.

Asking and answering are separate steps: ``pending_asks`` says what is still to be asked,
in fixed units of requests, and ``record_answers`` stores a unit's answers in one
transaction (with the hidden truth a simulator attaches), so a crash loses or repeats no
rating. A simulated panel answers a unit at once (``collect_ratings``).

Under a budget (``hcbench.loop.budget``) only the requests the round can afford are asked,
and each unit's answers add to the round's count of rating calls in the same transaction.
"""
from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from hcbench.loop.budget import UNLIMITED, RoundBudget, affordable
from hcbench.loop.method import Ask
from hcbench.loop.panel import Observed, RaterPanel
from hcbench.progress import progress_bar
from hcbench.store import RunStore, queries, records

CHUNK = 32  # requests per unit of asks (and per transaction of answers)

# (store, rating ids, rater ids, audio paths) -> None: writes a simulator's hidden truth for new ratings
TruthRecorder = Callable[[RunStore, list[int], np.ndarray, list[Path]], None]
AsksOf = Callable[[dict], list[Ask]]  # Method.asks: a planned request -> the ratings it asks for


def collect_ratings(store: RunStore, iteration: int, panel: RaterPanel, asks_of: AsksOf,
                    record_truth: TruthRecorder | None, budget: RoundBudget = UNLIMITED) -> int:
    """Ask the panel everything of ``iteration`` not yet answered (within ``budget``); returns the ratings added."""
    todo = pending_asks(store, iteration, asks_of, budget.limit)
    if todo:
        panel.sync(queries.ratings_per_rater(store, len(panel.rater_ids)))
    added = 0
    with progress_bar(f"iteration {iteration}: rating", sum(requests for _, requests, _ in todo)) as advance:
        for c, requests, asks in todo:
            observed = panel.rate(_raters(asks), [store.run_dir / ask.audio_path for ask in asks], (iteration, c))
            added += len(record_answers(store, iteration, asks, observed, record_truth, budget))
            advance(requests)
    return added


def pending_asks(store: RunStore, iteration: int, asks_of: AsksOf,
                 limit: int | None = None) -> list[tuple[int, int, list[Ask]]]:
    """(unit index, requests in it, its asks) of every unit of ``CHUNK`` requests that has no answers yet.

    With a ``limit`` on the round's calls, only the requests it affords (from the first) are asked.
    """
    requests, asks = _affordable_asks(store, iteration, asks_of, limit)
    answered = queries.rated_requests(store, iteration)
    units = [(c, len(requests[i:i + CHUNK]), [ask for request_asks in asks[i:i + CHUNK] for ask in request_asks])
             for c, i in enumerate(range(0, len(requests), CHUNK))]
    return [(c, n, unit_asks) for c, n, unit_asks in units  # a method may ask no ratings of some requests
            if not answered.issuperset(ask.request_id for ask in unit_asks)]


def asked_calls(store: RunStore, iteration: int, asks_of: AsksOf, limit: int | None = None) -> int:
    """The rating calls ``iteration`` asks (answered or not) within ``limit``: it follows from the plan alone."""
    return sum(len(a) for a in _affordable_asks(store, iteration, asks_of, limit)[1])


def _affordable_asks(store: RunStore, iteration: int, asks_of: AsksOf,
                     limit: int | None) -> tuple[list[dict], list[list[Ask]]]:
    """The requests the round asks (from the first, while their calls fit in ``limit``) and each one's asks."""
    requests = queries.requests_to_rate(store, iteration)
    asks = [asks_of(request) for request in requests]
    asked = affordable([len(a) for a in asks], limit)
    return requests[:asked], asks[:asked]


def record_answers(store: RunStore, iteration: int, asks: list[Ask], observed: Observed,
                   record_truth: TruthRecorder | None, budget: RoundBudget = UNLIMITED) -> list[int]:
    """Store the answers to ``asks`` (one each, in order) and count them as the round's rating calls, in one
    transaction; returns the ratings' ids."""
    now = time.time()
    with store.transaction() as db:
        ids = [records.rating(db, ask.request_id, ask.rater_id, ask.song_id, ask.role, iteration, ask.version,
                              float(stars), float(listened), float(length), now)
               for ask, stars, listened, length in zip(asks, observed.stars, observed.listen_seconds,
                                                       observed.song_seconds)]
        records.rating_calls(db, iteration, len(ids), budget.limit, budget.charged)
        if record_truth is not None:
            record_truth(store, ids, _raters(asks), [store.run_dir / ask.audio_path for ask in asks])
    return ids


def _raters(asks: list[Ask]) -> np.ndarray:
    return np.array([ask.rater_id for ask in asks], np.int64)
