"""Upgrades of a run database written by an older hcbench, one schema version at a time.

A run directory outlives the code that made it: ``hcbench report``, ``check`` and a resumed
``run`` open it with this version, which upgrades it in place first. Each step is one
transaction, so a process killed during an upgrade leaves the database as it was. A step
is written against the schema of its own two versions, never against ``schema.SCHEMA``,
which moves on.
"""
from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable

PAPER_LOOP = {"_target_": "hcbench.loop.paper.PaperLoop"}  # conf/method/paper*.yaml: what every v1 run ran
NO_BUDGET = {"_target_": "hcbench.loop.budget.BudgetConfig", "ratings_per_round": None}  # every v2 run's budget

# Version 2's ratings table: only its role's CHECK differs from version 1's ('baseline' became 'reference').
_RATINGS_V2 = """
CREATE TABLE ratings_v2 (
    id INTEGER PRIMARY KEY,
    request_id INTEGER NOT NULL REFERENCES requests(id),
    rater_id INTEGER NOT NULL REFERENCES raters(id),
    song_id INTEGER NOT NULL REFERENCES songs(id),
    role TEXT NOT NULL CHECK (role IN ('served', 'reference', 'agreement')),
    iteration INTEGER NOT NULL,
    version INTEGER,
    stars REAL NOT NULL,
    listen_seconds REAL NOT NULL,
    song_seconds REAL NOT NULL,
    created_at REAL NOT NULL,
    UNIQUE (request_id, rater_id, song_id, role)
)"""


def _v1_to_v2(db: sqlite3.Connection) -> None:
    """The nearest training sample a song is compared with is the "reference", not the "baseline"."""
    db.execute("ALTER TABLE requests RENAME COLUMN baseline_song_id TO reference_song_id")
    db.execute("ALTER TABLE song_scores RENAME COLUMN baseline_score TO reference_score")
    db.execute(_RATINGS_V2)  # a CHECK changes only by rebuilding the table (SQLite's ALTER TABLE procedure)
    db.execute("INSERT INTO ratings_v2 SELECT id, request_id, rater_id, song_id, "
               "CASE role WHEN 'baseline' THEN 'reference' ELSE role END, iteration, version, stars, "
               "listen_seconds, song_seconds, created_at FROM ratings ORDER BY id")
    db.execute("DROP TABLE ratings")
    db.execute("ALTER TABLE ratings_v2 RENAME TO ratings")
    db.execute("CREATE INDEX ratings_by_song ON ratings(song_id)")
    db.execute("CREATE INDEX ratings_by_iteration ON ratings(iteration)")
    row = db.execute("SELECT value FROM meta WHERE key = 'config'").fetchone()
    if row is not None:  # the recorded config, so that the run resumes under today's names
        config = json.loads(row[0])
        selection = config.get("loop", {}).get("selection", {})
        if "beat_baseline" in selection:
            selection["beat_reference"] = selection.pop("beat_baseline")
        config.setdefault("method", dict(PAPER_LOOP))
        db.execute("UPDATE meta SET value = ? WHERE key = 'config'", (json.dumps(config),))


_RATING_CALLS_V3 = """
CREATE TABLE rating_calls (
    iteration INTEGER PRIMARY KEY,
    calls INTEGER NOT NULL,
    budget INTEGER,
    charged INTEGER NOT NULL
)"""


def _v2_to_v3(db: sqlite3.Connection) -> None:
    """Each round's rating calls are counted: a v2 run had no budget, and every rating was one call."""
    row = db.execute("SELECT value FROM meta WHERE key = 'config'").fetchone()
    config = json.loads(row[0]) if row is not None else {}
    last = config.get("loop", {}).get("versions", 0) - 1  # the evaluation round, charged to no method
    db.execute(_RATING_CALLS_V3)
    db.execute("INSERT INTO rating_calls SELECT iteration, COUNT(*), NULL, iteration != ? FROM ratings "
               "GROUP BY iteration ORDER BY iteration", (last,))
    if row is not None:  # the recorded config, so that the run resumes under today's keys
        config.setdefault("budget", dict(NO_BUDGET))
        db.execute("UPDATE meta SET value = ? WHERE key = 'config'", (json.dumps(config),))


