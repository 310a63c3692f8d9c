"""Collect an iteration's ratings: the requester rates what it was served and the baseline,
and the agreement raters rate each new song too (output agreement, paper 2.1).

Requests are rated in fixed chunks; a chunk's ratings (and the hidden truth a simulator
attaches to them) land in one transaction, so a crash loses or repeats no rating.
"""
from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from hcbench.loop.panel import RaterPanel
from hcbench.progress import progress_bar
from hcbench.store import RunStore

CHUNK = 32  # requests per transaction

# (store, rating ids, rater ids, audio paths) -> None: writes a simulator's hidden truth for new ratings
TruthRecorder = Callable[[RunStore, list[int], np.ndarray, list[Path]], None]


def collect_ratings(store: RunStore, iteration: int, panel: RaterPanel, record_truth: TruthRecorder | None) -> int:
    """Rate every request of ``iteration`` not yet rated; returns the ratings added."""
    requests = store.rows("SELECT r.*, s.audio_path AS served_audio, s.version AS served_version, "
                          "b.audio_path AS baseline_audio, b.version AS baseline_version FROM requests r JOIN songs s ON s.id = r.served_song_id "
                          "LEFT JOIN songs b ON b.id = r.baseline_song_id WHERE r.iteration = ? ORDER BY r.id",
                          (iteration,))
    rated = set(store.column("SELECT DISTINCT request_id FROM ratings WHERE iteration = ?", (iteration,)).tolist())
    chunks = [requests[i:i + CHUNK] for i in range(0, len(requests), CHUNK)]
    todo = [(c, chunk) for c, chunk in enumerate(chunks) if not rated.issuperset(r["id"] for r in chunk)]
    if todo:
        panel.sync(_ratings_given(store, len(panel.rater_ids)))
    added = 0
    with progress_bar(f"iteration {iteration}: rating", sum(len(chunk) for _, chunk in todo)) as advance:
        for c, chunk in todo:
            added += _rate_chunk(store, iteration, panel, record_truth, chunk, c)
            advance(len(chunk))
    return added


def _rate_chunk(store, iteration, panel, record_truth, chunk: list[dict], c: int) -> int:
    plan = [item for request in chunk for item in _rating_plan(request)]
    raters = np.array([p[1] for p in plan], np.int64)
    paths = [store.run_dir / p[3] for p in plan]
    observed = panel.rate(raters, paths, (iteration, c))
    now = time.time()
    with store.transaction() as db:
        ids = []
        for (request, rater, song, _, role, version), stars, listened, length in zip(
                plan, observed.stars, observed.listen_seconds, observed.song_seconds):
            cursor = db.execute(
                "INSERT INTO ratings (request_id, rater_id, song_id, role, iteration, version, stars, listen_seconds, "
                "song_seconds, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (request, rater, song, role, iteration, version, float(stars), float(listened), float(length), now))
            ids.append(cursor.lastrowid)
        if record_truth is not None:
            record_truth(store, ids, raters, paths)
    return len(ids)


def _rating_plan(request: dict) -> list[tuple]:
    """(request, rater, song, audio, role, version) of every rating a request asks for."""
    served = (request["id"], request["rater_id"], request["served_song_id"], request["served_audio"], "served",
              request["served_version"])
    plan = [served]
    if request["baseline_song_id"] is not None:
        plan.append((request["id"], request["rater_id"], request["baseline_song_id"], request["baseline_audio"],
                     "baseline", request["baseline_version"]))
    plan += [(request["id"], rater, *served[2:4], "agreement", served[5])
             for rater in json.loads(request["agreement_raters"])]
    return plan


def _ratings_given(store: RunStore, n_raters: int) -> np.ndarray:
    counts = np.zeros(n_raters, np.int64)
    for row in store.rows("SELECT rater_id, COUNT(*) AS n FROM ratings GROUP BY rater_id"):
        counts[row["rater_id"]] = row["n"]
    return counts
