"""A built corpus on disk: pieces, their labels, and model-ready spectrogram clips."""
from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import asdict
from pathlib import Path
from typing import Iterator

import numpy as np

from hcbench.atomic import save_npz_atomic
from hcbench.compute_once import compute_once
from hcbench.errors import MissingFileError
from hcbench.audio import AudioError, MelConfig, audio_to_image, load_audio, slice_audio
from hcbench.audio.slicing import loud_slices
from hcbench.parallel import ordered_map, process_pool, worth_starting
from hcbench.threads import single_thread

log = logging.getLogger(__name__)

SPLITS = ("train", "heldout", "all")
SPECTROGRAM_FORMAT = 1  # bump when clip extraction changes, so old caches are not reused


class Corpus:
    """Read access to a corpus folder written by :func:`hcbench.corpus.build_corpus`.

    ``seed`` and ``heldout_fraction`` choose the split; they are not part of the
    content, so one corpus on disk serves any split setting.
    """

    def __init__(self, root: str | Path, seed: int = 0, heldout_fraction: float = 0.1, workers: int = 1):
        self.root = Path(root)
        manifest_path = self.root / "manifest.json"
        if not manifest_path.is_file():
            raise MissingFileError(f"{self.root}: no manifest.json, so this is not a built corpus (build it first)")
        self.manifest: dict = json.loads(manifest_path.read_text())
        self.pieces: list[dict] = self.manifest["pieces"]
        self.sample_rate: int = int(self.manifest["sample_rate"])
        self.seed, self.heldout_fraction = seed, heldout_fraction
        self.workers = workers  # processes that compute spectrogram caches (and reference embeddings) the first time
        self.heldout: frozenset[int] = heldout_pieces(self.pieces, seed, heldout_fraction)

    def __len__(self) -> int:
        return len(self.pieces)

    def __repr__(self) -> str:
        return f"Corpus({self.root}, {len(self)} pieces, {self.seconds:.0f} s at {self.sample_rate} Hz)"

    @property
    def seconds(self) -> float:
        return float(sum(p["seconds"] for p in self.pieces))

    def load_piece(self, i: int) -> np.ndarray:
        return load_audio(self.root / self.pieces[i]["file"], self.sample_rate)

    def piece_indices(self, split: str = "train") -> list[int]:
        """The pieces in ``split``: the split is by piece, so no piece is on both sides."""
        if split not in SPLITS:
            raise ValueError(f"split must be one of {list(SPLITS)}, got {split!r}")
        keep = {"all": lambda i: True, "train": lambda i: i not in self.heldout, "heldout": lambda i: i in self.heldout}
        return [i for i in range(len(self)) if keep[split](i)]

    def spectrograms(self, mel: MelConfig | None = None, split: str = "train") -> tuple[np.ndarray, list[dict]]:
        """uint8 images (N, y_res, x_res) of every clip in ``split``, and one label dict per clip.

        Clips are computed once per MelConfig and cached in the corpus folder.
        """
        mel = mel or MelConfig()
        cache = self.root / f"spectrograms-{mel_key(mel)}.npz"
        compute_once(cache, cache.is_file,  # atomic: never a truncated cache that looks valid
                     lambda: save_npz_atomic(cache, **self._compute_spectrograms(mel)))
        with np.load(cache) as data:
            images, piece_index, clip_index, start = (data[k] for k in ("images", "piece", "clip", "start"))
        keep = np.isin(piece_index, self.piece_indices(split))
        labels = [self._clip_labels(int(p), int(c), float(s)) for p, c, s in
                  zip(piece_index[keep], clip_index[keep], start[keep])]
        return images[keep], labels

    def clip_audio(self, mel: MelConfig | None = None, split: str = "train") -> tuple[np.ndarray, list[dict]]:
        """The audio (N, mel.slice_length) behind :meth:`spectrograms`, same order; computed, not cached."""
        mel = mel or MelConfig()
        clips, labels = [], []
        for i in self.piece_indices(split):
            for c, (start, clip) in enumerate(self._clips(i, mel)):
                clips.append(clip)
                labels.append(self._clip_labels(i, c, start / mel.sample_rate))
        return np.stack(clips) if clips else np.zeros((0, mel.slice_length), np.float32), labels

    def _clip_labels(self, piece: int, clip: int, start_seconds: float) -> dict:
        split = "heldout" if piece in self.heldout else "train"
        return {**self.pieces[piece], "piece_index": piece, "clip_index": clip, "start_seconds": start_seconds,
                "split": split}

    def _clips(self, i: int, mel: MelConfig) -> Iterator[tuple[int, np.ndarray]]:
        """(start sample, clip) of piece i at mel's rate: no overlap, quiet gaps dropped."""
        audio = self.load_piece(i)
        if mel.sample_rate != self.sample_rate:
            from hcbench.audio.librosa_kernels import librosa

            audio = librosa.resample(audio, orig_sr=self.sample_rate, target_sr=mel.sample_rate, res_type="soxr_hq")
        try:
            slices = slice_audio(audio, mel.slice_length, drop_quiet=False, source=self.pieces[i]["file"])
        except AudioError as error:  # shorter than one clip at this geometry
            log.info("no clips from %s", error)
            return
        loud = loud_slices(slices)  # drop_quiet's rule, kept here to know each clip's position
        for k in np.flatnonzero(loud):
            yield int(k) * mel.slice_length, slices[k]

    def _compute_spectrograms(self, mel: MelConfig) -> dict[str, np.ndarray]:
        from rich.progress import Progress

        images, piece, clip, start = [], [], [], []
        workers = worth_starting(self.workers, len(self), "spectrograms")
        with single_thread(), process_pool(workers, _init_spectrogram_worker, (self.root, mel)) as pool, \
                Progress(transient=True) as progress:
            per_piece = ordered_map(_spectrograms_in_worker, range(len(self)), pool, chunksize=4) if pool else \
                (self._piece_spectrograms(i, mel) for i in range(len(self)))
            for i, rows in enumerate(progress.track(per_piece, total=len(self),
                                                    description=f"spectrograms {mel.x_res}x{mel.y_res}")):
                for c, (s, image) in enumerate(rows):
                    images.append(image)
                    piece.append(i), clip.append(c), start.append(s / mel.sample_rate)
        if not images:
            raise AudioError(self.root, f"gives no clip of {mel.slice_seconds:.2f} s", "build longer pieces")
        return {"images": np.stack(images), "piece": np.array(piece, np.int32), "clip": np.array(clip, np.int32),
                "start": np.array(start, np.float32)}

    def _piece_spectrograms(self, i: int, mel: MelConfig) -> list[tuple[int, np.ndarray]]:
        """(start sample, uint8 image) of each clip of piece i; the same in any process (one BLAS thread)."""
        return [(s, audio_to_image(audio, mel)) for s, audio in self._clips(i, mel)]


