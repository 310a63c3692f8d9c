"""method=rwr: the paper's asks; v(n+1) is v(n) fine-tuned on its own fresh samples, weighted by the reward model."""
import pytest

from baselines.rwr import RewardWeighted
from hcbench.errors import ConfigError
from hcbench.loop.method import Method
from hcbench.loop.paper import PaperLoop
from hcbench.models.best_of_n import reward_model_of
from hcbench.store import queries
from tests.baselines.conftest import finished_run, v1_differs_from_v0
from tests.baselines.test_best_of_n import REQUEST


def test_rwr_asks_what_the_paper_loop_asks():
    method = RewardWeighted(seed=0)
    assert isinstance(method, Method) and method.asks(REQUEST) == PaperLoop().asks(REQUEST)


@pytest.mark.parametrize("settings, match", [({"samples_per_request": 0}, "samples_per_request"),
                                             ({"temperature": 0.0}, "temperature"),
                                             ({"pretrain_weight": 1.5}, "pretrain_weight")])
def test_rwr_refuses_settings_that_mean_nothing(settings, match):
    with pytest.raises(ConfigError, match=match):
        RewardWeighted(seed=0, **settings)


@pytest.mark.slow
def test_rwr_trains_v1_on_fresh_samples_and_the_base_models_clips(tmp_path):
    store = finished_run(tmp_path, "rwr", "method.samples_per_request=2", "method.pretrain_weight=0.5")
    assert v1_differs_from_v0(store)
    requests = len(queries.request_inputs(store, 0))
    clips = len(queries.corpus_songs_of_split(store, "train"))
    assert clips > 0
    assert store.scalar("SELECT train_size FROM versions WHERE id = 1") == 2 * requests + clips
    assert queries.reward_model_fits(store)["0"]["rows"] > 0
    assert reward_model_of(queries.version_path(store, 1)) is not None  # kept for compare's accuracy column
