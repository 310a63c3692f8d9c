"""Rebuild compare.md, compare.png and compare.jsonl from the evaluation and run databases alone."""
from __future__ import annotations

import json
from pathlib import Path

from hcbench.atomic import write_atomic, write_text_atomic
from hcbench.errors import ConfigError
from hcbench.metrics.compare_metrics import CompareMetrics, compare_metrics, spending_gaps
from hcbench.report.compare_markdown import compare_markdown
from hcbench.report.compare_plot import plot_compare

OUTPUTS = ("compare.md", "compare.png", "compare.jsonl")


def rebuild_compare(compare_dir: Path, max_spending_gap: float | None) -> CompareMetrics:
    """Recompute every figure from the databases (deterministic bootstrap seeds) and write the three files.

    Methods are put in one table only on one budget: when two runs of a seed spent rating calls
    more than ``max_spending_gap`` apart (a share; None: any), nothing is written.
    """
    compare_dir = Path(compare_dir)
    metrics = compare_metrics(compare_dir)
    gaps = [] if max_spending_gap is None else spending_gaps(metrics.rows, max_spending_gap)
    if gaps:
        raise ConfigError(f"the methods of {compare_dir} did not spend the same budget (more than "
                          f"{100 * max_spending_gap:g}% apart): {'; '.join(gaps)}. Give every method one budget "
                          "(budget.ratings_per_round), or pass max_spending_gap=null to tabulate them anyway")
    lines = [{"kind": "method", **r} for r in metrics.rows]
    lines += [{"kind": "ranking", **r} for r in metrics.rankings]
    lines += [{"kind": "kendall_tau", **t} for t in metrics.taus]
    write_text_atomic(compare_dir / "compare.jsonl", "".join(json.dumps(x, sort_keys=True) + "\n" for x in lines))
    write_atomic(compare_dir / "compare.png", lambda tmp: plot_compare(metrics, tmp))
    write_text_atomic(compare_dir / "compare.md", compare_markdown(metrics, f"hcbench compare: {metrics.experiment}"))
    return metrics
