"""sweep.md, sweep.png and sweep.jsonl from hand-made sweep jobs; the command; (slow) a real sweep end to end."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from hcbench.report.sweep_build import rebuild_sweep_report
from tests.loop.conftest import FAST
from tests.metrics.sweep_stores import sweep_job
from tests.metrics.test_sweep_metrics import make_sweep

REPO = Path(__file__).resolve().parents[2]


def _hcbench(*args, cwd, timeout=900):
    command = [sys.executable, "-c", "from hcbench.cli import main; main()", *args]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=timeout)


def test_two_axes_give_the_table_the_ranking_and_a_heatmap(tmp_path):
    metrics, written = rebuild_sweep_report(make_sweep(tmp_path))
    assert [p.name for p in written] == ["sweep.jsonl", "sweep.png", "sweep.md"]
    text = (tmp_path / "sweep.md").read_text()
    header = ("| finetune.steps | loop.qc.agreement_k | seed 0: utility gain | seed 0: stars gain | "
              "seed 1: utility gain | seed 1: stars gain |")
    assert header in text and "![mean gain per setting over seeds](sweep.png)" in text
    first_row = next(line for line in text.splitlines() if line.startswith("| 20 | 3 |"))
    assert first_row.startswith("| 20 | 3 | +0.040 [") and "| +0.40 [" in first_row  # utility, then stars
    assert "| 1 | finetune.steps=20, loop.qc.agreement_k=3 | +0.041 | +0.40 | 2/2 |" in text
    assert "| 4 | finetune.steps=40, loop.qc.agreement_k=16 | -0.029 | -0.30 | 0/2 |" in text
    assert "seeds 0–1: 1.00" in text and "paired over the same requests" in text
    assert Image.open(tmp_path / "sweep.png").size[0] > 400
    kinds = [json.loads(line)["kind"] for line in (tmp_path / "sweep.jsonl").read_text().splitlines()]
    assert kinds.count("job") == 8 and kinds.count("setting") == 4 and kinds.count("kendall_tau") == 1


def test_a_rebuild_writes_the_same_bytes(tmp_path):
    rebuild_sweep_report(make_sweep(tmp_path))
    first = {name: (tmp_path / name).read_bytes() for name in ("sweep.md", "sweep.png", "sweep.jsonl")}
    for name in first:
        (tmp_path / name).unlink()
    rebuild_sweep_report(tmp_path)
    assert {name: (tmp_path / name).read_bytes() for name in first} == first


def test_one_axis_has_no_heatmap(tmp_path):
    for job, (steps, gain) in enumerate([(20, 0.02), (40, 0.01)]):
        sweep_job(tmp_path / str(job), 0, gain, 0.1, finetune__steps=steps)
    _, written = rebuild_sweep_report(tmp_path)
    assert [p.name for p in written] == ["sweep.jsonl", "sweep.md"] and not (tmp_path / "sweep.png").exists()
    assert "| finetune.steps | seed 0: utility gain | seed 0: stars gain |" in (tmp_path / "sweep.md").read_text()


def test_the_command_takes_the_folder_as_its_argument(tmp_path):
    make_sweep(tmp_path / "sweep", seeds=(0,))
    result = _hcbench("sweep-report", str(tmp_path / "sweep"), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "| finetune.steps | loop.qc.agreement_k | seed 0: utility gain |" in result.stdout
    assert (tmp_path / "sweep" / "sweep.png").is_file()
    missing = _hcbench("sweep-report", str(tmp_path), cwd=tmp_path)
    assert missing.returncode == 1 and "holds no sweep job" in missing.stderr and "Traceback" not in missing.stderr


@pytest.mark.slow
def test_a_real_sweep_is_reported_from_its_databases(tmp_path):
    sweep = tmp_path / "sweep"  # two jobs: the two-axis table is tested above on hand-made jobs
    run = _hcbench("run", "-m", *FAST, "loop.versions=2", "loop.dispatch.evaluation=paired",
                   "finetune.steps=2,4", f"hydra.sweep.dir={sweep}", cwd=REPO,
                   timeout=1200)  # two runs one after another: a minute each, far more on a busy machine
    assert run.returncode == 0, run.stderr[-3000:]
    report = _hcbench("sweep-report", str(sweep), cwd=tmp_path)
    assert report.returncode == 0, report.stderr[-3000:]
    text = (sweep / "sweep.md").read_text()
    assert "| finetune.steps | seed 0: utility gain | seed 0: stars gain |" in text
    rows = [line for line in text.splitlines() if re.match(r"\| [24] \| [+-]", line)]  # the table, not ranks
    assert len(rows) == 2 and all("[" in row for row in rows)  # each cell's gain with its interval
    assert not (sweep / "sweep.png").exists()  # the heatmap needs two axes
    jobs = [json.loads(line) for line in (sweep / "sweep.jsonl").read_text().splitlines()]
    assert sorted(j["job"] for j in jobs if j["kind"] == "job") == [0, 1]
    assert all(j["paired"] and j["versions"] == [0, 1] for j in jobs if j["kind"] == "job")
