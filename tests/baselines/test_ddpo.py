"""method=ddpo: the paper's asks; v(n+1) is v(n) after PPO steps over the DDIM steps, rewarded by the reward model."""
import json
import math

import pytest

from baselines.ddpo import DDPO
from hcbench.errors import ConfigError
from hcbench.loop.method import Method
from hcbench.loop.paper import PaperLoop
from hcbench.models.best_of_n import reward_model_of
from hcbench.store import queries
from tests.baselines.conftest import finished_run, v1_differs_from_v0
from tests.baselines.test_best_of_n import REQUEST


def test_ddpo_asks_what_the_paper_loop_asks():
    method = DDPO(seed=0)
    assert isinstance(method, Method) and method.asks(REQUEST) == PaperLoop().asks(REQUEST)


@pytest.mark.parametrize("settings, match", [({"samples_per_request": 1}, "samples_per_request"),
                                             ({"eta": 0.0}, "eta"), ({"clip_range": 0.0}, "clip_range"),
                                             ({"learning_rate": -1e-5}, "learning_rate")])
def test_ddpo_refuses_settings_that_mean_nothing(settings, match):
    with pytest.raises(ConfigError, match=match):
        DDPO(seed=0, **settings)


@pytest.mark.slow
def test_ddpo_trains_v1_on_rewarded_trajectories(tmp_path):
    store = finished_run(tmp_path, "ddpo", "method.samples_per_request=2", "method.steps=4", "method.batch_size=4")
    assert v1_differs_from_v0(store)
    requests = len(queries.request_inputs(store, 0))
    assert store.scalar("SELECT train_size FROM versions WHERE id = 1") == 2 * requests
    assert queries.reward_model_fits(store)["0"]["rows"] > 0
    assert reward_model_of(queries.version_path(store, 1)) is not None  # kept for compare's accuracy column
    summary = json.loads((tmp_path / "versions" / "v1" / "train" / "ddpo.json").read_text())
    assert summary["steps"] == 4 and summary["trajectories"] == 2 * requests
    assert all(math.isfinite(summary[k]) for k in ("mean_reward", "approx_kl", "clip_fraction"))
