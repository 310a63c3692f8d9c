"""End to end on the tiny model: what a run records, its report, its gate, and a crash in the middle."""
from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time

import numpy as np
import pytest
import torch
from omegaconf import OmegaConf

from hcbench.commands.run import run_experiment
from hcbench.loop.config import FinetuneConfig, LoopConfig, QCConfig
from hcbench.loop.pool import CorpusSongs
from hcbench.loop.qc import quality_control
from hcbench.loop.runner import LoopParts, _stages, run_stages
from hcbench.loop.scoring import rating_table
from hcbench.metrics.gate import gate_failures
from hcbench.metrics.loop_metrics import compute_metrics
from hcbench.models.model_dir import load_generator
from hcbench.store import RunStore, queries
from tests.loop.conftest import FAST, loop_config

RATING_COLUMNS = "request_id, rater_id, song_id, role, iteration, version, stars, listen_seconds"


def _ratings(run_dir):
    with sqlite3.connect(run_dir / "run.db") as db:
        return db.execute(f"SELECT {RATING_COLUMNS} FROM ratings ORDER BY request_id, role, rater_id").fetchall()


@pytest.fixture(scope="module")
def finished_run(tmp_path_factory):
    run_dir = tmp_path_factory.mktemp("run")
    run_experiment(loop_config(run_dir))
    return run_dir


@pytest.mark.slow
def test_a_run_records_requests_ratings_truth_and_versions(finished_run):
    store = RunStore(finished_run, create=False)
    assert store.column("SELECT id FROM versions ORDER BY id").tolist() == [0, 1, 2]
    for version in (1, 2):
        assert (finished_run / "versions" / f"v{version}" / "model" / "unet").is_dir()
        assert (finished_run / "versions" / f"v{version}" / "train" / "checkpoints" / "last.pt").is_file()
    requests = store.rows("SELECT * FROM requests")
    assert len(requests) == 3 * 12 and all(r["served_song_id"] is not None for r in requests)
    assert {r["dispatch"] for r in requests if r["iteration"] == 0} == {"new"}  # D is empty at v0
    expected = sum(1 if r["dispatch"] == "old" else 2 + len(json.loads(r["agreement_raters"])) for r in requests)
    assert store.scalar("SELECT COUNT(*) FROM ratings") == expected
    assert store.scalar("SELECT COUNT(*) FROM truth_ratings") == expected
    assert store.scalar("SELECT COUNT(*) FROM truth_raters") == 24
    last = [r["version"] for r in requests if r["iteration"] == 2 and r["dispatch"] == "new"]
    assert len(set(last)) >= 2  # the evaluation draws versions at random
    assert store.scalar("SELECT COUNT(*) FROM training_set WHERE added_iteration = 0") > 0  # cold start


@pytest.mark.slow
def test_the_runner_marks_every_stage_of_every_iteration_with_its_time(finished_run):
    stages = RunStore(finished_run, create=False).rows("SELECT iteration, stage, seconds FROM stages")
    training = ["done", "finetune", "generate", "plan", "rate", "score", "select"]
    assert {i: sorted(r["stage"] for r in stages if r["iteration"] == i) for i in range(3)} == {
        0: training, 1: training, 2: ["done", "generate", "plan", "rate", "score"]}  # the last only evaluates
    assert all(r["seconds"] > 0 for r in stages if r["stage"] != "done")


@pytest.mark.slow
def test_each_training_rounds_selection_and_fine_tune_report_reaches_metrics_and_report(finished_run):
    store = RunStore(finished_run, create=False)
    steps = store.get_meta("config")["finetune"]["steps"]
    rounds = {r["iteration"]: r["stage_reports"] for r in compute_metrics(store).iterations}
    for i in (0, 1):
        added, _ = queries.training_set_changes(store, i)
        assert rounds[i]["select"]["added"] == added and rounds[i]["finetune"]["steps"] == steps
    assert rounds[2] == {}  # the evaluation round trains nothing
    assert "## Per training round: what the method reported" in (finished_run / "report.md").read_text()


def test_run_stages_marks_and_times_each_stage_and_skips_those_done(tmp_path):
    store, ran = RunStore(tmp_path), []
    stages = [(name, lambda name=name: ran.append(name) or time.sleep(0.01)) for name in ("plan", "generate")]
    store.finish_stage(0, "plan", 1.5)  # done before a crash
    run_stages(store, 0, stages)
    assert ran == ["generate"]
    seconds = {r["stage"]: r["seconds"] for r in store.rows("SELECT stage, seconds FROM stages")}
    assert seconds["plan"] == 1.5 and 0.01 <= seconds["generate"] < 1.0 and seconds["done"] == 0.0
    run_stages(store, 0, stages)
    assert ran == ["generate"]


