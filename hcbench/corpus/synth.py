"""A small procedural synthesiser: labelled music when no SoundFont or score is at hand.

Each piece is a four-bar diatonic chord loop with bass, a random-walk melody and
optional drums, so style labels (tempo, mode, timbre, drums) are audible facts.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator, Sequence

import numpy as np

SCALES = {"major": (0, 2, 4, 5, 7, 9, 11), "minor": (0, 2, 3, 5, 7, 8, 10)}  # natural minor: no raised 7th
PROGRESSIONS = {  # scale degrees (0 = tonic), one chord per bar; every loop starts on the tonic
    "major": ((0, 3, 4, 0), (0, 5, 3, 4), (0, 4, 5, 3)),
    "minor": ((0, 5, 2, 6), (0, 3, 4, 0), (0, 6, 5, 4)),
}
PITCH_NAMES = ("C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B")


@dataclass(frozen=True)
class SynthStyle:
    """The audible choices behind one synthesised piece."""

    tempo_bpm: float = 100.0
    mode: str = "major"  # "major" or "minor"
    tonic: int = 0  # pitch class of the key, 0 = C
    timbre: str = "sine"  # "sine", "organ", "pluck" or "square"
    drums: bool = False

    def labels(self) -> dict:
        """Labels in the corpus convention.

        >>> SynthStyle(120, "minor", 9, "pluck", True).labels()["key"]
        'A'
        """
        return {
            "source": "synth", "collection": f"synth-{self.timbre}", "tempo_bpm": float(self.tempo_bpm),
            "mode": self.mode, "key": PITCH_NAMES[self.tonic % 12], "timbre": self.timbre, "drums": bool(self.drums),
        }


def random_style(
    rng: np.random.Generator, tempo_range: Sequence[float], modes: Sequence[str], timbres: Sequence[str],
    drums_probability: float,
) -> SynthStyle:
    return SynthStyle(
        tempo_bpm=float(round(rng.uniform(*tempo_range))),
        mode=str(rng.choice(list(modes))),
        tonic=int(rng.integers(12)),
        timbre=str(rng.choice(list(timbres))),
        drums=bool(rng.random() < drums_probability),
    )


def synthesize(style: SynthStyle, seconds: float, sample_rate: int, rng: np.random.Generator) -> np.ndarray:
    """``seconds`` of mono float32 audio in ``style``, peak at -1 dBFS."""
    if style.mode not in SCALES:
        raise ValueError(f"synth mode must be one of {list(SCALES)}, got {style.mode!r}")
    if style.timbre not in _TIMBRES:
        raise ValueError(f"synth timbre must be one of {list(_TIMBRES)}, got {style.timbre!r}")
    # Separate streams, so switching drums on leaves the notes exactly as they were.
    music_rng, drum_rng = (np.random.default_rng(s) for s in rng.integers(2**63, size=2))
    n = int(round(seconds * sample_rate))
    out = np.zeros(n + sample_rate, dtype=np.float64)  # one spare second for release tails
    for start, dur, midi, gain in _notes(style, seconds, music_rng):
        _add(out, _tone(midi, dur, sample_rate, style.timbre) * gain, int(start * sample_rate))
    if style.drums:
        out += 0.6 * _drums(style.tempo_bpm, len(out), sample_rate, drum_rng)
    out = out[:n]
    return (out * 0.89 / max(np.abs(out).max(), 1e-9)).astype(np.float32)


def synth_pieces(
    count: int, seconds: float, sample_rate: int, seed: int, tempo_range: Sequence[float], modes: Sequence[str],
    timbres: Sequence[str], drums_probability: float,
) -> Iterator[tuple[np.ndarray, dict]]:
    """``count`` labelled pieces; piece i depends only on (seed, i)."""
    for i in range(count):
        rng = np.random.default_rng([seed, i])
        style = random_style(rng, tempo_range, modes, timbres, drums_probability)
        labels = {**style.labels(), "title": f"synth {i:04d}"}
        yield synthesize(style, seconds, sample_rate, rng), labels


def _notes(style: SynthStyle, seconds: float, rng: np.random.Generator) -> Iterator[tuple[float, float, int, float]]:
    """(start s, duration s, MIDI pitch, gain) for chords, bass and melody."""
    scale = SCALES[style.mode]
    beat = 60.0 / style.tempo_bpm
    progression = PROGRESSIONS[style.mode][rng.integers(len(PROGRESSIONS[style.mode]))]
    pitch = lambda step: 48 + style.tonic + 12 * (step // 7) + scale[step % 7]  # scale step -> MIDI, from tonic 3
    melody_step = 14 + int(rng.integers(0, 3)) * 2  # start on a chord tone two octaves up
    for bar in range(int(np.ceil(seconds / (4 * beat)))):
        root = progression[bar % len(progression)]
        t0 = bar * 4 * beat
        for third in (0, 2, 4):  # diatonic triad, so its quality follows the mode
            yield t0, 4 * beat, pitch(7 + root + third), 0.12
        for half in (0, 2):
            yield t0 + half * beat, 2 * beat, pitch(root), 0.3
        for b in range(4):
            if b == 0:  # land on a chord tone on the downbeat
                melody_step = min((root + c + 7 * o for c in (0, 2, 4) for o in (1, 2, 3)),
                                  key=lambda s: abs(s - melody_step))
            splits = 2 if rng.random() < 0.45 else 1
            for k in range(splits):
                if rng.random() < 0.08:  # an occasional rest
                    continue
                yield t0 + (b + k / splits) * beat, beat / splits, pitch(melody_step), 0.35 * rng.uniform(0.7, 1.0)
                melody_step = int(np.clip(melody_step + rng.choice([-2, -1, -1, 0, 1, 1, 2]), 9, 22))


def _tone(midi: int, seconds: float, sr: int, timbre: str) -> np.ndarray:
    freq = 440.0 * 2 ** ((midi - 69) / 12)
    t = np.arange(int((seconds + 0.08) * sr)) / sr  # the tail is the release
    return _TIMBRES[timbre](freq, t, sr) * _envelope(t, seconds, timbre)


def _harmonics(freq: float, t: np.ndarray, sr: int, weights: Sequence[float], numbers: Sequence[int]) -> np.ndarray:
    out = np.zeros_like(t)
    for k, w in zip(numbers, weights):
        if k * freq < sr / 2:  # band-limited: no partial above Nyquist, so no aliasing
            out += w * np.sin(2 * np.pi * k * freq * t)
    return out


def _sine(freq, t, sr):
    return np.sin(2 * np.pi * freq * t)


def _organ(freq, t, sr):  # drawbar-like additive stops
    return _harmonics(freq, t, sr, (1, 0.6, 0.4, 0.3, 0.2, 0.15), (1, 2, 3, 4, 6, 8)) / 2


def _pluck(freq, t, sr):  # higher partials die faster, as on a plucked string
    out = np.zeros_like(t)
    for k in range(1, 13):
        if k * freq < sr / 2:
            out += np.sin(2 * np.pi * k * freq * t) * np.exp(-t * (3 + 2.5 * k)) / k
    return out


def _square(freq, t, sr):
    ks = range(1, 40, 2)
    return _harmonics(freq, t, sr, [1 / k for k in ks], ks) * 0.8


_TIMBRES = {"sine": _sine, "organ": _organ, "pluck": _pluck, "square": _square}


def _envelope(t: np.ndarray, held: float, timbre: str) -> np.ndarray:
    """Attack, decay to a sustain, release after ``held`` seconds: every note gets an onset."""
    attack = 0.002 if timbre == "pluck" else 0.01
    sustain = 1.0 if timbre in ("organ", "pluck") else 0.7
    env = np.minimum(t / attack, 1.0)
    env = env * (sustain + (1 - sustain) * np.exp(-t / 0.08))
    return env * np.clip(1 - (t - held) / 0.06, 0, 1)


def _drums(bpm: float, n: int, sr: int, rng: np.random.Generator) -> np.ndarray:
    """Kick on beats 1 and 3, snare on 2 and 4, closed hats on every eighth."""
    beat = 60.0 / bpm
    out = np.zeros(n)
    t = np.arange(int(0.3 * sr)) / sr
    kick = np.sin(2 * np.pi * (45 * t + 75 * (1 - np.exp(-t * 30)) / 30)) * np.exp(-t * 18)  # 120 -> 45 Hz sweep
    snare_t = t[: int(0.2 * sr)]
    snare_noise = rng.standard_normal(len(snare_t)) * np.exp(-snare_t * 28)
    snare = 0.5 * snare_noise + 0.4 * np.sin(2 * np.pi * 185 * snare_t) * np.exp(-snare_t * 35)
    hat_t = t[: int(0.05 * sr)]
    hat = np.diff(rng.standard_normal(len(hat_t) + 1)) * np.exp(-hat_t * 90) * 0.12  # diff: crude high-pass
    for i in range(int(n / sr / (beat / 2)) + 1):
        start = int(i * beat / 2 * sr)
        _add(out, hat, start)
        if i % 2 == 0:
            _add(out, kick if (i // 2) % 2 == 0 else snare, start)
    return out


def _add(out: np.ndarray, sound: np.ndarray, start: int) -> None:
    end = min(len(out), start + len(sound))
    if end > start:
        out[start:end] += sound[: end - start]
