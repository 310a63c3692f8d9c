"""hcbench check RUN_DIR [--margin X]: exit 1 unless rating and utility rise from each version to the next.

    hcbench check runs/smoke/seed0 --margin 0.02
"""
from __future__ import annotations

import argparse
import sys

from rich.console import Console

from hcbench.errors import report_user_errors
from hcbench.metrics.gate import gate_failures
from hcbench.metrics.loop_metrics import compute_metrics, evaluation
from hcbench.report.formatting import ci_text
from hcbench.store import RunStore


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="hcbench check", description=__doc__.splitlines()[0])
    parser.add_argument("run_dir", help="directory of an hcbench run (holds run.db)")
    parser.add_argument("--margin", type=float, default=0.0,
                        help="each step must rise by more than this (stars and utility alike); default 0")
    return parser.parse_args(argv)


@report_user_errors
def check(argv: list[str]) -> int:
    args = parse(argv)
    metrics = compute_metrics(RunStore(args.run_dir, create=False))
    console = Console(soft_wrap=True)  # one line per verdict, for CI logs
    for row in evaluation(metrics):
        console.print(f"v{row['version']}: stars {ci_text(row['stars'])}, true utility {ci_text(row['utility'], 3)} "
                      f"({row['ratings']} ratings)")
    failures = gate_failures(metrics, args.margin)
    for failure in failures:
        console.print(f"[red]FAIL[/red] {failure}")
    if not failures:
        console.print(f"[green]PASS[/green] rating and utility rise at every step (margin {args.margin:+.3f})")
    return 1 if failures else 0


def main() -> None:
    raise SystemExit(check(sys.argv[1:]))
