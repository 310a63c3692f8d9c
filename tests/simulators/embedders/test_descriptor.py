"""The offline descriptor embedder: musical meaning, determinism, resampling, pinned numbers."""
import librosa
import numpy as np
import pytest

from simulators.embedders.descriptor import FEATURE_NAMES, DescriptorEmbedder
from tests.conftest import tone_sequence

SR = 11025


def _tone(freqs, seconds=3.0, sr=SR, amplitude=0.3, harmonics=(1, 2, 3)):
    t = np.arange(int(seconds * sr)) / sr
    audio = sum(np.sin(2 * np.pi * f * k * t) / k for f in freqs for k in harmonics)
    return (amplitude * audio / np.abs(audio).max()).astype(np.float32)


def _clicks(rate_hz, seconds=3.0, sr=SR):
    audio = np.zeros(int(seconds * sr), np.float32)
    for start in (np.arange(0, seconds, 1 / rate_hz) * sr).astype(int):
        audio[start:start + 400] += _tone([880], 400 / sr)[:400] * np.exp(-np.arange(400) / 60)
    return audio


@pytest.fixture(scope="module")
def embed():
    return DescriptorEmbedder()


def feature(vectors, name):
    return vectors[:, FEATURE_NAMES.index(name)]


def test_shape_names_and_determinism(embed):
    audio = np.stack([tone_sequence(3.0, SR, seed=s) for s in (0, 1)])
    first, again = embed(audio, SR), embed(list(audio), SR)
    assert first.shape == (2, 31) == (2, len(FEATURE_NAMES)) and embed.dim == 31
    np.testing.assert_array_equal(first, again)
    assert embed([], SR).shape == (0, 31)


def test_pinned_numbers_on_a_fixed_tone_sequence(embed):
    v = embed(tone_sequence(3.0, SR, seed=0)[None], SR)[0]
    pinned = {name: round(float(v[FEATURE_NAMES.index(name)]), 2)
              for name in ("mfcc1", "centroid", "onset_rate", "tempo", "major_fit", "loudness")}
    assert pinned == pytest.approx(
        {"mfcc1": 97.44, "centroid": 6.21, "onset_rate": 3.67, "tempo": 4.77, "major_fit": 0.55, "loudness": -25.63},
        abs=0.02)


def test_brightness_follows_pitch_and_loudness_follows_level(embed):
    low, high, quiet = _tone([220]), _tone([1760]), _tone([220], amplitude=0.03)
    v = embed([low, high, quiet], SR)
    assert feature(v, "centroid")[1] > feature(v, "centroid")[0] + 1.0  # log Hz: ~3 octaves up
    assert feature(v, "loudness")[0] - feature(v, "loudness")[2] == pytest.approx(20.0, abs=0.5)


def test_rhythm_counts_onsets_and_finds_the_pulse(embed):
    slow, fast = embed([_clicks(1.0), _clicks(4.0)], SR)
    assert feature(fast[None], "onset_rate")[0] > 2.5 * feature(slow[None], "onset_rate")[0]
    noise = np.random.default_rng(0).standard_normal(3 * SR).astype(np.float32) * 0.1
    clarity = feature(embed([_clicks(4.0), noise], SR), "pulse_clarity")
    assert clarity[0] > clarity[1] + 0.3


def test_mode_and_key_of_a_cadence(embed):
    """I-IV-V-I in C major against i-iv-V-i in C minor: mode sign, and the key's place on the circle of fifths."""
    hz = lambda semitones: 261.63 * 2 ** (semitones / 12)
    cadence = lambda chords: np.concatenate([_tone([hz(n) for n in c], 0.75, harmonics=(1,)) for c in chords])
    major = cadence([(0, 4, 7), (5, 9, 12), (7, 11, 14), (0, 4, 7)])
    minor = cadence([(0, 3, 7), (5, 8, 12), (7, 11, 14), (0, 3, 7)])
    v = embed([major, minor], SR)
    assert feature(v, "mode").round(2).tolist() == [0.2, -0.28]
    fifths = np.stack([feature(v, "key_fifths_x"), feature(v, "key_fifths_y")], axis=1).round(2) + 0.0
    assert fifths.tolist() == [[0.93, 0.0], [0.0, -0.86]]  # C major at 0 degrees; C minor at E-flat major's 270


def test_other_rates_are_resampled_to_the_analysis_rate(embed):
    audio = tone_sequence(3.0, 22050, seed=2)
    resampled = librosa.resample(audio, orig_sr=22050, target_sr=SR, res_type="soxr_hq")
    np.testing.assert_allclose(embed(audio[None], 22050), embed(resampled[None], SR), rtol=1e-6, atol=1e-6)


def test_cache_key_follows_the_settings():
    assert DescriptorEmbedder().cache_key == DescriptorEmbedder().cache_key
    assert DescriptorEmbedder().cache_key != DescriptorEmbedder(n_fft=2048).cache_key
