"""A population of simulated raters, with a ground truth the loop never sees.

The loop gets ``population.rate`` (and ``prefer``): songs in, observed stars and
listening times out. The hidden part (each rater's taste, true utility and true
profile label) is read through :func:`ground_truth`, which metrics call and the loop
must not. Everything is vectorised over (rater, song) pairs and seeded.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from hcbench.errors import ConfigError
from simulators.profiles import STAR_MODES, Profile, RaterParams, draw_params
from simulators.response import brief_fraction, engaged_fraction, preference_probability, stars_from_utility
from simulators.space import EmbeddingSpace, Songs
from simulators.taste import TasteConfig, cluster_centres, drifted, match_scale, scatter, style_centres, unit_rows
from simulators.utility import Manifold, UtilityConfig, utility

INVERSE, MAX, LAZY, STYLE = (STAR_MODES.index(m) for m in ("inverse", "max", "lazy", "style"))


@dataclass
class PopulationConfig:
    """A mix of rater profiles, where their tastes come from, and how utility is made (conf/raters/)."""

    mix: dict[str, float]  # profile name -> share of the raters; shares sum to 1
    profiles: dict[str, Profile]  # the profiles the mix names (conf/raters/profile/)
    taste: TasteConfig = field(default_factory=TasteConfig)  # where tastes come from
    utility: UtilityConfig = field(default_factory=UtilityConfig)  # how taste and quality make utility
    name: str = "custom"  # names the population in reports
    choice_temperature: float = 0.05  # utility scale of the input songs a rater brings: small, mostly songs it likes

    def __post_init__(self):
        self.profiles = {k: _coerce(v, Profile) for k, v in _plain(self.profiles).items()}
        self.taste, self.utility = _coerce(self.taste, TasteConfig), _coerce(self.utility, UtilityConfig)
        self.mix = {str(k): float(v) for k, v in _plain(self.mix).items() if float(v) > 0}
        unknown = sorted(set(self.mix) - set(self.profiles))
        if unknown:
            raise ConfigError(f"raters.mix names profiles {unknown} that raters.profiles does not define "
                              f"(defined: {sorted(self.profiles)})")
        if not self.choice_temperature > 0:
            raise ConfigError(f"raters.choice_temperature must be positive, got {self.choice_temperature}")
        total = sum(self.mix.values())
        if not self.mix or abs(total - 1.0) > 1e-6 or min(self.mix.values()) < 0:
            raise ConfigError(f"raters.mix shares must be >= 0 and sum to 1, got {self.mix} (sum {total:g})")


@dataclass(frozen=True)
class Ratings:
    """What a platform observes; every array has the request's shape (views where they repeat)."""

    stars: np.ndarray  # 1 to 5 in steps of 0.5
    listen_seconds: np.ndarray  # how long the rater played the song
    song_seconds: np.ndarray  # how long the song is
    raters: np.ndarray  # rater id of each rating
    songs: np.ndarray  # index of the rated song in the Songs given

    @property
    def listen_fraction(self) -> np.ndarray:
        return self.listen_seconds / self.song_seconds


def profile_counts(mix: dict[str, float], n: int) -> dict[str, int]:
    """Raters per profile: shares of ``n`` rounded by largest remainder, so they sum to ``n``.

    >>> profile_counts({"honest": 0.85, "lazy": 0.1, "adversarial_max": 0.05}, 30)
    {'honest': 26, 'lazy': 3, 'adversarial_max': 1}
    """
    exact = {name: share * n for name, share in mix.items()}
    counts = {name: int(np.floor(x)) for name, x in exact.items()}
    by_remainder = sorted(exact, key=lambda name: (counts[name] - exact[name], list(mix).index(name)))
    for name in by_remainder[: n - sum(counts.values())]:
        counts[name] += 1
    return counts


