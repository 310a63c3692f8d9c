"""Build a corpus once, cache it on disk with a manifest, and reuse it on every later run."""
from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import os
import re
import secrets
import shutil
import socket
import time
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping

import numpy as np

from hcbench.errors import ConfigError, MissingFileError
from hcbench.audio import write_audio
from hcbench.compute_once import compute_once
from hcbench.corpus.config import CorpusConfig
from hcbench.corpus.dataset import Corpus
from hcbench.corpus.soundfont import HOW_TO_GET_ONE, find_soundfont

log = logging.getLogger(__name__)

CORPUS_FORMAT = 1  # bump when the way pieces are made changes, so stale caches are not reused
Pieces = Iterator[tuple[np.ndarray, dict]]


def build_corpus(cfg: CorpusConfig | Mapping[str, Any], progress: bool = True) -> Corpus:
    """The corpus ``cfg`` describes: read from the cache when built before, else built now.

    ``cfg`` may be a CorpusConfig, a dict or a Hydra/OmegaConf node with the same keys.
    """
    cfg, soundfont = resolve_source(CorpusConfig.coerce(cfg))
    root = corpus_dir(cfg, soundfont)
    if (root / "manifest.json").is_file():
        log.info("reusing the corpus cached at %s", root)
    else:  # processes sharing the cache (a sweep's jobs) build it once
        compute_once(root, (root / "manifest.json").is_file, lambda: _build(cfg, soundfont, root, progress))
    return Corpus(root, seed=cfg.seed, heldout_fraction=cfg.heldout_fraction, workers=cfg.resolved_workers())


def resolve_source(cfg: CorpusConfig) -> tuple[CorpusConfig, Path | None]:
    """The config that will really be built, and its SoundFont: no SoundFont means synth or an error."""
    if cfg.source != "scores":
        return cfg, None
    soundfont = find_soundfont(cfg.soundfont)
    if soundfont is not None:
        return cfg, soundfont
    if cfg.fallback == "error":
        raise MissingFileError(
            f"corpus.source=scores needs a General MIDI SoundFont and none was found; {HOW_TO_GET_ONE}"
        )
    log.warning("no SoundFont found, so building the synth corpus instead (%s)", HOW_TO_GET_ONE)
    return dataclasses.replace(cfg, source="synth"), None


def content_key(cfg: CorpusConfig, soundfont: Path | None) -> dict[str, Any]:
    """Only the settings that change what is in the corpus, so e.g. a new split reuses it."""
    key: dict[str, Any] = {"format": CORPUS_FORMAT, "source": cfg.source, "sample_rate": cfg.sample_rate}
    if cfg.source == "scores":
        assert soundfont is not None
        key.update(seed=cfg.seed, soundfont=[soundfont.name, soundfont.stat().st_size], collections=cfg.collections,
                   max_seconds=cfg.max_seconds, min_seconds=cfg.min_seconds, tempo_range=cfg.tempo_range,
                   programs=cfg.programs, tunes_per_bundle=cfg.tunes_per_bundle)
    elif cfg.source == "synth":
        key.update(seed=cfg.seed, synth_pieces=cfg.synth_pieces, synth_seconds=cfg.synth_seconds,
                   tempo_range=cfg.tempo_range, modes=cfg.modes, timbres=cfg.timbres,
                   drums_probability=cfg.drums_probability)
    else:  # a folder's content is its files: adding or editing one makes a new corpus
        from hcbench.corpus.folder import folder_files

        folder = Path(cfg.path).expanduser().resolve()
        files = [[p.relative_to(folder).as_posix(), p.stat().st_size, p.stat().st_mtime_ns]
                 for p in folder_files(folder)]
        key.update(path=str(folder), min_seconds=cfg.min_seconds, files=files)
    return key


def corpus_dir(cfg: CorpusConfig, soundfont: Path | None) -> Path:
    digest = hashlib.sha1(json.dumps(content_key(cfg, soundfont), sort_keys=True).encode()).hexdigest()[:10]
    return cfg.resolved_cache_dir() / f"corpus-{_slug(cfg.name)}-{digest}"


def pieces_for(cfg: CorpusConfig, soundfont: Path | None, advance: Callable[[int], None]) -> tuple[int, Pieces]:
    """(expected count for the progress bar, the pieces) of the configured source."""
    if cfg.source == "scores":
        from hcbench.corpus.scores import score_pieces

        assert soundfont is not None
        return sum(cfg.collections.values()), score_pieces(
            cfg.collections, soundfont, sample_rate=cfg.sample_rate, seed=cfg.seed, programs=cfg.programs,
            tempo_range=cfg.tempo_range, max_seconds=cfg.max_seconds, min_seconds=cfg.min_seconds,
            tunes_per_bundle=cfg.tunes_per_bundle, workers=cfg.resolved_workers(), advance=advance)
    if cfg.source == "synth":
        from hcbench.corpus.synth import synth_pieces

        return cfg.synth_pieces, _advancing(synth_pieces(
            cfg.synth_pieces, cfg.synth_seconds, cfg.sample_rate, cfg.seed, cfg.tempo_range, cfg.modes,
            cfg.timbres, cfg.drums_probability), advance)
    from hcbench.corpus.folder import folder_files, folder_pieces

    return len(folder_files(cfg.path)), _advancing(folder_pieces(cfg.path, cfg.sample_rate, cfg.min_seconds), advance)


