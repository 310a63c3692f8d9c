"""A run database of an older schema is upgraded in place when opened; one this hcbench cannot read says why."""
import json
import sqlite3
from pathlib import Path

import pytest
from omegaconf import OmegaConf

from hcbench.store import RunStore, StoreError, queries
from hcbench.store.migrations import NO_BUDGET, PAPER_LOOP
from hcbench.store.schema import SCHEMA, SCHEMA_VERSION

V1 = Path(__file__).with_name("run_v1.sql")  # a run.db as schema version 1 wrote it ("baseline", not "reference")


def _v1_run(run_dir: Path) -> Path:
    run_dir.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(run_dir / "run.db")
    db.executescript(V1.read_text())
    db.close()
    return run_dir


def _columns(store: RunStore, table: str) -> list[str]:
    return [row["name"] for row in store.rows(f"PRAGMA table_info({table})")]


def test_a_version_1_run_is_upgraded_with_every_row_kept_and_baseline_renamed_reference(tmp_path):
    run_dir = _v1_run(tmp_path / "old")
    with sqlite3.connect(run_dir / "run.db") as db:
        before = {table: db.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()
                  for table in ("ratings", "requests", "song_scores", "training_set", "truth_ratings", "rating_qc")}
    store = RunStore(run_dir, create=False)
    assert store.scalar("PRAGMA user_version") == SCHEMA_VERSION == 6
    assert "reference_song_id" in _columns(store, "requests") and "baseline_song_id" not in _columns(store, "requests")
    assert "reference_score" in _columns(store, "song_scores")
    after = {table: [tuple(row.values()) for row in store.rows(f"SELECT * FROM {table} ORDER BY 1, 2")]
             for table in before}
    renamed = [tuple("reference" if value == "baseline" else value for value in row) for row in before["ratings"]]
    assert after == {**before, "ratings": renamed}
    assert [r["role"] for r in store.rows("SELECT role FROM ratings ORDER BY id")] == [
        "served", "reference", "agreement", "served"]
    assert store.rows("PRAGMA foreign_key_check") == [] and store.scalar("PRAGMA foreign_keys") == 1
    assert {r["name"] for r in store.rows("PRAGMA index_list(ratings)")} >= {"ratings_by_song", "ratings_by_iteration"}
    config = store.get_meta("config")
    assert config["loop"]["selection"] == {"top_k": 16, "beat_reference": True, "purge": True}
    assert config["method"] == PAPER_LOOP  # every version-1 run ran the paper's loop


def test_an_upgraded_run_counts_each_rating_as_a_call_with_no_budget(tmp_path):
    store = RunStore(_v1_run(tmp_path / "old"), create=False)
    assert queries.rating_calls(store) == [{"iteration": 0, "calls": 3, "budget": None, "charged": 1},
                                           {"iteration": 1, "calls": 1, "budget": None, "charged": 0}]  # 2 versions
    assert store.get_meta("config")["budget"] == NO_BUDGET  # resumes under today's config


def test_an_upgraded_database_has_the_schema_a_new_run_gets(tmp_path):
    def schema(path: Path) -> dict:
        with sqlite3.connect(path) as db:
            tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
            return {t: [row[1:] for row in db.execute(f"PRAGMA table_info({t})")] for t in tables}

    RunStore(_v1_run(tmp_path / "old"), create=False).close()
    RunStore(tmp_path / "new").close()
    assert schema(tmp_path / "old" / "run.db") == schema(tmp_path / "new" / "run.db")
    with pytest.raises(sqlite3.IntegrityError, match="CHECK"):  # the role's CHECK names 'reference' now
        store = RunStore(tmp_path / "old", create=False)
        store.connection.execute("INSERT INTO ratings (request_id, rater_id, song_id, role, iteration, stars, "
                                 "listen_seconds, song_seconds, created_at) VALUES (1, 1, 1, 'baseline', 0, 3, 1, 3, 0)")


def test_the_upgraded_run_answers_the_loops_and_metrics_questions(tmp_path):
    store = RunStore(_v1_run(tmp_path / "old"), create=False)
    assert [r["reference_audio"] for r in queries.requests_to_rate(store, 0)] == ["songs/0000002.wav"]
    assert queries.beats_reference(store, 0).tolist() == [1]
    assert queries.training_set_size(store, after_iteration=0) == 1


def test_reopening_an_upgraded_database_changes_nothing(tmp_path):
    run_dir = _v1_run(tmp_path / "old")
    RunStore(run_dir, create=False).close()
    first = (run_dir / "run.db").read_bytes()
    store = RunStore(run_dir, create=False)
    assert store.scalar("PRAGMA user_version") == SCHEMA_VERSION
    store.close()
    assert (run_dir / "run.db").read_bytes() == first


