"""How much each version beats the one before it in the evaluation, with a confidence interval.

In a paired evaluation every version answers the same requests (same rater, inputs and
agreement raters), so a step's change is the mean over requests of the within-request
difference, and its interval resamples requests: the spread between requests cancels.
In a random evaluation versions answered different requests, so the two versions' ratings
are resampled independently.
"""
from __future__ import annotations

import json

import numpy as np

from hcbench.metrics.bootstrap import mean_with_ci, percentile_interval, resampled_means
from hcbench.store import RunStore, queries


def version_steps(store: RunStore, iteration: int, resamples: int = 1000, seed: int = 0) -> list[dict]:
    """One row per step v -> v+1 rated in ``iteration``: change in stars and utility, paired when possible."""
    rows = queries.rated_outputs_with_requests(store, iteration)
    versions = sorted({r["version"] for r in rows})
    is_paired = evaluation_mode(store) == "paired"
    return [_change(rows, before, after, is_paired, resamples, seed) for before, after in zip(versions, versions[1:])]


def version_change(store: RunStore, iteration: int, before: int, after: int, resamples: int = 1000,
                   seed: int = 0) -> dict:
    """How ``after`` differs from ``before`` in ``iteration``'s ratings (as a row of ``version_steps``),
    e.g. the last version against v0 in the evaluation."""
    rows = queries.rated_outputs_with_requests(store, iteration)
    return _change(rows, before, after, evaluation_mode(store) == "paired", resamples, seed)


def _change(rows: list[dict], before: int, after: int, is_paired: bool, resamples: int, seed: int) -> dict:
    by_request = requests_by_key([r for r in rows if r["version"] in (before, after)])
    paired = [g for g in by_request.values() if before in g and after in g] if is_paired else []
    change = {"before": before, "after": after, "paired": bool(paired), "requests": len(paired)}
    for key in ("stars", "utility"):
        if paired:
            change[key] = paired_change(paired, before, after, key, resamples, seed)
        else:
            change[key] = unpaired_change([r[key] for r in rows if r["version"] == before],
                                          [r[key] for r in rows if r["version"] == after], resamples, seed)
    return change


def evaluation_mode(store: RunStore) -> str:
    """The run's ``loop.dispatch.evaluation`` (runs from before the option: random)."""
    return store.get_meta("config", {}).get("loop", {}).get("dispatch", {}).get("evaluation", "random")


def paired_change(groups: list[dict], before: int, after: int, key: str, resamples: int, seed: int) -> dict:
    """Mean over requests of (mean rating of ``after`` - mean rating of ``before``), requests resampled."""
    diffs = np.array([_mean(g[after], key) - _mean(g[before], key) for g in groups])
    change = mean_with_ci(diffs[np.isfinite(diffs)], None, resamples, seed)
    return {k: change[k] for k in ("mean", "low", "high")}


def unpaired_change(before, after, resamples: int, seed: int) -> dict:
    """Difference of two independent means, each side resampled on its own."""
    a, b = (np.array([v for v in x if v is not None], np.float64) for x in (before, after))
    if not len(a) or not len(b):
        return percentile_interval(np.nan, np.array([]))
    draws = resampled_means(b, None, resamples, seed) - resampled_means(a, None, resamples, seed + 1)
    return percentile_interval(b.mean() - a.mean(), draws)


def requests_by_key(rows: list[dict]) -> dict[tuple, dict[int, list[dict]]]:
    """Ratings grouped by request (rater, inputs, reference, agreement raters), then by version."""
    groups: dict[tuple, dict[int, list[dict]]] = {}
    for r in rows:
        key = (r["requester"], r["inputs"], r["reference_song_id"], tuple(json.loads(r["agreement_raters"])))
        groups.setdefault(key, {}).setdefault(r["version"], []).append(r)
    return groups


def _mean(ratings: list[dict], key: str) -> float:
    values = [r[key] for r in ratings if r[key] is not None]
    return float(np.mean(values)) if values else float("nan")
