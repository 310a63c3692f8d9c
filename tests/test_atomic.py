import numpy as np
import pytest

from hcbench import atomic
from hcbench.atomic import save_npz_atomic, write_atomic, write_text_atomic


def test_a_file_appears_whole_and_nothing_temporary_stays(tmp_path):
    target = tmp_path / "report.md"
    target.write_text("old")
    assert write_text_atomic(target, "new") == target and target.read_text() == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["report.md"]


def test_a_failed_write_keeps_the_old_file_and_removes_its_temporary(tmp_path):
    target = tmp_path / "last.pt"
    target.write_text("previous checkpoint")

    def dies_half_way(tmp):
        tmp.write_text("half")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_atomic(target, dies_half_way)
    assert target.read_text() == "previous checkpoint" and [p.name for p in tmp_path.iterdir()] == ["last.pt"]


def test_the_file_reaches_the_disk_before_the_rename_and_the_folder_after(tmp_path, monkeypatch):
    target, synced = tmp_path / "song.wav", []
    real_fsync = atomic._fsync
    monkeypatch.setattr(atomic, "_fsync", lambda path, flags: synced.append((path, target.exists()))
                        or real_fsync(path, flags))
    seen = []
    write_atomic(target, lambda tmp: seen.append(tmp) or tmp.write_bytes(b"RIFF"))
    assert seen[0].suffix == ".wav" and seen[0].parent == tmp_path  # the writer can pick a format by suffix
    assert synced == [(seen[0], False), (tmp_path, True)]
    synced.clear()
    write_atomic(tmp_path / "song.png", lambda tmp: tmp.write_bytes(b"PNG"), sync_folder=False)
    assert len(synced) == 1 and synced[0][0].name.endswith("-song.png")  # the file only: a later write syncs the folder


def test_npz_keeps_its_name_and_arrays(tmp_path):
    path = save_npz_atomic(tmp_path / "cache.bin", raw=np.arange(3.0))  # np.savez alone would add .npz
    with np.load(path) as data:
        assert data["raw"].tolist() == [0.0, 1.0, 2.0]
    assert [p.name for p in tmp_path.iterdir()] == ["cache.bin"]
