"""hcbench check RUN_DIR [--margin X] [--significant]: exit 1 unless rating and utility rise from each version to the next.

    hcbench check runs/smoke/seed0 --margin 0.02
    hcbench check runs/default/seed0 --significant   # each rise's 95% interval above 0 too
"""
from __future__ import annotations

import argparse
import sys

from rich.console import Console

from hcbench.errors import report_user_errors
from hcbench.metrics.gate import gate_failures
from hcbench.metrics.loop_metrics import compute_metrics, evaluation
from hcbench.report.formatting import change_text, ci_text
from hcbench.store import RunStore


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="hcbench check", description=__doc__.splitlines()[0])
    parser.add_argument("run_dir", help="directory of an hcbench run (holds run.db)")
    parser.add_argument("--margin", type=float, default=0.0,
                        help="each step must rise by more than this (stars and utility alike); default 0")
    parser.add_argument("--significant", action="store_true",
                        help="also require each step's 95%% interval of the change to lie above the margin "
                             "(paired over requests when the evaluation was paired)")
    return parser.parse_args(argv)


@report_user_errors
def check(argv: list[str]) -> int:
    args = parse(argv)
    metrics = compute_metrics(RunStore(args.run_dir, create=False))
    console = Console(soft_wrap=True)  # one line per verdict, for CI logs
    for row in evaluation(metrics):
        console.print(f"v{row['version']}: stars {ci_text(row['stars'])}, true utility {ci_text(row['utility'], 3)} "
                      f"({row['ratings']} ratings)")
    for step in metrics.steps:
        compared = f"paired over {step['requests']} requests" if step["paired"] else "independent"
        console.print(f"v{step['before']} -> v{step['after']}: stars {change_text(step['stars'])}, true utility "
                      f"{change_text(step['utility'], 3)} ({compared})")
    failures = gate_failures(metrics, args.margin, args.significant)
    for failure in failures:
        console.print(f"[red]FAIL[/red] {failure}")
    if not failures:
        console.print(f"[green]PASS[/green] rating and utility rise at every step (margin {args.margin:+.3f}"
                      f"{', intervals above it' if args.significant else ''})")
    return 1 if failures else 0


def main() -> None:
    raise SystemExit(check(sys.argv[1:]))
