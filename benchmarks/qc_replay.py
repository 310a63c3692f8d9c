"""Quality control measured offline: replay a run's ratings with any crowd, then score QC settings.

A run's songs and who was asked to rate which of them are kept; a fresh population (any
``raters=`` config, any seed) answers the same asks through the simulators, in the same order
and iteration by iteration, so drifting tastes turn as they would in a run. QC then judges the
replayed ratings under each setting asked for, and the simulators' truth (profiles and home taste
clusters, evaluation side only) says whom it flagged. Seconds per setting instead of a rerun.

    python benchmarks/qc_replay.py RUN_DIR [RUN_DIR ...] --raters default adversarial_mix heldout_crowd \\
        --seeds 0 1 2 --qc loop.qc.peer_reputation=true

Each ``--qc`` is a list of ``loop.qc.KEY=VALUE`` overrides on the run's own ``loop.qc`` (``run``: the
run's own settings, unchanged); every (run, raters, seed, qc) cell prints one line per profile and per taste cluster.
"""
from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from hydra import compose, initialize_config_dir
from hydra.utils import instantiate

from hcbench.corpus import build_corpus
from hcbench.loop.config import QCConfig
from hcbench.loop.qc import RatingTable, quality_control
from hcbench.metrics.qc_figures import flag_figures
from hcbench.paths import conf_dir
from hcbench.store import RunStore, queries
from simulators import build_population, fit_space
from simulators.panel import SimulatedPanel


@dataclass
class Replayed:
    table: RatingTable
    iteration: np.ndarray  # per rating: the iteration it was given in
    profiles: np.ndarray  # per rater id: true profile name
    clusters: np.ndarray  # per rater id: home taste cluster
    last_iteration: int


def replay(run_dir: Path, raters: str, seed: int, overrides: list[str] = ()) -> Replayed:
    """Every rating of ``run_dir`` asked again of a ``raters`` population drawn with ``seed``."""
    store = RunStore(run_dir, create=False)
    config = store.get_meta("config")
    panel = _panel(config, raters, seed, overrides)
    rows = store.rows("SELECT r.rater_id, r.song_id, r.iteration, s.audio_path FROM ratings r "
                      "JOIN songs s ON s.id = r.song_id ORDER BY r.id")
    stars, fraction = np.zeros(len(rows)), np.zeros(len(rows))
    iterations = np.array([r["iteration"] for r in rows])
    for iteration in np.unique(iterations):
        here = np.flatnonzero(iterations == iteration)
        observed = panel.rate(np.array([rows[i]["rater_id"] for i in here]),
                              [store.run_dir / rows[i]["audio_path"] for i in here], (int(iteration),))
        stars[here], fraction[here] = observed.stars, observed.listen_seconds / observed.song_seconds
    styles = queries.song_styles(store)
    table = RatingTable(np.array([r["rater_id"] for r in rows]), np.array([r["song_id"] for r in rows]), stars,
                        fraction, np.array([styles.get(r["song_id"], "") for r in rows]))
    truth = panel.truth
    store.close()
    return Replayed(table, iterations, truth.profile_labels, truth.taste_clusters, int(iterations.max()))


def _panel(config: dict, raters: str, seed: int, overrides: list[str]) -> SimulatedPanel:
    with initialize_config_dir(config_dir=str(conf_dir()), version_base="1.3"):
        cfg = compose("run", overrides=[f"raters={raters}", *overrides])
    mel = instantiate(config["model"]["mel"])
    corpus = build_corpus(instantiate(config["corpus"]))
    space = fit_space(instantiate(config["embedder"]), corpus, mel, instantiate(config["space"]), progress=False)
    return SimulatedPanel(build_population(instantiate(cfg.raters), space, config["n_raters"], seed), seed)


def qc_config(base: dict, overrides: list[str]) -> QCConfig:
    """The run's ``loop.qc`` with ``loop.qc.KEY=VALUE`` overrides (values read as JSON, else as text)."""
    values = dict(base)
    for item in overrides:
        key, value = item.removeprefix("loop.qc.").split("=", 1)
        try:
            values[key] = json.loads(value)
        except json.JSONDecodeError:
            values[key] = value
    return QCConfig(**values)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("runs", nargs="+", type=Path)
    parser.add_argument("--raters", nargs="+", default=["default"])
    parser.add_argument("--seeds", nargs="+", type=int, default=[0])
    parser.add_argument("--qc", action="append", default=[], help="space-separated loop.qc.KEY=VALUE; 'run'")
    parser.add_argument("--bad", nargs="+", default=["lazy", "adversarial_max", "adversarial_inverse", "colluder"])
    args = parser.parse_args()
    settings = args.qc or ["run"]
    for run_dir in args.runs:
        base = RunStore(run_dir, create=False).get_meta("config")["loop"]["qc"]
        for raters in args.raters:
            for seed in args.seeds:
                data = replay(run_dir, raters, seed)
                for setting in settings:
                    _print_cell(run_dir, raters, seed, setting, data, qc_config(base, _words(setting)), args.bad)


def _words(setting: str) -> list[str]:
    return [] if setting == "run" else setting.split()


def _print_cell(run_dir, raters, seed, setting, data: Replayed, cfg: QCConfig, bad: list[str]) -> None:
    """One line per iteration: QC over the ratings up to it, as the loop's score stage runs it."""
    for iteration in range(data.last_iteration + 1):
        given = data.iteration <= iteration
        result = quality_control(RatingTable(*(a[given] for a in vars(data.table).values())), cfg)
        figures = flag_figures(result.flagged, data.profiles[result.raters], data.clusters[result.raters], bad)
        print(json.dumps({"run": str(run_dir), "crowd": raters, "seed": seed, "qc": setting,
                          "iteration": iteration, **figures}))


if __name__ == "__main__":
    main()
