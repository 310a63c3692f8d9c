"""Real compositions: music21's bundled scores, re-orchestrated and rendered through a SoundFont.

Every choice (which pieces, instrument, tempo) is drawn from a seeded generator
keyed by the piece itself, so a corpus is reproducible and one piece's failure
does not change the others.
"""
from __future__ import annotations

import io
import logging
import re
import warnings
import zlib
from collections import deque
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterator, Mapping, Sequence

import numpy as np

from hcbench.errors import ConfigError
from hcbench.parallel import process_pool, worth_starting
from hcbench.corpus.gm import program_name

log = logging.getLogger(__name__)

RENDER_RATE = 48000  # what midirenderer writes
SKIPPED_SUFFIXES = (".rntxt",)  # Roman-numeral analyses, not compositions
FADE_SECONDS = 0.3  # fade at the cut so truncation does not click


@dataclass(frozen=True)
class ScoreRef:
    """One piece: a corpus file, and for multi-tune .abc files the tune's X: number."""

    collection: str
    path: Path
    number: int | None = None

    @property
    def ident(self) -> str:
        """Stable name, independent of where music21 is installed.

        >>> ScoreRef("bach", Path("/x/music21/corpus/bach/bwv66.6.mxl")).ident
        'bach/bwv66.6.mxl'
        """
        parts = self.path.parts
        rel = "/".join(parts[len(parts) - parts[::-1].index("corpus"):]) if "corpus" in parts else self.path.name
        return rel if self.number is None else f"{rel}#{self.number}"


@lru_cache(maxsize=1)
def corpus_files() -> dict[str, tuple[Path, ...]]:
    """music21's shipped scores grouped by top-level corpus folder (its "collection")."""
    from music21 import corpus

    grouped: dict[str, list[Path]] = {}
    for path in corpus.getPaths():
        path = Path(path)
        if path.suffix.lower() in SKIPPED_SUFFIXES or "corpus" not in path.parts:
            continue
        collection = path.parts[path.parts.index("corpus") + 1]
        grouped.setdefault(collection, []).append(path)
    return {c: tuple(sorted(ps)) for c, ps in grouped.items()}


def abc_tune_numbers(path: Path) -> list[int]:
    """X: numbers of the tunes in an .abc file; read as text because parsing a bundle takes seconds."""
    text = path.read_text(encoding="utf-8", errors="replace")
    return [int(x) for x in re.findall(r"^X:\s*(\d+)", text, flags=re.M)]


def candidates(collection: str, files: Sequence[Path], seed: int, tunes_per_bundle: int) -> list[ScoreRef]:
    """Every piece of a collection, in a seeded order; at most ``tunes_per_bundle`` per multi-tune file."""
    rng = _rng(seed, "collection", collection)
    refs: list[ScoreRef] = []
    for path in files:
        numbers = abc_tune_numbers(path) if path.suffix.lower() == ".abc" else []
        if len(numbers) > 1:
            chosen = rng.choice(numbers, size=min(tunes_per_bundle, len(numbers)), replace=False)
            refs.extend(ScoreRef(collection, path, int(n)) for n in sorted(chosen))
        else:
            refs.append(ScoreRef(collection, path))
    return [refs[i] for i in rng.permutation(len(refs))]


def choose_program(palette: Mapping[str, Sequence[int]], rng: np.random.Generator) -> tuple[str, int]:
    """A family, then a program in it, so every family is equally likely whatever its size."""
    family = sorted(palette)[int(rng.integers(len(palette)))]
    return family, int(palette[family][int(rng.integers(len(palette[family])))])


