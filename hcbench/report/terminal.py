"""The rich table printed after each iteration."""
from __future__ import annotations

from rich.console import Console
from rich.table import Table

from hcbench.report.formatting import ci_text
from hcbench.metrics.loop_metrics import RunMetrics


def print_iteration(metrics: RunMetrics, iteration: int, console: Console | None = None) -> None:
    table = Table(title=f"iteration {iteration}: ratings of this iteration's new songs, per version (95% CI)")
    for column in ("version", "songs", "ratings", "stars", "stars (QC)", "true utility", "diversity"):
        table.add_column(column, justify="right")
    for c in (c for c in metrics.cells if c["iteration"] == iteration):
        table.add_row(f"v{c['version']}", str(c["songs"]), str(c["ratings"]), ci_text(c["stars"]), ci_text(c["stars_qc"]),
                      ci_text(c["utility"], 3), f"{c['diversity']:.2f}")
    row = next((r for r in metrics.iterations if r["iteration"] == iteration), None)
    if row is not None:
        qc = row["qc"]
        table.caption = (f"D: {row['train_size']} songs (+{row['added_to_d']}, -{row['purged']}); "
                         f"QC flagged {qc['flagged']}/{qc['raters']} raters, precision {qc['precision']:.2f}, "
                         f"recall {qc['recall']:.2f}; seconds: "
                         + ", ".join(f"{k} {v:.0f}" for k, v in row["seconds"].items()))
    (console or Console()).print(table)
