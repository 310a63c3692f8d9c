"""Drift from v0: the gap between two models' noise predictions on the same noisy inputs."""
from __future__ import annotations

import copy

import numpy as np
import torch

from hcbench.metrics.drift import noise_prediction_drift


def _images(generator, n=3):
    return np.random.default_rng(0).integers(0, 256, (n, generator.mel.y_res, generator.mel.x_res), dtype=np.uint8)


def test_a_model_has_no_drift_from_itself_and_a_changed_one_has(tiny_generator):
    images = _images(tiny_generator)
    assert noise_prediction_drift(copy.deepcopy(tiny_generator), tiny_generator, images, 0.5) == 0.0
    moved = copy.deepcopy(tiny_generator)
    with torch.no_grad():
        for p in moved.unet.parameters():
            p.add_(0.01 * torch.randn_like(p))
    drift = noise_prediction_drift(moved, tiny_generator, images, 0.5)
    assert drift > 0 and drift == noise_prediction_drift(moved, tiny_generator, images, 0.5)  # same noise each time
