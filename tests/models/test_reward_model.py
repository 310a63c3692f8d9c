"""The reward model: scikit-learn's ridge, kept as numbers that predict exactly as the fitted pipeline."""
import numpy as np
import pytest

from hcbench.models.reward_model import RewardModel, _fitted_pipeline, constant_reward, fit_reward_model


def _ratings(seed=0, songs=40, per_song=3, noise=0.1):
    """Ratings of ``songs`` songs, ``per_song`` each: the target is a linear function of the features plus noise."""
    rng = np.random.default_rng(seed)
    song_features = rng.normal(size=(songs, 6))
    groups = np.repeat(np.arange(songs), per_song)
    truth = song_features @ np.array([1.0, -0.5, 0.0, 0.0, 0.25, 0.0])
    targets = truth[groups] + noise * rng.normal(size=len(groups))
    return song_features[groups], targets, np.ones(len(groups)), groups


def test_predictions_are_the_fitted_pipelines_and_survive_json():
    x, y, w, g = _ratings()
    model = fit_reward_model(x, y, w, g, seed=0)
    np.testing.assert_allclose(model.predict(x), _fitted_pipeline(x, y, w).predict(x), rtol=1e-12, atol=1e-12)
    again = RewardModel.from_json(model.to_json())
    np.testing.assert_array_equal(again.predict(x), model.predict(x))
    assert again.fit == model.fit and again.alpha in (0.01, 0.1, 1.0, 10.0, 100.0, 1000.0, 10000.0)


def test_held_out_fit_is_high_for_a_learnable_signal_and_low_for_noise():
    x, y, w, g = _ratings()
    fit = fit_reward_model(x, y, w, g, seed=0).fit
    assert fit["rows"] == 120 and fit["songs"] == 40 and fit["held_out_spearman"] > 0.9
    x, y, w, g = _ratings(songs=200)
    noise = np.random.default_rng(1).normal(size=len(y))  # 40 held-out songs: chance stays near 0
    assert abs(fit_reward_model(x, noise, w, g, seed=0).fit["held_out_spearman"]) < 0.4


def test_qc_weights_decide_which_ratings_count():
    x, y, w, g = _ratings()
    cheated = np.concatenate([y, np.full(60, 5.0)])  # 60 extra ratings of the first 20 songs, all maxed out
    x2, g2 = np.concatenate([x, x[:60]]), np.concatenate([g, g[:60]])
    discarded = fit_reward_model(x2, cheated, np.concatenate([w, np.zeros(60)]), g2, seed=0)
    trusted = fit_reward_model(x2, cheated, np.concatenate([w, np.ones(60)]), g2, seed=0)
    clean = fit_reward_model(x, y, w, g, seed=0)
    np.testing.assert_allclose(discarded.predict(x), clean.predict(x))
    assert not np.allclose(trusted.predict(x), clean.predict(x))


def test_one_song_gives_a_constant_reward_and_too_few_held_out_songs_no_spearman():
    x, y, w, g = _ratings(songs=1)
    model = fit_reward_model(x, y, w, g, seed=0)
    assert np.ptp(model.predict(np.random.default_rng(0).normal(size=(5, 6)))) == 0
    assert model.predict(x[:1])[0] == pytest.approx(y.mean())
    assert model.fit["held_out_spearman"] is None
    assert constant_reward(0.5, 3).predict(np.ones((2, 3))).tolist() == [0.5, 0.5]
