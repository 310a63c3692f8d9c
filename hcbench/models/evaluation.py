"""Evidence that a base model learned: Frechet distances on a fixed descriptor embedding."""
from __future__ import annotations

import numpy as np

from hcbench.metrics.descriptors import describe_spectrograms
from hcbench.metrics.frechet import frechet_distance
from hcbench.models.generator import Generator


def frechet_evidence(
    trained: Generator, untrained: Generator, train_images: np.ndarray, heldout_images: np.ndarray, n: int, seed: int
) -> tuple[dict[str, float], dict[str, np.ndarray]]:
    """Frechet distance to held-out clips of: the model, the same net untrained, and corpus clips.

    The corpus row (n training clips vs held-out) is the floor a perfect model reaches
    at this sample size; the untrained row is the ceiling. Also returns the images.
    """
    reference = describe_spectrograms(heldout_images)
    pick = np.random.default_rng(seed).choice(len(train_images), size=min(n, len(train_images)), replace=False)
    images = {
        "corpus": train_images[pick],
        "trained": trained.sample(n, seed=seed),
        "untrained": untrained.sample(n, seed=seed),
    }
    distances = {name: frechet_distance(describe_spectrograms(batch), reference) for name, batch in images.items()}
    return distances, images
