"""The run report in Markdown: the evaluation per version, Table 1 in the paper's form, per-iteration figures."""
from __future__ import annotations

from hcbench.report.formatting import ci_text, markdown_table, number_text
from hcbench.report.tables import evaluation_table, input_count_table, steps_table
from hcbench.metrics.loop_metrics import RunMetrics, clusters_served_worse, evaluation


def report_markdown(metrics: RunMetrics, title: str) -> str:
    parts = [f"# {title}", "", "![rating and utility per version](versions.png)", "",
             "## Evaluation: every version, rated side by side", "",
             "Stars are what raters reported (raw, then QC-weighted); utility is the simulators' hidden truth. "
             "95% bootstrap intervals.", "", _evaluation_table(evaluation(metrics)), "",
             "Change from each version to the next. Paired: every version answered the same requests, and "
             "the interval resamples requests' within-request differences. Independent: each request drew one "
             "version at random (no confirmation bias), and each side is resampled on its own.", "",
             _steps_table(metrics.steps), "", *_input_count_section(metrics.by_input_count),
             "## Whom each version serves: true utility per taste cluster", "",
             "Mean true utility of each version's evaluation songs to the raters of each home taste cluster "
             "(simulators' truth; 95% bootstrap intervals).", "", clusters_markdown(metrics), "",
             "## Table 1: mean rating per input song and version", "", table1_markdown(metrics), "",
             "## Per iteration and version", "", _cells_table(metrics.cells), "",
             "## Per iteration: training set, quality control, time", "", _iterations_table(metrics.iterations), "",
             *_stage_reports_section(metrics.iterations)]
    if metrics.pairwise:  # only a method that asks which of two songs a rater prefers
        parts += ["## Pairwise answers", "", "Truth agreement: share of answers that chose the song of higher "
                  "true utility to the rater (the simulators' hidden truth).", "", _pairwise_table(metrics.pairwise),
                  ""]
    return "\n".join(parts)


def table1_markdown(metrics: RunMetrics) -> str:
    """Song | Rating (v0) .. | Count (v0) ..; as in the paper, over all ratings of each version's outputs."""
    versions = metrics.versions
    header = ["Song"] + [f"Rating (v{v})" for v in versions] + [f"Count (v{v})" for v in versions]
    rows = [[f"song{i}"] + [number_text(entry["stars"].get(v)) for v in versions]
            + [str(entry["count"].get(v, 0)) for v in versions] for i, entry in enumerate(metrics.table1, 1)]
    legend = [f"song{i}: {entry['song']}" for i, entry in enumerate(metrics.table1, 1)]
    return markdown_table(header, rows) + "\n\nInput songs: " + "; ".join(legend) + "."


def clusters_markdown(metrics: RunMetrics) -> str:
    """Cluster | utility per version of the evaluation; then which clusters the last version serves worse."""
    cells = evaluation(metrics)
    clusters = sorted({c for cell in cells for c in cell.get("utility_by_cluster", {})}, key=int)
    if not clusters:
        return "No taste clusters recorded (a run from before schema 4, or no simulated raters)."
    header = ["taste cluster"] + [f"v{c['version']}" for c in cells] + ["ratings (last)"]
    rows = [[c] + [ci_text(cell["utility_by_cluster"].get(c, _NONE), 3) for cell in cells]
            + [str(cells[-1]["utility_by_cluster"].get(c, _NONE)["n"])] for c in clusters]
    worse = clusters_served_worse(metrics)
    verdict = ("Every taste cluster's utility rose or held from the first version to the last." if not worse else
               "Utility FELL from the first version to the last for taste cluster(s) "
               + ", ".join(f"{c} ({a:.3f} -> {b:.3f})" for c, a, b in worse) + ".")
    return markdown_table(header, rows) + "\n\n" + verdict


_NONE = {"mean": float("nan"), "n": 0}


def _evaluation_table(rows: list[dict]) -> str:
    return markdown_table(*evaluation_table(rows))


def _steps_table(steps: list[dict]) -> str:
    return markdown_table(*steps_table(steps))


def _input_count_section(rows: list[dict]) -> list[str]:
    """The evaluation by input songs per request; nothing when every request brought as many."""
    if not rows:
        return []
    return ["## Evaluation by input songs per request", "",
            "The evaluation's ratings of new songs, split by how many input songs their request merged "
            "(1: a variation of one song). 95% bootstrap intervals.", "", markdown_table(*input_count_table(rows)),
            ""]


def _cells_table(cells: list[dict]) -> str:
    header = ["iteration", "version", "songs", "ratings", "stars", "stars (QC)", "utility", "diversity",
              "distance to corpus"]
    return markdown_table(header, [[str(c["iteration"]), f"v{c['version']}", str(c["songs"]), str(c["ratings"]),
                                    ci_text(c["stars"]), ci_text(c["stars_qc"]), ci_text(c["utility"], 3),
                                    number_text(c["diversity"]), number_text(c["corpus_distance"])] for c in cells])


def _iterations_table(rows: list[dict]) -> str:
    header = ["iteration", "requests (new/old)", "ratings", "beat reference", "added to D", "purged", "D size",
              "flagged", "QC precision", "QC recall", "flagged by profile", "honest flagged by taste cluster",
              "seconds per stage"]
    return markdown_table(header, [_iteration_cells(r) for r in rows])


def _iteration_cells(r: dict) -> list[str]:
    qc = r["qc"]
    return [str(r["iteration"]), f"{r['requests']} ({r['new']}/{r['old']})", str(r["ratings"]),
            _pct(r["beat_reference"]), str(r["added_to_d"]), str(r["purged"]), str(r["train_size"]),
            f"{qc['flagged']}/{qc['raters']}", _pct(qc["precision"]), _pct(qc["recall"]),
            ", ".join(f"{k} {v}" for k, v in qc["flagged_by_profile"].items()),
            ", ".join(f"{k}: {v}" for k, v in qc.get("honest_flagged_by_cluster", {}).items()) or "–",
            ", ".join(f"{k} {v:.0f}" for k, v in r["seconds"].items())]


def _stage_reports_section(rows: list[dict]) -> list[str]:
    """What each training round's method stages reported (selection, fine-tune), as they returned it."""
    reported = [r for r in rows if r.get("stage_reports")]
    if not reported:
        return []
    table = markdown_table(["iteration", "stage", "report"],
                           [[str(r["iteration"]), stage, _report_text(report)]
                            for r in reported for stage, report in r["stage_reports"].items()])
    return ["## Per training round: what the method reported", "", table, ""]


def _report_text(report: dict) -> str:
    """'steps 150, final_loss 0.01234, purged (age 0, duplicate 2)'."""
    def text(value) -> str:
        if isinstance(value, dict):
            return f"({_report_text(value)})"
        return f"{value:.4g}" if isinstance(value, float) else str(value)

    return ", ".join(f"{k} {text(v)}" for k, v in report.items()) or "–"


def _pairwise_table(rows: list[dict]) -> str:
    return markdown_table(["iteration", "answers", "questions", "truth agreement"],
                          [[str(r["iteration"]), str(r["answers"]), str(r["questions"]),
                            "–" if r["truth_agreement"] is None else _pct(r["truth_agreement"])] for r in rows])


def _pct(value) -> str:
    return "–" if value != value else f"{100 * value:.0f}%"

