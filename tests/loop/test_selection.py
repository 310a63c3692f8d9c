import numpy as np
import pytest

from hcbench.loop.config import SelectionConfig
from hcbench.loop.selection import near_duplicates, select_and_purge
from hcbench.similarity.base import cosine
from hcbench.store import RunStore, write_song_files
from hcbench.audio import MelConfig

MEL = MelConfig(x_res=16, y_res=16, hop_length=128, n_iter=2)


class MeanLevel:
    """A toy similarity: songs are (mean level, 1); near-identical levels are near-duplicates."""

    def represent(self, images):
        level = images.reshape(len(images), -1).mean(axis=1) / 255.0
        return np.stack([level, np.ones_like(level)], axis=1)

    def represent_set(self, images):
        return self.represent(images).mean(axis=0)

    def similarity(self, a, b):
        return cosine(a, b)


def _store_with_scores(tmp_path, scores, beats, levels, iteration=0):
    store = RunStore(tmp_path)
    with store.transaction() as db:
        for i, (score, beat, level) in enumerate(zip(scores, beats, levels), 1):
            image, audio, seconds = write_song_files(tmp_path / "songs", i, np.full((16, 16), level, np.uint8), MEL)
            db.execute("INSERT INTO songs (id, kind, version, iteration, image_path, audio_path, seconds) "
                       "VALUES (?, 'generated', 0, ?, ?, ?, ?)", (i, iteration, image, audio, seconds))
            db.execute("INSERT INTO song_scores (iteration, song_id, score, pair_score, reference_score, confidence, "
                       "beats, n_ratings) VALUES (?, ?, ?, ?, ?, ?, ?, 3)",
                       (iteration, i, score, score, 0.5, score, int(beat)))
    return store


def test_cold_start_takes_the_top_k_by_rating_whether_or_not_they_beat_their_reference(tmp_path):
    store = _store_with_scores(tmp_path, [0.2, 0.9, 0.5, 0.7], [0, 0, 0, 0], [10, 80, 160, 240])
    result = select_and_purge(store, 0, SelectionConfig(top_k=2, purge=False), MeanLevel())
    assert result["cold_start"] and result["added"] == 2
    assert store.column("SELECT song_id FROM training_set ORDER BY song_id").tolist() == [2, 4]
    assert not store.stage_done(0, "select")  # the runner marks stages, not the stage itself


def test_after_the_cold_start_only_songs_that_beat_their_reference_enter(tmp_path):
    store = _store_with_scores(tmp_path, [0.2, 0.9, 0.5, 0.7], [1, 0, 1, 0], [10, 80, 160, 240], iteration=1)
    with store.transaction() as db:  # D already holds a song
        db.execute("INSERT INTO training_set (song_id, added_iteration, confidence, score) VALUES (4, 0, 0.5, 0.5)")
    select_and_purge(store, 1, SelectionConfig(top_k=1, purge=False), MeanLevel())
    assert store.column("SELECT song_id FROM training_set ORDER BY song_id").tolist() == [3, 4]


def test_purge_drops_the_lower_scored_near_duplicate_and_old_songs(tmp_path):
    store = _store_with_scores(tmp_path, [0.9, 0.8, 0.7], [1, 1, 1], [100, 101, 250])
    with store.transaction() as db:
        db.execute("INSERT INTO songs (id, kind, version, iteration, image_path, audio_path, seconds) "
                   "SELECT 9, kind, version, iteration, image_path, audio_path, seconds FROM songs WHERE id = 3")
        db.execute("INSERT INTO training_set (song_id, added_iteration, confidence, score) VALUES (9, -3, 0.5, 0.1)")
    result = select_and_purge(store, 0, SelectionConfig(top_k=10, duplicate_threshold=0.9999, max_age=2), MeanLevel())
    assert result["purged"] == {"age": 1, "duplicate": 1}
    removed = {r["song_id"]: r["removed_reason"] for r in
               store.rows("SELECT song_id, removed_reason FROM training_set WHERE removed_iteration = 0")}
    assert removed == {2: "duplicate", 9: "age"}


def test_selecting_again_after_a_crash_changes_nothing(tmp_path):
    # killed after selection committed but before the runner marked it: the stage runs again
    store = _store_with_scores(tmp_path, [0.2, 0.9, 0.5, 0.7, 0.8], [0, 0, 1, 0, 1], [10, 80, 160, 240, 241])
    cfg = SelectionConfig(top_k=3, duplicate_threshold=0.9999)
    first = select_and_purge(store, 0, cfg, MeanLevel())
    d = store.rows("SELECT * FROM training_set ORDER BY song_id")
    assert first["cold_start"] and first["purged"]["duplicate"] == 1  # 4 is 5's near-duplicate
    again = select_and_purge(store, 0, cfg, MeanLevel())  # D holds songs now: still a cold start (3 stays out)
    assert again["cold_start"] and again["purged"]["duplicate"] == 0
    assert store.rows("SELECT * FROM training_set ORDER BY song_id") == d


def test_near_duplicates_keeps_the_first_of_each_group():
    images = np.stack([np.full((4, 4), v, np.uint8) for v in (100, 100, 30, 100, 31)])
    assert near_duplicates(MeanLevel(), images, threshold=0.99999) == [1, 3, 4]
    with pytest.raises(Exception):
        SelectionConfig(duplicate_threshold=2.0)
