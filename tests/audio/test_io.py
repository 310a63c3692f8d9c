import numpy as np
import pytest
import soundfile as sf

from hcbench.audio import AudioError, load_audio, write_audio
from tests.conftest import tone_sequence


@pytest.mark.parametrize("suffix", [".wav", ".flac", ".ogg"])
def test_load_resamples_and_downmixes(tmp_path, suffix):
    stereo = np.stack([tone_sequence(1.0, 44100), tone_sequence(1.0, 44100, seed=1)], axis=1)
    path = tmp_path / f"song{suffix}"
    sf.write(path, stereo, 44100)
    audio = load_audio(path, 11025)
    assert audio.dtype == np.float32 and audio.ndim == 1
    assert abs(len(audio) - 11025) <= 1
    assert 0.05 < np.abs(audio).max() <= 1.0


def test_mp3_loads(tmp_path):
    path = tmp_path / "song.mp3"
    try:
        sf.write(path, tone_sequence(1.0, 22050), 22050, format="MP3")
    except Exception as error:  # libsndfile builds without an MP3 encoder
        pytest.skip(f"cannot write mp3 here: {error}")
    audio = load_audio(path, 22050)
    assert abs(len(audio) - 22050) < 2000 and np.abs(audio).max() > 0.05


def test_write_then_load_round_trips(tmp_path):
    audio = tone_sequence(0.5, 16000)
    loaded = load_audio(write_audio(tmp_path / "a" / "x.wav", audio, 16000), 16000)
    np.testing.assert_allclose(loaded, audio, atol=1e-4)


def _write_bytes(path, data: bytes):
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    "make, problem",
    [
        (lambda d: d / "missing.wav", "does not exist"),
        (lambda d: d, "is a directory"),
        (lambda d: _write_bytes(d / "empty.wav", b""), "empty file"),
        (lambda d: _write_bytes(d / "notes.wav", b"this is not audio at all" * 40), "cannot be decoded"),
        (lambda d: _write_bytes(d / "cut.flac", b"fLaC\x00\x00\x00\x22" + b"\x00" * 60), "cannot be decoded"),
    ],
)
def test_bad_files_raise_a_clear_error(tmp_path, make, problem):
    path = make(tmp_path)
    with pytest.raises(AudioError, match=problem) as info:
        load_audio(path, 22050)
    assert str(path) in str(info.value) and "fix:" in str(info.value)


def test_silent_and_short_audio_are_rejected(tmp_path):
    silent = tmp_path / "silent.wav"
    sf.write(silent, np.zeros(22050, dtype=np.float32), 22050)
    with pytest.raises(AudioError, match="silent"):
        load_audio(silent, 22050)
    short = tmp_path / "short.wav"
    sf.write(short, tone_sequence(0.5, 22050), 22050)
    with pytest.raises(AudioError, match="too short: 0.50 s"):
        load_audio(short, 22050, min_seconds=3.0)


def test_audio_error_survives_pickling_so_a_pool_worker_can_raise_it():
    import pickle

    from hcbench.audio.errors import AudioError

    error = pickle.loads(pickle.dumps(AudioError("a.flac", "it is silent", "give a file with sound in it")))
    assert isinstance(error, AudioError)
    assert (error.source, error.problem, error.fix) == ("a.flac", "it is silent", "give a file with sound in it")
    assert str(error) == "a.flac: it is silent (fix: give a file with sound in it)"
