"""The report's summary tables as header and rows of text, one source for report.md and report.html."""
from __future__ import annotations

from hcbench.report.formatting import change_text, ci_text, number_text

Table = tuple[list[str], list[list[str]]]


def evaluation_table(rows: list[dict]) -> Table:
    """One row per version of the evaluation iteration (``loop_metrics.evaluation``)."""
    header = ["version", "songs", "ratings", "stars", "stars (QC-weighted)", "true utility", "listened",
              "diversity", "distance to corpus"]
    return header, [[f"v{c['version']}", str(c["songs"]), str(c["ratings"]), ci_text(c["stars"]),
                     ci_text(c["stars_qc"]), ci_text(c["utility"], 3), f"{100 * c['listened']:.0f}%",
                     number_text(c["diversity"]), number_text(c["corpus_distance"])] for c in rows]


def steps_table(steps: list[dict]) -> Table:
    """One row per step from a version to the next, with the change's interval."""
    header = ["step", "comparison", "requests", "change in stars", "change in true utility"]
    return header, [[f"v{s['before']} -> v{s['after']}", "paired" if s["paired"] else "independent",
                     str(s["requests"]) if s["paired"] else "–", change_text(s["stars"]),
                     change_text(s["utility"], 3)] for s in steps]


def input_count_table(rows: list[dict]) -> Table:
    """One row per input count and version (``RunMetrics.by_input_count``)."""
    header = ["input songs", "version", "ratings", "stars", "true utility"]
    return header, [[str(r["inputs"]), f"v{r['version']}", str(r["ratings"]), ci_text(r["stars"]),
                     ci_text(r["utility"], 3)] for r in rows]
