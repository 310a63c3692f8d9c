"""Questions asked of a run database that the loop's end-to-end tests do not pin."""
from __future__ import annotations

from hcbench.store import RunStore, queries, records


def _rate(store, iteration: int, n: int) -> None:
    with store.transaction() as db:
        records.raters(db, [0])
        request = records.request(db, iteration, 0, 0, "new", None, None, [], [])
        for song in range(n):
            db.execute("INSERT OR IGNORE INTO songs (id, kind, image_path, audio_path, seconds) "
                       "VALUES (?, 'corpus', '', '', 1)", (song + 1,))
            records.rating(db, request, 0, song + 1, "served", iteration, 0, 3.0, 1.0, 1.0, 0.0)


def test_charged_rating_calls_leave_out_the_last_iteration_which_only_evaluates(tmp_path):
    store = RunStore(tmp_path)
    assert queries.charged_rating_calls(store) == 0
    _rate(store, 0, 3)
    _rate(store, 1, 2)
    _rate(store, 2, 4)  # the evaluation round: charged to no method
    assert queries.charged_rating_calls(store) == 5


def test_charged_rating_calls_come_from_the_budgets_table_where_a_run_keeps_one(tmp_path):
    store = RunStore(tmp_path)
    _rate(store, 0, 3)
    _rate(store, 1, 2)
    store.connection.execute("CREATE TABLE rating_calls (iteration INTEGER PRIMARY KEY, calls INTEGER, "
                             "budget INTEGER, charged INTEGER)")
    store.connection.execute("INSERT INTO rating_calls VALUES (0, 7, 8, 1), (1, 9, NULL, 0)")
    assert queries.charged_rating_calls(store) == 7
