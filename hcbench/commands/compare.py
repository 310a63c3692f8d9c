"""hcbench compare experiment=NAME: methods side by side, judged by one shared, paired evaluation.

    hcbench compare experiment=compare_smoke              # CI size: tiny model, every method, one seed
    hcbench compare experiment=compare                    # small model, every method, three seeds
    hcbench compare experiment=compare_smoke compare.methods=[paper]
    hcbench compare --rebuild runs/compare_smoke          # rewrite compare.md/png/jsonl from the databases

Every method of ``compare.methods`` runs for every seed of ``compare.seeds`` as an ordinary run in
COMPARE_DIR/<method>/seed<k>/ (hcbench.compare.runs); then, per seed, their final versions answer
the same fresh requests (hcbench.compare.evaluation). Rerunning continues: finished runs and
evaluations are skipped, a stopped one continues where it stopped.
"""
from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import hydra
from hydra.core.hydra_config import HydraConfig
from hydra.utils import instantiate
from omegaconf import DictConfig, OmegaConf
from rich.console import Console

from hcbench.commands.argv import to_overrides
from hcbench.commands.run import run_experiment, run_finished, simulated_users
from hcbench.compare.evaluation import (SideBySide, entries, evaluation_config, evaluation_dir, evaluation_seed,
                                        evaluation_versions, open_evaluation, record_drift, record_reward_accuracy,
                                        reference_name)
from hcbench.compare.panel import FreshDraws
from hcbench.compare.runs import Combination, combinations, run_config
from hcbench.errors import ConfigError, report_user_errors
from hcbench.loop.pool import CorpusSongs
from hcbench.loop.runner import LoopParts, run_loop
from hcbench.metrics.compare_metrics import CompareMetrics
from hcbench.models.model_dir import load_generator
from hcbench.paths import conf_dir
from hcbench.report.compare_build import OUTPUTS, rebuild_compare
from hcbench.report.compare_markdown import comparison_table
from hcbench.seeding import seed_everything
from hcbench.store import RunStore

USAGE = "hcbench compare experiment=NAME [key=value ...] | hcbench compare --rebuild [COMPARE_DIR]"


def translate_argv(args: list[str]) -> list[str]:
    """``--rebuild`` becomes ``rebuild=true`` and a positional COMPARE_DIR ``compare_dir=...``."""
    return to_overrides(args, "compare_dir", USAGE, many=False, switches={"--rebuild": "rebuild"})


def compare(cfg: DictConfig, overrides: list[str]) -> CompareMetrics:
    """Run (or continue) every run and evaluation of ``cfg``'s comparison, then write its outputs.
    ``overrides`` are the command line's, which every run's config is composed with."""
    compare_dir = Path(cfg.compare_dir)
    if not cfg.rebuild:
        planned = combinations(cfg)
        run_all(planned, overrides)
        for seed in dict.fromkeys(c.seed for c in planned):
            evaluate_seed([c for c in planned if c.seed == seed], overrides, compare_dir,
                          int(cfg.compare.requests)).close()
    metrics = rebuild_compare(compare_dir, cfg.max_spending_gap)
    console = Console()
    print(comparison_table(metrics))
    console.print(f"[green]done:[/green] {', '.join(str(compare_dir / name) for name in OUTPUTS)}")
    return metrics


def run_all(planned: list[Combination], overrides: list[str]) -> None:
    """Each combination's run, one after another; finished ones are skipped, stopped ones continue."""
    console = Console()
    for i, combination in enumerate(planned, 1):
        cfg = run_config(overrides, combination)
        head = f"[{i}/{len(planned)}] method={combination.method} seed={combination.seed}"
        if _finished(cfg):
            console.print(f"[bold]{head}[/bold]: finished already ({combination.run_dir})")
            continue
        console.rule(f"{head} -> {combination.run_dir}")
        run_experiment(cfg)


def _finished(cfg: DictConfig) -> bool:
    try:
        return run_finished(cfg)
    except ConfigError as error:  # the run's own fix names run_dir, which compare sets
        raise ConfigError(f"{error}. Under compare: rerun with the experiment and overrides that made "
                          "it, or choose another compare_dir") from None


def evaluate_seed(planned: list[Combination], overrides: list[str], compare_dir: Path, requests: int) -> RunStore:
    """The shared evaluation of one seed's final versions (skipped once done)."""
    cfg = evaluation_config(run_config(overrides, planned[0]), requests)
    judged = entries(compare_dir, {c.method: c.run_dir for c in planned}, cfg.model.path)
    record = {"seed": int(cfg.seed), "bootstrap": int(cfg.metrics.bootstrap), "requests": requests,
              "reference": reference_name([e.name for e in judged]), "entries": [asdict(e) for e in judged],
              "config": OmegaConf.to_container(cfg, resolve=True)}
    store = open_evaluation(evaluation_dir(compare_dir, cfg.seed), record)
    if not store.stage_done(0, "done"):
        Console().rule(f"shared evaluation, seed {cfg.seed}: {', '.join(e.name for e in judged)}")
        _side_by_side(store, cfg, judged)
    record_reward_accuracy(store, judged, instantiate(cfg.similarity))  # once; evaluations made before it get it now
    return store


def _side_by_side(store: RunStore, cfg: DictConfig, judged) -> None:
    """The evaluation as a one-iteration paired run over the judged versions, asked of the runs' raters."""
    from simulators.panel import truth_recorder

    seed_everything(cfg.seed)
    loop, similarity = instantiate(cfg.loop), instantiate(cfg.similarity)
    versions = evaluation_versions(store, judged, cfg.model.steps, cfg.model.batch_size, cfg.device, similarity)
    mel = versions.generator(0).mel
    corpus, panel, input_songs, input_index = simulated_users(cfg, store, mel, loop.requests)
    base = load_generator(cfg.model.path, cfg.model.steps, cfg.model.batch_size, cfg.device).eval_mode()
    record_drift(store, versions, judged, base, input_songs.images[input_index], loop.requests.strength)
    parts = LoopParts(cfg=loop, panel=FreshDraws(panel), similarity=similarity, mel=mel,
                      input_songs=input_songs, input_index=input_index,
                      base_songs=CorpusSongs("train", *corpus.spectrograms(mel, "train")), method=SideBySide(),
                      finetune=None, seed=evaluation_seed(cfg.seed), record_truth=truth_recorder(panel))
    run_loop(store, versions, parts)


@hydra.main(config_path=str(conf_dir()), config_name="compare", version_base="1.3")
@report_user_errors
def main(cfg: DictConfig) -> None:
    compare(cfg, list(HydraConfig.get().overrides.task))
