"""Questions asked of a run database that the loop's end-to-end tests do not pin."""
from __future__ import annotations

from hcbench.store import RunStore, queries, records


def test_charged_rating_calls_sum_the_charged_rounds_and_leave_out_the_evaluation(tmp_path):
    store = RunStore(tmp_path)
    assert queries.charged_rating_calls(store) == 0
    with store.transaction() as db:
        records.rating_calls(db, 0, 3, 8, charged=True)
        records.rating_calls(db, 1, 2, 8, charged=True)
        records.rating_calls(db, 1, 4, 8, charged=True)   # a round's calls add up across transactions
        records.rating_calls(db, 2, 50, None, charged=False)  # the evaluation round: charged to no method
    assert queries.charged_rating_calls(store) == 9


def test_song_styles_group_generated_songs_by_version_and_input_set_in_any_order(tmp_path):
    store = RunStore(tmp_path)
    files = ("x.png", "x.wav", 3.0)
    with store.transaction() as db:
        records.raters(db, [0])
        for song in (1, 2, 3):
            records.corpus_song(db, song, files, f"clip {song}", f"train:{song}")
        for song, (version, inputs) in {10: (0, [1, 2]), 11: (0, [2, 1]), 12: (1, [1, 2]), 13: (0, [3])}.items():
            request = records.request(db, 0, 0, version, "new", None, None, [], inputs)
            records.generated_song(db, song, files, version, 0, request)
    styles = queries.song_styles(store)
    assert styles[10] == styles[11] == "v0:1,2"  # the same inputs, listed in another order
    assert styles[12] == "v1:1,2" and styles[13] == "v0:3"
    assert set(styles) == {10, 11, 12, 13}  # corpus songs have no style group
