"""Metrics of a run, read from its store alone: per iteration and version, Table 1, QC figures.

The hidden tables (true utility, true profiles) are joined in here; the loop never reads them.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from hcbench.atomic import save_npz_atomic
from hcbench.metrics.bootstrap import mean_with_ci
from hcbench.metrics.descriptors import describe_spectrograms
from hcbench.metrics.input_counts import by_input_count
from hcbench.metrics.pairwise_metrics import pairwise_figures
from hcbench.metrics.qc_figures import flag_figures
from hcbench.metrics.version_steps import version_steps
from hcbench.store import RunStore, queries

REFERENCE_FILE = "corpus_reference.npz"  # descriptors of held-out corpus clips, written at the run's start


@dataclass
class RunMetrics:
    cells: list[dict] = field(default_factory=list)  # one per (iteration, version)
    iterations: list[dict] = field(default_factory=list)
    table1: list[dict] = field(default_factory=list)  # one per input song
    steps: list[dict] = field(default_factory=list)  # evaluation: change from each version to the next, with CI
    by_input_count: list[dict] = field(default_factory=list)  # evaluation per input count and version (several)
    versions: list[int] = field(default_factory=list)
    pairwise: list[dict] = field(default_factory=list)  # per iteration with pairwise answers (none: empty)


def write_corpus_reference(run_dir: Path, images: np.ndarray) -> None:
    path = Path(run_dir) / REFERENCE_FILE
    if not path.is_file():
        save_npz_atomic(path, descriptors=describe_spectrograms(images))


def compute_metrics(store: RunStore) -> RunMetrics:
    resamples, seed = int(store.get_meta("bootstrap", 1000)), int(store.get_meta("seed", 0))
    rows = queries.rated_outputs(store)
    reference = _reference(store.run_dir)
    done = queries.iterations_with(store, "score")
    metrics = RunMetrics(versions=queries.version_ids(store))
    for iteration in done:
        here = [r for r in rows if r["iteration"] == iteration]
        for version in sorted({r["version"] for r in here}):
            cell = [r for r in here if r["version"] == version]
            metrics.cells.append({"iteration": iteration, "version": version,
                                  **_cell(store, cell, reference, resamples, seed)})
        metrics.iterations.append(_iteration(store, iteration))
    metrics.table1 = table1_by_input(store)
    metrics.pairwise = pairwise_figures(store)
    if done:
        metrics.steps = version_steps(store, done[-1], resamples, seed)
        metrics.by_input_count = by_input_count(store, done[-1], resamples, seed)
    return metrics


def evaluation(metrics: RunMetrics) -> list[dict]:
    """Per version, the last scored iteration's cells: every version rated side by side, at random."""
    if not metrics.cells:
        return []
    last = max(c["iteration"] for c in metrics.cells)
    return sorted((c for c in metrics.cells if c["iteration"] == last), key=lambda c: c["version"])


def _cell(store: RunStore, cell: list[dict], reference, resamples: int, seed: int) -> dict:
    stars = np.array([r["stars"] for r in cell])
    weights = np.array([1.0 if r["qc_weight"] is None else r["qc_weight"] for r in cell])
    utility = np.array([r["utility"] for r in cell if r["utility"] is not None])
    song_ids = sorted({r["song_id"] for r in cell})
    descriptors = _descriptors(store, song_ids)
    return {
        "songs": len(song_ids), "ratings": len(cell),
        "stars": mean_with_ci(stars, None, resamples, seed), "stars_qc": mean_with_ci(stars, weights, resamples, seed),
        "utility": mean_with_ci(utility, None, resamples, seed),
        "utility_by_cluster": _utility_by_cluster(cell, resamples, seed),
        "listened": float(np.mean([r["listened"] for r in cell])),
        "diversity": _diversity(descriptors, reference), "corpus_distance": _corpus_distance(descriptors, reference),
    }


def _iteration(store: RunStore, iteration: int) -> dict:
    counts = queries.request_counts(store, iteration)
    stages = {stage: round(seconds, 2) for stage, seconds in queries.stage_seconds(store, iteration).items()}
    added, purged = queries.training_set_changes(store, iteration)
    return {
        "iteration": iteration, "requests": sum(counts.values()), "new": counts.get("new", 0),
        "old": counts.get("old", 0), "ratings": queries.rating_count(store, iteration),
        "added_to_d": added, "purged": purged, "train_size": queries.training_set_size(store, after_iteration=iteration),
        "beat_reference": _share(queries.beats_reference(store, iteration)),
        "qc": _qc_figures(store, iteration), "seconds": stages,
        "stage_reports": queries.stage_summaries(store, iteration),  # what the method said it did (select, finetune)
        **_reward_model_fit(store, iteration),
    }