class Population:
    """Simulated raters: ``rate(songs, raters)`` and ``prefer(first, second, raters)`` are all the loop may use."""

    def __init__(self, space: EmbeddingSpace, cfg: PopulationConfig, hidden: "_Hidden", seed: int):
        self.space, self.name = space, cfg.name
        self._cfg, self._hidden = cfg, hidden
        self._seed = seed
        self._rng = np.random.default_rng([seed, 1])

    @property
    def n_raters(self) -> int:
        return len(self._hidden.index)

    @property
    def rater_ids(self) -> np.ndarray:
        return np.arange(self.n_raters)

    def reseed(self, *key: int) -> None:
        """Restart the response noise from ``(seed, *key)``: a unit of work redone gets the same draws."""
        self._rng = np.random.default_rng([self._seed, 1, *key])

    def set_clock(self, ratings_given: np.ndarray) -> None:
        """How many ratings each rater has given (drifting tastes turn with it); for resumed runs."""
        given = np.asarray(ratings_given, np.int64)
        if given.shape != (self.n_raters,):
            raise ValueError(f"set_clock needs one count per rater ({self.n_raters}), got shape {given.shape}")
        self._hidden.given[:] = given

    def rate(self, songs: Songs | np.ndarray, raters: np.ndarray | None = None) -> Ratings:
        """Stars and listening times.

        ``raters`` None: every rater rates every song, shape (n_raters, n_songs). A 1-D array of
        one rater id per song: shape (n_songs,). (k, n_songs): k raters per song. (m, 1): those m
        raters rate every song. Uint8 spectrograms are embedded on the way in.

        >>> from simulators.population import demo_population
        >>> population, songs = demo_population()
        >>> ratings = population.rate(songs)
        >>> ratings.stars.shape, bool(np.all(ratings.stars * 2 % 1 == 0)), bool(ratings.listen_seconds.max() <= 3.0)
        ((20, 6), True, True)
        """
        songs = self._as_songs(songs)
        raters, song_index, dense = _request(raters, self.n_raters, len(songs))
        u = self._hidden.utility(songs, raters, song_index, dense, self._cfg.utility)
        p = self._hidden.params
        promoted = self._hidden.promoted(songs, raters, song_index)
        reported = self._hidden.reported(u, promoted, raters)
        stars = stars_from_utility(reported, p.bias[raters], p.scale[raters], p.noise[raters], self._rng)
        stars = np.where(promoted, np.float32(5.0), _observed_stars(stars, p, raters, self._rng))
        glance = brief_fraction(stars.shape, p.brief_low[raters], p.brief_high[raters], self._rng)
        fraction = np.where(p.brief[raters], glance, engaged_fraction(reported, p.skip_below[raters], self._rng))
        self._hidden.count(raters, stars.shape, dense)
        song_seconds = songs.seconds[song_index].astype(np.float32)
        return Ratings(stars, fraction * song_seconds, np.broadcast_to(song_seconds, stars.shape),
                       np.broadcast_to(raters, stars.shape), np.broadcast_to(song_index, stars.shape))

    def prefer(self, first: Songs | np.ndarray, second: Songs | np.ndarray, raters: np.ndarray) -> np.ndarray:
        """Pairwise choices: True where rater ``raters[i]`` prefers ``first[i]`` over ``second[i]`` (Bradley-Terry)."""
        first, second = self._as_songs(first), self._as_songs(second)
        raters = np.asarray(raters, np.int64)
        if not len(first) == len(second) == len(raters):
            raise ValueError(f"prefer needs equal lengths, got {len(first)}, {len(second)} songs and "
                             f"{len(raters)} raters")
        index = np.arange(len(raters))
        hidden, cfg = self._hidden, self._cfg.utility
        v = [hidden.reported(hidden.utility(s, raters, index, False, cfg), hidden.promoted(s, raters, index), raters)
             for s in (first, second)]
        p = preference_probability(v[0], v[1], hidden.params.pair_temperature[raters])
        p = np.where(np.isin(hidden.params.mode[raters], (MAX, LAZY)), 0.5, p)  # they do not listen: a coin flip
        hidden.count(raters, raters.shape, False)
        return self._rng.random(len(raters)) < p

    def _as_songs(self, songs) -> Songs:
        if isinstance(songs, Songs):
            return songs
        songs = np.asarray(songs)
        if songs.dtype == np.uint8 and songs.ndim == 3:
            return self.space.songs_from_spectrograms(songs)
        raise TypeError("rate() takes Songs (from space.songs_from_audio / songs_from_spectrograms) or uint8 "
                        f"spectrograms (n, y_res, x_res), got {songs.dtype} {songs.shape}")


