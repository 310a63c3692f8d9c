"""Rebuild a run's metrics.jsonl, report.md, report.html and versions.png from its store alone."""
from __future__ import annotations

import json

from hcbench.atomic import write_atomic, write_text_atomic
from hcbench.metrics.loop_metrics import RunMetrics, compute_metrics
from hcbench.report.html_page import SONGS_PER_VERSION, report_html
from hcbench.report.markdown import report_markdown
from hcbench.report.plots import plot_versions
from hcbench.store import RunStore


def rebuild_report(store: RunStore, songs_per_version: int = SONGS_PER_VERSION) -> RunMetrics:
    """Write every report file; ``songs_per_version`` caps the songs report.html lists under each version."""
    metrics = compute_metrics(store)
    run_dir = store.run_dir
    lines = [json.dumps({"kind": "iteration_version", **c}) for c in metrics.cells]
    lines += [json.dumps({"kind": "iteration", **r}) for r in metrics.iterations]
    lines += [json.dumps({"kind": "table1", **r}) for r in metrics.table1]
    lines += [json.dumps({"kind": "step", **r}) for r in metrics.steps]
    lines += [json.dumps({"kind": "input_count", **r}) for r in metrics.by_input_count]  # only when counts differ
    lines += [json.dumps({"kind": "pairwise", **r}) for r in metrics.pairwise]
    write_text_atomic(run_dir / "metrics.jsonl", "\n".join(lines) + "\n")
    if metrics.cells:
        write_atomic(run_dir / "versions.png", lambda tmp: plot_versions(metrics, tmp))
    title = f"hcbench run: {store.get_meta('config', {}).get('experiment_name', run_dir.name)} ({run_dir})"
    write_text_atomic(run_dir / "report.md", report_markdown(metrics, title))
    write_text_atomic(run_dir / "report.html", report_html(store, metrics, title, songs_per_version))
    return metrics
