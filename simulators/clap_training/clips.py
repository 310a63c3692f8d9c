"""Corpus clips as the raters hear them: spectrogram -> Griffin-Lim audio -> CLAP input features.

Training on the channel's audio (the same inversion that generated and rated songs go
through) keeps the audio tower in the domain it will embed. The descriptor embedder's
31 numbers of the same audio come along for the card's linear-probe baseline. Both are
minutes of work, so they are cached in the training folder, keyed by the images' digest.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from hcbench.atomic import save_npz_atomic
from hcbench.audio import MelConfig, image_to_audio
from hcbench.threads import single_thread
from simulators.embedders import GRIFFIN_LIM_SEED
from simulators.embedders.clap import clap_features, prepare_signal
from simulators.embedders.descriptor import DescriptorEmbedder
from simulators.prebuilt import images_digest


def heard_clips(images: np.ndarray, mel: MelConfig, extractor, cache: Path | None = None) -> dict[str, np.ndarray]:
    """{"features": (n, 1, frames, mel_bins) float32 CLAP inputs, "descriptors": (n, 31)} of uint8 images."""
    digest = images_digest(images)
    if cache is not None and cache.is_file():
        with np.load(cache) as data:
            if str(data["images_sha1"]) == digest:
                return {"features": data["features"], "descriptors": data["descriptors"]}
    views = _hear(images, mel, extractor)
    if cache is not None:
        save_npz_atomic(cache, images_sha1=digest, **views)
    return views


def _hear(images: np.ndarray, mel: MelConfig, extractor, chunk: int = 64) -> dict[str, np.ndarray]:
    describe = DescriptorEmbedder()  # conf/embedder/descriptor.yaml's settings: the baseline raters use
    features, descriptors = [], []
    for start in range(0, len(images), chunk):
        with single_thread():
            audio = [image_to_audio(image, mel, seed=GRIFFIN_LIM_SEED) for image in images[start:start + chunk]]
        signals = [prepare_signal(a, mel.sample_rate, extractor) for a in audio]
        features.append(clap_features(extractor, signals)["input_features"].numpy().astype(np.float32))
        descriptors.append(describe(audio, mel.sample_rate))
    return {"features": np.concatenate(features), "descriptors": np.concatenate(descriptors)}
