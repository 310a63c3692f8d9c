"""A loop small enough for tests: the shipped tiny model, few raters, few requests, a few fine-tuning steps."""
from __future__ import annotations

import pytest
from hydra import compose, initialize_config_dir

from hcbench.paths import conf_dir

FAST = ["experiment=smoke", "n_raters=24", "space.reference_clips=60", "model.steps=6", "loop.versions=3",
        "loop.requests.per_iteration=12", "loop.requests.batch_size=4", "loop.requests.pool_size=4",
        "finetune.steps=4", "finetune.batch_size=4", "finetune.checkpoint_every=2", "metrics.bootstrap=100"]


def loop_config(run_dir, *overrides: str):
    with initialize_config_dir(config_dir=str(conf_dir()), version_base="1.3"):
        return compose("run", overrides=[*FAST, f"run_dir={run_dir}", *overrides])


@pytest.fixture
def fast_overrides():
    return list(FAST)