@dataclass
class _Hidden:
    """The simulator's ground truth: tastes, response parameters, true labels, the manifold."""

    names: list[str]  # profile names; index points into them
    index: np.ndarray  # (n_raters,) each rater's true profile
    home: np.ndarray  # (n_raters,) each rater's taste centre (cluster, style or prompt) before any drift
    start: np.ndarray  # (n_raters, dim) taste before any rating
    target: np.ndarray  # (n_raters, dim) where a drifting taste turns to
    params: RaterParams
    manifold: Manifold
    covariance: np.ndarray  # of the reference: puts every taste's match on a corpus-sd scale
    styles: dict[int, tuple[np.ndarray, float]]  # style-promoting profile -> (direction, threshold in corpus sds)
    given: np.ndarray  # (n_raters,) ratings given so far: the clock of drifting tastes

    def tastes(self, ids=slice(None)) -> np.ndarray:
        """Current unit tastes of raters ``ids`` (all by default): drifting ones have turned with their ratings."""
        return drifted(self.start[ids], self.target[ids], self.params.drift[ids] * self.given[ids])

    def utility(self, songs: Songs, raters, song_index, dense: bool, cfg: UtilityConfig) -> np.ndarray:
        ids, inverse = np.unique(raters, return_inverse=True)  # only the raters asked, each once
        tastes = self.tastes(ids)
        directions = (tastes / match_scale(tastes, self.covariance)[:, None]).astype(np.float32)
        x = songs.embeddings.astype(np.float32)
        quality = self.manifold.quality(songs.embeddings).astype(np.float32)
        if dense:
            return utility(directions[inverse.reshape(-1)] @ x.T, quality[None, :], cfg).astype(np.float32)
        match = np.einsum("...d,...d->...", directions[inverse.reshape(np.shape(raters))], x[song_index])
        return utility(match, quality[song_index], cfg).astype(np.float32)

    def promoted(self, songs: Songs, raters, song_index) -> np.ndarray:
        """Where a colluder hears a song of the style it promotes."""
        mask = np.zeros(np.broadcast_shapes(np.shape(raters), np.shape(song_index)), bool)
        for profile, (direction, threshold) in self.styles.items():
            in_style = songs.embeddings @ direction / np.sqrt(direction @ self.covariance @ direction) >= threshold
            mask |= (self.index[raters] == profile) & in_style[song_index]
        return mask

    def reported(self, u: np.ndarray, promoted: np.ndarray, raters) -> np.ndarray:
        """The utility a rater acts on: inverted by saboteurs, 1 for a colluder's own style."""
        v = np.where(self.params.mode[raters] == INVERSE, 1.0 - u, u)
        return np.where(promoted, 1.0, v).astype(np.float32)

    def count(self, raters, shape, dense: bool) -> None:
        if dense:
            np.add.at(self.given, raters[:, 0], shape[1])  # a rater listed twice rated twice
        else:
            self.given += np.bincount(np.broadcast_to(raters, shape).ravel(), minlength=len(self.given))


def _observed_stars(stars: np.ndarray, p: RaterParams, raters, rng: np.random.Generator) -> np.ndarray:
    """Replace the stars of raters who do not rate what they hear: all-max, lazy constant or lazy random."""
    mode = p.mode[raters]
    clicked = rng.integers(2, 11, stars.shape).astype(np.float32) / 2.0  # uniform over 1, 1.5, ..., 5
    lazy = np.where(np.isnan(p.constant[raters]), clicked, p.constant[raters])
    return np.where(mode == MAX, np.float32(5.0), np.where(mode == LAZY, lazy, stars)).astype(np.float32)


def _request(raters, n_raters: int, n_songs: int) -> tuple[np.ndarray, np.ndarray, bool]:
    """(rater ids, song indices, dense?) for the request shapes rate() accepts."""
    song_index = np.arange(n_songs)
    if raters is None:
        return np.arange(n_raters)[:, None], song_index, True
    raters = np.asarray(raters, np.int64)
    if raters.size and (raters.min() < 0 or raters.max() >= n_raters):
        raise ValueError(f"rater ids must be in [0, {n_raters}), got {raters.min()}..{raters.max()}")
    if raters.ndim == 2 and raters.shape[1] == 1 and n_songs != 1:
        return raters, song_index, True
    if raters.shape[-1:] != (n_songs,) or raters.ndim > 2:
        raise ValueError(f"raters must be None, (n_songs,), (k, n_songs) or (m, 1); got {raters.shape} "
                         f"for {n_songs} songs")
    return raters, np.broadcast_to(song_index, raters.shape), False


def build_population(cfg: PopulationConfig, space: EmbeddingSpace, n_raters: int, seed: int = 0) -> Population:
    """Draw ``n_raters`` raters: profiles by the mix, tastes around the population's centres, own parameters."""
    if n_raters < 1:
        raise ConfigError(f"n_raters must be at least 1, got {n_raters}")
    rng = np.random.default_rng([seed, 0])
    names = list(cfg.mix)
    counts = profile_counts(cfg.mix, n_raters)
    index = rng.permutation(np.repeat(np.arange(len(names)), [counts[n] for n in names]))
    centres = _taste_centres(cfg.taste, space)
    home = rng.choice(len(centres), size=n_raters, p=_centre_shares(cfg.taste.weights, len(centres)))
    away = (home + 1 + rng.integers(max(len(centres) - 1, 1), size=n_raters)) % len(centres)
    target = centres[away] if len(centres) > 1 else unit_rows(rng.standard_normal((n_raters, space.dim)))
    profiles = [cfg.profiles[n] for n in names]
    hidden = _Hidden(
        names=names, index=index, home=home, start=scatter(centres[home], cfg.taste.spread, rng),
        target=scatter(target, cfg.taste.spread, rng), params=draw_params(profiles, index, rng),
        manifold=Manifold(space.reference, cfg.utility.components, cfg.utility.regularisation, seed),
        covariance=np.cov(space.reference, rowvar=False), styles=_styles(profiles, cfg.taste, space, centres, rng),
        given=np.zeros(n_raters, np.int64),
    )
    return Population(space, cfg, hidden, seed)


