"""Generated songs' files (PNG, and WAV by Griffin-Lim) written off the critical path.

A batch's files are written by a worker thread while the next batch denoises; its rows
land in one transaction only once every file of the batch is on disk, so a crash leaves
at most unreferenced files, which the redone batch overwrites under the same song ids.
Song ids are taken when a batch is handed over, after the previous batch's rows are in:
the same ids, in the same order, as writing each song before the next was made.
"""
from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from hcbench.audio import MelConfig
from hcbench.store import RunStore, queries, records, write_song_files


@dataclass
class _Batch:
    song_ids: list[int]
    request_ids: list[int]
    version: int
    iteration: int
    files: Future  # -> list of (image path, audio path, seconds), one per song


class SongWriter:
    """``submit`` a batch of generated images; ``close`` (or leaving the ``with`` block) records the last."""

    def __init__(self, store: RunStore, mel: MelConfig):
        self.store, self.mel = store, mel
        self._worker = ThreadPoolExecutor(1, thread_name_prefix="song-files")
        self._pending: _Batch | None = None

    def submit(self, images: np.ndarray, request_ids: list[int], version: int, iteration: int) -> None:
        """Record the batch before (if any), then start writing ``images``, one per request."""
        self.flush()
        first = queries.next_song_id(self.store)
        song_ids = list(range(first, first + len(images)))
        files = self._worker.submit(self._write, song_ids, np.array(images, np.uint8))
        self._pending = _Batch(song_ids, list(request_ids), version, iteration, files)

    def flush(self) -> None:
        """Wait for the pending batch's files, then insert its songs in one transaction."""
        batch, self._pending = self._pending, None
        if batch is None:
            return
        files = batch.files.result()
        with self.store.transaction() as db:
            for song_id, request_id, written in zip(batch.song_ids, batch.request_ids, files):
                records.generated_song(db, song_id, written, batch.version, batch.iteration, request_id)

    def close(self) -> None:
        try:
            self.flush()
        finally:
            self._worker.shutdown(wait=True)

    def __enter__(self) -> "SongWriter":
        return self

    def __exit__(self, exc_type, *_) -> None:
        if exc_type is not None:  # a failed stage records nothing more; its batch is redone on resume
            self._pending = None
            self._worker.shutdown(wait=True)
            return
        self.close()

    def _write(self, song_ids: list[int], images: np.ndarray) -> list[tuple[str, str, float]]:
        folder = self.store.run_dir / "songs"
        return [write_song_files(folder, song_id, image, self.mel) for song_id, image in zip(song_ids, images)]
