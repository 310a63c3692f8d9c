"""LAION CLAP through transformers, from a local folder in the Hugging Face layout.

    DIR/config.json, model.safetensors      ClapModel (audio + text towers)
    DIR/preprocessor_config.json            ClapFeatureExtractor
    DIR/tokenizer.json or vocab.json, ...   the text tokenizer (optional: only text tastes need it)

Checkpoints for music: laion/larger_clap_music (or the general laion/clap-htsat-unfused)
on huggingface.co. Download one on a machine with a network, e.g.
``huggingface-cli download laion/larger_clap_music --local-dir DIR``, and copy DIR here.
A preset name works too: ``clap_corpus`` is the small CLAP trained on the corpus
(``hcbench pretrain model=clap``), saved in the same layout.
The laion-clap package is never imported (it fetches tokenizers at import time and
needs torchvision); its .pt checkpoints convert to this layout with transformers'
``models/clap/convert_clap_original_pytorch_to_hf.py``.

Determinism: audio is resampled to the extractor's rate (48 kHz for LAION's) and centre-cropped to the extractor's
``max_length_s`` by us, so the extractor never draws a random crop, and ``is_longer`` is
set to False for every clip, so fused models never pick a random clip to fuse.
"""
from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from hcbench.audio.librosa_kernels import librosa
from hcbench.errors import MissingFileError
from hcbench.models.model_dir import resolve_model_path
from simulators.embedders.file_digest import update_from_file

WHERE_TO_GET_ONE = (
    "CLAP checkpoints come from huggingface.co/laion/larger_clap_music (music) or laion/clap-htsat-unfused; "
    "on a machine with a network run `huggingface-cli download laion/larger_clap_music --local-dir DIR` and set "
    "embedder.path=DIR (a laion-clap .pt file must first be converted with transformers' "
    "convert_clap_original_pytorch_to_hf.py)"
)


NOT_WEIGHTS = {".md", ".png"}  # a checkpoint folder's card and plots: they change no embedding


@dataclass(frozen=True)
class ClapConfig:
    """Where the checkpoint is and how audio reaches it."""

    path: str  # local folder in the Hugging Face layout (config.json, weights, preprocessor_config.json), or a preset
    batch_size: int = 8  # clips per forward pass: bounds memory, not results
    device: str = "cpu"  # torch device for the model


class ClapEmbedder:
    """``embed(audio, sample_rate) -> (n, projection_dim)`` unit CLAP audio embeddings; ``embed_text(prompts)`` too."""

    def __init__(self, path: str, batch_size: int = 8, device: str = "cpu"):
        self.config = ClapConfig(str(resolve_model_path(path)), batch_size, device)
        self.model, self.feature_extractor, self.tokenizer = load_clap(path, device)
        self.sample_rate = int(self.feature_extractor.sampling_rate)
        self.dim = int(self.model.config.projection_dim)
        fusion = bool(self.model.config.audio_config.enable_fusion)
        self._truncation = "fusion" if fusion else "rand_trunc"  # the mel front end each kind was trained with

    @functools.cached_property  # hashing a LAION checkpoint's ~600 MB takes a second or two: once per embedder
    def cache_key(self) -> str:
        """Names this checkpoint's cached corpus embeddings by what it computes with: the bytes of its weights and
        settings (not its folder or file times), so that a fresh install or clone finds a shipped or cached result."""
        digest = hashlib.sha1()
        for file in sorted(Path(self.config.path).resolve().iterdir()):
            if file.is_file() and file.suffix not in NOT_WEIGHTS:
                digest.update(file.name.encode())
                digest.update(update_from_file(hashlib.sha1(), file).digest())
        return "clap-" + digest.hexdigest()[:10]

    def __call__(self, audio: np.ndarray | list[np.ndarray], sample_rate: int) -> np.ndarray:
        signals = [prepare_signal(np.asarray(a, dtype=np.float32), sample_rate, self.feature_extractor) for a in audio]
        chunks = [self._embed_batch(signals[i:i + self.config.batch_size])
                  for i in range(0, len(signals), self.config.batch_size)]
        return np.concatenate(chunks) if chunks else np.zeros((0, self.dim))

    def embed_text(self, prompts: list[str]) -> np.ndarray:
        """Unit text embeddings in the audio embeddings' space: a taste from words."""
        import torch

        if self.tokenizer is None:
            raise MissingFileError(f"{self.config.path} holds no tokenizer files, so CLAP text prompts are "
                                   "unavailable; use a complete checkpoint folder or a taste source other than prompts")
        tokens = self.tokenizer(list(prompts), padding=True, truncation=True, return_tensors="pt")
        tokens = tokens.to(self.config.device)
        with torch.no_grad():
            out = self.model.get_text_features(input_ids=tokens["input_ids"], attention_mask=tokens["attention_mask"])
        return out.pooler_output.double().cpu().numpy()

    def _embed_batch(self, signals: list[np.ndarray]) -> np.ndarray:
        import torch

        features = clap_features(self.feature_extractor, signals, self._truncation)
        is_longer = torch.zeros((len(signals), 1), dtype=torch.bool)  # nothing is longer: we cropped
        with torch.no_grad():
            out = self.model.get_audio_features(input_features=features["input_features"].to(self.config.device),
                                                is_longer=is_longer.to(self.config.device))
        return out.pooler_output.double().cpu().numpy()


