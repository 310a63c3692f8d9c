"""One SQLite database per run: opened, upgraded, and written only inside transactions.

A transaction either lands whole or not at all, so a run killed at any moment leaves
the database as it was after the last finished unit of work (a batch of songs, a batch
of ratings, a selection); the runner redoes the unfinished unit on resume.
"""
from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from hcbench.errors import HCBenchError
from hcbench.store.migrations import UPGRADES, upgrade
from hcbench.store.schema import SCHEMA, SCHEMA_VERSION
from hcbench.store.song_files import read_song_image

DB_NAME = "run.db"


class StoreError(HCBenchError):
    """The run directory's database is missing, foreign or from another schema."""


class RunStore:
    """The database of one run directory; ``songs/`` beside it holds the audio and spectrograms."""

    def __init__(self, run_dir: str | Path, create: bool = True):
        self.run_dir = Path(run_dir)
        self.path = self.run_dir / DB_NAME
        if not create and not self.path.is_file():
            raise StoreError(f"{self.run_dir} holds no {DB_NAME}; give the directory of an hcbench run "
                             "(the run_dir that `hcbench run` printed)")
        self.run_dir.mkdir(parents=True, exist_ok=True)
        self.connection = sqlite3.connect(self.path, isolation_level=None, timeout=30)
        self.connection.row_factory = sqlite3.Row
        self.connection.execute("PRAGMA journal_mode=WAL")
        self.connection.execute("PRAGMA synchronous=FULL")  # a committed rating survives a power cut
        self.connection.execute("PRAGMA foreign_keys=ON")
        self._migrate(create)

    def close(self) -> None:
        self.connection.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """All-or-nothing writes; nested use joins the outer transaction."""
        if self.connection.in_transaction:
            yield self.connection
            return
        self.connection.execute("BEGIN IMMEDIATE")
        try:
            yield self.connection
        except BaseException:
            self.connection.execute("ROLLBACK")
            raise
        self.connection.execute("COMMIT")

    def rows(self, sql: str, params: Sequence = ()) -> list[dict]:
        return [dict(row) for row in self.connection.execute(sql, params)]

    def column(self, sql: str, params: Sequence = ()) -> np.ndarray:
        return np.array([row[0] for row in self.connection.execute(sql, params)])

    def scalar(self, sql: str, params: Sequence = ()):
        row = self.connection.execute(sql, params).fetchone()
        return None if row is None else row[0]

    def get_meta(self, key: str, default=None):
        value = self.scalar("SELECT value FROM meta WHERE key = ?", (key,))
        return default if value is None else json.loads(value)

    def set_meta(self, key: str, value) -> None:
        with self.transaction() as db:
            db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, json.dumps(value)))

    def song_images(self, song_ids: list[int]) -> np.ndarray:
        """The uint8 spectrograms of ``song_ids``, in that order."""
        ids = [int(i) for i in song_ids]
        paths = {row["id"]: row["image_path"] for row in
                 self.rows(f"SELECT id, image_path FROM songs WHERE id IN ({','.join(map(str, ids))})")}
        return np.stack([read_song_image(self.run_dir, paths[i]) for i in ids])

    def stage_done(self, iteration: int, stage: str) -> bool:
        return self.scalar("SELECT 1 FROM stages WHERE iteration = ? AND stage = ?", (iteration, stage)) is not None

    def finish_stage(self, iteration: int, stage: str, seconds: float, summary: dict | None = None) -> None:
        """Mark ``stage`` of ``iteration`` done, with its seconds and what it reported (a JSON-able dict)."""
        text = None if summary is None else json.dumps(_plain(summary))
        with self.transaction() as db:
            db.execute("INSERT OR REPLACE INTO stages (iteration, stage, seconds, finished_at, summary) "
                       "VALUES (?, ?, ?, ?, ?)", (iteration, stage, seconds, time.time(), text))

    def _migrate(self, create: bool) -> None:
        found = self.connection.execute("PRAGMA user_version").fetchone()[0]
        if found == 0 and create:
            self.connection.executescript(SCHEMA)
            self.connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        elif found in UPGRADES:  # written by an older hcbench: upgraded in place
            upgrade(self.connection, SCHEMA_VERSION)
        elif found != SCHEMA_VERSION:
            newer = found > SCHEMA_VERSION
            raise StoreError(f"{self.path} has schema version {found}, this hcbench reads {SCHEMA_VERSION}"
                             f"{' and older' if UPGRADES else ''}; " + ("upgrade hcbench to read it" if newer else
                             "it is no hcbench run database, or one too old to upgrade: rerun the experiment "
                             "into a new run_dir"))


def _plain(value):
    """A stage's summary as JSON holds it: numpy and torch values as numbers or lists, keys as strings,
    anything else as its repr. Never raises: the stage's work is done by the time its summary is stored.

    >>> _plain({"steps": np.int64(3), 2: np.array([0.5, 1.0]), "kept": {1, 2}})
    {'steps': 3, '2': [0.5, 1.0], 'kept': '{1, 2}'}
    """
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if hasattr(value, "tolist"):  # numpy arrays and scalars, torch tensors
        return _plain(value.tolist())
    return repr(value)