_SPECTROGRAM_WORKER: dict = {}


def _init_spectrogram_worker(root: Path, mel: MelConfig) -> None:
    _SPECTROGRAM_WORKER.update(corpus=Corpus(root), mel=mel)


def _spectrograms_in_worker(i: int) -> list[tuple[int, np.ndarray]]:
    return _SPECTROGRAM_WORKER["corpus"]._piece_spectrograms(i, _SPECTROGRAM_WORKER["mel"])


def heldout_pieces(pieces: list[dict], seed: int, fraction: float) -> frozenset[int]:
    """Held-out piece indices: ``fraction`` of each collection, so every style is evaluated.

    >>> held = heldout_pieces([{"collection": "a"}] * 10 + [{"collection": "b"}] * 10, seed=0, fraction=0.2)
    >>> len(held), sum(i < 10 for i in held)
    (4, 2)
    """
    rng = np.random.default_rng([seed, 7])
    by_collection: dict[str, list[int]] = {}
    for i, piece in enumerate(pieces):
        by_collection.setdefault(str(piece.get("collection", "")), []).append(i)
    held: set[int] = set()
    for name in sorted(by_collection):
        members = by_collection[name]
        take = int(round(fraction * len(members)))
        held.update(int(i) for i in rng.permutation(members)[:take])
    if fraction > 0 and not held and len(pieces) >= 2:  # tiny corpora still get a held-out piece
        held.add(int(rng.integers(len(pieces))))
    if len(held) == len(pieces) and held:  # never leave training empty
        held.discard(min(held))
    return frozenset(held)


def mel_key(mel: MelConfig) -> str:
    """Short stable hash of a MelConfig, naming its spectrogram cache."""
    text = json.dumps({**asdict(mel), "format": SPECTROGRAM_FORMAT}, sort_keys=True)
    return hashlib.sha1(text.encode()).hexdigest()[:12]
