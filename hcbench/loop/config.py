"""What one run of the human-computation loop does, as validated dataclasses (conf/run.yaml)."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from hcbench.errors import ConfigError
from hcbench.models.pretrain import TrainerConfig, adamw


def per_iteration(value: int | list[int] | None, iteration: int):
    """A setting given once for all iterations, or as a list (the last entry repeats)."""
    if isinstance(value, (list, tuple)):
        return value[min(iteration, len(value) - 1)]
    return value


@dataclass
class RequestConfig:
    """Who asks for music, with which input songs, and how much it resembles them."""

    per_iteration: int | list[int] = 200  # requests per iteration (a list gives one per iteration)
    active_raters: int | list[int] | None = None  # raters taking part per iteration; None: the whole population
    inputs_per_request: int | list[int] = 2  # input songs a rater brings; a list: each request brings one of
                                             # these counts, drawn in equal shares (experiment=merges)
    pool_size: int = 10  # input songs on offer (corpus songs): the rows of Table 1
    pool_split: str = "heldout"  # corpus split they come from; heldout keeps them out of the base model's data
    strength: float = 0.5  # DDIM inversion depth: 0 returns the inputs, 1 ignores them
    eta: float = 1.0  # DDIM noise: variations of the same inputs differ
    batch_size: int = 16  # requests generated per transaction (the unit redone after a crash)

    def __post_init__(self):
        counts = self.per_iteration if isinstance(self.per_iteration, (list, tuple)) else [self.per_iteration]
        if not counts or min(counts) < 1:
            raise ConfigError(f"loop.requests.per_iteration must be >= 1 (or a list of such), got {self.per_iteration}")
        counts = self.input_counts
        if not counts or min(counts) < 1 or max(counts) > self.pool_size:
            raise ConfigError(f"loop.requests.inputs_per_request must lie in [1, pool_size={self.pool_size}] "
                              f"(or be a list of such), got {self.inputs_per_request}")
        if not 0.0 < self.strength <= 1.0:
            raise ConfigError(f"loop.requests.strength must lie in (0, 1], got {self.strength}")

    @property
    def input_counts(self) -> list[int]:
        """The numbers of input songs a request may bring."""
        given = self.inputs_per_request
        return [int(k) for k in given] if isinstance(given, (list, tuple)) else [int(given)]


@dataclass
class DispatchConfig:
    """Paper 3.1: an old song from D with probability p_old, else a new generation."""

    p_old: float = 0.25
    live_versions: str = "all"  # all: each request draws a version at random (no confirmation bias); latest
    evaluation: str = "random"  # last iteration: random (a version per request, paper section 6) or paired
    evaluation_raters: int | None = None  # raters per song in a paired evaluation; None: qc.agreement_k

    def __post_init__(self):
        if not 0.0 <= self.p_old <= 1.0:
            raise ConfigError(f"loop.dispatch.p_old must lie in [0, 1], got {self.p_old}")
        if self.live_versions not in ("all", "latest"):
            raise ConfigError(f"loop.dispatch.live_versions must be 'all' or 'latest', got {self.live_versions!r}")
        if self.evaluation not in ("random", "paired"):
            raise ConfigError(f"loop.dispatch.evaluation must be 'random' or 'paired', got {self.evaluation!r}")
        if self.evaluation_raters is not None and self.evaluation_raters < 1:
            raise ConfigError(f"loop.dispatch.evaluation_raters must be >= 1 (or null), got {self.evaluation_raters}")


@dataclass
class RatingConfig:
    """Eq. 1's weights (the paper's is the unweighted mean) and eq. 2's confidence mix."""

    stars_weight: float = 1.0
    listen_weight: float = 1.0
    similarity_weight: float = 1.0
    confidence_stars_share: float = 0.5  # c = share * stars + (1 - share) * listening, both normalised

    def __post_init__(self):
        weights = (self.stars_weight, self.listen_weight, self.similarity_weight)
        if min(weights) < 0 or sum(weights) <= 0:
            raise ConfigError(f"loop.rating weights must be >= 0 and not all 0, got {weights}")
        if not 0.0 <= self.confidence_stars_share <= 1.0:
            raise ConfigError(f"loop.rating.confidence_stars_share must lie in [0, 1], got {self.confidence_stars_share}")


