"""The small CLAP on disk, in transformers' ClapModel layout (what ``embedder=clap`` and LAION use):

    config.json, model.safetensors          ClapModel
    preprocessor_config.json                ClapFeatureExtractor (at the spectrogram channel's rate)
    tokenizer.json, tokenizer_config.json   the BPE tokenizer built from the captions

``ClapProcessor.from_pretrained`` reads the last two together.
"""
from __future__ import annotations

from pathlib import Path

from simulators.clap_training.captions import full_caption, random_caption
from simulators.clap_training.tokenizer import build_tokenizer, save_tokenizer

CAPTIONS_PER_CLIP = 8  # random wordings per training clip that the tokenizer's merges are learned from


def save_clap(model, extractor, tokenizer, folder: Path) -> Path:
    """Write the three parts into ``folder`` (created)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(str(folder), safe_serialization=True)
    extractor.save_pretrained(str(folder))
    save_tokenizer(tokenizer, folder)
    return folder


def training_tokenizer(labels: list[dict], vocab_size: int, max_tokens: int, seed: int, folder: Path):
    """The tokenizer of this training run: built from the training captions once, then reloaded (so a resumed
    run reads text exactly as before)."""
    from transformers import AutoTokenizer
    import numpy as np

    folder = Path(folder)
    if (folder / "tokenizer.json").is_file():
        return AutoTokenizer.from_pretrained(str(folder), local_files_only=True)
    rng = np.random.default_rng([seed, 7])
    captions = [full_caption(x).text for x in labels]
    captions += [random_caption(x, rng).text for x in labels for _ in range(CAPTIONS_PER_CLIP)]
    tokenizer = build_tokenizer(captions, vocab_size, max_tokens)
    save_tokenizer(tokenizer, folder)
    return AutoTokenizer.from_pretrained(str(folder), local_files_only=True)
