"""method=random_selection: the paper's fine-tune on as much data as selection gives, chosen by the run seed."""
import numpy as np
import pytest

from baselines.random_selection import random_preferences, random_songs
from hcbench.store import queries
from tests.baselines.conftest import finished_run, training_set_songs, v1_differs_from_v0


def test_random_preferences_keep_every_pair_and_flip_some():
    winners, losers = np.arange(100), np.arange(100, 200)
    new_winners, new_losers = random_preferences(winners, losers, np.random.default_rng(0))
    assert sorted(zip(np.minimum(new_winners, new_losers), np.maximum(new_winners, new_losers))) == \
        list(zip(winners, losers))
    assert 30 < (new_winners != winners).sum() < 70


def test_random_songs_draw_the_asked_count_from_the_seed():
    songs = [{"song_id": i} for i in range(20)]
    first = random_songs(songs, 5, np.random.default_rng([0, 30, 0]))
    assert len(first) == len({s["song_id"] for s in first}) == 5
    assert first == random_songs(songs, 5, np.random.default_rng([0, 30, 0]))
    assert first != random_songs(songs, 5, np.random.default_rng([1, 30, 0]))


@pytest.mark.slow
@pytest.mark.parametrize("finetune", ["dpo", "weighted"])
def test_random_selection_trains_on_as_many_songs_as_selection_picks_but_not_the_best(tmp_path, finetune):
    store = finished_run(tmp_path, "random_selection", f"finetune={finetune}", "loop.selection.top_k=4")
    assert v1_differs_from_v0(store)
    chosen = training_set_songs(store)
    best = sorted(s["song_id"] for s in queries.best_scored_songs(store, 0, 4, beat_reference=False))
    assert len(chosen) == 4 and chosen != best
