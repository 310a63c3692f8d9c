"""hcbench check and report: the documented command lines compose into their configs; usage errors are one line.

The gate's verdicts on a finished run are tested in tests/loop/test_runner.py.
"""
import subprocess
import sys

import pytest
from hydra import compose, initialize_config_dir

from hcbench.commands import check, report
from hcbench.paths import conf_dir


def _compose(command, args):
    with initialize_config_dir(config_dir=str(conf_dir()), version_base="1.3"):
        return compose(command.__name__.rsplit(".", 1)[-1], overrides=command.translate_argv(args))


@pytest.mark.parametrize("args, margin, significant", [
    (["runs/default/seed0", "--significant", "--margin", "0.05"], 0.05, True),  # README
    (["runs/default/seed0", "--significant"], 0.0, True),  # .ci/run
    (["runs/default/seed0", "--margin", "0.05"], 0.05, False),
    (["runs/default/seed0"], 0.0, False),
    (["run_dir=runs/default/seed0", "margin=0.05", "significant=true"], 0.05, True),
])
def test_check_takes_its_documented_command_lines(args, margin, significant):
    cfg = _compose(check, args)
    assert (cfg.run_dir, cfg.margin, cfg.significant) == ("runs/default/seed0", margin, significant)


def test_report_takes_a_run_directory():
    assert _compose(report, ["runs/default/seed0"]).run_dir == "runs/default/seed0"


def _hcbench(*args, cwd):
    command = [sys.executable, "-c", "from hcbench.cli import main; main()", *args]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=120)


def test_the_command_line_prints_its_config_and_names_a_missing_run_directory(tmp_path):
    shown = _hcbench("check", str(tmp_path / "run"), "--margin", "0.05", "--significant", "--cfg", "job", cwd=tmp_path)
    assert shown.returncode == 0 and f"run_dir: {tmp_path}/run\nmargin: 0.05\nsignificant: true" in shown.stdout
    missing = _hcbench("report", cwd=tmp_path)
    assert missing.returncode == 1 and missing.stderr == (
        "error: run_dir is required; usage: hcbench report RUN_DIR [--songs-per-version N] [key=value ...]\n")
    assert not list(tmp_path.iterdir())  # neither writes outputs or logs of its own
