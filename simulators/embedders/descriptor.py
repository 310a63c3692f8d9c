"""The offline default embedder: what a listener hears, as 31 numbers per clip.

Timbre (MFCCs, spectral flatness, zero crossings), brightness (spectral centroid,
roll-off, bandwidth), rhythm and tempo (onset rate and strength, tempo, pulse
clarity), harmony and mode (fit to the Krumhansl-Kessler major and minor key
profiles, the key's place on the circle of fifths, chroma entropy) and loudness
(RMS level and its movement). No weights, no network; deterministic.

The raw features have very different units; :mod:`simulators.space` standardises
them on corpus clips so that one unit means one corpus standard deviation.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass

import numpy as np

from hcbench.audio.librosa_kernels import librosa, warm_features
from hcbench.threads import single_thread

FEATURE_FORMAT = 1  # bump when a feature changes, so cached corpus embeddings are recomputed
EPS = 1e-10
# Krumhansl-Kessler key profiles (C major / C minor), the classic tonal-hierarchy weights.
MAJOR_PROFILE = np.array([6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88])
MINOR_PROFILE = np.array([6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17])
FEATURE_NAMES = (
    *(f"mfcc{i}" for i in range(1, 13)), "flatness", "zero_crossings",  # timbre
    "centroid", "centroid_movement", "rolloff", "bandwidth",  # brightness
    "onset_rate", "onset_strength", "onset_variation", "tempo", "pulse_clarity",  # rhythm and tempo
    "major_fit", "minor_fit", "mode", "key_fifths_x", "key_fifths_y", "chroma_entropy",  # harmony and mode
    "loudness", "dynamics",  # loudness
)


@dataclass(frozen=True)
class DescriptorConfig:
    """Analysis settings; every one changes the numbers, so all of them key the corpus cache."""

    sample_rate: int = 11025  # analysis rate: the shipped generators' rate, so corpus and generated audio share a band
    n_fft: int = 1024  # STFT window for timbre, brightness, onsets and loudness (~93 ms at 11025 Hz)
    hop_length: int = 256  # STFT hop (~23 ms): fine enough to time onsets
    chroma_n_fft: int = 4096  # longer window for pitch classes, so low notes resolve to a semitone


class DescriptorEmbedder:
    """``embed(audio, sample_rate) -> (n, 31)`` raw musical descriptors.

    >>> embed = DescriptorEmbedder()
    >>> t = np.arange(22050) / 22050
    >>> embed(np.sin(2 * np.pi * 440 * t)[None], 22050).shape
    (1, 31)
    """

    feature_names = FEATURE_NAMES
    spawn_safe = True  # small to pickle and one thread per call: corpus embedding may fan out across processes

    def __init__(self, sample_rate: int = 11025, n_fft: int = 1024, hop_length: int = 256, chroma_n_fft: int = 4096):
        self.config = DescriptorConfig(sample_rate, n_fft, hop_length, chroma_n_fft)
        self.dim = len(FEATURE_NAMES)
        self._major, self._minor = _rolled_profiles(MAJOR_PROFILE), _rolled_profiles(MINOR_PROFILE)
        self._mel_basis = librosa.filters.mel(sr=sample_rate, n_fft=n_fft, n_mels=40)  # one matrix product per clip
        self._chroma_bases: dict[int, np.ndarray] = {}

    @property
    def cache_key(self) -> str:
        """Names this embedder's cached corpus embeddings: changes whenever its numbers would."""
        text = json.dumps({"descriptor": FEATURE_FORMAT, **asdict(self.config)}, sort_keys=True)
        return "descriptor-" + hashlib.sha1(text.encode()).hexdigest()[:10]

    def __call__(self, audio: np.ndarray | list[np.ndarray], sample_rate: int) -> np.ndarray:
        """A batch (n, samples) or a list of mono signals at ``sample_rate`` -> float64 (n, 31)."""
        rate = self.config.sample_rate
        signals = [np.asarray(a, dtype=np.float32) for a in audio]
        if sample_rate != rate:
            signals = [librosa.resample(a, orig_sr=sample_rate, target_sr=rate, res_type="soxr_hq") for a in signals]
        if not signals:
            return np.zeros((0, self.dim))
        with single_thread():
            warm_features(self._describe, rate)  # numba's on-disk cache is not safe to fill from two processes
            return np.stack([self._describe(a) for a in signals])

    def _describe(self, audio: np.ndarray) -> np.ndarray:
        cfg = self.config
        if audio.size < cfg.n_fft:
            audio = np.pad(audio, (0, cfg.n_fft - audio.size))
        magnitude = np.abs(librosa.stft(audio, n_fft=cfg.n_fft, hop_length=cfg.hop_length))
        mel_db = librosa.power_to_db(self._mel_basis @ magnitude**2)
        return np.concatenate([
            self._timbre(audio, magnitude, mel_db),
            self._brightness(magnitude),
            self._rhythm(mel_db, audio.size / cfg.sample_rate),
            self._harmony(audio),
            _loudness(magnitude, cfg.n_fft),
        ])

    def _timbre(self, audio: np.ndarray, magnitude: np.ndarray, mel_db: np.ndarray) -> np.ndarray:
        mfcc = librosa.feature.mfcc(S=mel_db, n_mfcc=13)[1:].mean(axis=1)  # c0 is loudness, kept apart
        flatness = np.log(librosa.feature.spectral_flatness(S=magnitude) + EPS).mean()  # noise vs tone
        cfg = self.config
        zcr = librosa.feature.zero_crossing_rate(audio, frame_length=cfg.n_fft, hop_length=cfg.hop_length)
        return np.concatenate([mfcc, [flatness, zcr.mean()]])

    def _brightness(self, magnitude: np.ndarray) -> np.ndarray:
        sr = self.config.sample_rate
        centroid = np.log(librosa.feature.spectral_centroid(S=magnitude, sr=sr)[0] + 1.0)
        rolloff = np.log(librosa.feature.spectral_rolloff(S=magnitude, sr=sr)[0] + 1.0)
        bandwidth = np.log(librosa.feature.spectral_bandwidth(S=magnitude, sr=sr)[0] + 1.0)
        return np.array([centroid.mean(), centroid.std(), rolloff.mean(), bandwidth.mean()])

    def _rhythm(self, mel_db: np.ndarray, seconds: float) -> np.ndarray:
        sr, hop = self.config.sample_rate, self.config.hop_length
        envelope = librosa.onset.onset_strength(S=mel_db, sr=sr, hop_length=hop)
        onsets = librosa.onset.onset_detect(onset_envelope=envelope, sr=sr, hop_length=hop)
        tempo = librosa.feature.tempo(onset_envelope=envelope, sr=sr, hop_length=hop)[0]
        return np.array([len(onsets) / max(seconds, EPS), envelope.mean(), envelope.std(), np.log(max(tempo, 1.0)),
                         _pulse_clarity(envelope, sr / hop)])

    def _harmony(self, audio: np.ndarray) -> np.ndarray:
        """How well the pitch classes fit a major or a minor key, which key, and how tonal at all."""
        cfg = self.config
        n_fft = min(cfg.chroma_n_fft, 2 ** int(np.log2(max(audio.size, 2))))
        power = np.abs(librosa.stft(audio, n_fft=n_fft, hop_length=n_fft // 4)) ** 2
        if n_fft not in self._chroma_bases:
            self._chroma_bases[n_fft] = librosa.filters.chroma(sr=cfg.sample_rate, n_fft=n_fft)
        frames = self._chroma_bases[n_fft] @ power
        chroma = (frames / (frames.max(axis=0, keepdims=True) + EPS)).mean(axis=1)  # each frame peak-normalised
        centred = chroma - chroma.mean()
        centred /= np.linalg.norm(centred) + EPS
        major, minor = self._major @ centred, self._minor @ centred
        is_major = major.max() >= minor.max()
        tonic = int(np.argmax(major)) if is_major else (int(np.argmax(minor)) + 3) % 12  # minor: its relative major
        angle = 2 * np.pi * ((tonic * 7) % 12) / 12  # place on the circle of fifths
        clarity = max(major.max(), minor.max(), 0.0)
        p = chroma / (chroma.sum() + EPS)
        entropy = -(p * np.log(p + EPS)).sum() / np.log(12)
        return np.array([major.max(), minor.max(), major.max() - minor.max(),
                         clarity * np.cos(angle), clarity * np.sin(angle), entropy])


def _loudness(magnitude: np.ndarray, n_fft: int) -> np.ndarray:
    level = librosa.amplitude_to_db(librosa.feature.rms(S=magnitude, frame_length=n_fft)[0] + EPS, ref=1.0)
    return np.array([level.mean(), level.std()])


def _pulse_clarity(envelope: np.ndarray, frame_rate: float) -> float:
    """Height of the onset envelope's autocorrelation at the strongest beat period (0.25-1.5 s)."""
    centred = envelope - envelope.mean()
    ac = librosa.autocorrelate(centred)
    lo, hi = int(0.25 * frame_rate), min(int(1.5 * frame_rate), len(ac) - 1)
    if ac[0] <= EPS or hi <= lo:
        return 0.0
    return float(ac[lo:hi + 1].max() / ac[0])


def _rolled_profiles(profile: np.ndarray) -> np.ndarray:
    """The profile in all 12 keys, each centred and unit length, so a dot product is a correlation."""
    rolled = np.stack([np.roll(profile, k) for k in range(12)])
    rolled = rolled - rolled.mean(axis=1, keepdims=True)
    return rolled / np.linalg.norm(rolled, axis=1, keepdims=True)
