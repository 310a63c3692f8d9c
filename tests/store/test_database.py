import sqlite3

import numpy as np
import pytest

from hcbench.audio import MelConfig
from hcbench.store import RunStore, StoreError, read_song_image, write_song_files


def test_a_failed_transaction_leaves_nothing_behind(tmp_path):
    store = RunStore(tmp_path)
    with pytest.raises(RuntimeError):
        with store.transaction() as db:
            db.execute("INSERT INTO raters (id) VALUES (1)")
            raise RuntimeError("killed mid-write")
    assert store.scalar("SELECT COUNT(*) FROM raters") == 0
    with store.transaction() as db:
        db.execute("INSERT INTO raters (id) VALUES (1)")
        with store.transaction() as inner:  # nested use joins the outer transaction
            inner.execute("INSERT INTO raters (id) VALUES (2)")
    assert store.column("SELECT id FROM raters ORDER BY id").tolist() == [1, 2]


def test_meta_and_stages_round_trip(tmp_path):
    store = RunStore(tmp_path)
    store.set_meta("config", {"seed": 3, "nested": [1, 2]})
    assert store.get_meta("config") == {"seed": 3, "nested": [1, 2]}
    assert store.get_meta("absent", "default") == "default"
    assert not store.stage_done(0, "plan")
    store.finish_stage(0, "plan", 1.5)
    assert store.stage_done(0, "plan")
    store.close()
    assert RunStore(tmp_path, create=False).stage_done(0, "plan")  # committed to disk


def test_a_rating_cannot_be_stored_twice(tmp_path):
    store = RunStore(tmp_path)
    with store.transaction() as db:
        db.execute("INSERT INTO raters (id) VALUES (0)")
        db.execute("INSERT INTO songs (id, kind, image_path, audio_path, seconds) VALUES (1, 'corpus', 'a', 'b', 1.0)")
        db.execute("INSERT INTO requests (id, iteration, rater_id, version, dispatch) VALUES (1, 0, 0, 0, 'new')")
    row = "INSERT INTO ratings (request_id, rater_id, song_id, role, iteration, stars, listen_seconds, song_seconds, " \
          "created_at) VALUES (1, 0, 1, 'served', 0, 3.0, 1.0, 2.0, 0)"
    store.connection.execute(row)
    with pytest.raises(sqlite3.IntegrityError):
        store.connection.execute(row)


def test_missing_or_foreign_databases_name_the_fix(tmp_path):
    with pytest.raises(StoreError, match="holds no run.db"):
        RunStore(tmp_path / "nowhere", create=False)
    foreign = sqlite3.connect(tmp_path / "run.db")
    foreign.execute("PRAGMA user_version = 99")
    foreign.close()
    with pytest.raises(StoreError, match="schema version 99"):
        RunStore(tmp_path)


def test_song_files_are_a_lossless_png_and_a_wav(tmp_path):
    mel = MelConfig(x_res=32, y_res=32, hop_length=256, n_iter=4)
    image = np.random.default_rng(0).integers(0, 255, (32, 32), dtype=np.uint8)
    image_path, audio_path, seconds = write_song_files(tmp_path / "songs", 7, image, mel)
    assert image_path == "songs/0000007.png" and audio_path.endswith(".wav")
    np.testing.assert_array_equal(read_song_image(tmp_path, image_path), image)
    assert seconds == pytest.approx(mel.slice_seconds, rel=0.01)
    assert not list((tmp_path / "songs").glob(".tmp-*"))
