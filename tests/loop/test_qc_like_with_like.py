"""experiment=qc's checks on a crowd they were not tuned on (tests/loop/qc_crowd.py): every saboteur
profile the checks can see is caught, and no honest kind of rater, of any taste cluster, is flagged."""
import numpy as np
import pytest

from hcbench.loop.config import QCConfig
from hcbench.loop.qc import RatingTable, quality_control
from hcbench.metrics.qc_figures import flag_figures
from tests.loop.qc_crowd import crowd_ratings

LIKE_WITH_LIKE = dict(reputation_method="correlation", flag_listen_failures=0.85, straight_line_check=True,
                      outlier_filter=False)
BAD = ["lazy", "adversarial_max", "adversarial_inverse", "colluder"]


@pytest.fixture(scope="module")
def crowd():
    return crowd_ratings(seed=0)


def _flagged_share(crowd, **settings) -> dict[str, float]:
    table, profiles, _ = crowd
    result = quality_control(table, QCConfig(**settings))
    return {p: float(result.flagged[profiles[result.raters] == p].mean()) for p in np.unique(profiles)}


@pytest.mark.parametrize("profile", ["lazy", "adversarial_max", "adversarial_inverse"])
def test_each_saboteur_profile_is_caught(crowd, profile):
    assert _flagged_share(crowd, **LIKE_WITH_LIKE)[profile] == 1.0


@pytest.mark.parametrize("profile", ["honest", "noisy", "lenient", "harsh", "drifting"])
def test_honest_kinds_of_rater_are_not_flagged(crowd, profile):
    assert _flagged_share(crowd, **LIKE_WITH_LIKE)[profile] == 0.0


def test_no_taste_cluster_loses_honest_raters_where_the_agreement_reputation_silenced_some(crowd):
    table, profiles, clusters = crowd
    losses = {}
    for name, settings in (("agreement", {}), ("correlation", LIKE_WITH_LIKE)):
        result = quality_control(table, QCConfig(**settings))
        losses[name] = flag_figures(result.flagged, profiles[result.raters], clusters[result.raters],
                                    BAD)["worst_cluster_loss"]
    assert losses["correlation"] == 0.0 and losses["agreement"] > 0.2


def test_colluders_of_a_minority_style_escape_these_checks(crowd):
    """A known limit: colluders who promote a style that covers few songs rate the rest honestly, and
    neither their correlation with the crowd nor their star values give them away."""
    assert _flagged_share(crowd, **LIKE_WITH_LIKE)["colluder"] < 0.5


@pytest.fixture(scope="module")
def taste_led_crowd():
    """Taste outweighs quality 5 to 1 (the default crowd: 1.2 to 1), and songs come in 40 style groups."""
    return crowd_ratings(seed=1, groups=40, utility={"taste_weight": 3.0, "quality_weight": 0.6})


def test_within_style_comparison_keeps_minority_tastes_where_taste_outweighs_quality(taste_led_crowd):
    """Across styles a minority rater's stars run against the majority's and an inverter's can run with
    them; within a style group taste hardly varies, so only the sense of quality is compared."""
    table, profiles, clusters = taste_led_crowd
    across = quality_control(table, QCConfig(**LIKE_WITH_LIKE))
    within = quality_control(table, QCConfig(**LIKE_WITH_LIKE, within_style=True))
    figures = {name: flag_figures(r.flagged, profiles[r.raters], clusters[r.raters], BAD) for name, r in
               (("across", across), ("within", within))}
    assert figures["across"]["worst_cluster_loss"] > 0.5 and figures["across"]["precision"] < 0.6
    assert figures["within"]["worst_cluster_loss"] == 0.0 and figures["within"]["precision"] == 1.0
    caught = {p: float(within.flagged[profiles[within.raters] == p].mean()) for p in np.unique(profiles)}
    assert all(caught[p] == 1.0 for p in ("lazy", "adversarial_max", "adversarial_inverse"))


