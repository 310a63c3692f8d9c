"""The space raters hear music in: an embedder, standardised on corpus clips, plus the corpus as reference.

Every song reaches a rater through the generator's spectrogram channel: audio is cut
into clips, turned into the model's mel images and inverted back (Griffin-Lim), exactly
as generated songs are. The corpus reference goes through the same channel, so "on the
music manifold" means "like the corpus, as this model's spectrograms can carry it",
and a perfect generator is not punished for the vocoder.
"""
from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np

from hcbench.audio import AudioError, MelConfig, audio_to_image, slice_audio
from hcbench.corpus import Corpus
from hcbench.corpus.dataset import SPLITS, mel_key
from hcbench.errors import ConfigError
from simulators.embedders import Embedder, embed_spectrograms
from simulators.taste import unit_rows

log = logging.getLogger(__name__)
MAX_CLIPS_PER_SONG = 16  # a long song is heard as this many evenly spaced clips at most


@dataclass(frozen=True)
class Songs:
    """Songs as raters receive them: embedded once, rated many times."""

    embeddings: np.ndarray  # (n, dim) float in the space's standardised coordinates
    seconds: np.ndarray  # (n,) playing time of each song: the most a rater can listen

    def __post_init__(self):
        emb, sec = np.atleast_2d(np.asarray(self.embeddings, np.float64)), np.asarray(self.seconds, np.float64)
        sec = np.broadcast_to(sec, (emb.shape[0],)) if sec.ndim == 0 else sec
        if sec.shape != (emb.shape[0],) or not np.all(sec > 0):
            raise ValueError(f"Songs needs one positive duration per embedding, got {sec.shape} "
                             f"for {emb.shape[0]} songs")
        object.__setattr__(self, "embeddings", emb)
        object.__setattr__(self, "seconds", sec)

    def __len__(self) -> int:
        return self.embeddings.shape[0]


@dataclass(frozen=True)
class SpaceConfig:
    """Which corpus clips define the music manifold."""

    reference_clips: int = 1000  # corpus clips embedded as the reference (seeded subsample; ~2.5 min once, then cached)
    split: str = "all"  # corpus split the reference comes from: all, train or heldout
    seed: int = 0  # picks the subsample

    def __post_init__(self):
        if self.reference_clips < 2:
            raise ConfigError(f"space.reference_clips must be at least 2, got {self.reference_clips}")
        if self.split not in SPLITS:
            raise ConfigError(f"space.split must be one of {list(SPLITS)}, got {self.split!r}")


@dataclass
class EmbeddingSpace:
    """Standardised embeddings (one unit = one corpus standard deviation) and the corpus reference in them."""

    mean: np.ndarray  # (dim,) raw-feature mean over the reference clips
    std: np.ndarray  # (dim,) raw-feature standard deviation over the reference clips
    reference: np.ndarray  # (n_ref, dim) standardised reference embeddings: the music manifold
    labels: list[dict] = field(default_factory=list)  # one corpus label dict per reference clip (collection, family...)
    embedder: Embedder | None = None  # turns audio into raw features; None for spaces built from vectors
    mel: MelConfig | None = None  # the spectrogram channel songs are heard through

    @property
    def dim(self) -> int:
        return self.reference.shape[1]

    def standardise(self, raw: np.ndarray) -> np.ndarray:
        return (np.asarray(raw, np.float64) - self.mean) / self.std

    def songs_from_spectrograms(self, images: np.ndarray) -> Songs:
        """Generated uint8 mel images (n, y_res, x_res) -> Songs of one clip each."""
        embedder, mel = self._channel()
        raw = embed_spectrograms(embedder, np.asarray(images, np.uint8), mel)
        return Songs(self.standardise(raw), np.full(len(raw), mel.slice_seconds))

    def songs_from_audio(self, signals: list[np.ndarray], sample_rate: int, sources: list[str] | None = None) -> Songs:
        """Mono signals of any length -> Songs: each heard as its clips through the channel, embeddings averaged."""
        sources = sources or [f"<song {i}>" for i in range(len(signals))]
        vectors = [self._embed_song(np.asarray(s, np.float32), sample_rate, src) for s, src in zip(signals, sources)]
        seconds = [len(s) / sample_rate for s in signals]
        return Songs(np.stack(vectors) if vectors else np.zeros((0, self.dim)), np.asarray(seconds))

    def text_tastes(self, prompts: list[str]) -> np.ndarray:
        """Unit taste directions from text (CLAP): a linear score t.x in raw space is (std * t).z here."""
        embed_text = getattr(self.embedder, "embed_text", None)
        if embed_text is None:
            raise ConfigError(f"taste.source=prompts needs an embedder with a text encoder (embedder=clap), "
                              f"not {type(self.embedder).__name__}")
        return unit_rows(embed_text(list(prompts)) * self.std)

    def _embed_song(self, audio: np.ndarray, sample_rate: int, source: str) -> np.ndarray:
        embedder, mel = self._channel()
        if sample_rate != mel.sample_rate:
            import librosa

            audio = librosa.resample(audio, orig_sr=sample_rate, target_sr=mel.sample_rate, res_type="soxr_hq")
        clips = slice_audio(audio, mel.slice_length, source=source)
        clips = clips[np.unique(np.linspace(0, len(clips) - 1, MAX_CLIPS_PER_SONG).round().astype(int))]
        images = np.stack([audio_to_image(clip, mel) for clip in clips])
        return self.standardise(embed_spectrograms(embedder, images, mel)).mean(axis=0)

    def _channel(self) -> tuple[Embedder, MelConfig]:
        if self.embedder is None or self.mel is None:
            raise ConfigError("this EmbeddingSpace was built from vectors; use fit_space(embedder, corpus, mel) "
                              "to embed audio")
        return self.embedder, self.mel


