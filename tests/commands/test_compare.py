"""hcbench compare end to end on the tiny model: runs, the shared evaluation, resuming, rebuilding."""
from __future__ import annotations

import shutil
import subprocess
import sys

from unittest.mock import patch

import numpy as np
import pytest
from hydra import compose, initialize_config_dir

from hcbench.commands.compare import compare
from hcbench.compare.evaluation import evaluation_dir
from hcbench.errors import ConfigError
from hcbench.paths import conf_dir
from hcbench.report.compare_build import OUTPUTS, rebuild_compare
from hcbench.store import RunStore, StoreError
from tests.loop.conftest import FAST

SMALL = ["experiment=compare_smoke", *FAST[1:], "loop.versions=2", "compare.requests=6",
         "compare.methods=[paper,paper_dpo]"]  # pinned: compare_smoke gains methods as they land


def _compare(compare_dir, *overrides: str):
    every = [*SMALL, f"compare_dir={compare_dir}", *overrides]
    with initialize_config_dir(config_dir=str(conf_dir()), version_base="1.3"):
        cfg = compose("compare", overrides=every)
    return compare(cfg, every)


def _work_done(compare_dir) -> dict:
    """Rows and finish times of every database under ``compare_dir``: a rerun that redoes work changes them."""
    found = {}
    for db in sorted(compare_dir.glob("**/run.db")):
        store = RunStore(db.parent, create=False)
        found[str(db)] = (store.rows("SELECT iteration, stage, finished_at FROM stages ORDER BY iteration, stage"),
                          store.scalar("SELECT COUNT(*) FROM ratings"), store.scalar("SELECT COUNT(*) FROM songs"))
        store.close()
    return found


@pytest.fixture(scope="module")
def compared(tmp_path_factory):
    compare_dir = tmp_path_factory.mktemp("compare")
    return compare_dir, _compare(compare_dir)


@pytest.mark.slow
def test_every_method_is_run_and_judged_on_the_same_requests(compared):
    compare_dir, metrics = compared
    assert [(r["seed"], r["method"]) for r in metrics.rows] == [(0, "paper"), (0, "paper_dpo"), (0, "v0")]
    assert metrics.reference == "v0" and len(metrics.rankings) == 1 and metrics.taus == []
    for method in ("paper", "paper_dpo"):
        run = RunStore(compare_dir / method / "seed0", create=False)
        assert run.column("SELECT id FROM versions ORDER BY id").tolist() == [0, 1]
    rows = {r["method"]: r for r in metrics.rows}
    assert rows["paper"]["drift"] > 0 and rows["paper_dpo"]["drift"] > 0 and rows["v0"]["drift"] == 0
    assert rows["paper"]["rating_calls"] > 0 and rows["v0"]["rating_calls"] is None
    assert rows["v0"]["utility_vs_reference"] == {"mean": 0.0, "low": 0.0, "high": 0.0}
    assert all(r["requests"] == 6 for r in metrics.rows)  # every request answered by every version
    evaluation = RunStore(evaluation_dir(compare_dir, 0), create=False)
    requests = evaluation.rows("SELECT rater_id, version, agreement_raters FROM requests ORDER BY id")
    assert [r["version"] for r in requests] == [0, 1, 2] * 6
    assert evaluation.scalar("SELECT COUNT(*) FROM ratings WHERE role = 'reference'") == 0  # trains nothing
    assert all((compare_dir / name).is_file() for name in OUTPUTS)


@pytest.mark.slow
def test_a_second_invocation_redoes_nothing(compared):
    compare_dir, metrics = compared
    before = _work_done(compare_dir)
    again = _compare(compare_dir)
    assert _work_done(compare_dir) == before
    assert again.rows == metrics.rows


@pytest.mark.slow
def test_rebuilding_gives_byte_identical_outputs(compared):
    compare_dir, _ = compared
    written = {name: (compare_dir / name).read_bytes() for name in OUTPUTS}
    for name in OUTPUTS:
        (compare_dir / name).unlink()
    rebuild_compare(compare_dir, 0.01)
    assert {name: (compare_dir / name).read_bytes() for name in OUTPUTS} == written
    command = [sys.executable, "-c", "from hcbench.cli import main; main()", "compare", "--rebuild", str(compare_dir)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert {name: (compare_dir / name).read_bytes() for name in OUTPUTS} == written


@pytest.mark.slow
def test_an_unfinished_evaluation_is_left_out_of_the_table_and_alone_refused(compared, tmp_path):
    """A compare stopped mid-evaluation (or one seed's still running beside another) rebuilds the finished seeds."""
    compare_dir = tmp_path / "compare"
    shutil.copytree(compared[0], compare_dir)
    shutil.copytree(evaluation_dir(compare_dir, 0), evaluation_dir(compare_dir, 1))
    unfinished = RunStore(evaluation_dir(compare_dir, 1), create=False)
    with unfinished.transaction() as db:
        db.execute("DELETE FROM stages WHERE stage = 'done'")
    unfinished.close()
    assert {row["seed"] for row in rebuild_compare(compare_dir, 0.01).rows} == {0}
    shutil.rmtree(evaluation_dir(compare_dir, 0))
    with pytest.raises(StoreError, match="no evaluation is finished yet; rerun hcbench compare"):
        rebuild_compare(compare_dir, 0.01)


@pytest.mark.slow
def test_versions_with_the_same_weights_make_the_same_evaluation_songs(tmp_path):
    """method=paper with one version never trains: its final version is v0, judged beside v0 itself."""
    metrics = _compare(tmp_path, "compare.methods=[paper]", "loop.versions=1")
    store = RunStore(evaluation_dir(tmp_path, 0), create=False)
    songs = store.rows("SELECT s.id, s.version FROM songs s WHERE s.kind = 'generated' ORDER BY s.id")
    paper = store.song_images([s["id"] for s in songs if s["version"] == 0])
    base = store.song_images([s["id"] for s in songs if s["version"] == 1])
    assert len(paper) == 6 and np.array_equal(paper, base)  # same requests, same noise
    paper_row, base_row = metrics.rows
    assert paper_row["utility"] == base_row["utility"] and paper_row["drift"] == 0.0


@pytest.mark.slow
def test_methods_that_spent_different_budgets_are_refused_a_table(compared):
    compare_dir, _ = compared
    with pytest.raises(ConfigError, match="did not spend the same budget.*paper_dpo spent 3 rating calls, paper 1 "
                                          "\\(200.0% more\\).*max_spending_gap=null"):
        with patch("hcbench.metrics.compare_metrics.queries.charged_rating_calls",
                   side_effect=lambda store: 3 if "paper_dpo" in str(store.run_dir) else 1):
            rebuild_compare(compare_dir, 0.01)


@pytest.mark.slow
def test_runs_of_other_settings_in_the_compare_dir_are_refused_with_the_fix(compared):
    compare_dir, _ = compared
    with pytest.raises(ConfigError, match="another config \\(differs at n_raters\\).*choose another compare_dir"):
        _compare(compare_dir, "n_raters=30")
