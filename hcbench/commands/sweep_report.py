"""hcbench sweep-report MULTIRUN_DIR: one view of a sweep, rebuilt from its jobs' run databases alone.

    hcbench run -m hydra/launcher=joblib experiment=smoke finetune.steps=20,40 loop.qc.agreement_k=3,16 seed=0,1
    hcbench sweep-report runs/smoke/multirun/2026-12-03_05-36-00

Writes sweep.md (swept values by seeds, each cell's gain with its 95% interval; the settings
ranked, with Kendall's tau between seeds), sweep.jsonl and, when two settings were swept, the
heatmap sweep.png, all into MULTIRUN_DIR.
"""
from __future__ import annotations

import hydra
from omegaconf import DictConfig
from rich.console import Console

from hcbench.commands.argv import required, to_overrides
from hcbench.errors import report_user_errors
from hcbench.paths import conf_dir
from hcbench.report.sweep_build import rebuild_sweep_report
from hcbench.report.sweep_markdown import gains_table

USAGE = "hcbench sweep-report MULTIRUN_DIR [key=value ...]"


def translate_argv(args: list[str]) -> list[str]:
    """MULTIRUN_DIR becomes ``multirun_dir=...``; the rest passes on."""
    return to_overrides(args, "multirun_dir", USAGE, many=False)


@hydra.main(config_path=str(conf_dir()), config_name="sweep_report", version_base="1.3")
@report_user_errors
def main(cfg: DictConfig) -> None:
    metrics, written = rebuild_sweep_report(required(cfg, "multirun_dir", USAGE))
    print(gains_table(metrics), "\n")
    Console().print(f"wrote {', '.join(map(str, written))}")
