"""hcbench table1 RUN_DIR [RUN_DIR ...]: the paper's Table 1 across runs (seeds), beside the paper's.

    hcbench run -m experiment=paper_pilot seed=0,1,2,3,4
    hcbench table1 runs/paper_pilot/multirun/DATE       # a multirun folder: each of its jobs
    hcbench table1 runs/paper_pilot/seed0 runs/paper_pilot/seed1

Prints, in Markdown, each version's mean stars (mean over runs, Student-t 95% interval over runs)
beside Table 1's 2.75 / 2.95 / 3.34, how many runs rise at every step as the paper's did, how many
input songs a later version serves worse (Table 1's numbers: 4 of 10; the paper names 3), and each
run's own row. Reads the run databases alone; writes nothing.
"""
from __future__ import annotations

from pathlib import Path

import hydra
from omegaconf import DictConfig

from hcbench.commands.argv import required, to_overrides
from hcbench.errors import ConfigError, report_user_errors
from hcbench.metrics.sweep_metrics import sweep_jobs
from hcbench.metrics.table1_runs import across_runs, run_table1
from hcbench.paths import conf_dir
from hcbench.report.table1_runs_markdown import table1_runs_markdown
from hcbench.store import RunStore

USAGE = "hcbench table1 RUN_DIR [RUN_DIR ...] [key=value ...]"


def translate_argv(args: list[str]) -> list[str]:
    """The RUN_DIRs become ``run_dirs=[...]``; the rest passes on."""
    return to_overrides(args, "run_dirs", USAGE)


def table1(run_dirs: list[str], resamples: int) -> str:
    runs = [run for d in run_dirs for run in _runs_in(Path(d))]
    if not runs:
        raise ConfigError(f"name at least one run directory: {USAGE}")
    tables = [run_table1(RunStore(d, create=False), resamples) for d in runs]
    return table1_runs_markdown(tables, across_runs(tables))


def _runs_in(path: Path) -> list[Path]:
    """A run folder; a multirun folder's jobs (N/run.db); a file (a shell glob's multirun.yaml) is skipped."""
    if path.is_file():
        return []
    if not (path / "run.db").is_file() and path.is_dir() and any(path.glob("*/run.db")):
        return sweep_jobs(path)
    return [path]  # RunStore names the problem when it holds no run


@hydra.main(config_path=str(conf_dir()), config_name="table1", version_base="1.3")
@report_user_errors
def main(cfg: DictConfig) -> None:
    print(table1([str(d) for d in required(cfg, "run_dirs", USAGE)], int(cfg.bootstrap)))
