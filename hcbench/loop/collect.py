"""Collect an iteration's ratings: what the method asks of each request (``Method.asks``: for the
paper's loop, the requester rates what it was served and the reference, and the agreement
raters rate each new song too: output agreement, paper 2.1), then the panel's answers.

Asking and answering are separate steps: ``pending_asks`` says what is still to be asked,
in fixed units of requests, and ``record_answers`` stores a unit's answers in one
transaction (with the hidden truth a simulator attaches), so a crash loses or repeats no
rating. A simulated panel answers a unit at once (``collect_ratings``).
"""
from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from hcbench.loop.method import Ask
from hcbench.loop.panel import Observed, RaterPanel
from hcbench.progress import progress_bar
from hcbench.store import RunStore, queries, records

CHUNK = 32  # requests per unit of asks (and per transaction of answers)

# (store, rating ids, rater ids, audio paths) -> None: writes a simulator's hidden truth for new ratings
TruthRecorder = Callable[[RunStore, list[int], np.ndarray, list[Path]], None]
AsksOf = Callable[[dict], list[Ask]]  # Method.asks: a planned request -> the ratings it asks for


def collect_ratings(store: RunStore, iteration: int, panel: RaterPanel, asks_of: AsksOf,
                    record_truth: TruthRecorder | None) -> int:
    """Ask the panel everything of ``iteration`` not yet answered; returns the ratings added."""
    todo = pending_asks(store, iteration, asks_of)
    if todo:
        panel.sync(queries.ratings_per_rater(store, len(panel.rater_ids)))
    added = 0
    with progress_bar(f"iteration {iteration}: rating", sum(requests for _, requests, _ in todo)) as advance:
        for c, requests, asks in todo:
            added += _rate_chunk(store, iteration, panel, record_truth, asks, c)
            advance(requests)
    return added


def pending_asks(store: RunStore, iteration: int, asks_of: AsksOf) -> list[tuple[int, int, list[Ask]]]:
    """(unit index, requests in it, its asks) of every unit of ``CHUNK`` requests that has no answers yet."""
    requests = queries.requests_to_rate(store, iteration)
    answered = queries.rated_requests(store, iteration)
    units = [requests[i:i + CHUNK] for i in range(0, len(requests), CHUNK)]
    return [(c, len(unit), [ask for request in unit for ask in asks_of(request)])
            for c, unit in enumerate(units) if not answered.issuperset(r["id"] for r in unit)]


def record_answers(store: RunStore, iteration: int, asks: list[Ask], observed: Observed,
                   record_truth: TruthRecorder | None) -> list[int]:
    """Store the answers to ``asks`` (one each, in order) in one transaction; returns the ratings' ids."""
    now = time.time()
    with store.transaction() as db:
        ids = [records.rating(db, ask.request_id, ask.rater_id, ask.song_id, ask.role, iteration, ask.version,
                              float(stars), float(listened), float(length), now)
               for ask, stars, listened, length in zip(asks, observed.stars, observed.listen_seconds,
                                                       observed.song_seconds)]
        if record_truth is not None:
            record_truth(store, ids, _raters(asks), [store.run_dir / ask.audio_path for ask in asks])
    return ids


def _rate_chunk(store, iteration, panel, record_truth, asks: list[Ask], c: int) -> int:
    observed = panel.rate(_raters(asks), [store.run_dir / ask.audio_path for ask in asks], (iteration, c))
    return len(record_answers(store, iteration, asks, observed, record_truth))


def _raters(asks: list[Ask]) -> np.ndarray:
    return np.array([ask.rater_id for ask in asks], np.int64)
