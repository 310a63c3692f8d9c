"""Corpus clips as the raters hear them: spectrogram -> Griffin-Lim audio -> CLAP input features.

Training on the channel's audio (the same inversion that generated and rated songs go
through) keeps the audio tower in the domain it will embed: the log-mel of that audio is
far from the spectrogram it came from (per-clip correlation 0.6-0.85 on five clips), so
the images themselves would be the wrong input. The descriptor embedder's 31 numbers of the
same audio come along for the card's linear-probe baseline. Griffin-Lim costs ~0.23 s of CPU
per clip, so the work is cut into chunks, cached one file per chunk in ``cache_dir`` (a
killed run keeps its finished chunks) and spread over ``workers`` single-threaded processes.
"""
from __future__ import annotations

from functools import partial
from pathlib import Path

import numpy as np

from hcbench.atomic import save_npz_atomic
from hcbench.audio import MelConfig, image_to_audio
from hcbench.parallel import ordered_map, process_pool
from hcbench.threads import single_thread
from simulators.embedders import GRIFFIN_LIM_SEED
from simulators.embedders.clap import clap_features, prepare_signal
from simulators.embedders.descriptor import DescriptorEmbedder
from simulators.prebuilt import images_digest

CHUNK = 64  # clips per cached file


def heard_clips(images: np.ndarray, mel: MelConfig, extractor, cache_dir: Path | None = None,
                workers: int = 1) -> dict[str, np.ndarray]:
    """{"features": (n, 1, frames, mel_bins) float32 CLAP inputs, "descriptors": (n, 31)} of uint8 images."""
    chunks = [images[start:start + CHUNK] for start in range(0, len(images), CHUNK)]
    if cache_dir is not None:
        Path(cache_dir).mkdir(parents=True, exist_ok=True)
    hear = partial(_hear_chunk, mel=mel, extractor=extractor, cache_dir=cache_dir)
    with process_pool(min(workers, len(chunks))) as pool:
        parts = list(ordered_map(hear, chunks, pool))
    return {key: np.concatenate([part[key] for part in parts]) for key in ("features", "descriptors")}


def training_clips(corpus, mel, split: str, stride: int):
    """(images, labels) of a split, keeping every ``stride``-th clip of each piece (Griffin-Lim is the cost)."""
    images, labels = corpus.spectrograms(mel, split=split)
    keep = [i for i, label in enumerate(labels) if label["clip_index"] % stride == 0]
    return images[keep], [labels[i] for i in keep]


def _hear_chunk(images: np.ndarray, mel: MelConfig, extractor, cache_dir: Path | None) -> dict[str, np.ndarray]:
    path = None if cache_dir is None else Path(cache_dir) / f"heard-{images_digest(images)[:16]}.npz"
    if path is not None and path.is_file():
        with np.load(path) as data:
            return {"features": data["features"], "descriptors": data["descriptors"]}
    with single_thread():
        audio = [image_to_audio(image, mel, seed=GRIFFIN_LIM_SEED) for image in images]
    signals = [prepare_signal(a, mel.sample_rate, extractor) for a in audio]
    views = {"features": clap_features(extractor, signals)["input_features"].numpy().astype(np.float32),
             "descriptors": DescriptorEmbedder()(audio, mel.sample_rate)}  # the offline raters' ear, default settings
    if path is not None:
        save_npz_atomic(path, **views)
    return views
