"""Rebuild sweep.md, sweep.jsonl and (two axes swept) sweep.png from a sweep's run databases alone."""
from __future__ import annotations

import json
from pathlib import Path

from hcbench.atomic import write_atomic, write_text_atomic
from hcbench.metrics.sweep_metrics import SweepMetrics, sweep_metrics
from hcbench.report.sweep_markdown import sweep_markdown
from hcbench.report.sweep_plot import plot_sweep_heatmap

HEATMAP = "sweep.png"


def rebuild_sweep_report(multirun_dir: Path) -> tuple[SweepMetrics, list[Path]]:
    """Recompute every figure from the jobs' databases (deterministic bootstrap seeds); returns the files written."""
    multirun_dir = Path(multirun_dir)
    metrics = sweep_metrics(multirun_dir)
    lines = [{"kind": "job", **r} for r in metrics.rows]
    lines += [{"kind": "setting", **s} for s in metrics.settings]
    lines += [{"kind": "ranking", **r} for r in metrics.rankings]
    lines += [{"kind": "kendall_tau", **t} for t in metrics.taus]
    written = [write_text_atomic(multirun_dir / "sweep.jsonl",
                                 "".join(json.dumps(x, sort_keys=True) + "\n" for x in lines))]
    heatmap = HEATMAP if len(metrics.axes) == 2 and metrics.rows else None
    if heatmap:
        written.append(write_atomic(multirun_dir / heatmap, lambda tmp: plot_sweep_heatmap(metrics, tmp)))
    title = f"hcbench sweep-report: {multirun_dir.name}"
    written.append(write_text_atomic(multirun_dir / "sweep.md", sweep_markdown(metrics, title, heatmap)))
    return metrics, written