def _reward_model_fit(store: RunStore, iteration: int) -> dict:
    """The reward model fitted after ``iteration`` (rows, songs, held-out Spearman), for methods that fit one."""
    fit = queries.reward_model_fits(store).get(str(iteration))
    return {} if fit is None else {"reward_model": fit}


def _qc_figures(store: RunStore, iteration: int) -> dict:
    """Flagged raters against the truth: precision and recall for the profiles QC should catch, flags per
    profile, and the share of each taste cluster's honest raters flagged."""
    rows = queries.qc_flags_and_profiles(store, iteration)
    return flag_figures(np.array([bool(r["flagged"]) for r in rows], bool), np.array([r["profile"] for r in rows]),
                        np.array([r["cluster"] for r in rows], dtype=object), store.get_meta("bad_profiles", []))


def _utility_by_cluster(cell: list[dict], resamples: int, seed: int) -> dict[str, dict]:
    """Mean true utility (95% CI) of a cell's songs to the raters of each home taste cluster that heard them."""
    by: dict[int, list[float]] = {}
    for r in cell:
        if r["utility"] is not None and r["taste_cluster"] is not None:
            by.setdefault(r["taste_cluster"], []).append(r["utility"])
    return {str(c): mean_with_ci(np.array(by[c]), None, resamples, seed) for c in sorted(by)}


def clusters_served_worse(metrics: RunMetrics) -> list[tuple[str, float, float]]:
    """(cluster, utility at the first version, at the last) for each taste cluster whose mean true utility
    fell from the first to the last version in the evaluation."""
    cells = evaluation(metrics)
    if len(cells) < 2:
        return []
    first, last = cells[0]["utility_by_cluster"], cells[-1]["utility_by_cluster"]
    return [(c, first[c]["mean"], last[c]["mean"]) for c in first if c in last and last[c]["mean"] < first[c]["mean"]]


def table1_by_input(store: RunStore) -> list[dict]:
    """The paper's Table 1: per input song, mean stars and count of its outputs' ratings per version."""
    rows = queries.rated_outputs_by_input(store)
    table: dict[int, dict] = {}
    for r in rows:
        entry = table.setdefault(r["input"], {"song": r["label"], "stars": {}, "count": {}})
        entry["stars"].setdefault(r["version"], []).append(r["stars"])
    for entry in table.values():
        entry["count"] = {v: len(s) for v, s in entry["stars"].items()}
        entry["stars"] = {v: float(np.mean(s)) for v, s in entry["stars"].items()}
    return [table[k] for k in sorted(table)]


def _descriptors(store: RunStore, song_ids: list[int]) -> np.ndarray:
    return describe_spectrograms(store.song_images(song_ids))


def _reference(run_dir: Path) -> np.ndarray | None:
    path = Path(run_dir) / REFERENCE_FILE
    if not path.is_file():
        return None
    with np.load(path) as data:
        return data["descriptors"]


def _standardise(x: np.ndarray, reference: np.ndarray) -> np.ndarray:
    return (x - reference.mean(axis=0)) / np.where(reference.std(axis=0) > 1e-9, reference.std(axis=0), 1.0)


def _diversity(descriptors: np.ndarray, reference) -> float:
    """Mean pairwise distance between a cell's songs, in corpus standard deviations per feature."""
    if len(descriptors) < 2 or reference is None:
        return float("nan")
    z = _standardise(descriptors, reference)
    d = np.sqrt(((z[:, None] - z[None]) ** 2).mean(axis=2))
    return float(d[np.triu_indices(len(z), 1)].mean())


def _corpus_distance(descriptors: np.ndarray, reference) -> float:
    """Mean distance from each song to its nearest held-out corpus clip (same units): off-manifold output is far."""
    if reference is None or len(descriptors) == 0:
        return float("nan")
    z, ref = _standardise(descriptors, reference), _standardise(reference, reference)
    d = np.sqrt(((z[:, None] - ref[None]) ** 2).mean(axis=2))
    return float(d.min(axis=1).mean())


def _share(values: np.ndarray) -> float:
    return float(np.mean(values)) if len(values) else float("nan")
