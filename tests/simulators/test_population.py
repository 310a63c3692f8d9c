"""What each profile promises, on a synthetic three-style space with fixed seeds."""
import numpy as np
import pytest
from scipy.stats import spearmanr

from hcbench.errors import ConfigError
from simulators import Songs, build_population, ground_truth
from tests.simulators.conftest import population_config, songs_like_corpus

ALL = {"honest": 0.2, "noisy": 0.1, "lazy": 0.1, "adversarial_max": 0.1, "adversarial_inverse": 0.1,
       "colluder": 0.1, "lenient": 0.1, "harsh": 0.1, "drifting": 0.1}


@pytest.fixture(scope="module")
def rated(space):
    """200 raters of every profile, each rating the same 120 songs once."""
    population = build_population(population_config(ALL), space, n_raters=200, seed=0)
    songs = songs_like_corpus(space, 120)
    truth = ground_truth(population)
    utility = truth.utility(songs)
    return population, songs, truth.profile_labels, utility, population.rate(songs)


def _spearman(rated, profile):
    _, _, labels, utility, ratings = rated
    mask = labels == profile
    return spearmanr(ratings.stars[mask].ravel(), utility[mask].ravel()).statistic


def test_every_rating_is_a_half_star_from_1_to_5(rated):
    stars = rated[4].stars
    assert stars.shape == (200, 120) and stars.min() >= 1.0 and stars.max() <= 5.0
    np.testing.assert_array_equal(stars * 2, np.round(stars * 2))
    assert len(np.unique(stars)) == 9


def test_honest_stars_follow_true_utility(rated):
    assert _spearman(rated, "honest") == pytest.approx(0.895, abs=0.005)
    assert _spearman(rated, "honest") >= 0.7
    for profile in ("lenient", "harsh", "drifting"):  # biased or drifting, still honest about what they hear
        assert _spearman(rated, profile) >= 0.7, profile


def test_noisy_raters_agree_less_and_inverse_raters_disagree(rated):
    assert 0.3 <= _spearman(rated, "noisy") < _spearman(rated, "honest")
    assert _spearman(rated, "adversarial_inverse") <= -0.7


def test_adversarial_max_always_gives_5_stars_with_short_listening(rated):
    _, _, labels, _, ratings = rated
    mask = labels == "adversarial_max"
    assert np.all(ratings.stars[mask] == 5.0)
    assert ratings.listen_fraction[mask].max() <= 0.06 and ratings.listen_seconds[mask].max() <= 1.8


def test_lazy_raters_listen_briefly_and_ignore_the_music(rated):
    _, _, labels, _, ratings = rated
    mask = labels == "lazy"
    assert ratings.listen_fraction[mask].max() <= 0.15
    honest = ratings.listen_fraction[labels == "honest"].mean()
    assert ratings.listen_fraction[mask].mean() < honest / 4
    assert abs(_spearman(rated, "lazy")) < 0.1
    constant_raters = (ratings.stars[mask].std(axis=1) == 0).sum()
    assert 0 < constant_raters < mask.sum()  # some always give one value, the rest click at random


def test_lenient_above_honest_above_harsh(rated):
    _, _, labels, _, ratings = rated
    means = {p: ratings.stars[labels == p].mean() for p in ("lenient", "honest", "harsh")}
    assert means["lenient"] > means["honest"] + 0.5 > means["harsh"] + 1.0


def test_honest_listeners_skip_disliked_songs_early(rated):
    _, _, labels, utility, ratings = rated
    mask = labels == "honest"
    disliked, liked = utility[mask] < 0.15, utility[mask] > 0.7
    assert ratings.listen_fraction[mask][disliked].mean() < 0.35 < 0.85 < ratings.listen_fraction[mask][liked].mean()


