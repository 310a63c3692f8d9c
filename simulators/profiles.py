"""Rater profiles: how a kind of rater turns what it hears into stars and listening time.

Each profile is a config file in conf/raters/profile/ naming :class:`Profile`. Raters
of one profile share its behaviour and draw their own bias, scale and thresholds
around its values, so no two honest raters are identical.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hcbench.errors import ConfigError

STAR_MODES = ("utility", "inverse", "max", "lazy", "style")
LISTENING_MODES = ("engaged", "brief")


@dataclass(frozen=True)
class Profile:
    """One kind of rater; every field is a population-level value that raters vary around."""

    name: str  # the true label every rater of this profile keeps (quality control is scored against it)
    stars: str = "utility"  # utility (honest), inverse (stars from 1 - utility), max (always 5), lazy, style (colluder)
    listening: str = "engaged"  # engaged: play what it enjoys, skip disliked songs early; brief: glance at each
    bias: float = 0.0  # stars added to every rating: lenient > 0, harsh < 0
    bias_spread: float = 0.3  # sd of a rater's own bias around `bias`
    scale: float = 1.0  # 1 maps utility 0..1 onto 1..5 stars; smaller uses less of the range
    scale_spread: float = 0.15  # sd of log scale between raters
    noise: float = 0.4  # sd of per-rating star noise before rounding to 0.5
    noise_spread: float = 0.25  # sd of log noise between raters: some are more careful than others
    skip_below: float = 0.3  # utility under which an engaged listener tends to skip early
    brief_fraction: tuple[float, float] = (0.02, 0.12)  # share of a song a brief listener plays: low, high
    constant_share: float = 0.5  # lazy raters who always give one star value; the others click at random
    drift: float = 0.0  # radians per rating that taste turns towards a second taste cluster (0: fixed taste)
    pair_temperature: float = 0.08  # Bradley-Terry temperature on utility for pairwise choices (higher: more random)
    style: str | None = None  # colluders: the style they promote (a corpus label value); None: one picked by seed
    style_threshold: float = 0.5  # colluders: songs this many corpus sds along the style count as the style

    def __post_init__(self):
        object.__setattr__(self, "brief_fraction", tuple(float(x) for x in self.brief_fraction))
        if self.stars not in STAR_MODES:
            raise ConfigError(f"profile {self.name}: stars must be one of {list(STAR_MODES)}, got {self.stars!r}")
        if self.listening not in LISTENING_MODES:
            raise ConfigError(f"profile {self.name}: listening must be one of {list(LISTENING_MODES)}, "
                              f"got {self.listening!r}")
        lo, hi = self.brief_fraction if len(self.brief_fraction) == 2 else (-1.0, -1.0)
        if not 0 < lo <= hi <= 1:
            raise ConfigError(f"profile {self.name}: brief_fraction must be [low, high] with 0 < low <= high <= 1, "
                              f"got {list(self.brief_fraction)}")
        if min(self.noise, self.noise_spread, self.bias_spread, self.scale_spread, self.drift) < 0 or self.scale <= 0:
            raise ConfigError(f"profile {self.name}: noise, spreads and drift must be >= 0 and scale > 0")
        if not 0 <= self.constant_share <= 1 or self.pair_temperature <= 0:
            raise ConfigError(f"profile {self.name}: constant_share must be in [0, 1] and pair_temperature > 0")


@dataclass
class RaterParams:
    """Per-rater response parameters, one array entry per rater (vectorised rating reads them by rater id)."""

    mode: np.ndarray  # index into STAR_MODES
    brief: np.ndarray  # True where the rater only glances at songs
    bias: np.ndarray
    scale: np.ndarray
    noise: np.ndarray
    skip_below: np.ndarray
    brief_low: np.ndarray
    brief_high: np.ndarray
    constant: np.ndarray  # a lazy rater's fixed star value; NaN where it clicks at random (or is not lazy)
    drift: np.ndarray
    pair_temperature: np.ndarray


def draw_params(profiles: list[Profile], index: np.ndarray, rng: np.random.Generator) -> RaterParams:
    """Each rater's parameters around its profile's values (``index[r]`` is rater r's profile)."""
    n = len(index)

    def field(name: str) -> np.ndarray:
        return np.array([getattr(p, name) for p in profiles], dtype=np.float64)[index]

    mode = np.array([STAR_MODES.index(p.stars) for p in profiles])[index]
    fixed = (mode == STAR_MODES.index("lazy")) & (rng.random(n) < field("constant_share"))
    return RaterParams(
        mode=mode,
        brief=np.array([p.listening == "brief" for p in profiles])[index],
        bias=field("bias") + field("bias_spread") * rng.standard_normal(n),
        scale=field("scale") * np.exp(field("scale_spread") * rng.standard_normal(n)),
        noise=field("noise") * np.exp(field("noise_spread") * rng.standard_normal(n)),
        skip_below=np.clip(field("skip_below") + 0.05 * rng.standard_normal(n), 0.0, 1.0),
        brief_low=np.array([p.brief_fraction[0] for p in profiles])[index],
        brief_high=np.array([p.brief_fraction[1] for p in profiles])[index],
        constant=np.where(fixed, rng.integers(6, 9, n) / 2.0, np.nan),  # 3, 3.5 or 4: plausible at a glance
        drift=field("drift"),
        pair_temperature=field("pair_temperature"),
    )