REPUTATION_METHODS = ("agreement", "correlation")  # hcbench.loop.qc, hcbench.loop.reputation


@dataclass
class QCConfig:
    """Paper 2.1's quality control; each check can be switched off."""

    agreement_k: int = 3  # raters per new song (output agreement), the requester included
    enabled: bool = True  # false switches every check below off (experiment=stress_qc compares)
    listen_check: bool = True  # discount high stars given with hardly any listening
    high_stars: float = 4.0
    min_listen_fraction: float = 0.2
    listen_discount: float = 0.1  # weight kept by such a rating
    reputation: bool = True  # weigh raters by agreement with the consensus of others
    reputation_method: str = "agreement"  # agreement: closeness of stars to the others' mean; correlation: shape of
    # a rater's own-centred stars against the trusted crowd's, which keeps minority tastes (hcbench.loop.reputation)
    taste_factors: int = 0  # correlation: taste directions of the rating matrix partialled out first (0: none)
    within_style: bool = False  # correlation: compare a rater's stars only between songs of one style group (same
    # inputs, same version), so that its taste drops out and its sense of quality is what is judged
    flag_z: float = -2.0  # correlation: Fisher z (times sqrt of its ratings' dof) under which a rater is flagged
    reputation_prior: float = 0.5  # reputation of a rater with no track record
    reputation_prior_ratings: float = 3.0  # how many ratings the prior counts for
    flag_below: float = 0.35  # reputation under which a rater is flagged
    flag_listen_failures: float = 0.5  # share of listen-check failures that flags a rater
    min_ratings_to_flag: int = 4
    straight_line_check: bool = False  # flag raters who give one star value to nearly every song
    flag_modal_share: float = 0.85  # share of a rater's ratings at its most frequent value that flags it
    modal_at_ends: bool = True  # false: a pile-up at 1 or 5 stars does not count (an honest harsh or lenient rater's
    # stars stop at the ends of the scale; all-max raters are caught by the listening check)
    outlier_filter: bool = True  # drop ratings far from the song's other ratings
    outlier_z: float = 2.5  # in robust (MAD) standard deviations
    leniency: bool = False  # take each rater's offset from the others (fitted on all ratings) out of song scores
    leniency_prior_ratings: float = 2.0  # ratings' worth of evidence that pulls an offset to 0

    def __post_init__(self):
        if self.agreement_k < 1:
            raise ConfigError(f"loop.qc.agreement_k must be >= 1, got {self.agreement_k}")
        if not 0.0 <= self.listen_discount <= 1.0:
            raise ConfigError(f"loop.qc.listen_discount must lie in [0, 1], got {self.listen_discount}")
        if self.leniency_prior_ratings < 0:
            raise ConfigError(f"loop.qc.leniency_prior_ratings must be >= 0, got {self.leniency_prior_ratings}")
        if self.reputation_method not in REPUTATION_METHODS:
            raise ConfigError(f"loop.qc.reputation_method must be one of {list(REPUTATION_METHODS)}, "
                              f"got {self.reputation_method!r}")
        if self.within_style and self.reputation_method != "correlation":
            raise ConfigError("loop.qc.within_style works with reputation_method=correlation only; set both")
        if self.taste_factors < 0:
            raise ConfigError(f"loop.qc.taste_factors must be >= 0, got {self.taste_factors}")


@dataclass
class SelectionConfig:
    """Update targets (paper 3.1), cold start, top-k and the purge cycle (3.2)."""

    top_k: int = 100  # songs a version adds to D at most
    beat_reference: bool = True  # after the cold start, only songs rated above their reference enter D
    purge: bool = True
    duplicate_threshold: float = 0.85  # similarity above which the lower-scored of two D songs is purged
    max_age: int | None = None  # iterations a song stays in D; None: until purged as a duplicate

    def __post_init__(self):
        if self.top_k < 1:
            raise ConfigError(f"loop.selection.top_k must be >= 1, got {self.top_k}")
        if not -1.0 <= self.duplicate_threshold <= 1.0:
            raise ConfigError(f"loop.selection.duplicate_threshold is a cosine, in [-1, 1]; got "
                              f"{self.duplicate_threshold}")