def test_colluders_favour_their_style(space):
    mix = {"honest": 0.5, "colluder": 0.5}
    population = build_population(population_config(mix, colluder={"style": "reel"}), space, 100, seed=0)
    styles = np.array([label["collection"] for label in space.labels])
    songs = Songs(space.reference, 30.0)
    ratings, labels = population.rate(songs), ground_truth(population).profile_labels
    colluders, honest, reels = labels == "colluder", labels == "honest", styles == "reel"
    lift = lambda who: ratings.stars[who][:, reels].mean() - ratings.stars[who][:, ~reels].mean()
    assert lift(colluders) > 1.5 and lift(colluders) > lift(honest) + 1.0
    assert ratings.stars[colluders][:, reels].mean() >= 4.3


def test_drifting_taste_moves_and_its_stars_follow(space):
    population = build_population(population_config({"drifting": 1.0}), space, 20, seed=3)
    truth, songs = ground_truth(population), songs_like_corpus(space, 50)
    before_taste, before = truth.tastes(), truth.utility(songs)
    for _ in range(4):
        population.rate(songs)  # 200 ratings each: at 0.02 rad per rating every taste reaches its target
    np.testing.assert_array_equal(truth.ratings_given(), np.full(20, 200))
    assert np.all((before_taste * truth.tastes()).sum(axis=1) < 0.9)
    after = truth.utility(songs)
    stars = population.rate(songs).stars
    now, then = spearmanr(stars.ravel(), after.ravel()).statistic, spearmanr(stars.ravel(), before.ravel()).statistic
    assert now >= 0.7 and now > then + 0.2


def test_pairwise_choices_follow_bradley_terry(space):
    population = build_population(population_config({"honest": 0.5, "adversarial_inverse": 0.25, "lazy": 0.25}),
                                  space, 400, seed=0)
    first, second = songs_like_corpus(space, 400, seed=5), songs_like_corpus(space, 400, seed=6)
    raters = population.rater_ids
    truth = ground_truth(population)
    u1, u2 = truth.utility(first, raters), truth.utility(second, raters)
    chose_first = population.prefer(first, second, raters)
    labels, clear = truth.profile_labels, np.abs(u1 - u2) > 0.2
    agrees = chose_first == (u1 > u2)
    assert agrees[(labels == "honest") & clear].mean() > 0.9
    assert agrees[(labels == "adversarial_inverse") & clear].mean() < 0.1
    assert 0.35 < chose_first[labels == "lazy"].mean() < 0.65


def test_same_seed_same_numbers_other_seed_other_numbers(space):
    songs = songs_like_corpus(space, 30)
    a = build_population(population_config(ALL), space, 50, seed=7).rate(songs)
    b = build_population(population_config(ALL), space, 50, seed=7).rate(songs)
    c = build_population(population_config(ALL), space, 50, seed=8).rate(songs)
    np.testing.assert_array_equal(a.stars, b.stars)
    np.testing.assert_array_equal(a.listen_seconds, b.listen_seconds)
    assert not np.array_equal(a.stars, c.stars)


def test_request_shapes(space):
    population = build_population(population_config({"honest": 1.0}), space, 10, seed=0)
    songs = songs_like_corpus(space, 4)
    assert population.rate(songs).stars.shape == (10, 4)
    one_each = population.rate(songs, raters=np.array([3, 1, 4, 1]))
    assert one_each.stars.shape == (4,) and one_each.raters.tolist() == [3, 1, 4, 1]
    assert population.rate(songs, raters=np.array([[0, 1, 2, 3], [4, 5, 6, 7]])).stars.shape == (2, 4)
    subset = population.rate(songs, raters=np.array([[2], [5]]))
    assert subset.stars.shape == (2, 4) and subset.songs[1].tolist() == [0, 1, 2, 3]
    with pytest.raises(ValueError, match="raters must be None"):
        population.rate(songs, raters=np.array([1, 2]))
    with pytest.raises(ValueError, match=r"rater ids must be in \[0, 10\)"):
        population.rate(songs, raters=np.array([0, 1, 2, 10]))
    with pytest.raises(TypeError, match="rate\\(\\) takes Songs"):
        population.rate(np.zeros((4, 8)))


