"""The evaluation by input songs per request, on a hand-made store; absent when every request brought as many."""
from __future__ import annotations

import pytest

from hcbench.metrics.input_counts import by_input_count
from hcbench.metrics.loop_metrics import RunMetrics
from hcbench.report.markdown import report_markdown
from hcbench.store import RunStore, records


def _store(run_dir, counts: list[int]) -> RunStore:
    """Iteration 0, one version: request i merges counts[i] input songs; its song's stars and utility fall with it."""
    store = RunStore(run_dir)
    with store.transaction() as db:
        records.raters(db, [0])
        for song in range(1, 4):
            records.corpus_song(db, song, (f"{song}.png", f"{song}.wav", 1.0), "input", f"heldout:{song}")
        records.version(db, 0, None, "versions/v0", 0, 0)
        for i, count in enumerate(counts):
            request = records.request(db, 0, 0, 0, "new", None, None, [], list(range(1, count + 1)))
            records.generated_song(db, 10 + i, (f"{i}.png", f"{i}.wav", 1.0), 0, 0, request)
            rating = records.rating(db, request, 0, 10 + i, "served", 0, 0, 5.0 - count, 1.0, 1.0, 0.0)
            records.true_utilities(db, [rating], [1.0 - 0.2 * count])
    return store


def test_ratings_are_split_by_how_many_songs_a_request_merged(tmp_path):
    rows = by_input_count(_store(tmp_path, [1, 2, 3, 2, 1, 3, 3]), 0, resamples=50)
    assert [(r["inputs"], r["version"], r["ratings"]) for r in rows] == [(1, 0, 2), (2, 0, 2), (3, 0, 3)]
    assert [r["stars"]["mean"] for r in rows] == [4.0, 3.0, 2.0]
    assert [r["utility"]["mean"] for r in rows] == pytest.approx([0.8, 0.6, 0.4])


def test_one_input_count_gives_no_breakdown_and_no_report_section(tmp_path):
    assert by_input_count(_store(tmp_path, [2, 2, 2]), 0) == []
    assert "input songs per request" not in report_markdown(RunMetrics(), "run")
    row = {"inputs": 1, "version": 0, "ratings": 2, "stars": {"mean": 4.0, "low": 3.5, "high": 4.5},
           "utility": {"mean": 0.8, "low": 0.7, "high": 0.9}}
    text = report_markdown(RunMetrics(by_input_count=[row]), "run")
    assert "## Evaluation by input songs per request" in text and "| 1 | v0 | 2 | 4.00 [3.50, 4.50] |" in text