def _taste_centres(taste: TasteConfig, space: EmbeddingSpace) -> np.ndarray:
    if taste.source == "clusters":
        return cluster_centres(space.reference, taste.clusters, taste.cluster_seed)
    if taste.source == "styles":
        return np.stack(list(style_centres(space.reference, space.labels, taste.style_key).values()))
    return space.text_tastes(taste.prompts)


def _centre_shares(weights: list[float] | None, n: int) -> np.ndarray:
    if weights is None:
        return np.full(n, 1.0 / n)
    if len(weights) != n:
        raise ConfigError(f"taste.weights has {len(weights)} entries for {n} taste centres")
    return np.asarray(weights, np.float64) / sum(weights)


def _styles(profiles: list[Profile], taste: TasteConfig, space: EmbeddingSpace, centres: np.ndarray, rng) -> dict:
    """Each style-promoting profile's style: the named corpus style, else one taste centre picked by seed."""
    styles = {}
    for i, profile in enumerate(profiles):
        if profile.stars != "style":
            continue
        if profile.style is None:
            styles[i] = (centres[rng.integers(len(centres))], profile.style_threshold)
            continue
        named = style_centres(space.reference, space.labels, taste.style_key)
        if profile.style not in named:
            raise ConfigError(f"profile {profile.name}: style {profile.style!r} is not a {taste.style_key!r} in the "
                              f"corpus (there: {sorted(named)})")
        styles[i] = (named[profile.style], profile.style_threshold)
    return styles


class GroundTruth:
    """What only the simulator knows; for metrics and tests, never for the loop."""

    def __init__(self, population: Population):
        self._population, self._hidden = population, population._hidden

    @property
    def profile_labels(self) -> np.ndarray:
        """(n_raters,) each rater's true profile name."""
        return np.array(self._hidden.names, dtype=object)[self._hidden.index]

    @property
    def choice_temperature(self) -> float:
        """How strongly raters' taste picks the input songs they bring (a platform sees the picks, never this)."""
        return self._population._cfg.choice_temperature

    @property
    def taste_clusters(self) -> np.ndarray:
        """(n_raters,) index of each rater's home taste centre (a drifting rater keeps the one it started in)."""
        return self._hidden.home.copy()

    def tastes(self) -> np.ndarray:
        """(n_raters, dim) current unit taste directions (drifting ones move as they rate)."""
        return self._hidden.tastes()

    def utility(self, songs: Songs | np.ndarray, raters: np.ndarray | None = None) -> np.ndarray:
        """True utility in (0, 1), in the shape ``rate`` would answer with; does not advance any clock."""
        songs = self._population._as_songs(songs)
        raters, song_index, dense = _request(raters, self._population.n_raters, len(songs))
        return self._hidden.utility(songs, raters, song_index, dense, self._population._cfg.utility)

    def quality(self, songs: Songs | np.ndarray) -> np.ndarray:
        """(n_songs,) the manifold term: 0 for typical music, far below 0 for noise."""
        return self._hidden.manifold.quality(self._population._as_songs(songs).embeddings)

    def ratings_given(self) -> np.ndarray:
        return self._hidden.given.copy()


def ground_truth(population: Population) -> GroundTruth:
    """The hidden side of ``population``: true utilities, tastes and profile labels (metrics only)."""
    return GroundTruth(population)


def demo_population(n_raters: int = 20, n_songs: int = 6, seed: int = 0) -> tuple[Population, Songs]:
    """A small population on a synthetic 8-dimensional space, for examples and doctests."""
    rng = np.random.default_rng(seed)
    space = EmbeddingSpace(np.zeros(8), np.ones(8), rng.standard_normal((400, 8)))
    cfg = PopulationConfig(mix={"honest": 1.0}, profiles={"honest": Profile("honest")}, name="demo")
    return build_population(cfg, space, n_raters, seed), Songs(rng.standard_normal((n_songs, 8)), 3.0)


def _coerce(value: Any, cls: type) -> Any:
    """A dataclass as given, or built from a dict / OmegaConf node of its fields."""
    return value if isinstance(value, cls) else cls(**_plain(value))


def _plain(value: Any) -> Any:
    from omegaconf import OmegaConf

    return OmegaConf.to_container(value, resolve=True) if OmegaConf.is_config(value) else value