def test_run_stages_keeps_what_a_stage_reports_and_only_dicts(tmp_path):
    store = RunStore(tmp_path)
    run_stages(store, 0, [("select", lambda: {"added": np.int64(4), "purged": 0}),
                          ("finetune", lambda: {"steps": 150, "final_loss": np.float32(0.25)}),
                          ("score", lambda: object())])  # score returns QC's result, not a report
    assert queries.stage_summaries(store, 0) == {"select": {"added": 4, "purged": 0},
                                                 "finetune": {"steps": 150, "final_loss": 0.25}}
    assert store.stage_done(0, "score") and store.stage_done(0, "done")


def test_a_stage_summary_is_stored_whatever_it_holds(tmp_path):
    store = RunStore(tmp_path)  # the stage's work is done: its summary must not crash the run
    store.finish_stage(0, "finetune", 1.0, {"losses": np.array([0.5, 0.25]), 3: torch.tensor(2.0), "kept": {1}})
    assert queries.stage_summaries(store, 0) == {"finetune": {"losses": [0.5, 0.25], "3": 2.0, "kept": "{1}"}}


class _RecordingMethod:
    """Marks nothing and registers v(t+1) itself, as a method does; records which hooks ran."""

    def __init__(self):
        self.calls = []

    def asks(self, request):
        return []

    def training_signal(self, round):
        self.calls.append(("training_signal", round.iteration))
        return {}

    def next_version(self, round):
        self.calls.append(("next_version", round.iteration))
        round.versions.made.append(round.iteration + 1)
        return {}


class _Versions:
    def __init__(self):
        self.made = [0]

    def ids(self):
        return list(self.made)


def test_a_methods_stages_follow_the_shared_ones_and_a_made_version_is_not_made_again(tmp_path):
    method, versions, store = _RecordingMethod(), _Versions(), RunStore(tmp_path)
    parts = LoopParts(cfg=LoopConfig(versions=2), panel=None, similarity=None, mel=None, input_songs=None,
                      input_index=np.zeros(0), base_songs=CorpusSongs("train", np.zeros((0, 64, 64), np.uint8), []), method=method, finetune=FinetuneConfig(), seed=0)
    first = _stages(store, versions, parts, 0, [], np.zeros(0))
    assert [name for name, _ in first] == ["plan", "generate", "rate", "score", "select", "finetune"]
    assert [name for name, _ in _stages(store, versions, parts, 1, [], np.zeros(0))] == [
        "plan", "generate", "rate", "score"]  # the last iteration evaluates; nothing is trained
    run_stages(store, 0, first[4:])
    assert method.calls == [("training_signal", 0), ("next_version", 0)] and versions.made == [0, 1]
    assert store.stage_done(0, "select") and store.stage_done(0, "finetune") and store.stage_done(0, "done")
    with store.transaction() as db:  # v1 was registered, then the run stopped before finetune was marked
        db.execute("DELETE FROM stages WHERE stage IN ('finetune', 'done')")
    run_stages(store, 0, first[4:])
    assert method.calls == [("training_signal", 0), ("next_version", 0)] and store.stage_done(0, "finetune")


@pytest.mark.slow
def test_quality_control_within_style_groups_a_runs_songs_by_version_and_inputs(finished_run):
    store = RunStore(finished_run, create=False)
    cfg = QCConfig(reputation_method="correlation", within_style=True)
    table = rating_table(store, queries.ratings_up_to(store, 2), cfg)
    generated = set(store.column("SELECT id FROM songs WHERE kind = 'generated'").tolist())
    assert [style != "" for style in table.style] == [song in generated for song in table.song.tolist()]
    assert all(style.startswith("v") for style in table.style if style)
    result = quality_control(table, cfg)
    assert len(result.raters) and np.isfinite(result.reputation).all()
    store.close()


def test_the_report_is_rebuilt_from_the_database_alone(finished_run, tmp_path):
    report = (finished_run / "report.md").read_text()
    assert "Table 1" in report and "| Song | Rating (v0) | Rating (v1) | Rating (v2) | Count (v0)" in report
    lines = (finished_run / "metrics.jsonl").read_text().splitlines()
    kinds = {json.loads(line)["kind"] for line in lines}
    assert kinds == {"iteration_version", "iteration", "table1", "step"}
    for name in ("report.md", "metrics.jsonl", "versions.png"):
        (finished_run / name).unlink()
    result = _hcbench("report", str(finished_run))
    assert result.returncode == 0, result.stderr
    assert (finished_run / "report.md").read_text() == report
    assert (finished_run / "versions.png").stat().st_size > 10_000


@pytest.mark.slow
def test_check_exits_by_the_gate_and_names_the_failing_step(finished_run):
    failures = gate_failures(compute_metrics(RunStore(finished_run, create=False)), margin=0.0)
    result = _hcbench("check", str(finished_run))
    assert result.returncode == (1 if failures else 0)
    strict = _hcbench("check", str(finished_run), "--margin", "10")
    assert strict.returncode == 1 and "v0 -> v1" in strict.stdout and "needs > +10.000" in strict.stdout
    significant = _hcbench("check", str(finished_run), "--significant", "--margin", "10")
    assert significant.returncode == 1 and "95% interval of the change starts at" in significant.stdout
    assert "independent comparison" in significant.stdout  # this run's evaluation drew versions at random