def fit_space(embedder: Embedder, corpus: Corpus, mel: MelConfig, cfg: SpaceConfig = SpaceConfig(),
              progress: bool = True) -> EmbeddingSpace:
    """Embed (or reload) the corpus reference clips through ``mel``'s channel and standardise on them.

    The first call per (corpus, mel, embedder) embeds ``cfg.reference_clips`` clips (a progress bar
    shows it) and caches them beside the corpus; later calls load them in milliseconds.
    """
    images, labels = corpus.spectrograms(mel, cfg.split)
    if len(images) < 2:
        raise AudioError(corpus.root, f"gives {len(images)} clip(s) in split {cfg.split!r}; the reference needs 2+",
                         "build a larger corpus")
    pick = np.sort(np.random.default_rng(cfg.seed).permutation(len(images))[: cfg.reference_clips])
    cache = corpus.root / f"reference-{embedder.cache_key}-{mel_key(mel)}-{cfg.split}-{len(pick)}-{cfg.seed}.npz"
    raw = _load_or_embed(cache, lambda: _embed_in_chunks(embedder, images[pick], mel, progress))
    mean, std = raw.mean(axis=0), raw.std(axis=0)
    std = np.where(std > 1e-9, std, 1.0)  # a constant feature carries no information; leave it at zero
    return EmbeddingSpace(mean, std, (raw - mean) / std, [labels[i] for i in pick], embedder, mel)


def _embed_in_chunks(embedder: Embedder, images: np.ndarray, mel: MelConfig, progress: bool,
                     chunk: int = 32) -> np.ndarray:
    from rich.progress import Progress

    parts = []
    with Progress(transient=True, disable=not progress) as bar:
        task = bar.add_task(f"embedding {len(images)} corpus clips (once; cached)", total=len(images))
        for start in range(0, len(images), chunk):
            parts.append(embed_spectrograms(embedder, images[start:start + chunk], mel))
            bar.advance(task, len(parts[-1]))
    return np.concatenate(parts)


def _load_or_embed(cache: Path, compute: Callable[[], np.ndarray]) -> np.ndarray:
    """Corpus embeddings are minutes of work: keep them beside the corpus, written atomically."""
    if cache.is_file():
        with np.load(cache) as data:
            return data["raw"]
    log.info("embedding the corpus reference into %s", cache.name)
    raw = np.asarray(compute(), np.float64)
    tmp = cache.with_name(f".{cache.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as f:
        np.savez(f, raw=raw)
    os.replace(tmp, cache)
    return raw
