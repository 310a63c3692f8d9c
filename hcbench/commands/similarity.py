"""hcbench similarity: how alike songs are under the paper's similarity (eq. 3 and 4).

    hcbench similarity A.wav B.wav [C.wav ...] [--json] [similarity=descriptor]

Each file is cut into clips; all clips of a song are pooled into one representation
(eq. 3). Prints the cosine (eq. 4) of the first song to each of the others, and to the
others taken together as one set.
"""
from __future__ import annotations

import contextlib
import json
import sys
from pathlib import Path

import hydra
import numpy as np
from hydra.utils import instantiate
from omegaconf import DictConfig

from hcbench.audio import load_audio
from hcbench.commands.rate import input_files
from hcbench.commands.rate import translate_argv as translate_argv  # the CLI's hook: positional files -> inputs=[...]
from hcbench.errors import ConfigError, report_user_errors
from hcbench.paths import conf_dir
from hcbench.similarity.songs import song_images


def run_similarity(cfg: DictConfig) -> dict:
    """The first song's similarity to each other song and to the set of them; returns what is printed."""
    files = input_files(list(cfg.inputs)) if cfg.inputs else []
    if len(files) < 2:
        raise ConfigError("hcbench similarity needs two or more songs: hcbench similarity A.wav B.wav [C.wav ...]")
    similarity = instantiate(cfg.similarity)
    mel = similarity.mel
    songs = [song_images(load_audio(f, mel.sample_rate), mel, source=str(f)) for f in files]
    first = similarity.represent_set(songs[0])
    others = np.stack([similarity.represent_set(images) for images in songs[1:]])
    together = similarity.represent_set(np.concatenate(songs[1:]))
    representation = getattr(similarity, "representation", "descriptor")
    return {"similarity": type(similarity).__name__, "representation": representation,
            "first": str(files[0]), "clips": {str(f): len(images) for f, images in zip(files, songs)},
            "to_each": {str(f): round(float(s), 4) for f, s in zip(files[1:], similarity.similarity(first, others))},
            "to_set": round(float(similarity.similarity(first, together)), 4)}


def _print_table(summary: dict) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"similarity of {Path(summary['first']).name} ({summary['similarity']}, "
                        f"{summary['representation']}; cosine, eq. 4)")
    table.add_column("to", overflow="fold")
    table.add_column("clips", justify="right")
    table.add_column("similarity", justify="right")
    for name, value in summary["to_each"].items():
        table.add_row(Path(name).name, str(summary["clips"][name]), f"{value:.3f}")
    table.add_section()
    set_clips = sum(summary["clips"][name] for name in summary["to_each"])
    others = len(summary["to_each"])
    label = f"the {others} others as one set" if others > 1 else "the other song as a set"
    table.add_row(label, str(set_clips), f"{summary['to_set']:.3f}", style="bold")
    Console().print(table)


@hydra.main(config_path=str(conf_dir()), config_name="similarity", version_base="1.3")
@report_user_errors
def main(cfg: DictConfig) -> None:
    if cfg.json:
        with contextlib.redirect_stdout(sys.stderr):  # progress and chatter must not corrupt the JSON
            summary = run_similarity(cfg)
        print(json.dumps(summary, indent=1))
    else:
        _print_table(run_similarity(cfg))
