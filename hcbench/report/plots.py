"""Figures people look at: loss curves and spectrogram grids."""
from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def plot_loss_curve(losses: list[float], path: Path, smooth: int = 50) -> Path:
    """Raw per-step loss, faint, with a moving average on top (log scale where every loss is positive: a
    policy-gradient loss, DDPO's, can be negative)."""
    fig, ax = plt.subplots(figsize=(6, 3.5))
    steps = np.arange(1, len(losses) + 1)
    ax.plot(steps, losses, color="0.75", linewidth=0.6, label="per step")
    if len(losses) >= smooth:
        kernel = np.ones(smooth) / smooth
        ax.plot(steps[smooth - 1 :], np.convolve(losses, kernel, mode="valid"), label=f"mean of {smooth}")
    positive = len(losses) > 0 and min(losses) > 0
    ax.set(xlabel="step", ylabel="training loss", yscale="log" if positive else "linear", title="training loss")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return Path(path)


def plot_spectrogram_grid(rows: dict[str, np.ndarray], path: Path, columns: int = 8) -> Path:
    """One labelled row per entry, each a set of uint8 spectrograms (low frequencies at the bottom)."""
    fig, axes = plt.subplots(len(rows), columns, figsize=(columns * 1.2, len(rows) * 1.35), squeeze=False)
    for row, (label, images) in zip(axes, rows.items()):
        for col, ax in enumerate(row):
            ax.set_xticks([])
            ax.set_yticks([])
            if col < len(images):
                ax.imshow(images[col], origin="lower", cmap="magma", vmin=0, vmax=255, aspect="auto")
            else:  # a shorter row (two inputs, four outputs): leave the cell blank
                ax.set_frame_on(False)
        row[0].set_ylabel(label, fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return Path(path)


def plot_versions(metrics, path: Path) -> Path:
    """Observed stars (raw and QC-weighted) and true utility per version, one line per iteration, with 95% CIs;
    below, when the evaluation compared versions, each step's change with its interval."""
    clusters = _evaluation_clusters(metrics)
    rows = 1 + bool(metrics.steps) + bool(clusters)
    fig, grid = plt.subplots(rows, 2, figsize=(9, 3.6 * rows), squeeze=False)
    axes = grid[0]
    for iteration in sorted({c["iteration"] for c in metrics.cells}):
        cells = sorted((c for c in metrics.cells if c["iteration"] == iteration), key=lambda c: c["version"])
        x = np.array([c["version"] for c in cells]) + 0.04 * iteration
        color = f"C{iteration % 10}"
        for ax, key in zip(axes, ("stars", "utility")):
            _errorbar(ax, x, [c[key] for c in cells], f"iteration {iteration}", color)
        _errorbar(axes[0], x + 0.02, [c["stars_qc"] for c in cells], None, color, style=":o", alpha=0.5)
    for ax, label in zip(axes, ("mean observed stars (dotted: QC-weighted)", "mean true utility")):
        ax.set(xlabel="version", ylabel=label, xticks=metrics.versions)
        ax.grid(alpha=0.3)
    axes[1].legend(fontsize=8)
    if metrics.steps:
        _plot_steps(grid[1], metrics.steps)
    if clusters:
        _plot_clusters(grid[-1], clusters)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return Path(path)


def _evaluation_clusters(metrics) -> dict[str, list[tuple[int, dict]]]:
    """Taste cluster -> (version, utility) over the evaluation's versions (the last scored iteration)."""
    if not metrics.cells:
        return {}
    last = max(c["iteration"] for c in metrics.cells)
    cells = sorted((c for c in metrics.cells if c["iteration"] == last), key=lambda c: c["version"])
    clusters: dict[str, list[tuple[int, dict]]] = {}
    for cell in cells:
        for cluster, stat in cell.get("utility_by_cluster", {}).items():
            clusters.setdefault(cluster, []).append((cell["version"], stat))
    return clusters


def _plot_clusters(axes, clusters: dict[str, list[tuple[int, dict]]]) -> None:
    """True utility per taste cluster and version: whom a new version serves, the majority or everyone."""
    for i, (cluster, points) in enumerate(sorted(clusters.items(), key=lambda kv: int(kv[0]))):
        x = np.array([v for v, _ in points]) + 0.03 * i
        _errorbar(axes[0], x, [stat for _, stat in points], f"cluster {cluster}", f"C{i % 10}")
    axes[0].set(xlabel="version", ylabel="mean true utility", title="evaluation, per taste cluster",
                xticks=sorted({v for points in clusters.values() for v, _ in points}))
    axes[0].grid(alpha=0.3)
    axes[0].legend(fontsize=8)
    axes[1].set_axis_off()


def _plot_steps(axes, steps: list[dict]) -> None:
    """Change per step, paired over requests where the evaluation was: a rise clears the zero line."""
    names = [f"v{s['before']}->v{s['after']}" for s in steps]
    kind = "paired" if all(s["paired"] for s in steps) else "independent"
    for ax, key, label in zip(axes, ("stars", "utility"), ("change in stars", "change in true utility")):
        _errorbar(ax, np.arange(len(steps)), [s[key] for s in steps], None, "C3", style="o")
        ax.axhline(0.0, color="0.3", linewidth=0.8)
        ax.set(xticks=np.arange(len(steps)), xticklabels=names, ylabel=label,
               title=f"evaluation, {kind} 95% intervals", xlim=(-0.5, len(steps) - 0.5))
        ax.grid(alpha=0.3)


def _errorbar(ax, x, stats: list[dict], label, color: str, style: str = "-o", alpha: float = 1.0) -> None:
    mean = np.array([s["mean"] for s in stats])
    err = np.array([[s["mean"] - s["low"], s["high"] - s["mean"]] for s in stats]).T
    ax.errorbar(x, mean, yerr=err, fmt=style, capsize=3, label=label, alpha=alpha, color=color)
