import logging

import numpy as np
import pytest

from hcbench.audio import AudioError, write_audio
from hcbench.corpus.folder import folder_pieces

SR = 22050


def _tone(seconds=4.0, freq=440.0, sr=SR):
    t = np.arange(int(seconds * sr)) / sr
    return (0.5 * np.sin(2 * np.pi * freq * t)).astype(np.float32)


@pytest.fixture
def music(tmp_path):
    root = tmp_path / "music"
    write_audio(root / "jazz" / "take1.wav", _tone(freq=220), SR)
    write_audio(root / "folk" / "song.flac", _tone(freq=330), 44100 // 2)
    write_audio(root / "loose.wav", _tone(freq=440, sr=16000), 16000)
    return root


def test_every_file_loaded_at_the_corpus_rate_and_labelled_by_folder(music):
    pieces = list(folder_pieces(music, SR, min_seconds=3.0))
    labels = {l["title"]: l for _, l in pieces}
    assert set(labels) == {"take1", "song", "loose"}
    assert labels["take1"]["collection"] == "jazz" and labels["song"]["collection"] == "folk"
    assert labels["loose"]["collection"] == "music"  # top-level files take the root's name
    assert all(l["source"] == "folder" for l in labels.values())
    assert all(a.dtype == np.float32 and abs(len(a) / SR - 4.0) < 0.01 for a, _ in pieces)


def test_corrupt_and_short_files_are_skipped_with_a_warning_naming_them(music, caplog):
    (music / "jazz" / "broken.wav").write_bytes(b"RIFF\x00\x00not really audio")
    write_audio(music / "folk" / "blip.wav", _tone(seconds=0.5), SR)
    with caplog.at_level(logging.WARNING, logger="hcbench.corpus"):
        titles = [l["title"] for _, l in folder_pieces(music, SR, min_seconds=3.0)]
    assert sorted(titles) == ["loose", "song", "take1"]
    assert "broken.wav" in caplog.text and "blip.wav" in caplog.text and "too short" in caplog.text


def test_a_folder_with_no_usable_file_is_an_error_naming_it(tmp_path):
    bad = tmp_path / "all_bad"
    bad.mkdir()
    (bad / "a.wav").write_bytes(b"garbage")
    (bad / "b.flac").write_bytes(b"more garbage")
    with pytest.raises(AudioError, match=r"all_bad: has 2 audio file\(s\) but none is usable"):
        list(folder_pieces(bad, SR, min_seconds=3.0))


def test_an_empty_or_missing_folder_is_an_error_naming_it(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(AudioError, match="empty: holds no audio files"):
        list(folder_pieces(tmp_path / "empty", SR, 3.0))
    with pytest.raises(AudioError, match="nowhere: is not a directory"):
        list(folder_pieces(tmp_path / "nowhere", SR, 3.0))
