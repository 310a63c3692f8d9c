"""hcbench report RUN_DIR: rebuild metrics.jsonl, report.md, report.html and versions.png from the run database alone.

    hcbench report runs/default/seed0
    hcbench report runs/default/seed0 --songs-per-version 40   # list more songs per version in report.html
    hcbench report -m run_dir=runs/default/seed0,runs/default/seed1
"""
from __future__ import annotations

import hydra
from omegaconf import DictConfig
from rich.console import Console

from hcbench.commands.argv import required, to_overrides
from hcbench.errors import ConfigError, report_user_errors
from hcbench.paths import conf_dir
from hcbench.report.build import rebuild_report
from hcbench.report.html_page import SONGS_PER_VERSION
from hcbench.report.markdown import table1_markdown
from hcbench.store import RunStore

USAGE = "hcbench report RUN_DIR [--songs-per-version N] [key=value ...]"


def translate_argv(args: list[str]) -> list[str]:
    """RUN_DIR becomes ``run_dir=...``, ``--songs-per-version N`` ``songs_per_version=N``; the rest passes on."""
    return to_overrides(args, "run_dir", USAGE, many=False, options={"--songs-per-version": "songs_per_version"})


def report(run_dir: str, songs_per_version: int = SONGS_PER_VERSION) -> None:
    store = RunStore(run_dir, create=False)
    metrics = rebuild_report(store, songs_per_version)
    print("Table 1: mean rating per input song and version, and rating counts\n")
    print(table1_markdown(metrics), "\n")
    written = ", ".join(str(store.run_dir / name) for name in ("report.md", "report.html", "metrics.jsonl",
                                                                "versions.png"))
    Console().print(f"wrote {written}")


@hydra.main(config_path=str(conf_dir()), config_name="report", version_base="1.3")
@report_user_errors
def main(cfg: DictConfig) -> None:
    songs = SONGS_PER_VERSION if cfg.songs_per_version is None else int(cfg.songs_per_version)
    if songs < 1:
        raise ConfigError(f"songs_per_version={songs}: report.html lists at least 1 song per version")
    report(str(required(cfg, "run_dir", USAGE)), songs)
