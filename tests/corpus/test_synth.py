import librosa
import numpy as np
import pytest

from hcbench.corpus.synth import SynthStyle, synth_pieces, synthesize

SR = 22050


def _render(seconds=12.0, seed=0, **style):
    return synthesize(SynthStyle(**style), seconds, SR, np.random.default_rng(seed))


def test_output_is_normalised_mono_float32_of_the_asked_length():
    audio = _render(seconds=5.0)
    assert audio.dtype == np.float32 and audio.shape == (5 * SR,)
    assert 0.5 < np.abs(audio).max() <= 0.9


def test_same_seed_same_audio_and_another_seed_differs():
    assert np.array_equal(_render(seed=3), _render(seed=3))
    assert not np.array_equal(_render(seed=3), _render(seed=4))


@pytest.mark.parametrize("timbre", ["sine", "organ", "pluck", "square"])
def test_mode_decides_the_third(timbre):
    """In C, major music sounds E (pitch class 4) far more than Eb (3); minor the reverse."""
    major = librosa.feature.chroma_stft(y=_render(mode="major", timbre=timbre), sr=SR).mean(axis=1)
    minor = librosa.feature.chroma_stft(y=_render(mode="minor", timbre=timbre), sr=SR).mean(axis=1)
    assert major[4] > 2 * major[3]
    assert minor[3] > 2 * minor[4]


def test_tonic_transposes_the_pitch_content():
    in_c = librosa.feature.chroma_stft(y=_render(tonic=0, timbre="sine"), sr=SR).mean(axis=1)
    in_d = librosa.feature.chroma_stft(y=_render(tonic=2, timbre="sine"), sr=SR).mean(axis=1)
    assert np.corrcoef(np.roll(in_c, 2), in_d)[0, 1] > 0.9


def test_drums_add_onset_energy_without_changing_the_notes():
    plain = _render(drums=False)
    drummed = _render(drums=True)
    onset = lambda y: librosa.onset.onset_strength(y=y, sr=SR).mean()
    assert onset(drummed) > 3 * onset(plain)
    # the pitched part is the same; drums are mostly noise, so chroma shape stays close
    chroma = lambda y: librosa.feature.chroma_stft(y=y, sr=SR).mean(axis=1)
    assert np.corrcoef(chroma(plain), chroma(drummed))[0, 1] > 0.8


def test_faster_tempo_gives_more_onsets_per_second():
    count = lambda bpm: len(librosa.onset.onset_detect(y=_render(tempo_bpm=bpm, timbre="pluck"), sr=SR))
    slow, fast = count(60), count(150)
    assert fast > 1.8 * slow


def test_pieces_are_labelled_and_vary():
    pieces = list(synth_pieces(8, 2.0, SR, seed=1, tempo_range=(70, 140), modes=["major", "minor"],
                               timbres=["sine", "pluck"], drums_probability=0.5))
    labels = [p[1] for p in pieces]
    assert all(l["source"] == "synth" and l["collection"] == f"synth-{l['timbre']}" for l in labels)
    assert all(70 <= l["tempo_bpm"] <= 140 for l in labels)
    assert {l["mode"] for l in labels} == {"major", "minor"} and {l["drums"] for l in labels} == {True, False}
    assert len({l["key"] for l in labels}) > 2


def test_unknown_timbre_is_rejected():
    with pytest.raises(ValueError, match="timbre must be one of"):
        _render(timbre="kazoo")
