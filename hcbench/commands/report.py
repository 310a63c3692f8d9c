"""hcbench report RUN_DIR: rebuild metrics.jsonl, report.md and versions.png from the run database alone.

    hcbench report runs/default/seed0
    hcbench report -m run_dir=runs/default/seed0,runs/default/seed1
"""
from __future__ import annotations

import hydra
from omegaconf import DictConfig
from rich.console import Console

from hcbench.commands.argv import required, to_overrides
from hcbench.errors import report_user_errors
from hcbench.paths import conf_dir
from hcbench.report.build import rebuild_report
from hcbench.report.markdown import table1_markdown
from hcbench.store import RunStore

USAGE = "hcbench report RUN_DIR [key=value ...]"


def translate_argv(args: list[str]) -> list[str]:
    """RUN_DIR becomes ``run_dir=...``; the rest passes on to Hydra."""
    return to_overrides(args, "run_dir", USAGE, many=False)


def report(run_dir: str) -> None:
    store = RunStore(run_dir, create=False)
    metrics = rebuild_report(store)
    print("Table 1: mean rating per input song and version, and rating counts\n")
    print(table1_markdown(metrics), "\n")
    Console().print(f"wrote {store.run_dir / 'report.md'}, {store.run_dir / 'metrics.jsonl'}, "
                    f"{store.run_dir / 'versions.png'}")


@hydra.main(config_path=str(conf_dir()), config_name="report", version_base="1.3")
@report_user_errors
def main(cfg: DictConfig) -> None:
    report(str(required(cfg, "run_dir", USAGE)))
