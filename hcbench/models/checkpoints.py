"""Resumable training checkpoints: written atomically, read back with one clear error."""
from __future__ import annotations

from pathlib import Path

import torch

from hcbench.atomic import write_atomic
from hcbench.errors import HCBenchError


def save_atomic(payload: dict, path: Path) -> None:
    """Write to a temporary file, then rename: a kill mid-write keeps the previous checkpoint."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, lambda tmp: torch.save(payload, tmp))


def load_into(module: torch.nn.Module, path: Path, key: str) -> dict:
    """The checkpoint's payload, with ``payload[key]`` loaded into ``module``."""
    try:
        payload = torch.load(path, map_location="cpu", weights_only=False)
        module.load_state_dict(payload[key])
        return payload
    except Exception as error:  # unreadable file, or a run of another architecture in this folder
        raise HCBenchError(f"cannot resume from {path}: {type(error).__name__}: {str(error)[:200]}; "
                           "delete that file to start over, or choose another out_dir") from error
