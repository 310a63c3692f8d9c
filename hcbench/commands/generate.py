"""hcbench generate: new songs from the model, unconditioned or merged from input songs."""
from __future__ import annotations

from pathlib import Path

import hydra
import numpy as np
from omegaconf import DictConfig
from rich.console import Console
from rich.table import Table

from hcbench.audio import audio_to_image, image_to_audio, load_audio, write_audio
from hcbench.audio.slicing import middle_clip
from hcbench.models.factory import generator_from_config
from hcbench.errors import report_user_errors
from hcbench.paths import conf_dir
from hcbench.progress import progress_bar
from hcbench.report.plots import plot_spectrogram_grid
from hcbench.seeding import seed_everything


def input_spectrograms(paths: list[str], mel) -> np.ndarray:
    """One spectrogram per input file: its audible clip nearest the middle."""
    clips = []
    for path in paths:
        audio = load_audio(path, mel.sample_rate, min_seconds=mel.slice_seconds)
        clips.append(audio_to_image(middle_clip(audio, mel.slice_length, source=path), mel))
    return np.stack(clips)


def run_generate(cfg: DictConfig) -> list[Path]:
    seed_everything(cfg.seed)
    generator = generator_from_config(cfg.model, device=cfg.device)
    out = Path(cfg.out)
    inputs = input_spectrograms(list(cfg.inputs), generator.mel) if cfg.inputs else None
    if inputs is None:
        with progress_bar(f"sampling {cfg.n} from {cfg.model.name}", cfg.n) as advance:
            images = generator.sample(cfg.n, seed=cfg.seed, progress=advance)
    else:
        with progress_bar(f"merging {len(inputs)} songs", len(inputs) + cfg.n) as advance:
            images = generator.generate_from([inputs], cfg.strength, cfg.n, cfg.seed, cfg.eta, advance)[0]
    return _write_outputs(images, inputs, generator.mel, out)


def _write_outputs(images: np.ndarray, inputs: np.ndarray | None, mel, out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    files = [write_audio(out / f"sample_{i:02d}.wav", image_to_audio(img, mel, seed=i), mel.sample_rate) for i, img in enumerate(images)]
    rows = {"generated": images} if inputs is None else {"inputs": inputs, "generated": images}
    grid = plot_spectrogram_grid(rows, out / "spectrograms.png", columns=max(len(images), 2))
    _print_summary(files, grid)
    return files


def _print_summary(files: list[Path], grid: Path) -> None:
    table = Table(title="hcbench generate")
    table.add_column("file")
    for path in files:
        table.add_row(str(path))
    table.add_row(f"[dim]{grid}")
    Console().print(table)


@hydra.main(config_path=str(conf_dir()), config_name="generate", version_base="1.3")
@report_user_errors
def main(cfg: DictConfig) -> None:
    run_generate(cfg)