def test_within_style_needs_the_song_styles_and_the_correlation_reputation(crowd):
    from hcbench.errors import ConfigError

    with pytest.raises(ValueError, match="style group"):
        quality_control(crowd[0], QCConfig(**LIKE_WITH_LIKE, within_style=True))  # crowd's table has no styles
    with pytest.raises(ConfigError, match="within_style"):
        QCConfig(within_style=True)  # the agreement reputation has nothing to compare within


def test_a_pile_up_at_the_ends_of_the_scale_is_not_one_star_value_when_ends_are_excused():
    """An honest harsh rater's stars stop at 1 and a lenient one's at 5; a lazy rater's middling value is
    flagged either way."""
    rng = np.random.default_rng(0)
    rater = np.repeat(np.arange(7), 20)
    song = np.tile(np.arange(20), 7)
    quality = rng.uniform(1.5, 4.5, 20)
    stars = np.clip(np.round(2 * (quality[song] + rng.normal(0, 0.4, len(song)))) / 2, 1, 5)
    rank = np.argsort(np.argsort(quality))
    stars[rater == 4] = np.where(rank >= 18, 1.5, 1.0)  # harsh: 1 star for all but the 2 best songs (90%)
    stars[rater == 5] = np.where(rank < 2, 4.5, 5.0)  # lenient: 5 stars for all but the 2 worst
    stars[rater == 6] = 3.5  # lazy: one middling value
    table = RatingTable(rater, song, stars, np.full(len(song), 0.9))
    counted = quality_control(table, QCConfig(straight_line_check=True, reputation=False))
    excused = quality_control(table, QCConfig(straight_line_check=True, reputation=False, modal_at_ends=False))
    assert counted.flagged.tolist() == [False] * 4 + [True] * 3
    assert excused.flagged.tolist() == [False] * 6 + [True]


def test_one_star_value_for_nearly_everything_is_flagged_only_when_the_check_is_on():
    rng = np.random.default_rng(0)
    rater = np.repeat(np.arange(6), 20)
    song = np.tile(np.arange(20), 6)
    quality = rng.uniform(1.5, 4.5, 20)
    stars = np.clip(np.round(2 * (quality[song] + rng.normal(0, 0.4, len(song)))) / 2, 1, 5)
    stars[rater == 5] = np.where(rng.random(20) < 0.9, 5.0, 2.0)  # a colluder: 5 stars for its style
    table = RatingTable(rater, song, stars, np.full(len(song), 0.9))
    on = quality_control(table, QCConfig(straight_line_check=True, reputation=False))
    assert on.flagged.tolist() == [False] * 5 + [True] and on.reason[5] == "one star value"
    assert not quality_control(table, QCConfig(reputation=False)).flagged.any()


def test_qc_switched_off_flags_nobody_and_keeps_every_rating(crowd):
    result = quality_control(crowd[0], QCConfig(enabled=False, **LIKE_WITH_LIKE))
    assert not result.flagged.any() and np.all(result.weight == 1.0)


def test_correlation_reputation_rejects_an_unknown_method():
    from hcbench.errors import ConfigError

    with pytest.raises(ConfigError, match="reputation_method"):
        QCConfig(reputation_method="vote")


def test_partialling_out_taste_factors_keeps_the_same_verdicts(crowd):
    shares = _flagged_share(crowd, **{**LIKE_WITH_LIKE, "straight_line_check": False, "taste_factors": 2})
    assert all(shares[p] == 1.0 for p in ("lazy", "adversarial_max", "adversarial_inverse"))
    assert all(shares[p] == 0.0 for p in ("honest", "noisy", "lenient", "harsh", "drifting"))


def test_an_iteration_without_stars_judges_nobody_and_does_not_fail():  # pairwise_dpo's training rounds
    empty = RatingTable(np.zeros(0, int), np.zeros(0, int), np.zeros(0), np.zeros(0))
    result = quality_control(empty, QCConfig(**LIKE_WITH_LIKE))
    assert len(result.flagged) == 0 and len(result.weight) == 0
