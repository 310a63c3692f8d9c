"""Where hcbench finds its configs and keeps its caches."""
from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]


def conf_dir() -> Path:
    """The Hydra config tree: $HCBENCH_CONF, else conf/ beside the package (editable install)."""
    path = Path(os.environ.get("HCBENCH_CONF", REPO_ROOT / "conf"))
    if not (path / "pretrain.yaml").is_file():
        raise FileNotFoundError(
            f"hcbench's configs were not found at {path}; install the project editable "
            "(pip install -e .) from its checkout, or set HCBENCH_CONF to its conf/ folder"
        )
    return path


def cache_dir() -> Path:
    """Corpus and feature caches: $HCBENCH_CACHE, else ~/.cache/hcbench."""
    return Path(os.environ.get("HCBENCH_CACHE", Path.home() / ".cache" / "hcbench")).expanduser()
