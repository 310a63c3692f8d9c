"""What the loop writes to a run database, one function per record; ``db`` is an open transaction's connection.

Callers group records into their unit of work (``with store.transaction() as db``), so that
a unit lands whole or not at all.
"""
from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterable, Sequence


def request(db: sqlite3.Connection, iteration: int, rater: int, version: int, dispatch: str, served: int | None,
            reference: int | None, agreement_raters: list[int], inputs: Sequence[int]) -> int:
    """A request and its input songs (in order); returns its id.

    ``dispatch`` 'old' serves ``served`` (a song of D) at once; 'new' leaves it to generation
    and names the ``reference`` the new song is compared with.
    """
    cursor = db.execute("INSERT INTO requests (iteration, rater_id, version, dispatch, served_song_id, "
                        "reference_song_id, agreement_raters) VALUES (?, ?, ?, ?, ?, ?, ?)",
                        (iteration, rater, version, dispatch, served, reference, json.dumps(agreement_raters)))
    db.executemany("INSERT INTO request_inputs VALUES (?, ?, ?)",
                   [(cursor.lastrowid, position, song) for position, song in enumerate(inputs)])
    return int(cursor.lastrowid)


def corpus_song(db: sqlite3.Connection, song_id: int, files: tuple[str, str, float], label: str, source: str) -> None:
    """A corpus clip whose files are written (an input song, or a reference while D is empty)."""
    image_path, audio_path, seconds = files
    db.execute("INSERT INTO songs (id, kind, image_path, audio_path, seconds, label, source) "
               "VALUES (?, 'corpus', ?, ?, ?, ?, ?)", (song_id, image_path, audio_path, seconds, label, source))


def generated_song(db: sqlite3.Connection, song_id: int, files: tuple[str, str, float], version: int, iteration: int,
                   request_id: int) -> None:
    """A generated song whose files are written, served to its request."""
    image_path, audio_path, seconds = files
    db.execute("INSERT INTO songs (id, kind, version, iteration, request_id, image_path, audio_path, seconds) "
               "VALUES (?, 'generated', ?, ?, ?, ?, ?, ?)",
               (song_id, version, iteration, request_id, image_path, audio_path, seconds))
    db.execute("UPDATE requests SET served_song_id = ? WHERE id = ?", (song_id, request_id))


