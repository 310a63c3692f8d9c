"""Save and load a trained similarity VQ-VAE as a small folder:

    config.json          architecture, codebook and metric settings (with the label vocabulary)
    model.safetensors    weights and codebook buffers
    mel_config.json      the spectrogram geometry it was trained on
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from safetensors.torch import load_file, save_file

from hcbench.audio.mel import MelConfig
from hcbench.models.model_dir import ModelDirError, resolve_model_path
from hcbench.models.vqvae.config import MetricConfig, VQVAEConfig
from hcbench.models.vqvae.model import VQVAE

FORMAT = 1  # bump when the folder layout changes
FILES = ("config.json", "model.safetensors", "mel_config.json")
FIX = ("set the path to a shipped preset (vqvae) or to the model/ folder that `hcbench pretrain model=vqvae` "
       "writes under its out_dir")


@dataclass
class LoadedVQVAE:
    """A VQ-VAE ready for inference, with the geometry of the spectrograms it expects."""

    model: VQVAE
    mel: MelConfig
    metric: MetricConfig
    path: Path


def save_vqvae(model: VQVAE, mel: MelConfig, metric: MetricConfig, path: str | Path) -> Path:
    """Write ``model`` (weights + codebook), its config and geometry to the folder ``path``."""
    root = Path(path)
    root.mkdir(parents=True, exist_ok=True)
    state = {name: tensor.detach().contiguous() for name, tensor in model.state_dict().items()}
    save_file(state, str(root / "model.safetensors"))
    config = {"_class_name": "VQVAE", "format": FORMAT, "vqvae": asdict(model.cfg), "metric": asdict(metric)}
    (root / "config.json").write_text(json.dumps(config, indent=2) + "\n")
    mel.to_json(root / "mel_config.json")
    return root


def load_vqvae(path: str | Path) -> LoadedVQVAE:
    """Load a folder written by :func:`save_vqvae`, or a shipped preset by name, in inference mode."""
    root = resolve_model_path(path)
    _check_layout(root)
    try:
        config = json.loads((root / "config.json").read_text())
        model = VQVAE(VQVAEConfig(**config["vqvae"]))
        model.load_state_dict(load_file(str(root / "model.safetensors")))
    except Exception as error:  # bad JSON, a different architecture, truncated weights
        raise ModelDirError(f"cannot load the VQ-VAE in {root}: {type(error).__name__}: {str(error)[:200]}; "
                            f"{FIX}") from error
    metric = MetricConfig(**config.get("metric", {}))
    return LoadedVQVAE(model.eval(), MelConfig.from_json(root / "mel_config.json"), metric, root)


def _check_layout(root: Path) -> None:
    if not root.is_dir():
        raise ModelDirError(f"VQ-VAE directory {root} does not exist; {FIX}")
    for name in FILES:
        if not (root / name).is_file():
            raise ModelDirError(f"{root} lacks {name}, so it is not a saved VQ-VAE; {FIX}")
