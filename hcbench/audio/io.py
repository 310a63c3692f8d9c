"""Read any common audio file as mono float32 at a chosen rate; write audio files."""
from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import soundfile as sf

from hcbench.audio.errors import AudioError

AUDIO_EXTENSIONS = (".wav", ".flac", ".ogg", ".mp3", ".aiff", ".aif")
SILENCE_PEAK = 1e-4  # about -80 dBFS: below this a file holds no music to learn from


def load_audio(path: str | Path, sample_rate: int, min_seconds: float = 0.0) -> np.ndarray:
    """Decode ``path`` to a mono float32 signal at ``sample_rate``.

    Raises :class:`AudioError` naming the file when it is missing, a directory,
    not audio, empty, silent or shorter than ``min_seconds``.
    """
    path = Path(path)
    _check_is_file(path)
    audio, native_rate = _decode(path)
    audio = _to_mono(audio)
    if native_rate != sample_rate:
        from hcbench.audio.librosa_kernels import librosa

        audio = librosa.resample(audio, orig_sr=native_rate, target_sr=sample_rate, res_type="soxr_hq")
    _check_content(path, audio, sample_rate, min_seconds)
    return np.ascontiguousarray(audio, dtype=np.float32)


def write_audio(path: str | Path, audio: np.ndarray, sample_rate: int) -> Path:
    """Write a mono signal; the format follows the suffix (.wav, .flac, .ogg)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    audio = np.clip(np.asarray(audio, dtype=np.float32), -1.0, 1.0)
    sf.write(str(path), audio, sample_rate)
    return path


def list_audio_files(folder: str | Path) -> list[Path]:
    """All audio files under ``folder``, sorted, so corpora are built in a stable order."""
    folder = Path(folder)
    if not folder.is_dir():
        raise AudioError(folder, "is not a directory", "give a folder that holds audio files")
    return sorted(p for p in folder.rglob("*") if p.suffix.lower() in AUDIO_EXTENSIONS and p.is_file())


def _check_is_file(path: Path) -> None:
    if not path.exists():
        raise AudioError(path, "does not exist", "check the path")
    if path.is_dir():
        raise AudioError(path, "is a directory, not an audio file", "name a file inside it")
    if path.stat().st_size == 0:
        raise AudioError(path, "is an empty file", "re-export or re-download the audio")


def _decode(path: Path) -> tuple[np.ndarray, int]:
    try:
        audio, rate = sf.read(str(path), dtype="float32", always_2d=True)
        return audio, rate
    except Exception as sf_error:  # libsndfile lacks some codecs; try audioread next
        try:
            return _decode_with_audioread(path)
        except Exception:
            raise AudioError(
                path,
                f"cannot be decoded as audio ({type(sf_error).__name__}: {sf_error})",
                f"give a valid file in one of {', '.join(AUDIO_EXTENSIONS)}",
            ) from sf_error


def _decode_with_audioread(path: Path) -> tuple[np.ndarray, int]:
    from hcbench.audio.librosa_kernels import librosa

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        audio, rate = librosa.load(str(path), sr=None, mono=False)
    return np.atleast_2d(audio).T, int(rate)


def _to_mono(audio: np.ndarray) -> np.ndarray:
    return audio.mean(axis=1) if audio.ndim == 2 else audio


def _check_content(path: Path, audio: np.ndarray, sample_rate: int, min_seconds: float) -> None:
    if audio.size == 0:
        raise AudioError(path, "holds no samples", "re-export the audio; the file has a header but no sound")
    if not np.all(np.isfinite(audio)):
        raise AudioError(path, "holds NaN or infinite samples", "re-export the audio")
    if np.abs(audio).max() < SILENCE_PEAK:
        raise AudioError(path, "is silent (peak below -80 dBFS)", "give a file with audible sound")
    seconds = audio.size / sample_rate
    if seconds < min_seconds:
        raise AudioError(
            path, f"is too short: {seconds:.2f} s, at least {min_seconds:.2f} s needed", "give a longer recording"
        )
