"""overopt.md, overopt.jsonl and overopt.png: the proxy and true utility against how hard it was optimised
(best of n: against n; v0 trained on the proxy, by RWR or DDPO: against its optimiser steps)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import NamedTuple

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import FixedFormatter, FixedLocator, NullLocator  # noqa: E402
import numpy as np  # noqa: E402

from hcbench.atomic import write_atomic, write_text_atomic  # noqa: E402
from hcbench.metrics.overoptimisation import below_start, beyond_noise, over_optimised, stage_key  # noqa: E402
from hcbench.report.compare_plot import PNG_METADATA  # noqa: E402
from hcbench.report.formatting import change_text, ci_text, markdown_table  # noqa: E402

OUTPUTS = ("overopt.md", "overopt.jsonl", "overopt.png")


class Stages(NamedTuple):
    """How the proxy was optimised harder, in words: by n (best of n) or by a policy's optimiser steps."""

    column: str  # the table's first column
    scored: str  # what each stage's scores are of
    first: str  # the first stage, which the others are compared with
    axis: str  # the plot's x label
    what: str  # the optimisation, for titles
    detail: str  # the plot's subtitle, after ``what``


STAGES = {
    "n": Stages("n", "the pick", "n = 1", "n (best of n)", "best of n from v0",
                "the reward model's pick, mean over fresh requests"),
    "step": Stages("step", "the answer", "step 0 (v0)", "optimiser steps against the fixed reward model",
                   "v0 trained against the reward model", "one answer per fresh request, same noise at every step"),
}


def overopt_table(rows: list[dict]) -> str:
    stages = STAGES[stage_key(rows)]
    header = [stages.column, f"proxy: reward-model score of {stages.scored}",
              f"truth: true utility of {stages.scored}", f"truth vs {stages.first} (paired)"]
    return markdown_table(header, [[str(r[stage_key(rows)]), ci_text(r["proxy"], 3), ci_text(r["truth"], 3),
                                    change_text(r["truth_vs_first"], 3)] for r in rows])


def verdict(rows: list[dict]) -> str:
    """Where the proxy rose while the truth fell, in words: each fall from the stage before with its paired
    interval, and the stages whose truth lies below the first stage's beyond noise while their proxy lies above."""
    key = stage_key(rows)
    label, first = STAGES[key].column, STAGES[key].first
    steps = over_optimised(rows)
    worse = below_start(rows)
    if worse:
        return (f"Over-optimisation beyond noise: the proxy rose above {first}'s while the truth fell below it at "
                + ", ".join(f"{label} {r[key]} (proxy {change_text(r['proxy_vs_first_family'], 3)}, truth "
                            f"{change_text(r['truth_vs_first_family'], 3)})" for r in worse)
                + f" (paired {100 * worse[0]['family_level']:.1f}% intervals: 95% over the {len(rows) - 1} stages "
                  f"compared with {first}, Bonferroni).")
    if not steps:
        return f"The truth never fell where the proxy rose: no over-optimisation at these {label} values."
    by_stage = {r[key]: r for r in rows}
    falls = [f"{label} = {a} to {b} (truth {change_text(by_stage[b]['truth_vs_previous_family'], 3)}, "
             f"{'beyond noise' if beyond_noise(by_stage[b]) else 'within noise'})" for a, b in steps]
    level = f"paired {100 * rows[0]['family_level']:.1f}% intervals, 95% over the {len(rows) - 1} steps, Bonferroni"
    return (f"The proxy rose while the truth fell from {', '.join(falls)} ({level}): "
            + ("over-optimisation beyond noise." if any(beyond_noise(by_stage[b]) for _, b in steps) else
               "every fall within noise (its interval reaching 0, or the proxy's), so no over-optimisation is shown."))


def write_overopt(folder: Path, rows: list[dict], per_request: list[dict], about: str,
                  extra: list[dict] = ()) -> list[Path]:
    """The three files in ``folder``: the table with ``about`` (what was measured), every score (and the
    ``extra`` records, each with its own ``kind``), the plot."""
    folder = Path(folder)
    stages = STAGES[stage_key(rows)]
    text = "\n".join([f"# Over-optimisation: {stages.what}, against the truth", "",
                      f"![proxy and truth against {stages.column}](overopt.png)", "", about, "", overopt_table(rows), "",
                      verdict(rows), ""])
    write_text_atomic(folder / "overopt.md", text)
    lines = [{"kind": stage_key(rows), **r} for r in rows] + [{"kind": "request", **r} for r in per_request] + list(extra)
    write_text_atomic(folder / "overopt.jsonl", "".join(json.dumps(x, sort_keys=True) + "\n" for x in lines))
    write_atomic(folder / "overopt.png", lambda tmp: plot_overopt(rows, tmp))
    return [folder / name for name in OUTPUTS]


def plot_overopt(rows: list[dict], path: Path) -> Path:
    """Left: proxy and truth against n (log2 axis) or steps; right: truth against proxy, as AlpacaFarm and
    MusicRL plot."""
    key = stage_key(rows)
    stages = STAGES[key]
    n = np.array([r[key] for r in rows])
    proxy, truth = (np.array([r[k]["mean"] for r in rows]) for k in ("proxy", "truth"))
    fig, (left, right) = plt.subplots(1, 2, figsize=(9.0, 3.6))
    left.plot(n, proxy, "o-", color="C0", label="proxy (reward model)")
    left.set(xlabel=stages.axis, ylabel="proxy: reward-model score")
    twin = left.twinx()
    twin.plot(n, truth, "s--", color="C3", label="truth (true utility)")
    twin.set(ylabel="truth: true utility")
    if key == "n":  # the twin shares the x axis: its scale and ticks are set once both exist
        for ax in (left, twin):
            ax.set_xscale("log", base=2)
        left.xaxis.set_major_locator(FixedLocator(n))
        left.xaxis.set_major_formatter(FixedFormatter([str(v) for v in n]))
        left.xaxis.set_minor_locator(NullLocator())
    left.legend(handles=left.lines + twin.lines, fontsize=8, loc="best")
    right.plot(proxy, truth, "o-", color="C2")
    for x, y, label in zip(proxy, truth, n):
        right.annotate(f"{key}={label}", (x, y), textcoords="offset points", xytext=(4, 4), fontsize=8)
    right.set(xlabel="proxy: reward-model score", ylabel="truth: true utility")
    right.margins(0.15)
    for ax in (left, right):
        ax.grid(alpha=0.3)
    fig.suptitle(f"{stages.what}: {stages.detail}", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110, metadata=PNG_METADATA)
    plt.close(fig)
    return Path(path)
