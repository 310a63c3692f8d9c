"""Rebuild compare.md, compare.png and compare.jsonl from the evaluation and run databases alone."""
from __future__ import annotations

import json
from pathlib import Path

from hcbench.atomic import write_atomic, write_text_atomic
from hcbench.metrics.compare_metrics import CompareMetrics, compare_metrics
from hcbench.report.compare_markdown import compare_markdown
from hcbench.report.compare_plot import plot_compare

OUTPUTS = ("compare.md", "compare.png", "compare.jsonl")


def rebuild_compare(compare_dir: Path) -> CompareMetrics:
    """Recompute every figure from the databases (deterministic bootstrap seeds) and write the three files."""
    compare_dir = Path(compare_dir)
    metrics = compare_metrics(compare_dir)
    lines = [{"kind": "method", **r} for r in metrics.rows]
    lines += [{"kind": "ranking", **r} for r in metrics.rankings]
    lines += [{"kind": "kendall_tau", **t} for t in metrics.taus]
    write_text_atomic(compare_dir / "compare.jsonl", "".join(json.dumps(x, sort_keys=True) + "\n" for x in lines))
    write_atomic(compare_dir / "compare.png", lambda tmp: plot_compare(metrics, tmp))
    write_text_atomic(compare_dir / "compare.md", compare_markdown(metrics, f"hcbench compare: {metrics.experiment}"))
    return metrics