def rating(db: sqlite3.Connection, request_id: int, rater: int, song: int, role: str, iteration: int,
           version: int | None, stars: float, listen_seconds: float, song_seconds: float, created_at: float) -> int:
    """One rater's stars and listening for one song of a request; returns the rating's id."""
    cursor = db.execute(
        "INSERT INTO ratings (request_id, rater_id, song_id, role, iteration, version, stars, listen_seconds, "
        "song_seconds, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (request_id, rater, song, role, iteration, version, stars, listen_seconds, song_seconds, created_at))
    return int(cursor.lastrowid)


def preference(db: sqlite3.Connection, iteration: int, request_id: int, rater: int, first: int, second: int,
               chose_first: bool, created_at: float) -> int:
    """One rater's pairwise answer: whether it prefers song ``first`` to song ``second``; returns its id."""
    cursor = db.execute(
        "INSERT INTO preferences (iteration, request_id, rater_id, first_song_id, second_song_id, chose_first, "
        "created_at) VALUES (?, ?, ?, ?, ?, ?, ?)", (iteration, request_id, rater, first, second, int(chose_first),
                                                     created_at))
    return int(cursor.lastrowid)


def rating_calls(db: sqlite3.Connection, iteration: int, calls: int, budget: int | None, charged: bool) -> None:
    """Add ``calls`` answered rating calls to ``iteration``'s count, with the round's budget (None: unlimited)."""
    db.execute("INSERT INTO rating_calls (iteration, calls, budget, charged) VALUES (?, ?, ?, ?) "
               "ON CONFLICT (iteration) DO UPDATE SET calls = calls + excluded.calls", (iteration, calls, budget,
                                                                                        int(charged)))


def rater_qc(db: sqlite3.Connection, rows: Iterable[tuple]) -> None:
    """(iteration, rater, reputation, n_ratings, brief_listens, flagged, reason) per rater; replaces a redone pass."""
    db.executemany("INSERT OR REPLACE INTO qc (iteration, rater_id, reputation, n_ratings, brief_listens, "
                   "flagged, reason) VALUES (?, ?, ?, ?, ?, ?, ?)", rows)


def rating_qc(db: sqlite3.Connection, rows: Iterable[tuple]) -> None:
    """(rating, iteration, weight, listen_failed, outlier) per rating."""
    db.executemany("INSERT OR REPLACE INTO rating_qc (rating_id, iteration, weight, listen_failed, outlier) "
                   "VALUES (?, ?, ?, ?, ?)", rows)


def song_scores(db: sqlite3.Connection, rows: Iterable[tuple]) -> None:
    """(iteration, song, score, pair_score, reference_score, confidence, beats, n_ratings) per new song."""
    db.executemany("INSERT OR REPLACE INTO song_scores (iteration, song_id, score, pair_score, reference_score, "
                   "confidence, beats, n_ratings) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)


def add_to_training_set(db: sqlite3.Connection, iteration: int, songs: Iterable[dict]) -> None:
    """Songs (song_id, confidence, score) enter D; one already there, or once removed, stays as it is."""
    db.executemany("INSERT OR IGNORE INTO training_set (song_id, added_iteration, confidence, score) "
                   "VALUES (?, ?, ?, ?)", [(s["song_id"], iteration, s["confidence"], s["score"]) for s in songs])


def remove_aged(db: sqlite3.Connection, iteration: int, max_age: int) -> int:
    """Remove D's songs added ``max_age`` or more iterations before ``iteration``; returns how many."""
    return db.execute("UPDATE training_set SET removed_iteration = ?, removed_reason = 'age' "
                      "WHERE removed_iteration IS NULL AND added_iteration <= ?",
                      (iteration, iteration - max_age)).rowcount


def remove_duplicates(db: sqlite3.Connection, iteration: int, song_ids: Iterable[int]) -> None:
    db.executemany("UPDATE training_set SET removed_iteration = ?, removed_reason = 'duplicate' WHERE song_id = ?",
                   [(iteration, int(s)) for s in song_ids])


def version(db: sqlite3.Connection, version_id: int, parent: int | None, path: str, train_size: int,
            iteration: int) -> None:
    """A model version the loop may serve from now on."""
    db.execute("INSERT INTO versions (id, parent, path, train_size, created_iteration, created_at) "
               "VALUES (?, ?, ?, ?, ?, ?)", (version_id, parent, path, train_size, iteration, time.time()))


def raters(db: sqlite3.Connection, rater_ids: Iterable[int]) -> None:
    db.executemany("INSERT OR IGNORE INTO raters (id) VALUES (?)", [(int(i),) for i in rater_ids])


def true_profiles(db: sqlite3.Connection, rater_ids: Iterable[int], profiles: Iterable[str]) -> None:
    """The hidden table of each simulated rater's true profile."""
    db.executemany("INSERT OR IGNORE INTO truth_raters VALUES (?, ?)",
                   [(int(i), str(p)) for i, p in zip(rater_ids, profiles)])


def true_preference_utilities(db: sqlite3.Connection, preference_ids: Iterable[int], first: Iterable[float],
                               second: Iterable[float]) -> None:
    """The hidden table of each pairwise answer's true utility of its two songs to its rater."""
    db.executemany("INSERT OR REPLACE INTO truth_preferences VALUES (?, ?, ?)",
                   [(int(i), float(a), float(b)) for i, a, b in zip(preference_ids, first, second)])


def true_taste_clusters(db: sqlite3.Connection, rater_ids: Iterable[int], clusters: Iterable[int]) -> None:
    """The hidden table of each simulated rater's home taste cluster."""
    db.executemany("INSERT OR IGNORE INTO truth_rater_tastes VALUES (?, ?)",
                   [(int(i), int(c)) for i, c in zip(rater_ids, clusters)])


def true_utilities(db: sqlite3.Connection, rating_ids: Iterable[int], utilities: Iterable[float]) -> None:
    """The hidden table of each rating's true utility."""
    db.executemany("INSERT OR REPLACE INTO truth_ratings VALUES (?, ?)",
                   [(int(i), float(u)) for i, u in zip(rating_ids, utilities)])
