"""method=best_of_n: the paper's asks; v(n+1) is v(n)'s weights serving the reward model's best of n."""
import json

import numpy as np
import pytest

from baselines.best_of_n import BestOfN
from hcbench.loop.method import Method
from hcbench.loop.paper import PaperLoop
from hcbench.models.best_of_n import serving_rule, weights_of
from hcbench.store import queries
from tests.baselines.conftest import finished_run

REQUEST = {"id": 7, "rater_id": 3, "served_song_id": 40, "served_audio": "songs/0000040.wav", "served_version": 0,
           "reference_song_id": 9, "reference_audio": "songs/0000009.wav", "reference_version": None,
           "agreement_raters": "[5, 11]"}


def test_best_of_n_asks_what_the_paper_loop_asks():
    method = BestOfN(n=4, seed=0)
    assert isinstance(method, Method) and method.asks(REQUEST) == PaperLoop().asks(REQUEST)


def _songs_made_by_v1(store) -> np.ndarray:
    ids = store.column("SELECT id FROM songs WHERE version = 1 ORDER BY request_id").tolist()
    return store.song_images(ids)


@pytest.mark.slow
def test_best_of_n_fits_a_reward_model_and_serves_v0s_weights(tmp_path):
    store = finished_run(tmp_path, "best_of_n")
    v1 = queries.version_path(store, 1)
    rule = serving_rule(v1)
    assert rule["candidates"] == 4 and weights_of(v1) == queries.version_path(store, 0)
    weighted = store.scalar("SELECT COUNT(*) FROM rating_qc q JOIN ratings r ON r.id = q.rating_id "
                            "WHERE r.iteration = 0 AND q.weight > 0")
    assert rule["reward_model"]["fit"]["rows"] == weighted > 0
    assert any(c != 0 for c in rule["reward_model"]["coef"])  # it learned something from the ratings
    iterations = [json.loads(line) for line in (tmp_path / "metrics.jsonl").read_text().splitlines()
                  if '"kind": "iteration"' in line]
    assert iterations[0]["reward_model"]["rows"] == weighted and "reward_model" not in iterations[1]
    requests = store.rows("SELECT * FROM requests WHERE iteration = 0")
    asked = sum(1 if r["dispatch"] == "old" else 2 + len(json.loads(r["agreement_raters"])) for r in requests)
    assert store.scalar("SELECT calls FROM rating_calls WHERE iteration = 0") == asked
    assert len(_songs_made_by_v1(store)) > 0


@pytest.mark.slow
def test_best_of_one_serves_exactly_what_no_feedback_serves(tmp_path):
    best_of_one = finished_run(tmp_path / "best_of_one", "best_of_n", "method.n=1")
    no_feedback = finished_run(tmp_path / "no_feedback", "no_feedback")
    np.testing.assert_array_equal(_songs_made_by_v1(best_of_one), _songs_made_by_v1(no_feedback))
