"""Profiles: validated fields, per-rater parameters drawn around them."""
import re

import numpy as np
import pytest

from hcbench.errors import ConfigError
from simulators.profiles import STAR_MODES, Profile, draw_params


def test_each_rater_varies_around_its_profile():
    profiles = [Profile("honest"), Profile("lenient", bias=1.0), Profile("lazy", stars="lazy", listening="brief")]
    index = np.repeat([0, 1, 2], 1000)
    params = draw_params(profiles, index, np.random.default_rng(0))
    assert params.bias[:1000].mean() == pytest.approx(0.0, abs=0.05)
    assert params.bias[:1000].std() == pytest.approx(0.3, abs=0.03)
    assert params.bias[1000:2000].mean() == pytest.approx(1.0, abs=0.05)
    assert params.mode.tolist() == [0] * 1000 + [0] * 1000 + [STAR_MODES.index("lazy")] * 1000
    assert params.brief.sum() == 1000 and np.all(np.isnan(params.constant[:2000]))
    constant = params.constant[2000:][~np.isnan(params.constant[2000:])]
    assert set(constant.tolist()) == {3.0, 3.5, 4.0} and 400 < len(constant) < 600  # constant_share 0.5


@pytest.mark.parametrize("field, value, message", [
    ("stars", "sometimes", "stars must be one of"),
    ("listening", "never", "listening must be one of"),
    ("brief_fraction", (0.5, 0.1), "brief_fraction must be"),
    ("noise", -1.0, "must be >= 0 and scale > 0"),
    ("pair_temperature", 0.0, "pair_temperature > 0"),
])
def test_bad_profiles_name_the_field(field, value, message):
    with pytest.raises(ConfigError, match=f"profile odd: .*{re.escape(message)}"):
        Profile("odd", **{field: value})
