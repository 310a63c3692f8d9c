"""The text tokenizer, built offline from the captions with the ``tokenizers`` library.

Byte-pair merges learned on the training captions, lower-cased, RoBERTa's special tokens
in RoBERTa's places (``<s>`` 0, ``<pad>`` 1, ``</s>`` 2), so ClapTextModel's defaults hold.
Saved as a transformers fast tokenizer (tokenizer.json), which ``AutoTokenizer`` reads.
"""
from __future__ import annotations

import json
from pathlib import Path

SPECIAL_TOKENS = ["<s>", "<pad>", "</s>", "<unk>", "<mask>"]  # ids 0-4, as ClapTextConfig expects


def build_tokenizer(captions: list[str], vocab_size: int, max_length: int):
    """A PreTrainedTokenizerFast-compatible tokenizer trained on ``captions`` (deterministic for the same list)."""
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors, trainers
    from transformers import PreTrainedTokenizerFast

    tokenizer = Tokenizer(models.BPE(unk_token="<unk>"))
    tokenizer.normalizer = normalizers.Sequence([normalizers.NFKC(), normalizers.Lowercase()])
    tokenizer.pre_tokenizer = pre_tokenizers.Whitespace()
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, special_tokens=SPECIAL_TOKENS, min_frequency=2,
                                  show_progress=False)
    tokenizer.train_from_iterator(captions, trainer)
    tokenizer.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>", pair="<s> $A </s> </s> $B </s>", special_tokens=[("<s>", 0), ("</s>", 2)])
    return PreTrainedTokenizerFast(tokenizer_object=tokenizer, bos_token="<s>", eos_token="</s>", pad_token="<pad>",
                                   unk_token="<unk>", mask_token="<mask>", model_max_length=max_length)


def save_tokenizer(tokenizer, folder: Path) -> None:
    """tokenizer.json + tokenizer_config.json, naming the class every transformers release knows."""
    tokenizer.save_pretrained(str(folder))
    config_path = Path(folder) / "tokenizer_config.json"
    config = json.loads(config_path.read_text())
    config["tokenizer_class"] = "PreTrainedTokenizerFast"  # 5.x writes its new backend's name, which 4.x lacks
    config_path.write_text(json.dumps(config, indent=2) + "\n")
