"""The VQ-VAE's training curves: reconstruction, the two contrastive terms, and codebook perplexity."""
from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

PANELS = (("reconstruction", "reconstruction MSE"), ("supcon_usage", "SupCon on usage"),
          ("supcon_head", "SupCon on head"), ("perplexity", "batch codebook perplexity"))


def plot_training_curves(history: dict[str, list[float]], path: Path, panels=PANELS, smooth: int = 50) -> Path:
    """One panel per (key, title) curve: the raw per-step value, faint, and a moving average on top."""
    panels = [(key, title) for key, title in panels if history.get(key)]
    fig, axes = plt.subplots(1, max(len(panels), 1), figsize=(3.2 * max(len(panels), 1), 3.0), squeeze=False)
    for ax, (key, title) in zip(axes[0], panels):
        values = np.asarray(history[key])
        steps = np.arange(1, len(values) + 1)
        ax.plot(steps, values, color="0.75", linewidth=0.6)
        if len(values) >= smooth:
            ax.plot(steps[smooth - 1:], np.convolve(values, np.ones(smooth) / smooth, mode="valid"))
        ax.set(xlabel="step", title=title)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return Path(path)
