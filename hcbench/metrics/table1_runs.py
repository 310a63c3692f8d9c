"""The paper's Table 1 across runs (seeds): each version's mean rating beside the paper's, and how
often the paper's observations recur (v0 < v1 < v2; songs that a fine-tuned version serves worse).

Table 1 (section 6) averages every rating of a version's songs over the whole pilot, per input song
and overall. A run's figures here average the same: every rating of a song in the iteration that
made it (``queries.rated_outputs``), whatever the iteration, as the run's own Table 1 does.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from hcbench.metrics.bootstrap import mean_with_ci
from hcbench.metrics.loop_metrics import table1_by_input
from hcbench.store import RunStore, queries

# Section 6, Table 1: overall mean rating and rating count of v0, v1 and v2 ...
PAPER_OVERALL = (2.75, 2.95, 3.34)
PAPER_COUNTS = (501, 493, 174)
# ... and per input song: songs 2, 6, 7 and 9 rate an earlier version above a later one (the paper names
# 2, 7 and 9; song 6 falls from 1.66 to 1.63)
PAPER_SONGS = ((3.49, 3.70, 3.90), (2.48, 2.26, 2.66), (2.99, 3.41, 3.79), (2.27, 2.78, 3.05), (1.73, 1.93, 2.85),
               (1.66, 1.63, 2.61), (3.49, 3.82, 3.78), (2.88, 3.30, 3.43), (2.78, 3.10, 3.06), (3.48, 3.68, 3.80))


@dataclass
class RunTable1:
    """One run's Table 1 in brief."""

    run: str
    stars: list[dict]  # per version: mean stars with a bootstrap 95% interval and the rating count
    utility: list[float]  # per version: mean true utility of the same ratings (the simulators' truth)
    songs: list[tuple[str, list[float]]]  # per input song (by id): its label, mean stars per version (NaN: unrated)

    @property
    def ordered(self) -> bool:
        """Whether mean stars rise strictly from each version to the next, as in the paper."""
        means = [s["mean"] for s in self.stars]
        return all(a < b for a, b in zip(means, means[1:]))

    @property
    def regressing(self) -> list[str]:
        """Input songs for which some version is rated below the version before it (Table 1: 4 of 10)."""
        return [label for label, means in self.songs if regresses(means)]


def regresses(means) -> bool:
    """Whether any version's mean falls below the previous one's (versions never rated are skipped).

    >>> regresses([2.48, 2.26, 2.66]), regresses([3.49, 3.70, 3.90]), regresses([3.0, float("nan"), 2.9])
    (True, False, True)
    """
    seen = [m for m in means if m == m]
    return any(b < a for a, b in zip(seen, seen[1:]))


def run_table1(store: RunStore, resamples: int = 1000, seed: int = 0) -> RunTable1:
    rows, versions = queries.rated_outputs(store), queries.version_ids(store)
    stars = [mean_with_ci([r["stars"] for r in rows if r["version"] == v], None, resamples, seed) for v in versions]
    utility = [float(np.mean([r["utility"] for r in rows if r["version"] == v and r["utility"] is not None] or [np.nan]))
               for v in versions]
    means = [(entry["song"], [entry["stars"].get(v, float("nan")) for v in versions])
             for entry in table1_by_input(store)]  # the run's own Table 1, one entry per input song
    return RunTable1(str(store.run_dir), stars, utility, means)


def t_interval(values, level: float = 0.95) -> dict:
    """Mean and Student-t interval of a few independent values (NaN bounds for fewer than 2).

    >>> r = t_interval([3.0, 3.2, 3.4])
    >>> round(r["mean"], 2), round(r["low"], 2), round(r["high"], 2), r["n"]
    (3.2, 2.7, 3.7, 3)
    """
    values = np.asarray(values, np.float64)
    mean = float(np.mean(values)) if len(values) else float("nan")
    if len(values) < 2:
        return {"mean": mean, "low": float("nan"), "high": float("nan"), "n": int(len(values))}
    half = stats.t.ppf((1 + level) / 2, len(values) - 1) * np.std(values, ddof=1) / np.sqrt(len(values))
    return {"mean": mean, "low": mean - float(half), "high": mean + float(half), "n": int(len(values))}


def across_runs(tables: list[RunTable1]) -> dict:
    """Per version, the mean over runs of each run's mean stars and true utility, with a Student-t 95%
    interval over runs (runs are few: a bootstrap over 3 to 5 means covers far less than 95%); how many
    runs rise v0 < v1 < ...; regressing songs per run."""
    versions = min(len(t.stars) for t in tables)
    return {
        "runs": len(tables),
        "stars": [t_interval([t.stars[v]["mean"] for t in tables]) for v in range(versions)],
        "utility": [t_interval([t.utility[v] for t in tables]) for v in range(versions)],
        "counts": [float(np.mean([t.stars[v]["n"] for t in tables])) for v in range(versions)],
        "ordered": sum(t.ordered for t in tables),
        "regressing": [len(t.regressing) for t in tables],
        "songs": [len(t.songs) for t in tables],
    }
