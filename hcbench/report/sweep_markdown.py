"""sweep.md: every setting of a sweep by seed with its gain, the settings ranked, and how stable that ranking is."""
from __future__ import annotations

from hcbench.metrics.sweep_metrics import SweepMetrics
from hcbench.report.formatting import change_text, markdown_table
from hcbench.report.rankings import rankings_text, taus_text


def sweep_markdown(metrics: SweepMetrics, title: str, heatmap: str | None) -> str:
    compared = "paired over the same requests" if metrics.rows and all(r["paired"] for r in metrics.rows) \
        else "from each version's own ratings (independent)"
    parts = [f"# {title}", ""]
    if heatmap:
        parts += [f"![mean gain per setting over seeds]({heatmap})", ""]
    parts += ["Each cell is one job: the gain of its last version over v0 in the run's evaluation (its last "
              f"iteration), in true utility and in observed stars, {compared}, with a 95% bootstrap interval. "
              "Swept: " + (", ".join(_axis(metrics, a) for a in metrics.axes) or "nothing but the seed") + ".", ""]
    if metrics.unfinished:
        parts += [f"Left out, evaluation not done: job(s) {', '.join(metrics.unfinished)}.", ""]
    parts += [gains_table(metrics), "", "## Settings ranked by mean utility gain over seeds", "",
              settings_table(metrics), "", rankings_text(metrics.rankings, "utility_gain"), "",
              taus_text(metrics.taus), ""]
    return "\n".join(parts)


def gains_table(metrics: SweepMetrics) -> str:
    """Swept values by seeds: per seed, the utility gain and the stars gain with their intervals."""
    seeds = sorted({r["seed"] for r in metrics.rows})
    header = list(metrics.axes) + [f"seed {s}: {what} gain" for s in seeds for what in ("utility", "stars")]
    cells = {(r["label"], r["seed"]): r for r in metrics.rows}
    rows = []
    for label, setting in dict.fromkeys((r["label"], _key(r["setting"])) for r in metrics.rows):
        row = [str(v) for _, v in setting]
        for seed in seeds:
            job = cells.get((label, seed))
            row += [change_text(job["utility_gain"], 3), change_text(job["stars_gain"])] if job else ["–", "–"]
        rows.append(row)
    return markdown_table(header or ["setting"], rows)


def settings_table(metrics: SweepMetrics) -> str:
    rows = [[str(i), s["label"], f"{s['utility_gain']['mean']:+.3f}", f"{s['stars_gain']['mean']:+.2f}",
             f"{s['seeds_above_zero']}/{s['seeds']}"] for i, s in enumerate(metrics.settings, 1)]
    return markdown_table(["rank", "setting", "mean utility gain", "mean stars gain",
                           "seeds with utility interval above 0"], rows)


def _axis(metrics: SweepMetrics, axis: str) -> str:
    also = metrics.also.get(axis, [])
    return f"`{axis}`" + (f" (with {', '.join(f'`{k}`' for k in also)})" if also else "")


def _key(setting: dict) -> tuple:
    return tuple(setting.items()) if not any(isinstance(v, (list, dict)) for v in setting.values()) \
        else tuple((k, str(v)) for k, v in setting.items())
