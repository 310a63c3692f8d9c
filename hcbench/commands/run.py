"""hcbench run: the paper's human-computation loop with simulated raters, for as many versions as asked.

    hcbench run                          # experiment=default: small model, 3 versions, ~10 min on 2 cores
    hcbench run experiment=smoke         # CI size
    hcbench run experiment=paper_pilot   # the protocol of the paper's section 6, prints Table 1
    hcbench run method=paper             # the paper's eq. 2 fine-tune instead of the default DPO (paper_dpo)
    hcbench run -m seed=0,1,2            # a sweep: runs/default/multirun/seed=0, ... (hcbench.commands.sweep_job)
    hcbench run -m hydra/launcher=joblib seed=0,1   # its jobs side by side, one thread each (the sweep extra)

Everything lands in RUN_DIR (run.db, songs/, versions/, metrics.jsonl, report.md, report.html, versions.png).
Rerunning the same command continues a stopped run.
"""
from __future__ import annotations

from pathlib import Path

import hydra
from hydra.utils import instantiate
from omegaconf import DictConfig, OmegaConf
from rich.console import Console

from hcbench.commands.sweep_job import as_sweep_job
from hcbench.corpus import build_corpus
from hcbench.errors import ConfigError, report_user_errors
from hcbench.loop.config import RequestConfig
from hcbench.loop.method import Method
from hcbench.loop.pool import CorpusSongs, input_pool
from hcbench.loop.runner import LoopParts, run_loop
from hcbench.loop.versions import Versions
from hcbench.metrics.loop_metrics import write_corpus_reference
from hcbench.paths import conf_dir
from hcbench.report.build import rebuild_report
from hcbench.report.markdown import table1_markdown
from hcbench.report.terminal import print_iteration
from hcbench.seeding import seed_everything
from hcbench.store import RunStore


def run_experiment(cfg: DictConfig) -> Path:
    """Run or continue the experiment in ``cfg.run_dir``; returns the run directory."""
    from simulators.panel import pair_truth_recorder, truth_recorder

    seed_everything(cfg.seed)
    loop_cfg, finetune, similarity = instantiate(cfg.loop), instantiate(cfg.finetune), instantiate(cfg.similarity)
    method = instantiate(cfg.method)
    if not isinstance(method, Method):
        raise ConfigError(f"method {cfg.method._target_} lacks one of asks, training_signal and next_version "
                          "(hcbench.loop.method.Method)")
    store = _open_store(cfg)
    versions = Versions(store, cfg.model.path, cfg.model.steps, cfg.model.batch_size, cfg.device, similarity)
    mel = versions.generator(0).mel
    corpus, panel, input_songs, input_index = simulated_users(cfg, store, mel, loop_cfg.requests)
    parts = LoopParts(cfg=loop_cfg, panel=panel, similarity=similarity, mel=mel, input_songs=input_songs,
                      input_index=input_index, base_songs=CorpusSongs("train", *corpus.spectrograms(mel, "train")),
                      method=method, finetune=finetune, seed=cfg.seed, budget=instantiate(cfg.budget),
                      record_truth=truth_recorder(panel), record_pair_truth=pair_truth_recorder(panel),
                      after_iteration=lambda s, t: print_iteration(rebuild_report(s), t))
    run_loop(store, versions, parts)
    console = Console()
    print("\nTable 1: mean rating per input song and version, and rating counts\n")
    print(table1_markdown(rebuild_report(store)), "\n")
    console.print(f"[green]done:[/green] {store.run_dir}  (report: {store.run_dir / 'report.md'}; "
                  f"gate: hcbench check {store.run_dir})")
    return store.run_dir


def simulated_users(cfg: DictConfig, store: RunStore, mel, requests: RequestConfig):
    """The corpus, the simulated raters (their true profiles recorded in ``store``) and the pool of input
    songs they bring: (corpus, panel, input songs, pool indices). ``hcbench compare`` asks the same people."""
    from simulators.panel import record_rater_truth

    corpus, panel = simulated_panel(cfg, mel)
    record_rater_truth(store, panel)
    write_corpus_reference(store.run_dir, corpus.spectrograms(mel, "heldout")[0])
    input_songs, input_index = input_pool(corpus, mel, requests.pool_split, requests.pool_size, cfg.seed)
    return corpus, panel, input_songs, input_index


def simulated_panel(cfg: DictConfig, mel):
    """The corpus and the run's simulated raters (a ``SimulatedPanel``), as ``cfg`` builds them."""
    from simulators import build_population, fit_space
    from simulators.panel import SimulatedPanel

    corpus = build_corpus(instantiate(cfg.corpus))
    space = fit_space(instantiate(cfg.embedder), corpus, mel, instantiate(cfg.space))
    return corpus, SimulatedPanel(build_population(instantiate(cfg.raters), space, cfg.n_raters, cfg.seed), cfg.seed)


def run_finished(cfg: DictConfig) -> bool:
    """Whether ``cfg.run_dir`` holds this config's run with every iteration done (another run's: ConfigError)."""
    if not (Path(cfg.run_dir) / "run.db").is_file():
        return False
    store = _open_store(cfg)
    finished = store.stage_done(instantiate(cfg.loop).iterations - 1, "done")
    store.close()
    return finished


def _open_store(cfg: DictConfig) -> RunStore:
    """A new run records its config; an existing one continues only under the same config."""
    run_dir = Path(cfg.run_dir)
    config = OmegaConf.to_container(cfg, resolve=True)
    config.pop("resume", None)
    existing = (run_dir / "run.db").is_file()
    if existing and not cfg.resume:
        raise ConfigError(f"{run_dir} already holds a run and resume=false; choose another run_dir "
                          "or pass resume=true to continue it")
    store = RunStore(run_dir)
    recorded = store.get_meta("config")
    if recorded is None:
        store.set_meta("config", config)
        store.set_meta("seed", cfg.seed)
        store.set_meta("bad_profiles", list(cfg.metrics.bad_profiles))
        store.set_meta("bootstrap", int(cfg.metrics.bootstrap))
    elif _results_config(recorded) != _results_config(config):
        changed = sorted(_changed_keys(_results_config(recorded), _results_config(config)))
        raise ConfigError(f"{run_dir} holds a run with another config (differs at {', '.join(changed[:6])}); "
                          "rerun with the same overrides to continue it, or choose another run_dir")
    return store


def _results_config(config: dict) -> dict:
    """The config less the settings that decide only how fast, not what: a run continues under other values."""
    corpus = {k: v for k, v in config.get("corpus", {}).items() if k != "workers"}
    return {**config, "corpus": corpus} if "corpus" in config else config


def _changed_keys(a, b, prefix: str = "") -> list[str]:
    if isinstance(a, dict) and isinstance(b, dict):
        return [k for key in set(a) | set(b) for k in _changed_keys(a.get(key), b.get(key), f"{prefix}{key}.")]
    return [] if a == b else [prefix.rstrip(".")]


@hydra.main(config_path=str(conf_dir()), config_name="run", version_base="1.3")
@report_user_errors
def main(cfg: DictConfig) -> None:
    run_experiment(as_sweep_job(cfg))
