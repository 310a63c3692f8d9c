"""A whole experiment, before and now: ``hcbench run`` from an older commit and from this checkout,
one after the other on the same warm cache (this checkout first), with wall time, stage seconds
and the ratio.

    python benchmarks/bench_experiment.py                            # experiment=default, before = 14a7071
    python benchmarks/bench_experiment.py --before REF experiment=ci seed=1

"Before" runs from a git worktree of ``--before`` (default: the last commit before the loop's
speed work), with that tree's code and configs; "now" from this checkout. Both take the same
overrides, so the table also shows what each gives (stars and true utility per version), which
differ where the experiment itself changed.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from hcbench.paths import REPO_ROOT
from hcbench.store import RunStore

BEFORE = "14a7071"  # generation re-inverted inputs per request; fine-tune 150 DPO steps


def main() -> None:
    args = _parse()
    with tempfile.TemporaryDirectory() as tmp:
        before_tree = Path(tmp) / "before"
        subprocess.run(["git", "-C", str(REPO_ROOT), "worktree", "add", "--detach", str(before_tree), args.before],
                       check=True, capture_output=True)
        try:
            # "now" goes first: any first-run cost (file cache, JIT warm-up) falls on it, not on "before"
            results = {label: _run(tree, Path(tmp) / label, args.overrides)
                       for label, tree in (("now", REPO_ROOT), ("before", before_tree))}
        finally:
            subprocess.run(["git", "-C", str(REPO_ROOT), "worktree", "remove", "--force", str(before_tree)],
                           check=False, capture_output=True)
    _print(results, args)


def _run(tree: Path, run_dir: Path, overrides: list[str]) -> dict:
    """``hcbench run`` with ``tree``'s code and configs; wall seconds, stage seconds, evaluation."""
    env = {**os.environ, "PYTHONPATH": str(tree), "HCBENCH_CONF": str(tree / "conf")}
    command = [sys.executable, "-c", "from hcbench.cli import main; main()", "run", *overrides, f"run_dir={run_dir}"]
    started = time.perf_counter()
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL, cwd=tree)
    wall = time.perf_counter() - started
    store = RunStore(run_dir, create=False)
    stages = {r["stage"]: r["s"] for r in store.rows("SELECT stage, SUM(seconds) AS s FROM stages GROUP BY stage")}
    return {"wall": wall, "stages": stages, "evaluation": _evaluation(run_dir)}


def _evaluation(run_dir: Path) -> dict[int, tuple[float, float]]:
    """Stars and true utility per version in the last iteration, from metrics.jsonl."""
    lines = [json.loads(line) for line in (run_dir / "metrics.jsonl").read_text().splitlines()]
    rows = [line for line in lines if line["kind"] == "iteration_version"]
    last = max(line["iteration"] for line in rows)
    return {line["version"]: (line["stars"]["mean"], line["utility"]["mean"]) for line in rows
            if line["iteration"] == last}


def _print(results: dict, args) -> None:
    before, now = results["before"], results["now"]
    print(f"hcbench run {' '.join(args.overrides) or '(experiment=default)'}: before = {args.before}, now = checkout")
    print(f"{'':<22}{'before':>10}{'now':>10}{'before/now':>12}")
    print(f"{'wall seconds':<22}{before['wall']:>10.1f}{now['wall']:>10.1f}{before['wall'] / now['wall']:>11.2f}x")
    for stage in ("generate", "finetune", "plan", "rate", "score", "select"):
        b, n = before["stages"].get(stage, 0.0), now["stages"].get(stage, 0.0)
        ratio = f"{b / n:>11.2f}x" if n > 0 else f"{'-':>12}"
        print(f"{stage + ' seconds':<22}{b:>10.1f}{n:>10.1f}{ratio}")
    for label, result in results.items():
        figures = ", ".join(f"v{v} {s:.2f} / {u:.3f}" for v, (s, u) in sorted(result["evaluation"].items()))
        print(f"{label} evaluation (stars / true utility): {figures}")


def _parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("overrides", nargs="*", help="hcbench run overrides, given to both")
    parser.add_argument("--before", default=BEFORE, help="git ref of the older code")
    return parser.parse_args()


if __name__ == "__main__":
    main()
