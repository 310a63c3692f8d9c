"""Seconds per round of every method of an `hcbench compare`, side by side, as ratios against method=paper.

    python benchmarks/bench_compare_rounds.py runs/compare_smoke          # read a finished compare's run.db files
    python benchmarks/bench_compare_rounds.py --run compare_smoke [overrides...]   # time a compare first

Each method's run records the seconds of every stage of every round (the runner times them:
``stages`` in run.db). A training round is plan, generate, rate, score, select and finetune;
the last round only evaluates and is shown apart. Figures are means over the compared seeds.
Runs of one compare go one after another on the same machine, so load from other jobs can
fall on one method more than another: read the ratios, not the seconds, and rerun to see the
spread.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from hcbench.store import DB_NAME, RunStore, queries  # noqa: E402

STAGES = ("plan", "generate", "rate", "score", "select", "finetune")
PEER = "paper"


def round_seconds(run_dir: Path) -> dict:
    """Mean seconds of a run's training rounds (total and per stage) and of its evaluation round."""
    store = RunStore(run_dir, create=False)
    training = queries.iterations_with(store, "finetune")
    per_round = [queries.stage_seconds(store, i) for i in training]
    last = [i for i in queries.iterations_with(store, "done") if i not in training]
    figures = {"rounds": len(training),
               "training": float(np.mean([sum(s.values()) for s in per_round])) if per_round else float("nan"),
               **{stage: float(np.mean([s.get(stage, 0.0) for s in per_round])) if per_round else float("nan")
                  for stage in STAGES},
               "evaluation": sum(queries.stage_seconds(store, last[-1]).values()) if last else float("nan")}
    store.close()
    return figures


def method_figures(compare_dir: Path) -> dict[str, dict]:
    """Per method (a folder of ``compare_dir`` holding seed<k>/run.db), its figures averaged over seeds; paper first."""
    methods = {}
    folders = [p for p in compare_dir.iterdir() if p.is_dir() and p.name != "evaluation"]
    for folder in sorted(folders, key=lambda p: (p.name != PEER, p.name)):  # the peer first
        seeds = [round_seconds(s) for s in sorted(folder.glob("seed*")) if (s / DB_NAME).is_file()]
        if seeds:
            methods[folder.name] = {k: float(np.mean([s[k] for s in seeds])) for k in seeds[0]} | {"seeds": len(seeds)}
    return methods


def table(methods: dict[str, dict]) -> str:
    """One line per method: seconds per training round, its ratio against paper, per stage, evaluation round."""
    peer = methods.get(PEER, {}).get("training")
    header = ["method", "seeds", "rounds", "s/training round", f"ratio vs {PEER}", *STAGES, "s/evaluation round"]
    rows = [[name, str(f["seeds"]), f"{f['rounds']:.0f}", f"{f['training']:.1f}",
             "–" if peer is None else f"{f['training'] / peer:.2f}x", *(f"{f[s]:.1f}" for s in STAGES),
             f"{f['evaluation']:.1f}"] for name, f in methods.items()]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    return "\n".join("  ".join(cell.rjust(w) for cell, w in zip(row, widths)) for row in [header, *rows])


def run_compare(experiment: str, overrides: list[str], compare_dir: Path) -> None:
    """``hcbench compare experiment=EXPERIMENT`` into ``compare_dir``, one thread per run."""
    env = {**os.environ, "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS", "1"), "PYTHONPATH": str(ROOT)}
    subprocess.run([sys.executable, "-c", "import sys; from hcbench.cli import main; main(sys.argv[1:])",
                    "compare", f"experiment={experiment}", f"compare_dir={compare_dir}", *overrides],
                   check=True, env=env, cwd=ROOT)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("compare_dir", nargs="?", type=Path, help="a finished compare's directory")
    parser.add_argument("--run", metavar="EXPERIMENT", help="time `hcbench compare experiment=EXPERIMENT` first")
    parser.add_argument("overrides", nargs="*", help="with --run: Hydra overrides for the compare")
    args = parser.parse_args()
    if args.run:
        compare_dir = args.compare_dir or Path(tempfile.mkdtemp(prefix="bench_compare_"))
        run_compare(args.run, args.overrides, compare_dir)
    elif args.compare_dir is None:
        parser.error("give a compare directory, or --run EXPERIMENT")
    else:
        compare_dir = args.compare_dir
    print(f"{compare_dir}: seconds per round, mean over seeds (training rounds; evaluation round apart)")
    print(table(method_figures(compare_dir)))


if __name__ == "__main__":
    main()
