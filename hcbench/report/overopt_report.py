"""overopt.md, overopt.jsonl and overopt.png: best-of-n's proxy and true utility against n."""
from __future__ import annotations

import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import FixedFormatter, FixedLocator, NullLocator  # noqa: E402
import numpy as np  # noqa: E402

from hcbench.atomic import write_atomic, write_text_atomic  # noqa: E402
from hcbench.metrics.overoptimisation import beyond_noise, over_optimised  # noqa: E402
from hcbench.report.compare_plot import PNG_METADATA  # noqa: E402
from hcbench.report.formatting import change_text, ci_text, markdown_table  # noqa: E402

OUTPUTS = ("overopt.md", "overopt.jsonl", "overopt.png")
HEADER = ["n", "proxy: reward-model score of the pick", "truth: true utility of the pick", "truth vs n = 1 (paired)"]


def overopt_table(rows: list[dict]) -> str:
    return markdown_table(HEADER, [[str(r["n"]), ci_text(r["proxy"], 3), ci_text(r["truth"], 3),
                                    change_text(r["truth_vs_first"], 3)] for r in rows])


def verdict(rows: list[dict]) -> str:
    """Where the proxy rose while the truth fell, in words, each fall with its paired interval and whether
    that lies below 0."""
    steps = over_optimised(rows)
    if not steps:
        return "The truth never fell where the proxy rose: no over-optimisation at these n."
    by_n = {r["n"]: r for r in rows}
    falls = [f"n = {a} to {b} (truth {change_text(by_n[b]['truth_vs_previous'], 3)}, "
             f"{'beyond noise' if beyond_noise(by_n[b]) else 'within noise'})" for a, b in steps]
    return (f"The proxy rose while the truth fell from {', '.join(falls)}: "
            + ("over-optimisation beyond noise." if any(beyond_noise(by_n[b]) for _, b in steps) else "every fall within noise (paired 95% interval "
               "reaching 0), so no over-optimisation is shown."))


def write_overopt(folder: Path, rows: list[dict], per_request: list[dict], about: str) -> list[Path]:
    """The three files in ``folder``: the table with ``about`` (what was measured), every score, the plot."""
    folder = Path(folder)
    text = "\n".join(["# Over-optimisation: best of n against the truth", "",
                      "![proxy and truth against n](overopt.png)", "", about, "", overopt_table(rows), "",
                      verdict(rows), ""])
    write_text_atomic(folder / "overopt.md", text)
    lines = [{"kind": "n", **r} for r in rows] + [{"kind": "request", **r} for r in per_request]
    write_text_atomic(folder / "overopt.jsonl", "".join(json.dumps(x, sort_keys=True) + "\n" for x in lines))
    write_atomic(folder / "overopt.png", lambda tmp: plot_overopt(rows, tmp))
    return [folder / name for name in OUTPUTS]


def plot_overopt(rows: list[dict], path: Path) -> Path:
    """Left: proxy and truth against n (log2 axis); right: truth against proxy, as AlpacaFarm and MusicRL plot."""
    n = np.array([r["n"] for r in rows])
    proxy, truth = (np.array([r[k]["mean"] for r in rows]) for k in ("proxy", "truth"))
    fig, (left, right) = plt.subplots(1, 2, figsize=(9.0, 3.6))
    left.plot(n, proxy, "o-", color="C0", label="proxy (reward model)")
    left.set(xlabel="n (best of n)", ylabel="proxy: reward-model score")
    twin = left.twinx()
    twin.plot(n, truth, "s--", color="C3", label="truth (true utility)")
    twin.set(ylabel="truth: true utility")
    for ax in (left, twin):  # the twin shares the x axis: its scale and ticks are set once both exist
        ax.set_xscale("log", base=2)
    left.xaxis.set_major_locator(FixedLocator(n))
    left.xaxis.set_major_formatter(FixedFormatter([str(v) for v in n]))
    left.xaxis.set_minor_locator(NullLocator())
    left.legend(handles=left.lines + twin.lines, fontsize=8, loc="best")
    right.plot(proxy, truth, "o-", color="C2")
    for x, y, label in zip(proxy, truth, n):
        right.annotate(f"n={label}", (x, y), textcoords="offset points", xytext=(4, 4), fontsize=8)
    right.set(xlabel="proxy: reward-model score of the pick", ylabel="truth: true utility of the pick")
    right.margins(0.15)
    for ax in (left, right):
        ax.grid(alpha=0.3)
    fig.suptitle("best of n from v0: the reward model's pick, mean over fresh requests", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110, metadata=PNG_METADATA)
    plt.close(fig)
    return Path(path)
