"""A sweep's view from hand-made job databases: its axes, each job's gain, the ranking and Kendall's tau."""
from __future__ import annotations

import math

import pytest

from hcbench.metrics.sweep_metrics import setting_label, swept_axes, sweep_jobs, sweep_metrics
from hcbench.store import RunStore, StoreError
from tests.metrics.sweep_stores import sweep_job

GAINS = {(20, 3): 0.04, (20, 16): 0.02, (40, 3): 0.01, (40, 16): -0.03}  # utility gain per (steps, agreement_k)


def make_sweep(folder, seeds=(0, 1), gains=GAINS):
    """Jobs numbered as Hydra numbers them: steps, then agreement_k, then seed."""
    job = 0
    for (steps, k), gain in gains.items():
        for seed in seeds:
            sweep_job(folder / str(job), seed, gain + 0.001 * seed, 10 * gain, finetune__steps=steps,
                      loop__qc__agreement_k=k)
            job += 1
    return folder


def test_keys_that_change_together_are_one_axis_and_keys_that_follow_the_seed_none():
    jobs = [{"seed": s, "run_dir": f"r/{i}", "experiment_name": e, "model": {"name": m, "steps": 6},
             "finetune": {"seed": s}} for i, (e, m, s) in enumerate([("ci", "tiny", 0), ("ci", "tiny", 1),
                                                                       ("default", "small", 0),
                                                                       ("default", "small", 1)])]
    assert swept_axes(jobs) == {"model.name": ["experiment_name"]}
    assert swept_axes(jobs[:1]) == {}  # one job: nothing was swept


def test_each_job_gains_what_its_ratings_say_and_settings_rank_by_their_mean(tmp_path):
    metrics = sweep_metrics(make_sweep(tmp_path))
    assert metrics.axes == ["finetune.steps", "loop.qc.agreement_k"] and metrics.unfinished == []
    assert len(metrics.rows) == 8 and all(r["paired"] and r["requests"] == 12 for r in metrics.rows)
    for row in metrics.rows:
        expected = GAINS[(row["setting"]["finetune.steps"], row["setting"]["loop.qc.agreement_k"])]
        utility = row["utility_gain"]
        assert utility["mean"] == pytest.approx(expected + 0.001 * row["seed"], abs=0.002)
        assert utility["low"] < utility["mean"] < utility["high"] and utility["high"] - utility["low"] < 0.004
        assert row["stars_gain"]["mean"] == pytest.approx(10 * expected, abs=0.02)
    assert [s["label"] for s in metrics.settings] == [
        "finetune.steps=20, loop.qc.agreement_k=3", "finetune.steps=20, loop.qc.agreement_k=16",
        "finetune.steps=40, loop.qc.agreement_k=3", "finetune.steps=40, loop.qc.agreement_k=16"]
    assert [s["seeds_above_zero"] for s in metrics.settings] == [2, 2, 2, 0]
    assert metrics.settings[0]["utility_gain"]["mean"] == pytest.approx(0.0405, abs=0.002)
    assert [r["order"] for r in metrics.rankings] == [[s["label"] for s in metrics.settings]] * 2
    assert metrics.taus == [{"seeds": [0, 1], "labels": 4, "tau": pytest.approx(1.0)}]


def test_seeds_that_disagree_have_a_low_tau(tmp_path):
    make_sweep(tmp_path, seeds=(0,))
    flipped = {key: -gain for key, gain in GAINS.items()}
    for job, (key, gain) in enumerate(flipped.items(), 4):
        sweep_job(tmp_path / str(job), 1, gain, gain, finetune__steps=key[0], loop__qc__agreement_k=key[1])
    assert sweep_metrics(tmp_path).taus[0]["tau"] == pytest.approx(-1.0)


def test_an_unfinished_job_is_left_out_and_named(tmp_path):
    sweep_job(tmp_path / "0", 0, 0.02, 0.1, finetune__steps=20)
    sweep_job(tmp_path / "1", 0, 0.05, 0.1, finished=False, finetune__steps=40)
    metrics = sweep_metrics(tmp_path)
    assert metrics.unfinished == ["1"] and [r["job"] for r in metrics.rows] == [0]
    assert metrics.taus == [] and math.isclose(metrics.settings[0]["utility_gain"]["mean"], 0.02, abs_tol=0.002)


def test_a_job_that_has_not_recorded_its_config_yet_is_unfinished(tmp_path):
    make_sweep(tmp_path, seeds=(0,))
    RunStore(tmp_path / "4").close()  # its run.db exists, nothing in it yet
    metrics = sweep_metrics(tmp_path)
    assert metrics.unfinished == ["4"] and len(metrics.rows) == 4 and len(metrics.axes) == 2


def test_only_seeds_swept_is_one_setting(tmp_path):
    for seed in (0, 1, 2):
        sweep_job(tmp_path / str(seed), seed, 0.01, 0.1)
    metrics = sweep_metrics(tmp_path)
    assert metrics.axes == [] and [s["label"] for s in metrics.settings] == ["all jobs"]
    assert setting_label({}) == "all jobs" and metrics.taus == []  # one setting: no ranking to compare


def test_a_folder_without_jobs_names_the_fix(tmp_path):
    (tmp_path / "notes").mkdir()
    with pytest.raises(StoreError, match=r"holds no sweep job \(N/run.db\).*hydra.sweep.dir"):
        sweep_jobs(tmp_path)
