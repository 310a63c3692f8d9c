"""Dispatch and rating collection on a run's first iterations (tiny model, in process)."""
from __future__ import annotations

import json

import numpy as np
import pytest

from hcbench.commands.run import run_experiment
from hcbench.loop import collect
from hcbench.loop.dispatch import input_sets
from hcbench.metrics.loop_metrics import compute_metrics
from hcbench.store import RunStore
from tests.loop.conftest import loop_config


def test_one_input_count_keeps_the_choice_and_a_list_cuts_each_request_to_a_drawn_count():
    chosen = np.arange(300 * 3).reshape(300, 3)  # each row: a request's songs, best first
    assert input_sets(chosen, 3, seed=0, iteration=1) is chosen
    sets = input_sets(chosen, [1, 2, 3], seed=0, iteration=1)
    sizes = np.array([len(s) for s in sets])
    assert set(sizes) == {1, 2, 3} and all(0.25 < (sizes == k).mean() < 0.42 for k in (1, 2, 3))
    assert all((s == row[:len(s)]).all() for s, row in zip(sets, chosen))  # the first songs of each choice
    again = input_sets(chosen, [1, 2, 3], seed=0, iteration=1)
    assert [len(s) for s in again] == list(sizes)  # drawn from the run seed and iteration
    assert [len(s) for s in input_sets(chosen, [1, 2, 3], seed=0, iteration=2)] != list(sizes)


@pytest.mark.slow
def test_requests_of_one_run_can_merge_different_numbers_of_songs(tmp_path):
    run_experiment(loop_config(tmp_path, "loop.versions=2", "loop.requests.inputs_per_request=[1,2,3]",
                               "loop.dispatch.evaluation=paired", "loop.requests.per_iteration=[12,24]"))
    store = RunStore(tmp_path, create=False)
    sizes = store.column("SELECT COUNT(*) FROM request_inputs GROUP BY request_id")
    assert set(sizes) == {1, 2, 3}
    breakdown = compute_metrics(store).by_input_count
    assert {(r["inputs"], r["version"]) for r in breakdown} == {(k, v) for k in (1, 2, 3) for v in (0, 1)}
    assert sum(r["ratings"] for r in breakdown) == store.scalar(
        "SELECT COUNT(*) FROM ratings r JOIN songs s ON s.id = r.song_id WHERE r.iteration = 1 "
        "AND r.role IN ('served', 'agreement') AND s.kind = 'generated' AND s.iteration = 1")
    assert "## Evaluation by input songs per request" in (tmp_path / "report.md").read_text()
    assert "Evaluation by input songs per request" in (tmp_path / "report.html").read_text()


@pytest.mark.slow
def test_old_songs_are_served_at_p_old_and_versions_are_drawn_at_random(tmp_path):
    run_dir = tmp_path / "run"
    run_experiment(loop_config(run_dir, "loop.versions=2", "loop.requests.per_iteration=[12,160]",
                               "loop.dispatch.p_old=0.25", "loop.qc.agreement_k=3"))
    store = RunStore(run_dir, create=False)
    later = store.rows("SELECT * FROM requests WHERE iteration = 1")
    old = np.array([r["dispatch"] == "old" for r in later])
    assert 0.15 < old.mean() < 0.35  # 160 draws at p = 0.25
    versions = np.array([r["version"] for r in later])
    assert 0.35 < versions.mean() < 0.65  # v0 and v1 alike
    for r in later:
        if r["dispatch"] == "old":  # the nearest song of D, and nothing to compare it with
            assert r["reference_song_id"] is None
            assert store.scalar("SELECT 1 FROM training_set WHERE song_id = ?", (r["served_song_id"],))
        else:
            assert store.scalar("SELECT kind FROM songs WHERE id = ?", (r["served_song_id"],)) == "generated"
            assert store.scalar("SELECT 1 FROM training_set WHERE song_id = ?", (r["reference_song_id"],))
    agreement = store.rows("SELECT request_id, COUNT(DISTINCT rater_id) AS n FROM ratings WHERE role != 'reference' "
                           "AND iteration = 1 GROUP BY request_id")
    new_ids = {r["id"] for r in later if r["dispatch"] == "new"}
    assert {a["n"] for a in agreement if a["request_id"] in new_ids} == {3}  # output agreement: 3 distinct raters


