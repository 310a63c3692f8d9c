"""Methods side by side, read from the shared evaluations' stores and the methods' run stores alone.

Per seed and method: observed stars (raw and QC-weighted) and true utility in the shared
evaluation, the paired change in utility against the reference (no_feedback, else v0), rating
calls spent, drift from v0, diversity and distance to the corpus, the reward model's accuracy on the
evaluation's song pairs (methods that have one), seconds per round. Then each
seed's ranking by true utility and Kendall's tau between the seeds' rankings.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path

import numpy as np
from scipy.stats import kendalltau

from hcbench.metrics.loop_metrics import compute_metrics
from hcbench.metrics.version_steps import paired_change, requests_by_key
from hcbench.store import RunStore, StoreError, queries

log = logging.getLogger(__name__)

UPPER_BOUND = "oracle"  # labels from the truth: an upper bound, marked as such wherever it appears


@dataclass
class CompareMetrics:
    rows: list[dict] = field(default_factory=list)  # one per (seed, method)
    rankings: list[dict] = field(default_factory=list)  # one per seed: methods by mean true utility, best first
    taus: list[dict] = field(default_factory=list)  # Kendall's tau per pair of seeds
    reference: str = ""  # what the paired changes are against: no_feedback, else v0
    experiment: str = ""


def evaluation_stores(compare_dir: Path) -> list[Path]:
    """The evaluation folders of ``compare_dir``, by seed."""
    found = [p.parent for p in Path(compare_dir).glob("evaluation/seed*/run.db")]
    if not found:
        raise StoreError(f"{compare_dir} holds no evaluation (evaluation/seed<k>/run.db); give the compare_dir "
                         "that `hcbench compare` wrote, or run hcbench compare experiment=NAME first")
    return sorted(found, key=lambda p: int(p.name.removeprefix("seed")))


def compare_metrics(compare_dir: Path) -> CompareMetrics:
    result = CompareMetrics()
    for folder in evaluation_stores(compare_dir):
        store = RunStore(folder, create=False)
        if not store.stage_done(0, "done"):  # stopped mid-way, or still running in another process
            log.warning("%s: this evaluation is unfinished and left out; rerun hcbench compare to finish it", folder)
            store.close()
            continue
        rows = seed_rows(store, Path(compare_dir))
        record = store.get_meta("evaluation")
        result.reference, result.experiment = record["reference"], record["config"]["experiment_name"]
        result.rows += rows
        order = ranking(rows)
        utility = {r["method"]: r["utility"]["mean"] for r in rows}
        result.rankings.append({"seed": rows[0]["seed"], "order": order, "utility": [utility[m] for m in order]})
        store.close()
    if not result.rows:
        raise StoreError(f"{compare_dir}: no evaluation is finished yet; rerun hcbench compare experiment=NAME "
                         "with the same compare_dir to finish them")
    result.taus = kendall_taus(result.rows)
    return result


def seed_rows(store: RunStore, compare_dir: Path) -> list[dict]:
    """One row per evaluated entry of one seed's evaluation store."""
    record = store.get_meta("evaluation")
    seed, resamples = int(record["seed"]), int(record["bootstrap"])
    names = [entry["name"] for entry in record["entries"]]
    cells = {c["version"]: c for c in compute_metrics(store).cells if c["iteration"] == 0}
    groups = list(requests_by_key(queries.rated_outputs_with_requests(store, 0)).values())
    reference = names.index(record["reference"])
    drift = store.get_meta("drift", {})
    accuracy = store.get_meta("reward_accuracy", {})  # None per method without a reward model
    rows = []
    for version, entry in enumerate(record["entries"]):
        cell = cells[version]
        paired = [g for g in groups if reference in g and version in g]
        rows.append({
            "seed": seed, "method": entry["name"], "upper_bound": entry["name"] == UPPER_BOUND,
            "stars": cell["stars"], "stars_qc": cell["stars_qc"], "utility": cell["utility"],
            "utility_vs_reference": paired_change(paired, reference, version, "utility", resamples, seed),
            "stars_vs_reference": paired_change(paired, reference, version, "stars", resamples, seed),
            "requests": len(paired), "drift": drift.get(entry["name"], float("nan")),
            "diversity": cell["diversity"], "corpus_distance": cell["corpus_distance"],
            "reward_accuracy": accuracy.get(entry["name"]),
            **_run_figures(compare_dir, entry["run_dir"]),
        })
    return rows


def ranking(rows: list[dict], item: str = "method", key: str = "utility") -> list[str]:
    """Rows' ``item`` by mean ``key`` (true utility), best first (ties by name)."""
    return [r[item] for r in sorted(rows, key=lambda r: (-_finite(r[key]["mean"]), r[item]))]


def kendall_taus(rows: list[dict], item: str = "method", key: str = "utility") -> list[dict]:
    """Kendall's tau between every two seeds' mean ``key`` (true utility) over the ``item``s both have."""
    by_seed: dict[int, dict[str, float]] = {}
    for r in rows:
        by_seed.setdefault(r["seed"], {})[r[item]] = r[key]["mean"]
    taus = []
    for a, b in combinations(sorted(by_seed), 2):
        common = sorted(set(by_seed[a]) & set(by_seed[b]))
        tau = kendalltau([by_seed[a][m] for m in common], [by_seed[b][m] for m in common]).statistic
        taus.append({"seeds": [a, b], f"{item}s": len(common), "tau": float(tau)})
    return taus


def spending_gaps(rows: list[dict], tolerance: float) -> list[str]:
    """Per seed, runs whose rating calls differ by more than ``tolerance`` (a share of the least), described."""
    problems = []
    for seed in sorted({r["seed"] for r in rows}):
        spent = {r["method"]: r["rating_calls"] for r in rows if r["seed"] == seed and r["rating_calls"] is not None}
        if len(spent) < 2:
            continue
        low, high = min(spent, key=spent.get), max(spent, key=spent.get)
        gap = (spent[high] - spent[low]) / max(spent[low], 1)
        if gap > tolerance:
            problems.append(f"seed {seed}: {high} spent {spent[high]} rating calls, {low} {spent[low]} "
                            f"({100 * gap:.1f}% more)")
    return problems


def _run_figures(compare_dir: Path, run_dir: str | None) -> dict:
    """Rating calls spent and seconds per round of a method's run (None for the base model, which has no run)."""
    if run_dir is None:
        return {"rating_calls": None, "seconds_per_round": None}
    store = RunStore(compare_dir / run_dir, create=False)
    rounds = queries.iterations_with(store, "done")
    seconds = sum(sum(queries.stage_seconds(store, i).values()) for i in rounds)
    figures = {"rating_calls": queries.charged_rating_calls(store),
               "seconds_per_round": seconds / len(rounds) if rounds else float("nan")}
    store.close()
    return figures


def _finite(value: float) -> float:
    return value if np.isfinite(value) else -np.inf
