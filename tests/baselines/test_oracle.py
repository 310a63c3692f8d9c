"""method=oracle (the upper bound): selection and fine-tune on the simulators' true utility."""
import numpy as np
import pytest

from tests.baselines.conftest import finished_run, v1_differs_from_v0


@pytest.mark.slow
def test_the_oracle_selects_by_true_utility_and_trains(tmp_path, caplog):
    store = finished_run(tmp_path, "oracle", "loop.selection.top_k=4")
    assert v1_differs_from_v0(store)
    assert "UPPER BOUND" in caplog.text
    truth = store.rows("SELECT r.song_id, AVG(t.utility) AS utility FROM ratings r JOIN truth_ratings t "
                       "ON t.rating_id = r.id JOIN requests q ON q.id = r.request_id WHERE r.iteration = 0 AND "
                       "r.role != 'reference' AND q.dispatch = 'new' GROUP BY r.song_id")
    best = sorted(truth, key=lambda row: -row["utility"])[:4]  # the cold start: top-k by true utility
    chosen = store.rows("SELECT song_id, score, confidence FROM training_set WHERE added_iteration = 0")
    assert sorted(r["song_id"] for r in chosen) == sorted(r["song_id"] for r in best)
    labels = {r["song_id"]: r["utility"] for r in truth}
    assert np.allclose([r["score"] for r in chosen], [labels[r["song_id"]] for r in chosen], rtol=0, atol=1e-9)


def test_the_oracle_needs_simulated_raters(tmp_path):
    from baselines.oracle import true_labels
    from hcbench.errors import ConfigError
    from hcbench.loop.method import Round
    from hcbench.store import RunStore

    class People:  # a live panel: no population, no truth
        rater_ids = np.arange(3)

    round_ = Round(RunStore(tmp_path), 0, None, None, None, None, People())
    with pytest.raises(ConfigError, match="needs a simulated panel, not People"):
        true_labels(round_, 0)
