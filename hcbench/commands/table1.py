"""hcbench table1 RUN_DIR [RUN_DIR ...]: the paper's Table 1 across runs (seeds), beside the paper's.

    hcbench run -m experiment=paper_pilot seed=0,1,2,3,4
    hcbench table1 runs/paper_pilot/multirun/DATE/*

Prints, in Markdown, each version's mean stars (mean over runs, 95% interval over runs) beside
Table 1's 2.75 / 2.95 / 3.34, how many runs rise at every step as the paper's did, how many input
songs a later version serves worse (the paper: 3 of 10), and each run's own row. Reads the run
databases alone; writes nothing.
"""
from __future__ import annotations

import hydra
from omegaconf import DictConfig

from hcbench.commands.argv import required, to_overrides
from hcbench.errors import ConfigError, report_user_errors
from hcbench.metrics.table1_runs import across_runs, run_table1
from hcbench.paths import conf_dir
from hcbench.report.table1_runs_markdown import table1_runs_markdown
from hcbench.store import RunStore

USAGE = "hcbench table1 RUN_DIR [RUN_DIR ...] [key=value ...]"


def translate_argv(args: list[str]) -> list[str]:
    """The RUN_DIRs become ``run_dirs=[...]``; the rest passes on."""
    return to_overrides(args, "run_dirs", USAGE)


def table1(run_dirs: list[str], resamples: int) -> str:
    if not run_dirs:
        raise ConfigError(f"name at least one run directory: {USAGE}")
    tables = [run_table1(RunStore(d, create=False), resamples) for d in run_dirs]
    return table1_runs_markdown(tables, across_runs(tables, resamples))


@hydra.main(config_path=str(conf_dir()), config_name="table1", version_base="1.3")
@report_user_errors
def main(cfg: DictConfig) -> None:
    print(table1([str(d) for d in required(cfg, "run_dirs", USAGE)], int(cfg.bootstrap)))
