"""Corpus songs in a run: the input songs raters bring, and the base training set references come from."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from hcbench.audio import MelConfig
from hcbench.corpus import Corpus
from hcbench.errors import ConfigError
from hcbench.store import RunStore, queries, records, write_song_files


@dataclass
class CorpusSongs:
    """Clips of one corpus split with their labels; registered in the store when first used."""

    split: str
    images: np.ndarray  # (n, y_res, x_res) uint8
    labels: list[dict]

    def source(self, index: int) -> str:
        return f"corpus:{self.split}:{index}"

    def label(self, index: int) -> str:
        info = self.labels[index]
        return f"{info.get('collection', '?')}/{info.get('title', info.get('piece_index'))}"


def input_pool(corpus: Corpus, mel: MelConfig, split: str, size: int, seed: int) -> tuple[CorpusSongs, np.ndarray]:
    """``size`` input songs from distinct pieces (a middle clip of each), chosen by ``seed``."""
    images, labels = corpus.spectrograms(mel, split)
    pieces = np.array([label["piece_index"] for label in labels])
    unique = np.unique(pieces)
    if len(unique) < size:
        raise ConfigError(f"loop.requests.pool_size={size} but the corpus {split} split has only {len(unique)} "
                          "pieces; lower pool_size or use a larger corpus")
    chosen = np.sort(np.random.default_rng([seed, 20]).choice(unique, size, replace=False))
    clips = [np.flatnonzero(pieces == piece) for piece in chosen]
    return CorpusSongs(split, images, labels), np.array([c[len(c) // 2] for c in clips])


def register_corpus_song(store: RunStore, songs: CorpusSongs, index: int, mel: MelConfig) -> int:
    """The store's id of corpus clip ``index``, writing its files the first time."""
    source = songs.source(int(index))
    found = queries.corpus_song_id(store, source)
    if found is not None:
        return found
    song_id = queries.next_song_id(store)
    files = write_song_files(store.run_dir / "songs", song_id, songs.images[index], mel)
    with store.transaction() as db:
        records.corpus_song(db, song_id, files, songs.label(int(index)), source)
    return song_id


def audio_path(store: RunStore, song_id: int) -> Path:
    return store.run_dir / queries.song_audio_path(store, song_id)
