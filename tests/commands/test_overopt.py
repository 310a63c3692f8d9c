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