def prepare_signal(audio: np.ndarray, sample_rate: int, extractor) -> np.ndarray:
    """At the extractor's rate, and at most max_length_s: the centre of a longer song, never a random crop."""
    rate = int(extractor.sampling_rate)
    if sample_rate != rate:
        audio = librosa.resample(audio, orig_sr=sample_rate, target_sr=rate, res_type="soxr_hq")
    limit = int(extractor.nb_max_samples)
    start = max(0, (audio.size - limit) // 2)
    return audio[start:start + limit]


def clap_features(extractor, signals: list[np.ndarray], truncation: str = "rand_trunc"):
    """The extractor's model inputs for prepared signals (a BatchFeature of torch tensors)."""
    return extractor(signals, sampling_rate=int(extractor.sampling_rate), truncation=truncation, return_tensors="pt")


def load_clap(path: str | Path, device: str = "cpu"):
    """(ClapModel in eval mode, ClapFeatureExtractor, tokenizer or None) from a local folder; never the network."""
    from transformers import AutoTokenizer, ClapFeatureExtractor, ClapModel

    root = _check_clap_dir(resolve_model_path(path))
    model = ClapModel.from_pretrained(str(root), local_files_only=True).to(device).eval()
    extractor = ClapFeatureExtractor.from_pretrained(str(root), local_files_only=True)
    tokenizer = None
    if any((root / name).is_file() for name in ("tokenizer.json", "vocab.json", "tokenizer_config.json")):
        tokenizer = AutoTokenizer.from_pretrained(str(root), local_files_only=True)
    return model, extractor, tokenizer


def _check_clap_dir(root: Path) -> Path:
    if root.is_file() and root.suffix in (".pt", ".ckpt"):
        raise MissingFileError(f"{root} is a laion-clap checkpoint, not a folder in the Hugging Face layout; "
                               f"convert it first. {WHERE_TO_GET_ONE}")
    if not root.is_dir():
        raise MissingFileError(f"no CLAP checkpoint folder at {root}; {WHERE_TO_GET_ONE}")
    for name in ("config.json", "preprocessor_config.json"):
        if not (root / name).is_file():
            raise MissingFileError(f"{root} lacks {name}, so it is not a CLAP checkpoint in the Hugging Face layout; "
                                   f"{WHERE_TO_GET_ONE}")
    if not list(root.glob("*.safetensors")) + list(root.glob("*.bin")):
        raise MissingFileError(f"{root} holds no model weights (*.safetensors or *.bin); {WHERE_TO_GET_ONE}")
    return root
