"""compare.png: true utility per method and seed with 95% intervals, and each method's paired change
against the reference; byte-identical when rebuilt (no metadata that changes between builds)."""
from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from hcbench.metrics.compare_metrics import CompareMetrics  # noqa: E402

PNG_METADATA = {"Software": None}  # matplotlib's version string would tie the bytes to the install


def plot_compare(metrics: CompareMetrics, path: Path) -> Path:
    methods = list(dict.fromkeys(r["method"] for r in metrics.rows))
    seeds = sorted({r["seed"] for r in metrics.rows})
    fig, axes = plt.subplots(1, 2, figsize=(max(7.0, 1.6 * len(methods) + 4), 3.8))
    panels = (("utility", "mean true utility"), ("utility_vs_reference", f"paired change vs {metrics.reference}"))
    for ax, (key, label) in zip(axes, panels):
        for k, seed in enumerate(seeds):
            rows = {r["method"]: r[key] for r in metrics.rows if r["seed"] == seed}
            x = [i + 0.12 * (k - (len(seeds) - 1) / 2) for i, m in enumerate(methods) if m in rows]
            _errorbar(ax, x, [rows[m] for m in methods if m in rows], f"seed {seed}", f"C{k % 10}")
        ax.set_xticks(range(len(methods)))
        ax.set_xticklabels([m + (" *" if m == "oracle" else "") for m in methods], rotation=20, ha="right")
        ax.set(ylabel=label)
        ax.grid(alpha=0.3)
    axes[1].axhline(0.0, color="0.3", linewidth=0.8)
    axes[0].legend(fontsize=8)
    fig.suptitle("shared evaluation: same requests and noise for every method (95% intervals)", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110, metadata=PNG_METADATA)
    plt.close(fig)
    return Path(path)


def _errorbar(ax, x, stats: list[dict], label: str, color: str) -> None:
    mean = np.array([s["mean"] for s in stats])
    err = np.array([[s["mean"] - s["low"], s["high"] - s["mean"]] for s in stats]).T
    ax.errorbar(x, mean, yerr=np.nan_to_num(err), fmt="o", capsize=3, label=label, color=color)
