"""The first run's one-off work, old path against new, each on a fresh cache folder.

What `hcbench run` builds before its loop starts on a fresh machine: the offline corpus
(render), its spectrograms at the model's mel geometry, and the raters' reference
embedding. The old path does each in one process (``corpus.workers=1``, no shipped
reference); the new one uses ``--workers`` processes (default auto: one per core) and the
spot-checked shipped reference where it matches. Both must give identical files; the
script checks that and prints the comparison after the timings.

    python benchmarks/bench_first_run.py --corpus tiny      # ~1 min
    python benchmarks/bench_first_run.py --corpus default   # ~10 min on 2 cores
    python benchmarks/bench_first_run.py --corpus default --reference ~/.cache/hcbench/corpus-default-XXXX

Timings on a shared CPU are noisy; the ratio of one run is what to compare.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import tempfile
import time
from pathlib import Path
from unittest import mock

import numpy as np
from hydra.utils import instantiate
from omegaconf import OmegaConf
from rich.console import Console
from rich.table import Table

from hcbench.corpus import build_corpus
from hcbench.paths import conf_dir
from hcbench.parallel import resolve_workers
from simulators import SpaceConfig, fit_space
from simulators import space as space_module

NOT_CONTENT = ("built_at", "build_seconds", "config")  # the manifest's record of how, not what


def first_run(corpus_name: str, workers: int, shipped: bool, cache: Path) -> tuple[dict[str, float], Path]:
    """Seconds per stage of a first run into the empty folder ``cache``, and the corpus folder."""
    cfg = OmegaConf.load(conf_dir() / "corpus" / f"{corpus_name}.yaml")
    cfg.cache_dir, cfg.workers = str(cache), workers
    mel = instantiate(OmegaConf.load(conf_dir() / "model" / "small.yaml").mel)  # the default run's geometry
    embedder = instantiate(OmegaConf.load(conf_dir() / "embedder" / "descriptor.yaml"))
    times: dict[str, float] = {}
    started = time.perf_counter()
    corpus = build_corpus(instantiate(cfg), progress=False)
    times["corpus (render)"] = time.perf_counter() - started
    started = time.perf_counter()
    corpus.spectrograms(mel, "all")
    times["spectrograms"] = time.perf_counter() - started
    started = time.perf_counter()
    with mock.patch.object(space_module, "shipped_reference", space_module.shipped_reference if shipped
                           else lambda *a, **k: None):
        fit_space(embedder, corpus, mel, SpaceConfig(), progress=False)
    times["reference embedding"] = time.perf_counter() - started
    return times, corpus.root


def parallel_embedding(root: Path, workers: int) -> float:
    """Seconds to embed the reference in ``workers`` processes without the shipped file (for the record)."""
    from hcbench.corpus import Corpus

    for cache in root.glob("reference-*.npz"):
        cache.rename(cache.with_suffix(".kept"))
    mel = instantiate(OmegaConf.load(conf_dir() / "model" / "small.yaml").mel)
    embedder = instantiate(OmegaConf.load(conf_dir() / "embedder" / "descriptor.yaml"))
    corpus = Corpus(root, workers=workers)
    started = time.perf_counter()
    with mock.patch.object(space_module, "shipped_reference", lambda *a, **k: None):
        fit_space(embedder, corpus, mel, SpaceConfig(), progress=False)
    seconds = time.perf_counter() - started
    for cache in root.glob("reference-*.npz"):
        kept = cache.with_suffix(".kept")
        with np.load(cache) as a, np.load(kept) as b:
            same = np.array_equal(a["raw"], b["raw"])
        print(f"parallel embedding equals the new path's reference: {same}")
        cache.unlink()
        kept.rename(cache)
    return seconds


def fingerprint(root: Path) -> dict[str, str]:
    """One hash per file of a corpus folder: audio bytes, manifest content, every array of every npz."""
    manifest = json.loads((root / "manifest.json").read_text())
    found = {"manifest": _sha1(json.dumps({k: v for k, v in manifest.items() if k not in NOT_CONTENT},
                                          sort_keys=True).encode())}
    for path in sorted(root.glob("audio/*")):
        found[path.relative_to(root).as_posix()] = _sha1(path.read_bytes())
    for path in sorted(root.glob("*.npz")):
        with np.load(path) as data:
            for key in sorted(data.files):
                array = data[key]
                found[f"{path.name}:{key}"] = _sha1(repr((array.dtype.str, array.shape)).encode() + array.tobytes())
    return found


def compare(name: str, a: dict[str, str], b: dict[str, str], shared_only: bool = False) -> bool:
    """Print and return whether two fingerprints agree (on the files both hold, with ``shared_only``)."""
    shared = sorted(set(a) & set(b))
    differ = [k for k in shared if a[k] != b[k]]
    only = [] if shared_only else sorted(set(a) ^ set(b))
    print(f"{name}: {len(shared)} files/arrays compared, {len(differ)} differ, {len(only)} on one side only"
          + (f"; differ: {differ[:5]}" if differ else "") + (f"; one side: {only[:5]}" if only else ""))
    return not differ and not only


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", choices=("tiny", "default"), default="tiny")
    parser.add_argument("--workers", default="auto", help="processes of the new path: a number or auto")
    parser.add_argument("--reference", type=Path, help="a corpus folder built before (e.g. by hcbench run) to "
                                                       "compare the new build against as well")
    parser.add_argument("--skip-parallel-embedding", action="store_true",
                        help="do not also time the reference embedding in processes without the shipped file")
    parser.add_argument("--keep", action="store_true", help="keep the cache folders (printed) instead of deleting")
    args = parser.parse_args()
    workers = resolve_workers(int(args.workers) if args.workers.isdigit() else args.workers)
    folders = [Path(tempfile.mkdtemp(prefix=f"firstrun_cache_{name}_", dir="/tmp")) for name in ("old", "new")]
    try:
        old, old_root = first_run(args.corpus, 1, shipped=False, cache=folders[0])
        new, new_root = first_run(args.corpus, workers, shipped=True, cache=folders[1])
        extra = None if args.skip_parallel_embedding else parallel_embedding(new_root, workers)
        _print_table(args.corpus, workers, old, new, extra)
        same = compare("old vs new", fingerprint(old_root), fingerprint(new_root))
        if args.reference:
            same = compare(f"new vs {args.reference}", fingerprint(args.reference), fingerprint(new_root),
                           shared_only=True) and same
        print("identical" if same else "NOT IDENTICAL")
    finally:
        for folder in folders:
            if args.keep:
                print(f"kept {folder}")
            else:
                shutil.rmtree(folder, ignore_errors=True)


def _print_table(corpus: str, workers: int, old: dict, new: dict, extra: float | None) -> None:
    table = Table(title=f"first run, corpus={corpus}, {os.cpu_count()} cores: old (1 process, no shipped "
                        f"reference) vs new ({workers} processes, shipped reference)")
    for column in ("stage", "old s", "new s", "old / new"):
        table.add_column(column, justify="left" if column == "stage" else "right")
    for stage in old:
        table.add_row(stage, f"{old[stage]:.1f}", f"{new[stage]:.1f}", f"{old[stage] / new[stage]:.2f}x")
    if extra is not None:
        stage = "reference embedding"
        table.add_row(f"  {stage}, {workers} processes, not shipped", f"{old[stage]:.1f}", f"{extra:.1f}",
                      f"{old[stage] / extra:.2f}x")
    total_old, total_new = sum(old.values()), sum(new.values())
    table.add_row("total", f"{total_old:.1f}", f"{total_new:.1f}", f"{total_old / total_new:.2f}x")
    Console().print(table)


def _sha1(data: bytes) -> str:
    return hashlib.sha1(data).hexdigest()


if __name__ == "__main__":
    main()
