"""Table 1 across runs: each run's version means, rises and regressing songs, and their summary over runs."""
from __future__ import annotations

import subprocess
import sys

import pytest

from hcbench.commands.table1 import table1
from hcbench.metrics.table1_runs import PAPER_SONGS, across_runs, regresses, run_table1
from hcbench.store import RunStore
from tests.metrics.sweep_stores import REQUESTS, sweep_job


@pytest.fixture
def two_runs(tmp_path):
    return sweep_job(tmp_path / "up", 0, 0.05, 0.5), sweep_job(tmp_path / "down", 1, -0.05, -0.5)


def test_a_run_rises_or_regresses_song_by_song(two_runs):
    up, down = (run_table1(RunStore(d, create=False), 200) for d in two_runs)
    assert up.stars[1]["mean"] - up.stars[0]["mean"] == pytest.approx(0.5, abs=0.02)
    assert up.stars[0]["n"] == up.stars[1]["n"] == REQUESTS and up.utility[1] > up.utility[0]
    assert up.ordered and up.regressing == []
    assert not down.ordered and len(down.regressing) == len(down.songs) == REQUESTS
    summary = across_runs([up, down])
    assert summary["runs"] == 2 and summary["ordered"] == 1 and summary["regressing"] == [0, REQUESTS]
    assert summary["stars"][1]["mean"] == pytest.approx((up.stars[1]["mean"] + down.stars[1]["mean"]) / 2)


def test_the_papers_own_table_has_four_songs_that_regress():
    # the paper names songs 2, 7 and 9; song 6 also falls, from 1.66 (v0) to 1.63 (v1)
    assert [i for i, song in enumerate(PAPER_SONGS, 1) if regresses(song)] == [2, 6, 7, 9]


def test_the_command_prints_the_papers_row_beside_the_runs(two_runs):
    text = table1([str(d) for d in two_runs], 200)
    assert "| the paper (Table 1) | 2.75 | 2.95 | yes | 4 of 10 |" in text
    assert "1 of 2 runs" in text and f"0 of {REQUESTS}, {REQUESTS} of {REQUESTS}" in text
    assert str(two_runs[0]) in text


def test_a_multirun_folder_stands_for_its_jobs_and_a_globbed_file_is_skipped(tmp_path):
    sweep = tmp_path / "multirun"
    for job in (0, 1):
        sweep_job(sweep / str(job), job, 0.05, 0.5)
    (sweep / "multirun.yaml").write_text("hydra: {}\n")  # what `hcbench run -m` writes beside its jobs
    assert "mean of 2 runs" in table1([str(sweep)], 100)
    assert "mean of 2 runs" in table1([str(p) for p in sorted(sweep.iterdir())], 100)  # multirun/*


def test_the_cli_takes_run_dirs_and_names_a_missing_one(two_runs, tmp_path):
    command = [sys.executable, "-c", "from hcbench.cli import main; main()", "table1"]
    result = subprocess.run(command + [str(d) for d in two_runs] + ["bootstrap=100"], capture_output=True, text=True)
    assert result.returncode == 0 and "mean of 2 runs" in result.stdout, result.stderr[-2000:]
    missing = subprocess.run(command + [str(tmp_path / "nowhere")], capture_output=True, text=True)
    assert missing.returncode != 0 and "nowhere" in missing.stderr and "Traceback" not in missing.stderr
