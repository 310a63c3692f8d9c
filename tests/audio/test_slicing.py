import numpy as np
import pytest

from hcbench.audio import AudioError, slice_audio
from hcbench.audio.slicing import middle_clip


def test_slices_are_non_overlapping_windows():
    audio = np.arange(10, dtype=np.float32) / 10 + 0.1
    slices = slice_audio(audio, 4)
    np.testing.assert_array_equal(slices, [audio[0:4], audio[4:8]])
    assert slice_audio(audio, 4, hop=2).shape == (4, 4)


def test_quiet_slices_are_dropped_and_all_quiet_raises():
    audio = np.concatenate([np.zeros(4), np.full(4, 0.5)]).astype(np.float32)
    assert slice_audio(audio, 4).shape == (1, 4)
    with pytest.raises(AudioError, match="no slice louder"):
        slice_audio(np.zeros(8, dtype=np.float32), 4, source="quiet.wav")


def test_too_short_names_the_source():
    with pytest.raises(AudioError, match=r"song\.wav: is too short"):
        slice_audio(np.ones(3, dtype=np.float32), 4, source="song.wav")


def test_middle_clip_picks_the_central_slice():
    audio = np.repeat(np.arange(1, 6, dtype=np.float32) / 10, 4)
    np.testing.assert_array_equal(middle_clip(audio, 4), np.full(4, 0.3, dtype=np.float32))
