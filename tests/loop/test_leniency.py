import numpy as np
import pytest

from hcbench.loop.leniency import rater_offsets


def _panel_ratings(seed: int = 0, songs: int = 60, raters: int = 30, per_song: int = 5):
    """Songs with a true value, raters with a true leniency, each song heard by a few of them."""
    rng = np.random.default_rng(seed)
    value, leniency = rng.uniform(0.2, 0.8, songs), rng.normal(0.0, 0.1, raters)
    rater = np.concatenate([rng.choice(raters, per_song, replace=False) for _ in range(songs)])
    song = np.repeat(np.arange(songs), per_song)
    observed = value[song] + leniency[rater] + rng.normal(0.0, 0.03, len(song))
    return rater, song, observed, value, leniency


def test_offsets_recover_each_raters_leniency_up_to_a_shared_shift():
    rater, song, observed, _, leniency = _panel_ratings()
    offsets = rater_offsets(rater, song, observed, np.ones(len(rater)), prior_ratings=1.0)
    fitted = np.array([offsets[r] for r in range(len(leniency))])
    assert np.corrcoef(fitted, leniency)[0, 1] > 0.9
    assert np.abs((fitted - fitted.mean()) - (leniency - leniency.mean())).max() < 0.06


def test_scores_net_of_leniency_rank_songs_closer_to_their_true_value():
    rater, song, observed, value, _ = _panel_ratings(seed=1)
    offsets = rater_offsets(rater, song, observed, np.ones(len(rater)), prior_ratings=1.0)
    net = observed - np.array([offsets[r] for r in rater.tolist()])
    raw_means = np.bincount(song, observed) / np.bincount(song)
    net_means = np.bincount(song, net) / np.bincount(song)
    raw_error, net_error = np.std(raw_means - value), np.std(net_means - value)  # sd: a shared shift does not count
    assert net_error < 0.7 * raw_error


def test_songs_with_one_rating_and_zero_weights_do_not_move_offsets():
    rater, song = np.array([0, 1, 0, 1, 2]), np.array([0, 0, 1, 1, 2])
    value = np.array([0.7, 0.5, 0.6, 0.4, 0.9])  # rater 2's only song is its own: nothing to compare it with
    offsets = rater_offsets(rater, song, value, np.ones(5), prior_ratings=0.0)
    assert offsets[2] == 0.0
    assert offsets[0] - offsets[1] == pytest.approx(0.2)
    ignored = rater_offsets(rater, song, value, np.array([1.0, 1.0, 0.0, 0.0, 1.0]), prior_ratings=0.0)
    assert ignored[0] - ignored[1] == pytest.approx(0.2)


def test_prior_ratings_pull_sparse_raters_towards_zero():
    rater, song, observed, _, _ = _panel_ratings(seed=2)
    loose = rater_offsets(rater, song, observed, np.ones(len(rater)), prior_ratings=0.0)
    tight = rater_offsets(rater, song, observed, np.ones(len(rater)), prior_ratings=50.0)
    assert np.abs(list(tight.values())).max() < 0.5 * np.abs(list(loose.values())).max()


@pytest.mark.slow
def test_a_rater_who_adds_a_star_to_everything_moves_song_scores_only_without_the_correction(tmp_path):
    import sqlite3

    from hydra.utils import instantiate

    from hcbench.commands.run import run_experiment
    from hcbench.loop.scoring import score_iteration
    from hcbench.store import RunStore
    from tests.loop.conftest import loop_config

    cfg = loop_config(tmp_path, "loop.versions=1", "loop.qc.agreement_k=6", "loop.qc.reputation=false",
                      "loop.qc.outlier_filter=false", "loop.qc.leniency_prior_ratings=0")
    run_experiment(cfg)
    store, similarity = RunStore(tmp_path, create=False), instantiate(cfg.similarity)
    with sqlite3.connect(tmp_path / "run.db") as db:
        rater = db.execute("SELECT rater_id FROM ratings WHERE role = 'agreement' GROUP BY rater_id "
                           "ORDER BY COUNT(*) DESC LIMIT 1").fetchone()[0]
        heard = {row[0] for row in db.execute("SELECT song_id FROM ratings WHERE rater_id = ? AND role != 'reference'",
                                              (rater,))}

    def scores(leniency: bool) -> dict[int, float]:
        loop = instantiate(cfg.loop)
        loop.qc.leniency = leniency
        score_iteration(store, 0, loop, similarity)
        return {r["song_id"]: r["score"] for r in store.rows("SELECT song_id, score FROM song_scores")}

    before = {on: scores(on) for on in (False, True)}
    with sqlite3.connect(tmp_path / "run.db") as db:  # the rater turns lenient: one more star on every song
        db.execute("UPDATE ratings SET stars = MIN(stars + 1.0, 5.0) WHERE rater_id = ?", (rater,))
    after = {on: scores(on) for on in (False, True)}
    songs = sorted(heard & set(before[False]))
    others = sorted(set(before[False]) - heard)
    assert len(songs) >= 3 and len(others) >= 3

    def lift(on: bool, group: list[int]) -> float:
        return float(np.mean([after[on][s] - before[on][s] for s in group]))

    assert lift(False, songs) > 0.01 and lift(False, others) == 0.0  # a quarter of R's stars range, over 6 raters
    assert abs(lift(True, songs) - lift(True, others)) < 0.3 * lift(False, songs)  # songs it heard keep their place
