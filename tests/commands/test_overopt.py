"""hcbench overopt: best of n from v0 against the truth, on a finished run with a reward model."""
from __future__ import annotations

import json

import numpy as np
import pytest

from hcbench.commands.overopt import overopt
from hcbench.errors import ConfigError
from hcbench.metrics.overoptimisation import picks
from hcbench.store import RunStore, records
from tests.baselines.conftest import finished_run


def test_a_run_whose_final_version_has_no_reward_model_is_refused_with_the_fix(tmp_path):
    store = RunStore(tmp_path)
    store.set_meta("config", {"seed": 0})
    with store.transaction() as db:
        records.version(db, 0, None, str(tmp_path), train_size=0, iteration=0)
    store.close()
    with pytest.raises(ConfigError, match="carries no reward model.*method=best_of_n or method=rwr"):
        overopt(tmp_path, requests=2, candidates=4, ns=[1, 2, 4])


@pytest.mark.slow
def test_overopt_scores_every_candidate_and_picks_among_the_first_n(tmp_path):
    finished_run(tmp_path, "best_of_n").close()
    rows = overopt(tmp_path, requests=3, candidates=4, ns=[1, 2, 4])
    assert [r["n"] for r in rows] == [1, 2, 4] and all(r["requests"] == 3 for r in rows)
    lines = [json.loads(line) for line in (tmp_path / "overopt" / "overopt.jsonl").read_text().splitlines()]
    scores = [line for line in lines if line["kind"] == "request"]
    proxy, truth = np.array([s["proxy"] for s in scores]), np.array([s["truth"] for s in scores])
    assert proxy.shape == truth.shape == (3, 4) and np.isfinite(truth).all()
    chosen = picks(proxy, [1, 2, 4])
    assert [r["truth"]["mean"] for r in rows] == pytest.approx(truth[np.arange(3)[:, None], chosen].mean(axis=0))
    assert len(list((tmp_path / "overopt" / "songs").glob("*.wav"))) == 12
    assert rows == overopt(tmp_path, requests=3, candidates=4, ns=[1, 2, 4])  # same run and seed: same numbers


@pytest.mark.slow
def test_overopt_trained_judges_the_same_fresh_requests_at_every_stage_of_training(tmp_path):
    from hcbench.commands.overopt import overopt_trained
    from hcbench.compare.trained_overopt import TrainSchedule

    finished_run(tmp_path, "best_of_n").close()
    schedule = TrainSchedule(optimiser="rwr", epochs=2, eval_every=1, samples_per_request=2, steps_per_epoch=2,
                             batch_size=2, learning_rate=1e-3)
    rows = overopt_trained(tmp_path, requests=3, schedule=schedule)
    assert [r["step"] for r in rows] == [0, 2, 4] and all(r["requests"] == 3 for r in rows)
    folder = tmp_path / "overopt_rwr"
    assert sorted(p.name for p in (folder / "songs").iterdir()) == ["step0000", "step0002", "step0004"]
    assert all(len(list((folder / "songs" / s).glob("*.wav"))) == 3 for s in ("step0000", "step0004"))
    lines = [json.loads(line) for line in (folder / "overopt.jsonl").read_text().splitlines()]
    truth = np.array([line["truth"] for line in lines if line["kind"] == "request"])
    assert truth.shape == (3, 3) and np.isfinite(truth).all()
    assert [r["truth"]["mean"] for r in rows] == pytest.approx(truth.mean(axis=0))
    assert [line["epoch"] for line in lines if line["kind"] == "epoch"] == [1, 2]
    assert rows == overopt_trained(tmp_path, requests=3, schedule=schedule)  # resumed from its checkpoints