_PREFERENCES_V4 = ("""
CREATE TABLE preferences (
    id INTEGER PRIMARY KEY,
    iteration INTEGER NOT NULL,
    request_id INTEGER NOT NULL REFERENCES requests(id),
    rater_id INTEGER NOT NULL REFERENCES raters(id),
    first_song_id INTEGER NOT NULL REFERENCES songs(id),
    second_song_id INTEGER NOT NULL REFERENCES songs(id),
    chose_first INTEGER NOT NULL CHECK (chose_first IN (0, 1)),
    created_at REAL NOT NULL,
    UNIQUE (iteration, rater_id, first_song_id, second_song_id)
)""", """
CREATE TABLE truth_preferences (
    preference_id INTEGER PRIMARY KEY REFERENCES preferences(id),
    first_utility REAL NOT NULL,
    second_utility REAL NOT NULL
)""", "CREATE INDEX preferences_by_iteration ON preferences(iteration)")


def _v3_to_v4(db: sqlite3.Connection) -> None:
    """Pairwise answers get their tables; a v3 run asked for none, so they start empty."""
    for statement in _PREFERENCES_V4:
        db.execute(statement)


def _v4_to_v5(db: sqlite3.Connection) -> None:
    """Raters' home taste clusters get a hidden table; a v4 run did not record them, so it stays empty."""
    db.execute("CREATE TABLE truth_rater_tastes (rater_id INTEGER PRIMARY KEY, cluster INTEGER NOT NULL)")


INPUT_CHOICE_BEFORE_V6 = 0.05  # raters.choice_temperature, fixed in code before version 6 made it a setting


def _v5_to_v6(db: sqlite3.Connection) -> None:
    """Stages get a summary column (a v5 run kept none, so its stages read back without one), and the
    recorded raters get the input-choice temperature every v5 run used, so that the run resumes."""
    db.execute("ALTER TABLE stages ADD COLUMN summary TEXT")
    row = db.execute("SELECT value FROM meta WHERE key = 'config'").fetchone()
    config = json.loads(row[0]) if row is not None else {}
    if isinstance(config.get("raters"), dict):
        config["raters"].setdefault("choice_temperature", INPUT_CHOICE_BEFORE_V6)
        db.execute("UPDATE meta SET value = ? WHERE key = 'config'", (json.dumps(config),))


# from version n to n + 1
UPGRADES: dict[int, Callable[[sqlite3.Connection], None]] = {1: _v1_to_v2, 2: _v2_to_v3, 3: _v3_to_v4, 4: _v4_to_v5,
                                                             5: _v5_to_v6}


def upgrade(connection: sqlite3.Connection, target: int) -> None:
    """Bring the database to schema version ``target``; each step commits on its own."""
    while (found := connection.execute("PRAGMA user_version").fetchone()[0]) < target:
        connection.execute("PRAGMA foreign_keys=OFF")  # no effect inside a transaction: set before it
        try:
            connection.execute("BEGIN IMMEDIATE")
            try:
                found = connection.execute("PRAGMA user_version").fetchone()[0]  # another process may have done it
                if found < target:
                    UPGRADES[found](connection)
                    broken = connection.execute("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise sqlite3.IntegrityError(f"upgrade to schema version {found + 1} broke foreign keys: "
                                                     f"{broken[:3]}")
                    connection.execute(f"PRAGMA user_version = {found + 1}")
            except BaseException:
                connection.execute("ROLLBACK")
                raise
            connection.execute("COMMIT")
        finally:
            connection.execute("PRAGMA foreign_keys=ON")
