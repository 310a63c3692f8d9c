"""A tiny CLAP architecture and toy clips whose bands say their family, for fast training tests."""
import numpy as np
import pytest

from hcbench.audio import MelConfig
from simulators.clap_training.architecture import ClapArchConfig

TINY = ClapArchConfig(projection_dim=8, audio_depths=(1, 1), audio_heads=(1, 2), audio_width=8, window_size=4,
                      mel_bins=32, hop_length=1040, text_width=16, text_layers=1, text_heads=2, max_tokens=32,
                      vocab_size=200, dropout=0.0)
MEL = MelConfig(x_res=64, y_res=64, sample_rate=11025, n_fft=1024, hop_length=512, top_db=80, n_iter=32)
ORGAN = {"collection": "bach", "program_name": "Church Organ", "family": "organ", "tempo_bpm": 80.0, "key": "G",
         "mode": "major"}
FLUTE = {"collection": "oneills1850", "program_name": "Flute", "family": "pipes", "tempo_bpm": 130.0, "key": "D",
         "mode": "minor"}


def toy_clips(n: int, seed: int = 0) -> tuple[np.ndarray, list[dict]]:
    """(n, 1, 32, 32) dB-like features: organ clips loud in the low bands, flute clips in the high ones."""
    rng = np.random.default_rng(seed)
    labels = [dict(ORGAN if i % 2 == 0 else FLUTE, piece_index=i) for i in range(n)]
    features = rng.normal(-60.0, 3.0, (n, 1, 32, 32)).astype(np.float32)
    for i, label in enumerate(labels):
        band = slice(0, 10) if label["family"] == "organ" else slice(22, 32)
        features[i, 0, :, band] += 30.0
    return features, labels


@pytest.fixture(scope="module")
def toy():
    return toy_clips(64)
