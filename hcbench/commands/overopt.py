"""hcbench overopt RUN_DIR: over-optimisation shown on purpose, the proxy against the truth (issue 13, section 4).

    hcbench overopt runs/compare_smoke/best_of_n/seed0
    hcbench overopt RUN_DIR requests=32 candidates=32 ns=[1,2,4,8,16,32]
    hcbench overopt RUN_DIR policy=rwr requests=64 train.epochs=40     # optimiser steps instead of n

RUN_DIR is a finished run whose final version carries a reward model (``method=best_of_n`` or
``rwr``). For ``requests`` fresh requests to the run's raters, v0's weights draw ``candidates``
songs each, as a best-of-n version draws its candidates (``hcbench.compare.candidates``). The
reward model scores every candidate (the proxy) and the simulators give each requester's true
utility of each (the truth: read here to evaluate, like ``hcbench rate``; nothing is trained).
For each n the pick is the best-scored of the first n candidates, so all n share their samples.
Writes RUN_DIR/overopt/: overopt.md (the table), overopt.jsonl (it, and every request's scores),
overopt.png (proxy and truth against n), songs/ (the candidates' spectrograms and audio).

``policy=rwr`` or ``policy=ddpo`` trains v0's weights against that reward model, held fixed, and
judges them along the way on the same fresh requests from the same noise
(``hcbench.compare.trained_overopt``); it writes RUN_DIR/overopt_POLICY/ (the same three files;
songs/ per step; train/ the checkpoints a rerun resumes from).
"""
from __future__ import annotations

from pathlib import Path

import hydra
import numpy as np
from hydra.utils import instantiate
from omegaconf import DictConfig, OmegaConf
from rich.console import Console

from hcbench.commands.argv import required, to_overrides
from hcbench.commands.run import simulated_panel
from hcbench.compare.candidates import candidate_songs, fresh_requests, song_paths
from hcbench.compare.trained_overopt import OPTIMISERS, TrainSchedule, trained_stages
from hcbench.errors import ConfigError, report_user_errors
from hcbench.loop.pool import input_pool
from hcbench.metrics.overoptimisation import curve, stage_rows
from hcbench.models.best_of_n import reward_model_of, weights_of
from hcbench.models.model_dir import load_generator
from hcbench.paths import conf_dir
from hcbench.report.overopt_report import overopt_table, verdict, write_overopt
from hcbench.seeding import seed_everything
from hcbench.store import RunStore, queries

USAGE = "hcbench overopt RUN_DIR [requests=N] [candidates=N] [ns=[1,2,4,...]] [policy=rwr|ddpo train.epochs=N ...]"


def translate_argv(args: list[str]) -> list[str]:
    """RUN_DIR becomes ``run_dir=...``; the rest passes on."""
    return to_overrides(args, "run_dir", USAGE, many=False)


def overopt(run_dir: Path, requests: int, candidates: int, ns: list[int]) -> list[dict]:
    """Best of n: measure the curve on ``run_dir``, write RUN_DIR/overopt/, and return the rows per n."""
    setting = _Setting(run_dir, requests)
    songs = candidate_songs(setting.v0, setting.asked, setting.loop.requests, candidates, setting.cfg.seed)
    flat = songs.reshape(-1, *songs.shape[2:])
    proxy = setting.score(flat).reshape(songs.shape[:2])
    heard = song_paths(Path(run_dir) / "overopt" / "songs", flat, setting.v0.mel)
    truth = setting.panel.utility(np.repeat(setting.asked.raters, candidates), heard).reshape(songs.shape[:2])
    rows = curve(proxy, truth, ns, int(setting.cfg.metrics.bootstrap), int(setting.cfg.seed))
    about = setting.about(f"{candidates} candidates each from v0's weights.")
    write_overopt(Path(run_dir) / "overopt", rows, setting.per_request(proxy, truth), about)
    setting.store.close()
    return rows