@pytest.mark.slow
def test_a_killed_run_resumes_with_no_rating_lost_or_repeated(finished_run, tmp_path):
    run_dir = tmp_path / "killed"
    command = [sys.executable, "-c", "from hcbench.cli import main; main()", "run", *FAST, f"run_dir={run_dir}"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    state = _wait_for_iteration_1_songs(run_dir / "run.db", process)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    assert state["generated"] > 0 and not state["generate_done"], state  # killed in the middle of iteration 1
    run_experiment(loop_config(run_dir))  # the same command again continues
    assert _ratings(run_dir) == _ratings(finished_run)
    with sqlite3.connect(run_dir / "run.db") as db:
        assert db.execute("SELECT COUNT(*) FROM ratings").fetchone()[0] == len(set(_ratings(run_dir)))


@pytest.mark.slow
@pytest.mark.parametrize("overrides, changes", [(["method=paper"], True),
                                                (["method=paper_dpo", "finetune.pair_min_gap=5"], False)])
def test_each_paper_method_fine_tunes_or_copies_when_it_has_nothing_to_learn(tmp_path, overrides, changes):
    run_experiment(loop_config(tmp_path, *overrides, "loop.versions=2"))
    store = RunStore(tmp_path, create=False)
    v0, v1 = (load_generator(store.scalar("SELECT path FROM versions WHERE id = ?", (v,)), 6).unet.state_dict()
              for v in (0, 1))
    assert any(not torch.equal(v0[k], v1[k]) for k in v0) == changes  # R lies in [0, 1]: no pair is 5 apart
    assert (tmp_path / "versions" / "v1" / "train" / "losses.csv").is_file() == changes
    assert store.scalar("SELECT train_size FROM versions WHERE id = 1") == store.scalar(
        "SELECT COUNT(*) FROM training_set WHERE removed_iteration IS NULL") > 0


def test_an_existing_run_continues_only_under_its_own_config(tmp_path):
    from hcbench.commands.run import _open_store
    from hcbench.errors import ConfigError

    _open_store(loop_config(tmp_path))
    _open_store(loop_config(tmp_path, "corpus.workers=1"))  # how fast, not what: the run continues
    with pytest.raises(ConfigError, match="differs at loop.qc.agreement_k"):
        _open_store(loop_config(tmp_path, "loop.qc.agreement_k=5"))
    with pytest.raises(ConfigError, match="resume=false"):
        _open_store(loop_config(tmp_path, "resume=false"))


def test_a_run_recorded_before_the_reference_rename_continues_under_the_same_overrides(tmp_path):
    from hcbench.commands.run import _open_store
    from tests.store.test_migrations import V1

    old = json.loads(json.dumps(OmegaConf.to_container(loop_config(tmp_path), resolve=True)))
    old.pop("resume")
    old.pop("method")  # schema version 1's runs knew no method group ...
    old["loop"]["selection"]["beat_baseline"] = old["loop"]["selection"].pop("beat_reference")  # ... nor "reference"
    with sqlite3.connect(tmp_path / "run.db") as db:
        db.executescript(V1.read_text())
        db.execute("UPDATE meta SET value = ? WHERE key = 'config'", (json.dumps(old),))
    store = _open_store(loop_config(tmp_path))  # upgraded, and the recorded config is today's
    assert store.get_meta("config")["loop"]["selection"]["beat_reference"] is True


def test_check_on_a_directory_without_a_run_is_one_line(tmp_path):
    result = _hcbench("check", str(tmp_path))
    assert result.returncode == 1 and result.stderr.startswith("error:") and "holds no run.db" in result.stderr


def _wait_for_iteration_1_songs(db_path, process, timeout: float = 1200.0) -> dict:  # generous: CI machines load
    deadline = time.time() + timeout
    while time.time() < deadline:
        assert process.poll() is None, process.stderr.read().decode()[-2000:]
        if db_path.is_file():
            try:
                with sqlite3.connect(db_path, timeout=1) as db:
                    generated = db.execute("SELECT COUNT(*) FROM songs WHERE kind = 'generated' AND iteration = 1"
                                           ).fetchone()[0]
                    done = db.execute("SELECT COUNT(*) FROM stages WHERE iteration = 1 AND stage = 'generate'"
                                      ).fetchone()[0]
            except sqlite3.OperationalError:  # tables not created yet
                generated, done = 0, 0
            if generated:
                return {"generated": generated, "generate_done": bool(done)}
        time.sleep(0.05)
    raise AssertionError("the run never reached iteration 1")


def _hcbench(*args):
    command = [sys.executable, "-c", "from hcbench.cli import main; main()", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=300)


class _NotAMethod:
    def asks(self, request):
        return []


def test_a_method_class_without_the_methods_hooks_is_refused_by_name(tmp_path):
    from hcbench.errors import ConfigError

    cfg = loop_config(tmp_path)
    cfg.method = {"_target_": f"{__name__}._NotAMethod"}
    with pytest.raises(ConfigError, match="_NotAMethod lacks one of asks, training_signal and next_version"):
        run_experiment(cfg)
