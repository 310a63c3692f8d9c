"""The CI gate: observed rating and true utility must rise from each version to the next."""
from __future__ import annotations

from hcbench.metrics.loop_metrics import RunMetrics, evaluation

GATED = (("stars", "mean observed stars"), ("utility", "mean true utility"))


def gate_failures(metrics: RunMetrics, margin: float = 0.0) -> list[str]:
    """One line per step that did not rise by more than ``margin``; empty when the run passes."""
    rows = evaluation(metrics)
    if len(rows) < 2:
        return [f"the run's evaluation holds {len(rows)} version(s); the gate needs 2 or more (is the run finished?)"]
    missing = sorted(set(metrics.versions) - {r["version"] for r in rows})
    failures = [f"v{v} was not rated in the evaluation iteration" for v in missing]
    for before, after in zip(rows, rows[1:]):
        for key, name in GATED:
            a, b = before[key]["mean"], after[key]["mean"]
            if not b - a > margin:
                failures.append(f"{name} v{before['version']} -> v{after['version']}: {a:.3f} -> {b:.3f} "
                                f"(change {b - a:+.3f}, needs > {margin:+.3f})")
    return failures
