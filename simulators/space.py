"""The space raters hear music in: an embedder, standardised on corpus clips, plus the corpus as reference.

Every song reaches a rater through the generator's spectrogram channel: audio is cut
into clips, turned into the model's mel images and inverted back (Griffin-Lim), exactly
as generated songs are. The corpus reference goes through the same channel, so "on the
music manifold" means "like the corpus, as this model's spectrograms can carry it",
and a perfect generator is not punished for the vocoder.
"""
from __future__ import annotations

import functools
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np

from hcbench.atomic import save_npz_atomic
from hcbench.compute_once import compute_once
from hcbench.audio import AudioError, MelConfig, audio_to_image, slice_audio
from hcbench.corpus import Corpus
from hcbench.corpus.dataset import SPLITS, mel_key
from hcbench.errors import ConfigError
from hcbench.parallel import ordered_map, process_pool, worth_starting
from simulators.embedders import Embedder, embed_spectrograms
from simulators.prebuilt import shipped_reference
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

    reference_clips: int = 1000  # corpus clips embedded as the reference (seeded subsample; once, then cached)
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
            raise ConfigError(f"taste.source=prompts needs an embedder with a text encoder (embedder=clap_corpus, "
                              f"or embedder=clap with a LAION checkpoint), not {type(self.embedder).__name__}")
        return unit_rows(embed_text(list(prompts)) * self.std)

    def _embed_song(self, audio: np.ndarray, sample_rate: int, source: str) -> np.ndarray:
        embedder, mel = self._channel()
        if sample_rate != mel.sample_rate:
            from hcbench.audio.librosa_kernels import librosa

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
    shows it; ``corpus.workers`` processes), unless the package ships exactly these numbers
    (:mod:`simulators.prebuilt`), and caches them beside the corpus; later calls load them in milliseconds.
    """
    cache, images, labels = reference_clips(embedder, corpus, mel, cfg)
    raw = _load_or_embed(cache, lambda: _shipped_or_embedded(cache.name, embedder, images, mel, progress,
                                                             corpus.workers))
    mean, std = raw.mean(axis=0), raw.std(axis=0)
    std = np.where(std > 1e-9, std, 1.0)  # a constant feature carries no information; leave it at zero
    return EmbeddingSpace(mean, std, (raw - mean) / std, labels, embedder, mel)


def reference_clips(embedder: Embedder, corpus: Corpus, mel: MelConfig,
                    cfg: SpaceConfig) -> tuple[Path, np.ndarray, list[dict]]:
    """(cache file, images, labels) of the reference: a seeded subsample of the split's clips, in corpus order."""
    images, labels = corpus.spectrograms(mel, cfg.split)
    if len(images) < 2:
        raise AudioError(corpus.root, f"gives {len(images)} clip(s) in split {cfg.split!r}; the reference needs 2+",
                         "build a larger corpus")
    pick = np.sort(np.random.default_rng(cfg.seed).permutation(len(images))[: cfg.reference_clips])
    cache = corpus.root / f"reference-{embedder.cache_key}-{mel_key(mel)}-{cfg.split}-{len(pick)}-{cfg.seed}.npz"
    return cache, images[pick], [labels[i] for i in pick]


def _shipped_or_embedded(name: str, embedder: Embedder, images: np.ndarray, mel: MelConfig, progress: bool,
                         workers: int) -> np.ndarray:
    shipped = shipped_reference(name, images, embedder, mel)
    return shipped if shipped is not None else _embed_in_chunks(embedder, images, mel, progress, workers)


def _embed_in_chunks(embedder: Embedder, images: np.ndarray, mel: MelConfig, progress: bool, workers: int = 1,
                     chunk: int = 8) -> np.ndarray:
    """Embed in small chunks (results do not depend on the chunking), across processes when the embedder allows."""
    from rich.progress import Progress

    chunks = [images[start:start + chunk] for start in range(0, len(images), chunk)]
    workers = worth_starting(workers, len(chunks), "embedding") if getattr(embedder, "spawn_safe", False) else 1
    parts = []
    with process_pool(workers, _init_embed_worker, (embedder, mel)) as pool, \
            Progress(transient=True, disable=not progress) as bar:
        task = bar.add_task(f"embedding {len(images)} corpus clips (once; cached)", total=len(images))
        embed = _embed_in_worker if pool else functools.partial(embed_spectrograms, embedder, mel=mel)
        for part in ordered_map(embed, chunks, pool):
            parts.append(part)
            bar.advance(task, len(part))
    return np.concatenate(parts)


_EMBED_WORKER: dict = {}


def _init_embed_worker(embedder: Embedder, mel: MelConfig) -> None:
    _EMBED_WORKER.update(embedder=embedder, mel=mel)


def _embed_in_worker(images: np.ndarray) -> np.ndarray:
    return embed_spectrograms(_EMBED_WORKER["embedder"], images, _EMBED_WORKER["mel"])


def _load_or_embed(cache: Path, compute: Callable[[], np.ndarray]) -> np.ndarray:
    """Corpus embeddings are minutes of work: keep them beside the corpus, written atomically, made once."""
    def embed() -> None:
        log.info("embedding the corpus reference into %s", cache.name)
        save_npz_atomic(cache, raw=np.asarray(compute(), np.float64))

    compute_once(cache, cache.is_file, embed)
    with np.load(cache) as data:
        return data["raw"]
