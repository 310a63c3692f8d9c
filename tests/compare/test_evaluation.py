"""The shared evaluation's settings, its store and what it asks."""
from __future__ import annotations

import pytest

from hcbench.compare.evaluation import (BASE, SideBySide, evaluation_config, evaluation_seed, open_evaluation,
                                        reference_name)
from hcbench.compare.runs import Combination, run_config
from hcbench.errors import ConfigError


def test_the_evaluation_seed_is_fixed_by_the_run_seed_and_differs_from_it():
    assert evaluation_seed(0) == evaluation_seed(0) != evaluation_seed(1)
    assert evaluation_seed(0) not in (0, 1)


def test_the_reference_is_no_feedback_when_compared_else_v0():
    assert reference_name(["paper", "no_feedback"]) == "no_feedback"
    assert reference_name(["paper", BASE]) == BASE


def test_the_evaluation_is_one_paired_iteration_without_a_method(tmp_path):
    run = run_config(["experiment=compare_smoke"], Combination("paper", 0, tmp_path))
    cfg = evaluation_config(run, requests=7)
    assert "method" not in cfg and "finetune" not in cfg and "run_dir" not in cfg
    assert cfg.loop.versions == 1 and cfg.loop.requests.per_iteration == 7
    assert cfg.loop.dispatch.evaluation == "paired" and cfg.loop.dispatch.live_versions == "all"
    assert run.loop.versions == 2  # the run's own config is left as it was


def test_an_evaluation_of_other_runs_is_refused(tmp_path):
    record = {"seed": 0, "bootstrap": 10, "requests": 4, "reference": BASE, "entries": [], "config": {}}
    open_evaluation(tmp_path, record).close()
    open_evaluation(tmp_path, record).close()  # the same evaluation continues
    with pytest.raises(ConfigError, match="other runs or settings \\(differs at requests\\).*delete that folder"):
        open_evaluation(tmp_path, {**record, "requests": 8})


def test_the_evaluation_asks_no_reference_rating():
    request = {"id": 1, "rater_id": 4, "served_song_id": 9, "served_audio": "songs/9.wav", "served_version": 2,
               "reference_song_id": 3, "reference_audio": "songs/3.wav", "reference_version": None,
               "agreement_raters": "[5, 6]"}
    asks = SideBySide().asks(request)
    assert [(a.rater_id, a.role, a.song_id) for a in asks] == [(4, "served", 9), (5, "agreement", 9),
                                                               (6, "agreement", 9)]
