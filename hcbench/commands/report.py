"""hcbench report RUN_DIR: rebuild metrics.jsonl, report.md and versions.png from the run database alone."""
from __future__ import annotations

import argparse
import sys

from rich.console import Console

from hcbench.errors import report_user_errors
from hcbench.report.build import rebuild_report
from hcbench.report.markdown import table1_markdown
from hcbench.store import RunStore


@report_user_errors
def report(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="hcbench report", description=__doc__.splitlines()[0])
    parser.add_argument("run_dir", help="directory of an hcbench run (holds run.db)")
    args = parser.parse_args(argv)
    store = RunStore(args.run_dir, create=False)
    metrics = rebuild_report(store)
    console = Console()
    print("Table 1: mean rating per input song and version, and rating counts\n")
    print(table1_markdown(metrics), "\n")
    console.print(f"wrote {store.run_dir / 'report.md'}, {store.run_dir / 'metrics.jsonl'}, "
                  f"{store.run_dir / 'versions.png'}")


def main() -> None:
    report(sys.argv[1:])