def _build(cfg: CorpusConfig, soundfont: Path | None, root: Path, progress: bool) -> None:
    """Write into a private temporary folder, then rename: a crash never leaves a corpus that looks complete."""
    root.parent.mkdir(parents=True, exist_ok=True)
    _remove_abandoned(root)
    tmp = root.parent / f".{root.name}.partial-{os.getpid()}-{secrets.token_hex(3)}@{_host()}"
    started = time.time()
    try:
        pieces = _write_pieces(cfg, soundfont, tmp, progress)
        _write_manifest(tmp, cfg, soundfont, pieces, time.time() - started)
        if root.exists() and not (root / "manifest.json").is_file():
            shutil.rmtree(root)  # an incomplete folder left by hand; ours are never incomplete
        try:
            os.rename(tmp, root)
        except OSError:
            if not (root / "manifest.json").is_file():
                raise
            log.info("another process built %s first; using that one", root)
            shutil.rmtree(tmp, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    log.info("built %d pieces in %.0f s at %s", len(pieces), time.time() - started, root)


def _write_pieces(cfg: CorpusConfig, soundfont: Path | None, folder: Path, progress: bool) -> list[dict]:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    written: list[dict] = []
    columns = (TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, disable=not progress) as bar:
        task = bar.add_task(f"corpus {cfg.name} ({cfg.source})", total=None)
        total, pieces = pieces_for(cfg, soundfont, lambda n: bar.advance(task, n))
        bar.update(task, total=total)
        for audio, labels in pieces:
            file = f"audio/{len(written):05d}-{_slug(labels.get('collection', cfg.source))}.flac"
            write_audio(folder / file, audio, cfg.sample_rate)
            written.append({**labels, "file": file, "seconds": round(len(audio) / cfg.sample_rate, 3)})
    if not written:
        raise ConfigError(f"corpus {cfg.name!r} (source={cfg.source}) produced no pieces; see the warnings above")
    return written


def _write_manifest(
    folder: Path, cfg: CorpusConfig, soundfont: Path | None, pieces: list[dict], seconds: float
) -> None:
    collections: dict[str, int] = {}
    for piece in pieces:
        collections[piece["collection"]] = collections.get(piece["collection"], 0) + 1
    manifest = {
        "format": CORPUS_FORMAT, "name": cfg.name, "source": cfg.source, "sample_rate": cfg.sample_rate,
        "config": cfg.to_dict(), "content_key": content_key(cfg, soundfont),
        "soundfont": str(soundfont) if soundfont else None, "versions": _versions(),
        "built_at": datetime.now(timezone.utc).isoformat(timespec="seconds"), "build_seconds": round(seconds, 1),
        "summary": {"pieces": len(pieces), "seconds": round(sum(p["seconds"] for p in pieces), 1),
                    "collections": collections},
        "pieces": pieces,
    }
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n")


def _remove_abandoned(root: Path) -> None:
    """Delete partial builds of this corpus whose process has died (killed mid-build).

    Only this machine's: a cache shared between machines (a cluster's file system) holds other hosts'
    builds, whose process ids mean nothing here.
    """
    for partial in root.parent.glob(f".{root.name}.partial-*"):
        owner, _, host = partial.name.rsplit(".partial-", 1)[1].partition("@")
        if host and host != _host():
            continue
        try:
            pid = int(owner.split("-")[0])
            os.kill(pid, 0)
        except ProcessLookupError:
            shutil.rmtree(partial, ignore_errors=True)
        except (ValueError, PermissionError):
            pass  # not ours to judge


def _host() -> str:
    """This machine's name as a folder name may hold it."""
    return re.sub(r"[^A-Za-z0-9_.-]", "_", socket.gethostname()) or "unknown"


def _advancing(pieces: Pieces, advance: Callable[[int], None]) -> Pieces:
    for piece in pieces:
        advance(1)
        yield piece


def _versions() -> dict[str, str | None]:
    found: dict[str, str | None] = {}
    for package in ("hcbench", "music21", "midirenderer", "numpy", "librosa", "soundfile"):
        try:
            found[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            found[package] = None
    return found


def _slug(text: str) -> str:
    """File-name-safe text.

    >>> _slug("synth-pluck / Bach's")
    'synth-pluck-Bach-s'
    """
    return re.sub(r"[^\w.-]+", "-", str(text)).strip("-")[:40] or "piece"