@dataclass
class LoopConfig:
    """The whole loop: ``versions`` models v0..v{versions-1}; the last iteration only evaluates."""

    versions: int = 3
    requests: RequestConfig = field(default_factory=RequestConfig)
    dispatch: DispatchConfig = field(default_factory=DispatchConfig)
    rating: RatingConfig = field(default_factory=RatingConfig)
    qc: QCConfig = field(default_factory=QCConfig)
    selection: SelectionConfig = field(default_factory=SelectionConfig)

    def __post_init__(self):
        for name, cls in (("requests", RequestConfig), ("dispatch", DispatchConfig), ("rating", RatingConfig),
                          ("qc", QCConfig), ("selection", SelectionConfig)):
            value = getattr(self, name)
            if not isinstance(value, cls):  # a mapping from YAML
                setattr(self, name, cls(**_plain(value)))
        if self.versions < 1:
            raise ConfigError(f"loop.versions must be >= 1, got {self.versions}")

    @property
    def iterations(self) -> int:
        return self.versions


def _plain(value) -> dict:
    from omegaconf import OmegaConf

    return OmegaConf.to_container(value, resolve=True) if OmegaConf.is_config(value) else dict(value)


OBJECTIVES = ("weighted", "dpo")  # eq. 2 on D; Diffusion-DPO on same-input pairs
PAIR_SOURCES = ("latest", "all")  # iterations whose same-input pairs DPO learns from


@dataclass
class FinetuneConfig(TrainerConfig):
    """How v(n) becomes v(n+1) (conf/finetune/): the trainer's settings plus the objective.

    ``weighted`` is the paper's eq. 2 on the training set D. ``dpo`` is Diffusion-DPO on
    pairs of songs made from the same inputs, the higher-scored one preferred. The defaults
    are conf/finetune/dpo.yaml's, the run's default (tests/test_config_defaults.py).
    """

    steps: int = 150  # v(n) is trained already: a short run
    batch_size: int = 16  # songs per step (DPO: half as many pairs)
    warmup_steps: int = 10  # linear warm-up, short as the run
    ema_decay: float = 0.0  # a short run: ship the trained weights themselves
    checkpoint_every: int = 25  # a killed fine-tune resumes from here
    optimizer: Callable | None = field(default_factory=lambda: adamw(lr=3e-5))  # DPO moves far on small steps
    objective: str = "dpo"  # dpo, or weighted (eq. 2)
    dpo_beta: float = 5000.0  # how sharply DPO turns error differences into preferences (error gaps are ~1e-4)
    pair_min_gap: float = 0.05  # smallest difference of score (R, QC-weighted) that makes a pair
    generation_timesteps: bool = True  # train only timesteps that generation at loop.requests.strength visits
    pairs_from: str = "all"  # DPO pairs of all iterations so far (as D keeps songs), or of the latest only
    pretraining_mix: float = 0.0  # weighted: the base model's training clips added to D, as a multiple of D's size

    def __post_init__(self):
        super().__post_init__()
        if self.generation_timesteps and self.max_timestep is not None:
            raise ConfigError("finetune.generation_timesteps sets the highest timestep itself; leave "
                              f"finetune.max_timestep null (got {self.max_timestep})")
        if self.objective not in OBJECTIVES:
            raise ConfigError(f"finetune.objective must be one of {', '.join(OBJECTIVES)}; got {self.objective!r}")
        if self.dpo_beta <= 0:
            raise ConfigError(f"finetune.dpo_beta must be positive, got {self.dpo_beta}")
        if self.pairs_from not in PAIR_SOURCES:
            raise ConfigError(f"finetune.pairs_from must be one of {', '.join(PAIR_SOURCES)}; got {self.pairs_from!r}")
        if self.pretraining_mix < 0 or (self.pretraining_mix > 0 and self.objective != "weighted"):
            raise ConfigError(f"finetune.pretraining_mix must be >= 0 and is for objective=weighted only; got "
                              f"{self.pretraining_mix} with objective={self.objective}")
        if self.pair_min_gap < 0:
            raise ConfigError(f"finetune.pair_min_gap must be >= 0, got {self.pair_min_gap}")

