"""The CI gate: observed rating and true utility must rise from each version to the next."""
from __future__ import annotations

from hcbench.metrics.loop_metrics import RunMetrics, evaluation

GATED = (("stars", "mean observed stars"), ("utility", "mean true utility"))


def gate_failures(metrics: RunMetrics, margin: float = 0.0, significant: bool = False) -> list[str]:
    """One line per step that did not rise by more than ``margin``; empty when the run passes.

    With ``significant``, a step must also have its 95% interval of the change (paired when
    the evaluation was) above ``margin``: a rise the evaluation's noise cannot explain.
    """
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
    if significant:
        failures += _insignificant(metrics.steps, margin)
    return failures


def _insignificant(steps: list[dict], margin: float) -> list[str]:
    failures = []
    for step in steps:
        for key, name in GATED:
            low = step[key]["low"]
            if not low > margin:  # NaN (no interval) fails too
                failures.append(f"{name} v{step['before']} -> v{step['after']}: the 95% interval of the change "
                                f"starts at {low:+.3f} (needs > {margin:+.3f}; "
                                f"{'paired' if step['paired'] else 'independent'} comparison)")
    return failures
