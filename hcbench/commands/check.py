"""hcbench check RUN_DIR [--margin X] [--significant]: exit 1 unless rating and utility rise version by version.

    hcbench check runs/smoke/seed0 --margin 0.02
    hcbench check runs/default/seed0 --significant   # each rise's 95% interval above 0 too
    hcbench check run_dir=runs/default/seed0 significant=true   # the same, as Hydra overrides
    hcbench check -m run_dir=runs/default/seed0,runs/default/seed1   # several runs; stops at the first failure
"""
from __future__ import annotations

import hydra
from omegaconf import DictConfig
from rich.console import Console

from hcbench.commands.argv import required, to_overrides
from hcbench.errors import report_user_errors
from hcbench.metrics.gate import gate_failures
from hcbench.metrics.loop_metrics import compute_metrics, evaluation
from hcbench.paths import conf_dir
from hcbench.report.formatting import change_text, ci_text
from hcbench.store import RunStore

USAGE = "hcbench check RUN_DIR [--margin X] [--significant] [key=value ...]"


def translate_argv(args: list[str]) -> list[str]:
    """RUN_DIR becomes ``run_dir=...``, ``--margin X`` ``margin=X``, ``--significant`` ``significant=true``."""
    return to_overrides(args, "run_dir", USAGE, many=False, switches={"--significant": "significant"},
                        options={"--margin": "margin"})


def check(run_dir: str, margin: float, significant: bool) -> list[str]:
    """Print each version's rating and each step's change; returns the gate's failures (empty: pass)."""
    metrics = compute_metrics(RunStore(run_dir, create=False))
    console = Console(soft_wrap=True)  # one line per verdict, for CI logs
    for row in evaluation(metrics):
        console.print(f"v{row['version']}: stars {ci_text(row['stars'])}, true utility {ci_text(row['utility'], 3)} "
                      f"({row['ratings']} ratings)")
    for step in metrics.steps:
        compared = f"paired over {step['requests']} requests" if step["paired"] else "independent"
        console.print(f"v{step['before']} -> v{step['after']}: stars {change_text(step['stars'])}, true utility "
                      f"{change_text(step['utility'], 3)} ({compared})")
    failures = gate_failures(metrics, margin, significant)
    for failure in failures:
        console.print(f"[red]FAIL[/red] {failure}")
    if not failures:
        console.print(f"[green]PASS[/green] rating and utility rise at every step (margin {margin:+.3f}"
                      f"{', intervals above it' if significant else ''})")
    return failures


@hydra.main(config_path=str(conf_dir()), config_name="check", version_base="1.3")
@report_user_errors
def main(cfg: DictConfig) -> None:
    if check(str(required(cfg, "run_dir", USAGE)), float(cfg.margin), bool(cfg.significant)):
        raise SystemExit(1)  # only on failure, so that a multirun goes on past a passing run
