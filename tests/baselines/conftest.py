"""Methods of baselines/ run end to end on the shipped tiny model: one training round, then the evaluation."""
from __future__ import annotations

import torch

from hcbench.commands.run import run_experiment
from hcbench.models.model_dir import load_generator
from hcbench.store import RunStore
from tests.loop.conftest import loop_config


def finished_run(run_dir, method: str, *overrides: str) -> RunStore:
    """A two-version run (v0 trains v1, then both are evaluated) of ``method``."""
    run_experiment(loop_config(run_dir, f"method={method}", "loop.versions=2", *overrides))
    return RunStore(run_dir, create=False)


def v1_differs_from_v0(store: RunStore) -> bool:
    """Whether any parameter of v1's UNet differs from v0's."""
    v0, v1 = (load_generator(store.scalar("SELECT path FROM versions WHERE id = ?", (v,)), 6).unet.state_dict()
              for v in (0, 1))
    return any(not torch.equal(v0[k], v1[k]) for k in v0)


def training_set_songs(store: RunStore) -> list[int]:
    return store.column("SELECT song_id FROM training_set WHERE added_iteration = 0 ORDER BY song_id").tolist()
