"""Command lines that read like a shell tool's, handed to Hydra as overrides.

People type ``hcbench rate a.wav --json`` and ``hcbench check RUN_DIR --significant``; Hydra
parses ``key=value``. A subcommand's ``translate_argv`` turns the one into the other before
Hydra reads sys.argv, and passes Hydra's own flags (``-m``, ``--cfg job``) and overrides on.
"""
from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path

from omegaconf import DictConfig, OmegaConf

from hcbench.errors import ConfigError

HYDRA_VALUE_FLAGS = {"--cfg", "-c", "--package", "-p", "--config-path", "-cp", "--config-name", "-cn", "--config-dir",
                     "-cd", "--experimental-rerun"}  # Hydra flags whose next argument is their value


def to_overrides(args: list[str], positional: str, usage: str, many: bool = True,
                 switches: Mapping[str, str] | None = None, options: Mapping[str, str] | None = None) -> list[str]:
    """Positional arguments become ``positional=[...]`` (or ``=...`` when not ``many``), each switch
    ``key=true`` and each option (``--name X`` or ``--name=X``) ``key=X``; the rest passes on.

    An argument with ``=`` in it is an override unless a file of that name exists. Hydra's flags
    come first: its parser takes the overrides only as one run of arguments.

    >>> to_overrides(["a.wav", "raters=honest", "--json", "songs/"], "inputs", "", switches={"--json": "json"})
    ['raters=honest', 'json=true', "inputs=['a.wav','songs/']"]
    >>> to_overrides(["runs/x", "--margin", "0.05", "--significant", "--cfg", "job"], "run_dir", "", many=False,
    ...              switches={"--significant": "significant"}, options={"--margin": "margin"})
    ['--cfg', 'job', 'margin=0.05', 'significant=true', "run_dir='runs/x'"]
    """
    switches, options = switches or {}, options or {}
    flags, passed, values = [], [], []
    rest = iter(args)
    for arg in rest:
        name, has_value, value = arg.partition("=")
        if arg in switches:
            passed.append(f"{switches[arg]}=true")
        elif name in options:
            value = value if has_value else next(rest, None)
            if value is None:
                _usage_error(usage, f"{name} needs a value")
            passed.append(f"{options[name]}={value}")
        elif arg.startswith("-"):
            flags.append(arg)
            following = next(rest, None) if arg in HYDRA_VALUE_FLAGS else None
            if following is not None:
                flags.append(following)
        elif has_value and not Path(arg).exists():
            passed.append(arg)
        else:
            values.append(arg)
    if len(values) > 1 and not many:
        _usage_error(usage, f"one {positional} at a time, got {len(values)}: {' '.join(values)}")
    if values:
        quoted = ["'" + v.replace("'", "\\'") + "'" for v in values]
        passed.append(f"{positional}=[{','.join(quoted)}]" if many else f"{positional}={quoted[0]}")
    return flags + passed


def required(cfg: DictConfig, key: str, usage: str):
    """``cfg[key]``, or a one-line error with the usage when the config leaves it ``???``."""
    if OmegaConf.is_missing(cfg, key):
        raise ConfigError(f"{key} is required; usage: {usage}")
    return cfg[key]


def _usage_error(usage: str, message: str) -> None:
    print(f"usage: {usage}\nerror: {message}", file=sys.stderr)
    raise SystemExit(2)
