"""hcbench overopt RUN_DIR: over-optimisation shown on purpose, best of n against the truth (issue 13, section 4).

    hcbench overopt runs/compare_smoke/best_of_n/seed0
    hcbench overopt RUN_DIR requests=32 candidates=32 ns=[1,2,4,8,16,32]

RUN_DIR is a finished run whose final version carries a reward model (``method=best_of_n`` or
``rwr``). For ``requests`` fresh requests to the run's raters, v0's weights draw ``candidates``
songs each, as a best-of-n version draws its candidates (``hcbench.compare.candidates``). The
reward model scores every candidate (the proxy) and the simulators give each requester's true
utility of each (the truth: read here to evaluate, like ``hcbench rate``; nothing is trained).
For each n the pick is the best-scored of the first n candidates, so all n share their samples.
Writes RUN_DIR/overopt/: overopt.md (the table), overopt.jsonl (it, and every request's scores),
overopt.png (proxy and truth against n), songs/ (the candidates' spectrograms and audio).
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
from hcbench.errors import ConfigError, report_user_errors
from hcbench.loop.pool import input_pool
from hcbench.metrics.overoptimisation import curve
from hcbench.models.best_of_n import reward_model_of, weights_of
from hcbench.models.model_dir import load_generator
from hcbench.paths import conf_dir
from hcbench.report.overopt_report import overopt_table, verdict, write_overopt
from hcbench.seeding import seed_everything
from hcbench.store import RunStore, queries

USAGE = "hcbench overopt RUN_DIR [requests=N] [candidates=N] [ns=[1,2,4,...]]"


def translate_argv(args: list[str]) -> list[str]:
    """RUN_DIR becomes ``run_dir=...``; the rest passes on."""
    return to_overrides(args, "run_dir", USAGE, many=False)


def overopt(run_dir: Path, requests: int, candidates: int, ns: list[int]) -> list[dict]:
    """Measure the curve on ``run_dir``, write RUN_DIR/overopt/, and return the rows per n."""
    store = RunStore(run_dir, create=False)
    cfg = OmegaConf.create(store.get_meta("config"))
    final = queries.version_path(store, queries.version_ids(store)[-1])
    reward = reward_model_of(final)
    if reward is None:
        raise ConfigError(f"{run_dir}'s final version ({final}) carries no reward model; give a finished run of "
                          "a method that learns one (method=best_of_n or method=rwr)")
    seed_everything(cfg.seed)
    loop = instantiate(cfg.loop)
    v0 = load_generator(weights_of(queries.version_path(store, 0)), cfg.model.steps, cfg.model.batch_size,
                        cfg.device).eval_mode()
    corpus, panel = simulated_panel(cfg, v0.mel)
    panel.sync(queries.ratings_per_rater(store, len(panel.rater_ids)))  # tastes as they stood when the run ended
    pool = input_pool(corpus, v0.mel, loop.requests.pool_split, loop.requests.pool_size, cfg.seed)
    asked = fresh_requests(store, panel, *pool, loop.requests, requests, cfg.seed)
    songs = candidate_songs(v0, asked, loop.requests, candidates, cfg.seed)
    flat = songs.reshape(-1, *songs.shape[2:])
    proxy = reward.predict(instantiate(cfg.similarity).represent(flat)).reshape(songs.shape[:2])
    heard = song_paths(Path(run_dir) / "overopt" / "songs", flat, v0.mel)
    truth = panel.utility(np.repeat(asked.raters, candidates), heard).reshape(songs.shape[:2])
    rows = curve(proxy, truth, ns, int(cfg.metrics.bootstrap), int(cfg.seed))
    per_request = [{"rater": int(r), "proxy": p.tolist(), "truth": t.tolist()}
                   for r, p, t in zip(asked.raters, proxy, truth)]
    about = (f"Run {run_dir} (experiment {cfg.experiment_name}, seed {cfg.seed}); the reward model of its final "
             f"version; {requests} fresh requests, {candidates} candidates each from v0's weights.")
    write_overopt(Path(run_dir) / "overopt", rows, per_request, about)
    store.close()
    return rows


@hydra.main(config_path=str(conf_dir()), config_name="overopt", version_base="1.3")
@report_user_errors
def main(cfg: DictConfig) -> None:
    ns = [int(n) for n in cfg.ns]
    if int(cfg.requests) < 1 or int(cfg.candidates) < max(ns, default=0) or min(ns, default=0) < 1:
        raise ConfigError(f"overopt needs requests >= 1 and 1 <= n <= candidates={cfg.candidates} for every n of "
                          f"ns={ns}")
    run_dir = Path(str(required(cfg, "run_dir", USAGE)))
    rows = overopt(run_dir, int(cfg.requests), int(cfg.candidates), ns)
    print(overopt_table(rows), "\n")
    print(verdict(rows))
    Console().print(f"wrote {run_dir / 'overopt'}: overopt.md, overopt.jsonl, overopt.png")
