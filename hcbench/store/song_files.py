"""A song on disk: its mel spectrogram as a lossless PNG and the audio raters hear as WAV."""
from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image

from hcbench.atomic import write_atomic
from hcbench.audio import MelConfig, image_to_audio, write_audio
from hcbench.errors import MissingFileError
from hcbench.threads import single_thread

GRIFFIN_LIM_SEED = 0  # the audio of an image does not depend on when or where it was written


def write_song_files(folder: Path, song_id: int, image: np.ndarray, mel: MelConfig) -> tuple[str, str, float]:
    """Write ``song_id``'s PNG and WAV under ``folder``; returns (image path, audio path, seconds), relative."""
    folder.mkdir(parents=True, exist_ok=True)
    image_name, audio_name = f"{song_id:07d}.png", f"{song_id:07d}.wav"
    write_atomic(folder / image_name, lambda tmp: Image.fromarray(np.asarray(image, np.uint8)).save(tmp, format="PNG"),
                 sync_folder=False)  # the WAV's write below syncs the folder for both
    with single_thread():  # Griffin-Lim's small FFTs: a second thread only spins (3x slower on 2 cores)
        audio = image_to_audio(image, mel, seed=GRIFFIN_LIM_SEED)
    write_atomic(folder / audio_name, lambda tmp: write_audio(tmp, audio, mel.sample_rate))
    return f"{folder.name}/{image_name}", f"{folder.name}/{audio_name}", len(audio) / mel.sample_rate


def read_song_image(run_dir: Path, image_path: str) -> np.ndarray:
    path = Path(run_dir) / image_path
    if not path.is_file():
        raise MissingFileError(f"song spectrogram {path} is missing; the run directory was changed by hand "
                               "(restore it, or rerun the experiment)")
    return np.asarray(Image.open(path), np.uint8)