def test_ground_truth_stays_out_of_the_loops_view(space):
    population = build_population(population_config(ALL), space, 100, seed=0)
    public = {name for name in dir(population) if not name.startswith("_")}
    # reseed and set_clock reveal nothing: they let a resumed run replay the same draws
    assert public == {"n_raters", "rater_ids", "rate", "prefer", "space", "name", "reseed", "set_clock"}
    labels = ground_truth(population).profile_labels
    counts = {p: int((labels == p).sum()) for p in ALL}
    assert counts == {p: round(share * 100) for p, share in ALL.items()}


def test_utility_does_not_advance_the_clock_but_rating_does(space):
    population = build_population(population_config({"drifting": 1.0}), space, 5, seed=0)
    truth, songs = ground_truth(population), songs_like_corpus(space, 3)
    np.testing.assert_array_equal(truth.utility(songs), truth.utility(songs))
    population.rate(songs, raters=np.array([0, 0, 1]))
    assert truth.ratings_given().tolist() == [2, 1, 0, 0, 0]
    population.rate(songs, raters=np.array([[4], [4]]))
    assert truth.ratings_given().tolist() == [2, 1, 0, 0, 6]


def test_mix_errors_name_the_problem(space):
    with pytest.raises(ConfigError, match="sum to 1"):
        population_config({"honest": 0.5, "lazy": 0.4})
    cfg = population_config({"honest": 1.0})
    cfg.mix = {"honest": 0.5, "ghost": 0.5}
    with pytest.raises(ConfigError, match=r"names profiles \['ghost'\]"):
        cfg.__post_init__()
    with pytest.raises(ConfigError, match="n_raters must be at least 1"):
        build_population(population_config({"honest": 1.0}), space, 0)
    with pytest.raises(ConfigError, match="style 'jazz' is not a 'collection'"):
        build_population(population_config({"colluder": 1.0}, colluder={"style": "jazz"}), space, 4)


def test_tastes_can_come_from_example_songs_of_each_style(space):
    from simulators.taste import style_centres

    population = build_population(population_config({"honest": 1.0}, source="styles"), space, 60, seed=0)
    styles = np.stack(list(style_centres(space.reference, space.labels, "collection").values()))
    closeness = ground_truth(population).tastes() @ styles.T
    assert closeness.max(axis=1).min() > 0.7  # every rater likes (mostly) one style's example songs
    assert len(set(closeness.argmax(axis=1).tolist())) == 3  # and every style has fans


def test_reseed_and_set_clock_replay_the_same_ratings(space):
    population = build_population(population_config({"honest": 0.5, "drifting": 0.5}), space, 20, seed=0)
    songs = Songs(np.random.default_rng(1).standard_normal((5, space.dim)), 3.0)
    population.reseed(4, 2)
    first = population.rate(songs).stars
    population.set_clock(np.zeros(20, np.int64))
    population.reseed(4, 2)
    np.testing.assert_array_equal(population.rate(songs).stars, first)
    with pytest.raises(ValueError, match="one count per rater"):
        population.set_clock(np.zeros(3))


def test_each_rater_keeps_its_home_taste_cluster_in_the_ground_truth():
    import numpy as _np

    from simulators.population import PopulationConfig, build_population, ground_truth
    from simulators.profiles import Profile
    from simulators.space import EmbeddingSpace

    rng = _np.random.default_rng(0)
    space = EmbeddingSpace(_np.zeros(6), _np.ones(6), rng.standard_normal((300, 6)))
    cfg = PopulationConfig(mix={"honest": 1.0}, profiles={"honest": Profile("honest")},
                           taste={"clusters": 3, "weights": [0.8, 0.1, 0.1]})
    clusters = ground_truth(build_population(cfg, space, 400, seed=1)).taste_clusters
    assert clusters.shape == (400,) and set(clusters.tolist()) == {0, 1, 2}
    assert 0.72 < (clusters == 0).mean() < 0.88
