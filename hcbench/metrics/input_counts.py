"""Ratings broken down by how many input songs a request merged (experiment=merges).

The paper found merges of two or more songs rated lower and heard as distorted; with
``loop.requests.inputs_per_request`` a list, one run holds requests of each count.
"""
from __future__ import annotations

import numpy as np

from hcbench.metrics.bootstrap import mean_with_ci
from hcbench.store import RunStore, queries


def by_input_count(store: RunStore, iteration: int, resamples: int = 1000, seed: int = 0) -> list[dict]:
    """Per input count and version, ``iteration``'s ratings of new songs: stars and true utility with 95%
    intervals; empty when every request brought the same number of songs."""
    rows = queries.rated_outputs_with_requests(store, iteration)
    for r in rows:
        r["input_count"] = len(r["inputs"].split(","))
    counts = sorted({r["input_count"] for r in rows})
    if len(counts) < 2:
        return []
    out = []
    for count in counts:
        for version in sorted({r["version"] for r in rows}):
            cell = [r for r in rows if r["input_count"] == count and r["version"] == version]
            utility = np.array([r["utility"] for r in cell if r["utility"] is not None])
            out.append({"inputs": count, "version": version, "ratings": len(cell),
                        "stars": mean_with_ci([r["stars"] for r in cell], None, resamples, seed),
                        "utility": mean_with_ci(utility, None, resamples, seed)})
    return out