def test_a_failed_upgrade_leaves_the_old_database_as_it_was(tmp_path, monkeypatch):
    from hcbench.store import migrations

    run_dir = _v1_run(tmp_path / "old")
    original = migrations.UPGRADES[1]

    def half_done(db):
        original(db)
        raise RuntimeError("killed during the upgrade")

    monkeypatch.setitem(migrations.UPGRADES, 1, half_done)
    with pytest.raises(RuntimeError, match="killed"):
        RunStore(run_dir, create=False)
    with sqlite3.connect(run_dir / "run.db") as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == 1
        assert db.execute("SELECT role FROM ratings WHERE id = 2").fetchone()[0] == "baseline"
    monkeypatch.setitem(migrations.UPGRADES, 1, original)
    assert RunStore(run_dir, create=False).scalar("SELECT role FROM ratings WHERE id = 2") == "reference"


def test_a_database_from_a_newer_hcbench_names_the_fix(tmp_path):
    db = sqlite3.connect(tmp_path / "run.db")
    db.executescript(SCHEMA)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.close()
    with pytest.raises(StoreError, match=f"schema version {SCHEMA_VERSION + 1}.*upgrade hcbench"):
        RunStore(tmp_path, create=False)


def test_a_version_3_run_gets_empty_tables_for_pairwise_answers_and_keeps_its_rows(tmp_path):
    from hcbench.store import migrations

    run_dir = _v1_run(tmp_path / "old")
    with sqlite3.connect(run_dir / "run.db") as db:  # bring it to version 3 as that hcbench left it
        for step in (1, 2):
            migrations.UPGRADES[step](db)
        db.execute("PRAGMA user_version = 3")
        ratings = db.execute("SELECT * FROM ratings ORDER BY id").fetchall()
    store = RunStore(run_dir, create=False)
    assert store.scalar("PRAGMA user_version") == SCHEMA_VERSION == 6
    assert [tuple(r.values()) for r in store.rows("SELECT * FROM ratings ORDER BY id")] == ratings
    assert queries.preferences_of(store, [0, 1]) == [] and queries.pairwise_answers(store) == []
    assert store.scalar("SELECT COUNT(*) FROM truth_rater_tastes") == 0  # version 5: a table a v3 run never filled
    assert queries.ratings_per_rater(store, 3).sum() == len(ratings)


def test_a_version_5_run_keeps_its_stages_and_reads_back_no_summaries(tmp_path):
    from hcbench.store import migrations

    run_dir = _v1_run(tmp_path / "old")
    with sqlite3.connect(run_dir / "run.db") as db:  # bring it to version 5 as that hcbench left it
        for step in (1, 2, 3, 4):
            migrations.UPGRADES[step](db)
        db.execute("PRAGMA user_version = 5")
        stages = db.execute("SELECT iteration, stage, seconds, finished_at FROM stages ORDER BY 1, 2").fetchall()
    store = RunStore(run_dir, create=False)
    assert store.scalar("PRAGMA user_version") == 6
    assert [tuple(r.values()) for r in store.rows("SELECT * FROM stages ORDER BY 1, 2")] == [s + (None,) for s in stages]
    assert queries.stage_summaries(store, 0) == {}
    store.finish_stage(1, "select", 0.5, {"added": 3})
    assert queries.stage_summaries(store, 1) == {"select": {"added": 3}}


def test_a_version_5_run_resumes_under_todays_raters_config(tmp_path):
    from hcbench.commands.run import _changed_keys
    from hcbench.store import migrations
    from tests.loop.conftest import loop_config

    today = OmegaConf.to_container(loop_config(tmp_path / "run"), resolve=True)
    recorded = json.loads(json.dumps(today))
    del recorded["raters"]["choice_temperature"]  # a v5 run's config: the temperature was fixed in code
    run_dir = _v1_run(tmp_path / "old")
    with sqlite3.connect(run_dir / "run.db") as db:
        for step in (1, 2, 3, 4):
            migrations.UPGRADES[step](db)
        db.execute("PRAGMA user_version = 5")
        db.execute("UPDATE meta SET value = ? WHERE key = 'config'", (json.dumps(recorded),))
    upgraded = RunStore(run_dir, create=False).get_meta("config")
    assert upgraded["raters"]["choice_temperature"] == migrations.INPUT_CHOICE_BEFORE_V6 == 0.05
    assert _changed_keys(upgraded, today) == []
