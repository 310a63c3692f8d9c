"""Where hcbench finds its configs and keeps its caches."""
from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_ROOT = PACKAGE_DIR.parent  # the checkout, in an editable install
INSTALLED_CONF = PACKAGE_DIR / "conf"  # the package hcbench.conf: conf/ as a non-editable install ships it
CHECKOUT_CONF = REPO_ROOT / "conf"


def conf_dir() -> Path:
    """The Hydra config tree: $HCBENCH_CONF, else the installed copy, else the checkout's conf/.

    A non-editable install (``pip install .``) carries conf/ inside the package as ``hcbench/conf``;
    an editable one reads conf/ beside the package, so edits there take effect at once.
    """
    if os.environ.get("HCBENCH_CONF"):
        path = Path(os.environ["HCBENCH_CONF"]).expanduser()
    else:
        path = INSTALLED_CONF if INSTALLED_CONF.is_dir() else CHECKOUT_CONF
    if not (path / "pretrain.yaml").is_file():
        raise FileNotFoundError(
            f"hcbench's configs were not found at {path}; reinstall the project (pip install . or pip install -e . "
            "from its checkout), or set HCBENCH_CONF to its conf/ folder"
        )
    return path


def cache_dir() -> Path:
    """Corpus and feature caches: $HCBENCH_CACHE, else ~/.cache/hcbench."""
    return Path(os.environ.get("HCBENCH_CACHE", Path.home() / ".cache" / "hcbench")).expanduser()
