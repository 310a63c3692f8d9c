"""One shared evaluation per seed: every method's final version answers the same fresh requests.

The evaluation is a run of its own (``COMPARE_DIR/evaluation/seed<k>/run.db``, the run
schema, so the metrics and reports read it as they read any run) with one iteration: its
versions are the methods' final models (and v0, the base model, when ``no_feedback`` is not
compared), and its plan is a paired evaluation. Every version answers each request for the
same rater, inputs and agreement raters, from the same DDIM noise (the batch seed leaves the
version out: common random numbers), so two versions with the same weights make the same
songs. Requests, noise and panel draws come from a seed derived from the run seed and keyed
apart from the runs' (``FreshDraws``): they depend on no method's training. These ratings
train nothing, and they live outside every method's run, so no method is charged for them.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from omegaconf import DictConfig, open_dict

from hcbench.errors import ConfigError
from hcbench.loop.method import Ask, Round
from hcbench.loop.paper import PaperLoop
from hcbench.loop.versions import Versions
from hcbench.metrics.drift import noise_prediction_drift
from hcbench.metrics.reward_accuracy import reward_accuracies
from hcbench.models.best_of_n import reward_model_of
from hcbench.models.generator import Generator
from hcbench.store import RunStore, queries, records

EVALUATION_DIR = "evaluation"
BASE = "v0"  # the base model, every method's v0: the reference when no_feedback is not compared
NO_FEEDBACK = "no_feedback"
REWARD_ACCURACY = "reward_accuracy"  # the store's meta key: each entry's reward-model accuracy (None: it has none)


@dataclass(frozen=True)
class Entry:
    """One version in the evaluation: a method's final model, or the base model."""

    name: str  # method name, or BASE
    run_dir: str | None  # the method's run, relative to the compare directory (None: the base model)
    model_path: str


def evaluation_dir(compare_dir: Path, seed: int) -> Path:
    return Path(compare_dir) / EVALUATION_DIR / f"seed{seed}"


def evaluation_seed(seed: int) -> int:
    """The seed of the evaluation's plan and noise: fixed by the run seed, different from it."""
    return int(np.random.SeedSequence([seed, 0xE7A1]).generate_state(1)[0] & 0x7FFFFFFF)


def entries(compare_dir: Path, run_dirs: dict[str, Path], base_model: str) -> list[Entry]:
    """Each method's final version (in the order given), then v0 unless no_feedback stands for it."""
    found = []
    for method, run_dir in run_dirs.items():
        store = RunStore(run_dir, create=False)
        final = queries.version_ids(store)[-1]
        found.append(Entry(method, str(Path(run_dir).relative_to(compare_dir)), queries.version_path(store, final)))
        store.close()
    return found if NO_FEEDBACK in run_dirs else [*found, Entry(BASE, None, str(base_model))]


def reference_name(names: list[str]) -> str:
    """What every method's utility is paired against: no_feedback when compared, else v0."""
    return NO_FEEDBACK if NO_FEEDBACK in names else BASE


def evaluation_config(run_cfg: DictConfig, requests: int) -> DictConfig:
    """A seed's run config as the evaluation runs it: one paired iteration of ``requests`` requests, by all
    raters, and nothing of a method (its fine-tuner, its run directory)."""
    cfg = copy.deepcopy(run_cfg)
    with open_dict(cfg):
        for key in ("method", "finetune", "run_dir", "resume"):
            cfg.pop(key, None)
        cfg.loop.versions = 1
        cfg.loop.requests.per_iteration = int(requests)
        cfg.loop.requests.active_raters = None
        cfg.loop.dispatch.evaluation, cfg.loop.dispatch.live_versions = "paired", "all"
    return cfg


def open_evaluation(folder: Path, record: dict) -> RunStore:
    """The evaluation store; one that holds another evaluation (other runs or settings) is refused."""
    store = RunStore(folder)
    recorded = store.get_meta("evaluation")
    if recorded is None:
        store.set_meta("evaluation", record)
        store.set_meta("config", record["config"])  # what the run metrics read (evaluation mode, experiment)
        store.set_meta("seed", record["seed"])
        store.set_meta("bootstrap", record["bootstrap"])
    elif recorded != record:
        changed = sorted(k for k in set(recorded) | set(record) if recorded.get(k) != record.get(k))
        raise ConfigError(f"{folder} holds an evaluation of other runs or settings (differs at {', '.join(changed)}); "
                          "rerun compare with the same experiment and overrides, or delete that folder to evaluate "
                          "again (the methods' runs are kept)")
    return store


def evaluation_versions(store: RunStore, judged: list[Entry], steps: int, batch_size: int, device: str,
                        similarity) -> Versions:
    """The evaluation's versions: version i is ``judged[i]``'s model, serving as in its run (best-of-n too)."""
    if not queries.version_ids(store):
        with store.transaction() as db:
            for i, entry in enumerate(judged):
                records.version(db, i, None, entry.model_path, train_size=0, iteration=0)
    return Versions(store, judged[0].model_path, steps, batch_size, device, similarity)


def record_drift(store: RunStore, versions: Versions, judged: list[Entry], base: Generator, images: np.ndarray,
                 strength: float) -> dict[str, float]:
    """Each entry's drift from v0 (``noise_prediction_drift`` on the input songs), kept in the store's meta."""
    drift = store.get_meta("drift")
    if drift is None:
        drift = {entry.name: noise_prediction_drift(versions.generator(i), base, images, strength)
                 for i, entry in enumerate(judged)}
        store.set_meta("drift", drift)
    return drift


def record_reward_accuracy(store: RunStore, judged: list[Entry], similarity) -> dict[str, dict | None]:
    """Each entry's reward model (the one its final version carries) scored on the evaluation's song pairs
    against the truth, kept in the store's meta once the evaluation is done, so rebuilding reads it back."""
    accuracy = store.get_meta(REWARD_ACCURACY)
    if accuracy is None:
        accuracy = reward_accuracies(store, {e.name: reward_model_of(e.model_path) for e in judged}, similarity)
        store.set_meta(REWARD_ACCURACY, accuracy)
    return accuracy


class SideBySide:
    """The evaluation's method: the requester and the agreement raters rate the new song; no reference
    (no song is selected), and no training (the evaluation is the last and only iteration)."""

    def asks(self, request: dict) -> list[Ask]:
        return [ask for ask in PaperLoop().asks(request) if ask.role != "reference"]

    def training_signal(self, round: Round) -> dict:
        raise RuntimeError("the shared evaluation trains nothing")

    def next_version(self, round: Round) -> dict:
        raise RuntimeError("the shared evaluation trains nothing")
