"""DPO's pairs: songs of one iteration from the same inputs, the higher-scored preferred past a gap."""
import numpy as np

from hcbench.loop.preference_pairs import same_input_pairs
from hcbench.store import RunStore

INPUTS = {1: (101, 102), 2: (102, 101), 3: (101, 103), 4: (101, 102)}  # 1, 2 and 4 share inputs (in any order)
LATER = {4}  # requests of iteration 1; the others are iteration 0's


def _store(tmp_path, songs):
    """``songs``: (song id, request id, iteration, score) of generated songs; scores in that iteration."""
    store = RunStore(tmp_path)
    with store.transaction() as db:
        db.execute("INSERT INTO raters (id) VALUES (0)")
        for song in (101, 102, 103):
            db.execute("INSERT INTO songs (id, kind, image_path, audio_path, seconds) VALUES (?, 'corpus', '', '', 1)",
                       (song,))
        for request, ids in INPUTS.items():
            db.execute("INSERT INTO requests (id, iteration, rater_id, version, dispatch) VALUES (?, ?, 0, 0, 'new')",
                       (request, int(request in LATER)))
            db.executemany("INSERT INTO request_inputs (request_id, position, song_id) VALUES (?, ?, ?)",
                           [(request, k, s) for k, s in enumerate(ids)])
        for song, request, iteration, score in songs:
            db.execute("INSERT INTO songs (id, kind, version, iteration, request_id, image_path, audio_path, seconds) "
                       "VALUES (?, 'generated', 0, ?, ?, '', '', 1)", (song, iteration, request))
            db.execute("INSERT INTO song_scores (iteration, song_id, score, pair_score, confidence, beats, n_ratings) "
                       "VALUES (?, ?, ?, 0, 0, 0, 3)", (iteration, song, score))
    return store


def test_pairs_join_songs_of_the_same_inputs_and_prefer_the_higher_score(tmp_path):
    store = _store(tmp_path, [(1, 1, 0, 0.40), (2, 2, 0, 0.70), (3, 3, 0, 0.90), (4, 1, 0, 0.55)])
    winners, losers = same_input_pairs(store, 0, min_gap=0.05)
    pairs = sorted(zip(winners.tolist(), losers.tolist()))
    assert pairs == [(2, 1), (2, 4), (4, 1)]  # song 3 has inputs of its own: no partner


def test_scores_closer_than_the_gap_make_no_pair(tmp_path):
    store = _store(tmp_path, [(1, 1, 0, 0.50), (2, 2, 0, 0.53), (4, 1, 0, 0.56)])
    winners, losers = same_input_pairs(store, 0, min_gap=0.05)
    assert sorted(zip(winners.tolist(), losers.tolist())) == [(4, 1)]
    assert same_input_pairs(store, 0, min_gap=0.2)[0].size == 0


def test_only_the_asked_iterations_songs_pair(tmp_path):
    store = _store(tmp_path, [(1, 1, 0, 0.40), (2, 2, 1, 0.90)])
    winners, losers = same_input_pairs(store, 0, min_gap=0.0)
    assert winners.size == 0 and losers.size == 0 and winners.dtype == np.int64


def test_pairs_of_several_iterations_stay_within_each_iteration(tmp_path):
    store = _store(tmp_path, [(1, 1, 0, 0.40), (4, 1, 0, 0.60), (2, 4, 1, 0.90), (5, 4, 1, 0.10)])
    both = same_input_pairs(store, [0, 1], min_gap=0.05)
    assert sorted(zip(*(side.tolist() for side in both))) == [(2, 5), (4, 1)]  # never 2 over 1: other iterations
    assert same_input_pairs(store, range(1), min_gap=0.05)[0].tolist() == [4]
