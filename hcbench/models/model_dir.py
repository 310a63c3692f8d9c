"""Save and load generators in diffusers' AudioDiffusionPipeline directory layout.

    model_index.json         names the parts, as diffusers writes it
    unet/                    UNet2DModel (config.json + weights)
    scheduler/               a DDIM or DDPM scheduler config; always run as DDIM
    mel/mel_config.json      the spectrogram geometry

This is the layout of teticio/audio-diffusion-256 and audio-diffusion-ddim-256, so a
user who has those weights sets ``model.path`` to their folder.
"""
from __future__ import annotations

import json
from pathlib import Path

import diffusers
from diffusers import DDIMScheduler, UNet2DModel

from hcbench.audio.mel import MelConfig
from hcbench.errors import HCBenchError
from hcbench.models.generator import Generator

PRESETS_DIR = Path(__file__).parent / "presets"


class ModelDirError(HCBenchError, FileNotFoundError):
    """A model directory that is missing or not in the expected layout."""


def resolve_model_path(path: str | Path) -> Path:
    """A preset name (``tiny``, ``small``) or a directory path -> the directory."""
    candidate = Path(str(path)).expanduser()
    if not candidate.exists() and (PRESETS_DIR / str(path)).exists():
        candidate = PRESETS_DIR / str(path)
    return candidate


def load_generator(path: str | Path, steps: int = 50, batch_size: int = 32, device: str = "cpu") -> Generator:
    """Load a generator from a model directory or a shipped preset name."""
    root = resolve_model_path(path)
    _check_layout(root)
    unet = UNet2DModel.from_pretrained(str(root / "unet")).to(device).eval()
    scheduler = DDIMScheduler.from_config(_read_json(root / "scheduler" / "scheduler_config.json"))
    mel = MelConfig.from_json(root / "mel" / "mel_config.json")
    if unet.config.sample_size not in ((mel.y_res, mel.x_res), [mel.y_res, mel.x_res], mel.y_res):
        raise ModelDirError(f"{root}: unet sample_size {unet.config.sample_size} does not match mel {mel.y_res}x{mel.x_res}")
    return Generator(unet=unet, scheduler=scheduler, mel=mel, steps=steps, batch_size=batch_size)


def save_generator(generator: Generator, path: str | Path) -> Path:
    """Write ``generator`` in the AudioDiffusionPipeline layout (safetensors weights)."""
    root = Path(path)
    generator.unet.save_pretrained(str(root / "unet"), safe_serialization=True)
    generator.scheduler.save_pretrained(str(root / "scheduler"))
    generator.mel.to_json(root / "mel" / "mel_config.json")
    index = {
        "_class_name": "AudioDiffusionPipeline",
        "_diffusers_version": diffusers.__version__,
        "mel": ["diffusers", "Mel"],
        "scheduler": ["diffusers", type(generator.scheduler).__name__],
        "unet": ["diffusers", "UNet2DModel"],
        "vqvae": [None, None],
    }
    (root / "model_index.json").write_text(json.dumps(index, indent=2) + "\n")
    return root


def _check_layout(root: Path) -> None:
    fix = "set model.path to a folder in diffusers' AudioDiffusionPipeline layout, or a preset (tiny, small), or run `hcbench pretrain`"
    if not root.is_dir():
        presets = ", ".join(sorted(p.name for p in PRESETS_DIR.iterdir() if p.is_dir())) if PRESETS_DIR.exists() else "none"
        raise ModelDirError(f"model directory {root} does not exist (shipped presets: {presets}); {fix}")
    for part in ("unet/config.json", "scheduler/scheduler_config.json", "mel/mel_config.json"):
        if not (root / part).is_file():
            raise ModelDirError(f"{root} lacks {part}; {fix}")
    weights = list((root / "unet").glob("diffusion_pytorch_model.*"))
    if not weights:
        raise ModelDirError(f"{root}/unet holds no diffusion_pytorch_model.safetensors or .bin weights; {fix}")
    index_path = root / "model_index.json"
    if index_path.is_file() and (_read_json(index_path).get("vqvae") or [None])[0]:
        raise ModelDirError(f"{root} is a latent audio diffusion model (it has a vqvae); only pixel-space models are supported")


def _read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text())
    except json.JSONDecodeError as error:
        raise ModelDirError(f"{path} is not valid JSON ({error}); re-download or re-save the model") from error
