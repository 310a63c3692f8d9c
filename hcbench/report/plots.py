"""Figures people look at: loss curves and spectrogram grids."""
from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def plot_loss_curve(losses: list[float], path: Path, smooth: int = 50) -> Path:
    """Raw per-step loss, faint, with a moving average on top."""
    fig, ax = plt.subplots(figsize=(6, 3.5))
    steps = np.arange(1, len(losses) + 1)
    ax.plot(steps, losses, color="0.75", linewidth=0.6, label="per step")
    if len(losses) >= smooth:
        kernel = np.ones(smooth) / smooth
        ax.plot(steps[smooth - 1 :], np.convolve(losses, kernel, mode="valid"), label=f"mean of {smooth}")
    ax.set(xlabel="step", ylabel="denoising MSE", yscale="log", title="pretraining loss")
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
