"""hcbench rate: how a simulated rater population hears real audio.

    hcbench rate song.wav more_songs/ raters=all_profiles embedder=descriptor [--json]

Each file is heard the way generated songs are (through the model's spectrogram channel),
rated by every rater of the population, and summarised per true profile: mean stars,
listening fraction and mean true utility (which only the simulator knows).
"""
from __future__ import annotations

import contextlib
import json
import sys
from pathlib import Path

import hydra
import numpy as np
from hydra.utils import instantiate
from omegaconf import DictConfig, OmegaConf

from hcbench.audio import AudioError, list_audio_files, load_audio
from hcbench.commands.argv import to_overrides
from hcbench.corpus import build_corpus
from hcbench.errors import ConfigError, report_user_errors
from hcbench.paths import conf_dir
from hcbench.seeding import seed_everything

USAGE = "hcbench rate AUDIO_OR_FOLDER... [--json] [key=value ...]"


def translate_argv(args: list[str]) -> list[str]:
    """Positional files and folders become ``inputs=[...]``, ``--json`` becomes ``json=true``; the rest passes on.

    >>> translate_argv(["a.wav", "raters=honest", "--json", "songs/"])
    ['raters=honest', 'json=true', "inputs=['a.wav','songs/']"]
    """
    return to_overrides(args, "inputs", USAGE, switches={"--json": "json"})


def input_files(inputs: list[str]) -> list[Path]:
    """Files as given, folders expanded to the audio files under them (sorted)."""
    if not inputs:
        raise ConfigError("hcbench rate needs audio: hcbench rate FILE_OR_FOLDER... (or inputs=[...])")
    files: list[Path] = []
    for item in map(Path, inputs):
        if item.is_dir():
            found = list_audio_files(item)
            if not found:
                raise AudioError(item, "holds no audio files", "give a folder with .wav, .flac, .ogg, .mp3 or .aiff")
            files += found
        else:
            files.append(item)
    return files


def run_rate(cfg: DictConfig) -> dict:
    """Rate every input file with every rater; returns the summary that is printed."""
    from simulators import build_population, fit_space, ground_truth

    seed_everything(cfg.seed)
    _check_required(cfg)
    files = input_files(list(cfg.inputs))
    mel = instantiate(cfg.model.mel)
    signals = [load_audio(f, mel.sample_rate, min_seconds=mel.slice_seconds) for f in files]  # bad input fails fast
    embedder = instantiate(cfg.embedder)
    population_cfg = instantiate(cfg.raters)
    space = fit_space(embedder, build_corpus(instantiate(cfg.corpus)), mel, instantiate(cfg.space))
    population = build_population(population_cfg, space, cfg.n_raters, cfg.seed)
    songs = space.songs_from_audio(signals, mel.sample_rate, sources=[str(f) for f in files])
    truth = ground_truth(population)
    utility = truth.utility(songs)  # at the moment of rating: drifting tastes move once they rate
    ratings = population.rate(songs)
    header = {"raters": population.name, "n_raters": population.n_raters, "embedder": type(embedder).__name__,
              "channel": f"{cfg.model.name} ({mel.x_res}x{mel.y_res} mel at {mel.sample_rate} Hz)", "seed": cfg.seed}
    labels = truth.profile_labels
    order = [name for name in population_cfg.mix if name in set(labels)]
    return {**header, "files": [_summarise_file(str(f), songs.seconds[j], ratings, utility, labels, order, j)
                                for j, f in enumerate(files)]}


def _check_required(cfg: DictConfig) -> None:
    """Required values (``???``) left unset: one line that names them, not a traceback."""
    missing = sorted(OmegaConf.missing_keys(cfg))
    if "embedder.path" in missing:
        from simulators.embedders.clap import WHERE_TO_GET_ONE

        raise ConfigError(f"embedder.path is required for embedder=clap; {WHERE_TO_GET_ONE}")
    if missing:
        raise ConfigError(f"set the required value(s) {', '.join(missing)} (key=value on the command line)")


def _summarise_file(name: str, seconds: float, ratings, utility: np.ndarray, labels: np.ndarray, order: list[str],
                    j: int) -> dict:
    groups = {label: labels == label for label in order}
    groups["all raters"] = np.ones(len(labels), bool)
    rows = {label: {"raters": int(mask.sum()),
                    "mean_stars": round(float(ratings.stars[mask, j].mean()), 3),
                    "listen_fraction": round(float(ratings.listen_fraction[mask, j].mean()), 3),
                    "true_utility": round(float(utility[mask, j].mean()), 3)} for label, mask in groups.items()}
    return {"file": name, "seconds": round(float(seconds), 2), "profiles": rows}


def _print_table(summary: dict) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"hcbench rate: {summary['n_raters']} raters ({summary['raters']}), {summary['embedder']}, "
                        f"heard through {summary['channel']}")
    table.add_column("file", overflow="fold")
    table.add_column("profile", no_wrap=True)
    for column in ("raters", "mean stars", "listened", "true utility"):
        table.add_column(column, justify="right")
    for entry in summary["files"]:
        for k, (label, row) in enumerate(entry["profiles"].items()):
            style = "bold" if label == "all raters" else None
            name = Path(entry["file"]).name if k == 0 else ""  # full paths stay in --json
            table.add_row(name, label, str(row["raters"]), f"{row['mean_stars']:.2f}",
                          f"{100 * row['listen_fraction']:.0f}%", f"{row['true_utility']:.3f}", style=style)
        table.add_section()
    Console().print(table)


@hydra.main(config_path=str(conf_dir()), config_name="rate", version_base="1.3")
@report_user_errors
def main(cfg: DictConfig) -> None:
    if cfg.json:
        with contextlib.redirect_stdout(sys.stderr):  # progress bars and chatter must not corrupt the JSON
            summary = run_rate(cfg)
        print(json.dumps(summary, indent=1))
    else:
        _print_table(run_rate(cfg))