@pytest.mark.slow
def test_a_crash_while_rating_loses_and_repeats_nothing(tmp_path, monkeypatch):
    monkeypatch.setattr(collect, "CHUNK", 4)
    args = ("loop.versions=1",)
    run_experiment(loop_config(tmp_path / "whole", *args))
    calls = {"n": 0}
    original = collect.record_answers

    def crash_on_second_chunk(*a, **k):
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt("killed while rating")
        return original(*a, **k)

    monkeypatch.setattr(collect, "record_answers", crash_on_second_chunk)
    with pytest.raises(KeyboardInterrupt):
        run_experiment(loop_config(tmp_path / "crashed", *args))
    crashed = RunStore(tmp_path / "crashed", create=False)
    assert 0 < crashed.scalar("SELECT COUNT(*) FROM ratings") < RunStore(tmp_path / "whole").scalar(
        "SELECT COUNT(*) FROM ratings")
    monkeypatch.setattr(collect, "record_answers", original)
    run_experiment(loop_config(tmp_path / "crashed", *args))
    columns = "request_id, rater_id, song_id, role, stars, listen_seconds"
    whole = RunStore(tmp_path / "whole").rows(f"SELECT {columns} FROM ratings ORDER BY id")
    assert crashed.rows(f"SELECT {columns} FROM ratings ORDER BY id") == whole


@pytest.mark.slow
def test_a_paired_evaluation_has_every_version_answer_each_new_request(tmp_path):
    # a DPO gap no pair reaches makes v1 a copy of v0: paired songs must then be the same song;
    # live_versions=latest serves training iterations only, never the paired evaluation
    run_experiment(loop_config(tmp_path, "loop.versions=2", "loop.requests.per_iteration=[12,10]",
                               "loop.dispatch.evaluation=paired", "loop.dispatch.live_versions=latest",
                               "loop.qc.agreement_k=3", "loop.dispatch.evaluation_raters=5",
                               "finetune=dpo", "finetune.pair_min_gap=5"))
    store = RunStore(tmp_path, create=False)
    first = store.rows("SELECT version, dispatch, agreement_raters FROM requests WHERE iteration = 0")
    assert len(first) == 12 and {r["version"] for r in first} == {0}  # only the evaluation is paired
    heard_by = {it: {len(json.loads(r["agreement_raters"])) + 1 for r in rows if r["dispatch"] == "new"}
                for it, rows in ((0, first), (1, store.rows("SELECT * FROM requests WHERE iteration = 1")))}
    assert heard_by == {0: {3}, 1: {5}}  # agreement_k while training, evaluation_raters in the evaluation
    groups: list[tuple[tuple, list]] = []  # a request's answers are written one after another
    last = store.rows("SELECT * FROM requests WHERE iteration = 1 ORDER BY id")
    for r in last:
        inputs = tuple(store.column("SELECT song_id FROM request_inputs WHERE request_id = ? ORDER BY position",
                                    (r["id"],)).tolist())
        key = (r["rater_id"], r["dispatch"], r["reference_song_id"], r["agreement_raters"], inputs)
        if not groups or groups[-1][0] != key:
            groups.append((key, []))
        groups[-1][1].append((r["version"], r["served_song_id"]))
    new = [[v for v, _ in answers] for key, answers in groups if key[1] == "new"]
    old = [versions for key, versions in groups if key[1] == "old"]
    assert new and all(sorted(versions) == [0, 1] for versions in new)
    assert all(len(versions) == 1 for versions in old)  # a song of D has no version to compare
    assert sum(len(v) for _, v in groups) == len(last) == 2 * len(new) + len(old)
    counts = store.rows("SELECT version, COUNT(*) AS n FROM songs WHERE iteration = 1 GROUP BY version")
    assert [c["n"] for c in counts] == [len(new), len(new)]
    for key, answers in groups:  # same weights, same request, same noise: the same song
        if key[1] == "new":
            first, second = store.song_images([song for _, song in sorted(answers)])
            assert np.array_equal(first, second)
    step, = compute_metrics(store).steps  # so the paired change in true utility is exactly nothing
    assert step["paired"] and step["requests"] == len(new)
    assert step["utility"]["mean"] == step["utility"]["low"] == step["utility"]["high"] == 0.0
