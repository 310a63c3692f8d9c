"""sweep.png: a heatmap of the mean gain over seeds for two swept axes, in true utility and in stars;
byte-identical when rebuilt (no metadata that changes between builds)."""
from __future__ import annotations

import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from hcbench.metrics.sweep_metrics import SweepMetrics  # noqa: E402
from hcbench.report.compare_plot import PNG_METADATA  # noqa: E402

PANELS = (("utility_gain", "true utility", 3), ("stars_gain", "stars", 2))


def plot_sweep_heatmap(metrics: SweepMetrics, path: Path) -> Path:
    """Rows: the first axis's values, columns: the second's; each cell the mean over its seeds (blank: no job)."""
    first, second = metrics.axes
    rows, columns = _values(metrics, first), _values(metrics, second)
    fig, axes = plt.subplots(1, 2, figsize=(4.2 + 1.6 * len(columns), 1.2 + 0.8 * len(rows)), squeeze=False)
    for ax, (key, name, digits) in zip(axes[0], PANELS):
        grid = _grid(metrics, key, first, second, rows, columns)
        limit = np.nanmax(np.abs(grid)) if np.isfinite(grid).any() else 1.0
        image = ax.imshow(grid, cmap="RdBu", vmin=-limit or -1.0, vmax=limit or 1.0, aspect="auto")
        for (i, j), value in np.ndenumerate(grid):
            if np.isfinite(value):
                ax.text(j, i, f"{value:+.{digits}f}", ha="center", va="center", fontsize=9,
                        color="white" if abs(value) > 0.6 * limit else "black")  # legible on dark cells
        ax.set(xticks=range(len(columns)), xticklabels=columns, yticks=range(len(rows)), yticklabels=rows,
               xlabel=second, ylabel=first, title=f"gain in {name}, last version vs v0")
        fig.colorbar(image, ax=ax, shrink=0.8)
    seeds = len({r["seed"] for r in metrics.rows})
    fig.suptitle(f"mean over {seeds} seed(s)", fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=110, metadata=PNG_METADATA)
    plt.close(fig)
    return Path(path)


def _values(metrics: SweepMetrics, axis: str) -> list[str]:
    """The axis's values in the rows' order (numbers rising), as text."""
    return list(dict.fromkeys(_text(r["setting"][axis]) for r in metrics.rows))


def _grid(metrics: SweepMetrics, key: str, first: str, second: str, rows: list[str], columns: list[str]):
    grid = np.full((len(rows), len(columns)), np.nan)
    for s in metrics.settings:
        grid[rows.index(_text(s["setting"][first])), columns.index(_text(s["setting"][second]))] = s[key]["mean"]
    return grid


def _text(value) -> str:
    return json.dumps(value) if isinstance(value, (list, dict)) else str(value)
