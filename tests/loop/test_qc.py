import numpy as np

from hcbench.loop.config import QCConfig
from hcbench.loop.qc import RatingTable, quality_control


def _ratings(seed: int = 0):
    """30 songs, 4 ratings each: 16 honest raters near each song's quality, 2 all-5 skimmers, 2 inverters."""
    rng = np.random.default_rng(seed)
    quality = rng.uniform(1.5, 4.5, 30)
    rater, song, stars, listened = [], [], [], []
    for s in range(30):
        for r in rng.choice(20, 4, replace=False):
            rater.append(r)
            song.append(s)
            if r < 16:
                stars.append(np.clip(np.round(2 * (quality[s] + rng.normal(0, 0.3))) / 2, 1, 5))
                listened.append(rng.uniform(0.5, 1.0))
            elif r < 18:
                stars.append(5.0)
                listened.append(0.05)
            else:
                stars.append(np.clip(6.0 - quality[s], 1, 5))
                listened.append(rng.uniform(0.5, 1.0))
    return RatingTable(*map(np.array, (rater, song, stars, listened)))


def test_qc_flags_the_skimmers_and_inverters_and_trusts_honest_raters():
    table = _ratings()
    result = quality_control(table, QCConfig(min_ratings_to_flag=3, flag_below=0.4))
    bad = result.raters >= 16
    assert result.flagged[bad].all()
    assert result.flagged[~bad].mean() <= 0.15
    assert result.reputation[~bad].mean() > result.reputation[bad].mean() + 0.2
    honest = table.rater < 16
    assert result.weight[honest].mean() > 2 * result.weight[~honest].mean()


def test_high_stars_without_listening_are_discounted_only_when_the_check_is_on():
    table = _ratings()
    skim = (table.stars >= 4) & (table.listen_fraction < 0.2)
    on = quality_control(table, QCConfig(reputation=False, outlier_filter=False, listen_discount=0.1))
    assert on.listen_failed[skim].all() and not on.listen_failed[~skim].any()
    np.testing.assert_allclose(on.weight[skim], 0.1)
    off = quality_control(table, QCConfig(listen_check=False, reputation=False, outlier_filter=False))
    np.testing.assert_allclose(off.weight, 1.0)
    assert not off.flagged.any()


def test_outliers_are_ratings_far_from_their_songs_median():
    table = RatingTable(rater=np.arange(5), song=np.zeros(5, int), stars=np.array([3.0, 3.0, 3.5, 3.0, 1.0]),
                        listen_fraction=np.ones(5))
    result = quality_control(table, QCConfig(reputation=False))
    assert result.outlier.tolist() == [False, False, False, False, True]
    assert result.weight[-1] == 0.0