def render_piece(
    ref: ScoreRef, soundfont: bytes, *, sample_rate: int, seed: int, programs: Mapping[str, Sequence[int]],
    tempo_range: Sequence[float], max_seconds: float,
) -> tuple[np.ndarray, dict]:
    """Parse, re-orchestrate, truncate, render and label one piece; raises on any failure."""
    rng = _rng(seed, "piece", ref.ident)
    family, program = choose_program(programs, rng)
    bpm = float(round(rng.uniform(*tempo_range)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # music21 warns freely about old encodings; failures still raise
        score = parse(ref)
        labels = describe(score, ref)
        score = prepare(score, program, bpm, max_seconds)
        tonic, mode = analyse_key(score)
        audio = to_mono(render(score, soundfont), sample_rate)
    audio = finish(audio, sample_rate, max_seconds)
    labels.update(program=program, program_name=program_name(program), family=family, tempo_bpm=bpm,
                  key=tonic, mode=mode)
    return audio, labels


def parse(ref: ScoreRef):
    """A music21 Score; a bundle (Opus) gives its first score."""
    from music21 import corpus, stream

    parsed = corpus.parse(ref.path, number=ref.number) if ref.number is not None else corpus.parse(ref.path)
    if isinstance(parsed, stream.Opus):
        scores = list(parsed.scores)
        if not scores:
            raise ValueError("the file holds no score")
        parsed = scores[0]
    if not isinstance(parsed, stream.Score):  # a bare Part or Stream: wrap it
        score = stream.Score()
        score.insert(0, parsed)
        parsed = score
    if parsed.recurse().notes.first() is None:
        raise ValueError("the score holds no notes")
    return parsed


def describe(score, ref: ScoreRef) -> dict:
    """Title and composer from the score's metadata, falling back to the file and collection."""
    md = score.metadata
    composer = str((md.composer if md else None) or "").strip()
    title = str(((md.title or md.movementName) if md else None) or "").strip()
    # OCR'd scores carry junk such as '\..J.D ...'; only name-like text counts.
    if not re.fullmatch(r"[^\W\d_][\w .,'()\-]*", composer):
        composer = ref.collection
    if sum(c.isalpha() for c in title) < max(2, len(title) / 2) or title == ref.path.name:
        title = ref.path.stem if ref.number is None else f"{ref.path.stem} #{ref.number}"
    return {"source": "scores", "collection": ref.collection, "composer": composer, "title": title, "score": ref.ident}


def prepare(score, program: int, bpm: float, max_seconds: float):
    """The score with one GM program on every part, one tempo, repeats written out, cut to length."""
    from music21 import instrument, tempo

    for old in list(score.recurse().getElementsByClass((instrument.Instrument, tempo.TempoIndication))):
        old.activeSite.remove(old)
    limit = max_seconds * bpm / 60 + 1  # quarter notes that fit, plus one for the cut's fade
    # Cut before expanding: expansion deep-copies the score (47 s for a whole quartet), and a
    # repeat only ever replays earlier bars, so nothing heard before the limit lies after it.
    for part in score.parts:
        _truncate(part, limit)
    score = _expand_repeats(score)
    for part in score.parts:
        _truncate(part, limit)
        _unshare_signatures(part)
        gm = instrument.Instrument()
        gm.midiProgram = program
        part.insert(0, gm)
    score.insert(0, tempo.MetronomeMark(number=bpm))
    return score


def analyse_key(score) -> tuple[str, str]:
    """(tonic, mode) by Krumhansl-Schmuckler (~10 ms for a truncated piece); the key signature if that fails."""
    from music21 import key

    try:
        found = score.analyze("key")
    except Exception:  # e.g. percussion-only or unpitched material
        signatures = list(score.recurse().getElementsByClass(key.KeySignature))
        found = signatures[0].asKey("major") if signatures else key.Key("C")
    return found.tonic.name.replace("-", "b"), found.mode


def render(score, soundfont: bytes) -> np.ndarray:
    """(samples, channels) float at RENDER_RATE."""
    import midirenderer
    import soundfile as sf
    from music21 import midi

    midi_bytes = midi.translate.streamToMidiFile(score).writestr()
    wav = midirenderer.render_wave_from(soundfont, midi_bytes)
    audio, rate = sf.read(io.BytesIO(wav), dtype="float32", always_2d=True)
    if rate != RENDER_RATE:
        raise ValueError(f"the renderer wrote {rate} Hz, expected {RENDER_RATE}")
    return audio


def to_mono(audio: np.ndarray, sample_rate: int) -> np.ndarray:
    from hcbench.audio.librosa_kernels import librosa

    mono = audio.mean(axis=1) if audio.ndim == 2 else audio
    return librosa.resample(mono, orig_sr=RENDER_RATE, target_sr=sample_rate, res_type="soxr_hq")


def finish(audio: np.ndarray, sample_rate: int, max_seconds: float) -> np.ndarray:
    """Trim edge silence, cut to ``max_seconds`` with a fade, and peak-normalise to -1 dBFS."""
    from hcbench.audio.librosa_kernels import librosa

    if np.abs(audio).max() < 1e-4:
        raise ValueError("the rendering is silent")
    audio, _ = librosa.effects.trim(audio, top_db=60)
    n = int(max_seconds * sample_rate)
    if len(audio) > n:
        audio = audio[:n].copy()
        fade = min(n, int(FADE_SECONDS * sample_rate))
        audio[-fade:] *= np.linspace(1, 0, fade)
    return (audio * 0.89 / np.abs(audio).max()).astype(np.float32)


def score_pieces(
    collections: Mapping[str, int], soundfont: Path, *, sample_rate: int, seed: int,
    programs: Mapping[str, Sequence[int]], tempo_range: Sequence[float], max_seconds: float, min_seconds: float,
    tunes_per_bundle: int, workers: int = 1, advance: Callable[[int], None] = lambda n: None,
) -> Iterator[tuple[np.ndarray, dict]]:
    """Up to ``cap`` rendered pieces per collection, in a deterministic order; failures are logged and skipped.

    A collection's pieces are its first ``cap`` usable candidates, whatever ``workers`` is.
    """
    files = corpus_files()
    unknown = sorted(set(collections) - set(files))
    if unknown:
        raise ConfigError(f"corpus.collections: unknown music21 collection(s) {unknown}; known: {sorted(files)}")
    job = dict(sample_rate=sample_rate, seed=seed, programs=programs, tempo_range=tempo_range, max_seconds=max_seconds)
    plan = [_Collection(c, cap, deque(candidates(c, files[c], seed, tunes_per_bundle))) for c, cap in collections.items()]
    bank = soundfont.read_bytes()
    workers = worth_starting(workers, sum(collections.values()), "render")
    with process_pool(workers, _init_worker, (bank, job)) as pool:
        submit, lookahead = _submitter(pool, bank, job), 2 * workers if pool else 0
        for i, state in enumerate(plan):
            while state.taken < state.cap and (state.pending or state.refs):
                _submit_ahead(plan, i, submit, lookahead)
                ref, get = state.pending.popleft()
                piece = get()
                if _usable(ref, piece, min_seconds * sample_rate, sample_rate):
                    state.taken += 1
                    advance(1)
                    yield piece
            if state.taken < state.cap:
                log.warning("collection %s gave %d of the %d pieces asked for", state.name, state.taken, state.cap)
                advance(state.cap - state.taken)


@dataclass
class _Collection:
    """Rendering progress of one collection: candidates not yet sent, renders in flight (in order), pieces kept."""

    name: str
    cap: int
    refs: deque
    pending: deque = field(default_factory=deque)  # (ref, result getter)
    taken: int = 0

    def wanted(self) -> int:
        """Renders to start now so that, if all succeed, the cap is met: never more (no wasted work)."""
        return min(len(self.refs), self.cap - self.taken - len(self.pending))


def _submit_ahead(plan: list[_Collection], current: int, submit: Callable, lookahead: int) -> None:
    """Start what the current collection still needs, then the next collections', up to ``lookahead`` in flight.

    Rendering ahead into the next collections keeps every worker busy where a collection's last
    pieces (or a replacement for a failed one) would leave the others idle; results are still
    taken in the serial order.
    """
    in_flight = sum(len(state.pending) for state in plan[current:])
    for k, state in enumerate(plan[current:]):
        while state.wanted() > 0 and (k == 0 or in_flight < lookahead):
            ref = state.refs.popleft()
            state.pending.append((ref, submit(ref)))
            in_flight += 1


def _submitter(pool, soundfont: bytes, job: dict) -> Callable[[ScoreRef], Callable]:
    """ref -> a getter of its result: a pool task, or (without a pool) a render done when asked for."""
    if pool is not None:
        return lambda ref: pool.apply_async(_render_in_worker, (ref,)).get
    return lambda ref: lambda: _safe_render(ref, soundfont, job)


def _usable(ref: ScoreRef, result, min_samples: float, sample_rate: int) -> bool:
    if isinstance(result, str):
        log.warning("skipping %s: %s", ref.ident, result)
        return False
    if len(result[0]) < min_samples:
        log.info("skipping %s: %.1f s is shorter than min_seconds", ref.ident, len(result[0]) / sample_rate)
        return False
    return True


_WORKER: dict = {}


def _init_worker(soundfont: bytes, job: dict) -> None:
    _WORKER.update(soundfont=soundfont, job=job)  # sent once per worker, not with every piece


def _render_in_worker(ref: ScoreRef):
    return _safe_render(ref, _WORKER["soundfont"], _WORKER["job"])


def _safe_render(ref: ScoreRef, soundfont: bytes, job: dict):
    try:
        return render_piece(ref, soundfont, **job)
    except Exception as error:  # one bad score must not stop the corpus
        return f"{type(error).__name__}: {error}"


def _expand_repeats(score):
    """Write out repeats so truncation counts what is heard; strip them where they are malformed."""
    try:
        return score.expandRepeats()
    except Exception:  # badly formed repeats: play the written notes once
        return _strip_repeats(score)


def _strip_repeats(score):
    """Remove repeat signs in place, so MIDI export plays the written notes once."""
    from music21 import bar, repeat

    for mark in list(score.recurse().getElementsByClass((bar.Repeat, repeat.RepeatExpression))):
        site = mark.activeSite
        if getattr(site, "leftBarline", None) is mark:
            site.leftBarline = None
        elif getattr(site, "rightBarline", None) is mark:
            site.rightBarline = None
        else:
            site.remove(mark)
    return score


def _unshare_signatures(part) -> None:
    """Give each measure its own signature objects: music21's ABC reader reuses one TimeSignature
    in several measures (e.g. alternating 6/8 and 3/8), which its own MIDI export then rejects."""
    import copy

    from music21 import key, meter, stream

    seen: set[int] = set()
    for measure in part.getElementsByClass(stream.Measure):
        for sig in list(measure.getElementsByClass((meter.TimeSignature, key.KeySignature))):
            if id(sig) in seen:
                measure.replace(sig, copy.deepcopy(sig))
            seen.add(id(sig))


def _truncate(part, limit: float) -> None:
    """Drop what starts at or after ``limit`` quarter notes, measure by measure when there are measures."""
    from music21 import stream

    measures = list(part.getElementsByClass(stream.Measure))
    if measures:
        for m in measures:
            if m.offset >= limit:
                part.remove(m)
        return
    for element in list(part.recurse().notesAndRests):
        if element.getOffsetInHierarchy(part) >= limit:
            element.activeSite.remove(element)


def _rng(seed: int, *keys: str) -> np.random.Generator:
    return np.random.default_rng([seed, *(zlib.crc32(k.encode()) for k in keys)])