def overopt_trained(run_dir: Path, requests: int, schedule: TrainSchedule) -> list[dict]:
    """v0 trained against the reward model: judge its weights along their steps, write RUN_DIR/overopt_OPTIMISER/."""
    setting = _Setting(run_dir, requests)
    folder, strength = Path(run_dir) / f"overopt_{schedule.optimiser}", setting.loop.requests.strength
    inputs = queries.request_inputs(setting.store, None)
    prompts = [setting.store.song_images(ids) for _, ids in sorted(inputs.items())]

    def judge(answers: np.ndarray, step: int) -> tuple[np.ndarray, np.ndarray]:
        heard = song_paths(folder / "songs" / f"step{step:04d}", answers, setting.v0.mel)
        return setting.score(answers), setting.panel.utility(setting.asked.raters, heard)

    steps, proxy, truth, epochs = trained_stages(setting.v0, setting.score, prompts, setting.asked.inputs, judge,
                                                 schedule, strength, int(setting.cfg.seed), folder / "train")
    rows = stage_rows(proxy, truth, steps, int(setting.cfg.metrics.bootstrap), int(setting.cfg.seed), key="step")
    how = (f"reward-weighted fine-tuning (temperature {schedule.temperature:g})" if schedule.optimiser == "rwr" else
           f"DDPO (PPO clip {schedule.clip_range:g})")
    about = setting.about(f"v0's weights trained against it by {how} for {schedule.epochs} epochs of "
                          f"{schedule.steps_per_epoch} steps ({schedule.batch_size} samples each, learning rate "
                          f"{schedule.learning_rate:g}, {schedule.samples_per_request} fresh samples per prompt of the "
                          f"run's {len(prompts)} requests each epoch); each stage answers every evaluation request "
                          "once, from the same noise.")
    write_overopt(folder, rows, setting.per_request(proxy, truth), about, [{"kind": "epoch", **e} for e in epochs])
    setting.store.close()
    return rows


class _Setting:
    """What every overopt measurement shares: the run, its final reward model, v0, its raters and fresh requests."""

    def __init__(self, run_dir: Path, requests: int):
        self.run_dir, self.store = run_dir, RunStore(run_dir, create=False)
        self.cfg = cfg = OmegaConf.create(self.store.get_meta("config"))
        final = queries.version_path(self.store, queries.version_ids(self.store)[-1])
        self.reward = reward_model_of(final)
        if self.reward is None:
            raise ConfigError(f"{run_dir}'s final version ({final}) carries no reward model; give a finished run of "
                              "a method that learns one (method=best_of_n or method=rwr)")
        seed_everything(cfg.seed)
        self.loop, self.similarity = instantiate(cfg.loop), instantiate(cfg.similarity)
        self.v0 = load_generator(weights_of(queries.version_path(self.store, 0)), cfg.model.steps,
                                 cfg.model.batch_size, cfg.device).eval_mode()
        corpus, self.panel = simulated_panel(cfg, self.v0.mel)
        self.panel.sync(queries.ratings_per_rater(self.store, len(self.panel.rater_ids)))  # tastes as the run ended
        pool = input_pool(corpus, self.v0.mel, self.loop.requests.pool_split, self.loop.requests.pool_size, cfg.seed)
        self.asked = fresh_requests(self.store, self.panel, *pool, self.loop.requests, requests, cfg.seed)

    def score(self, songs: np.ndarray) -> np.ndarray:
        """The proxy: the reward model's score of each spectrogram, over the platform's similarity features."""
        return self.reward.predict(self.similarity.represent(songs))

    def per_request(self, proxy: np.ndarray, truth: np.ndarray) -> list[dict]:
        return [{"rater": int(r), "proxy": p.tolist(), "truth": t.tolist()}
                for r, p, t in zip(self.asked.raters, proxy, truth)]

    def about(self, how: str) -> str:
        return (f"Run {self.run_dir} (experiment {self.cfg.experiment_name}, seed {self.cfg.seed}); the reward model "
                f"of its final version; {len(self.asked.raters)} fresh requests; {how}")


@hydra.main(config_path=str(conf_dir()), config_name="overopt", version_base="1.3")
@report_user_errors
def main(cfg: DictConfig) -> None:
    ns = [int(n) for n in cfg.ns]
    if int(cfg.requests) < 1 or int(cfg.candidates) < max(ns, default=0) or min(ns, default=0) < 1:
        raise ConfigError(f"overopt needs requests >= 1 and 1 <= n <= candidates={cfg.candidates} for every n of "
                          f"ns={ns}")
    run_dir = Path(str(required(cfg, "run_dir", USAGE)))
    if cfg.policy == "best_of_n":
        rows, folder = overopt(run_dir, int(cfg.requests), int(cfg.candidates), ns), run_dir / "overopt"
    elif cfg.policy in OPTIMISERS:
        schedule = TrainSchedule(optimiser=cfg.policy, **cfg.train)
        rows, folder = overopt_trained(run_dir, int(cfg.requests), schedule), run_dir / f"overopt_{cfg.policy}"
    else:
        raise ConfigError(f"policy={cfg.policy}: overopt optimises the proxy by best_of_n, {' or '.join(OPTIMISERS)}")
    print(overopt_table(rows), "\n")
    print(verdict(rows))
    Console().print(f"wrote {folder}: overopt.md, overopt.jsonl, overopt.png")
