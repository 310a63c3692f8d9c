"""The small CLAP's shape: a tiny HTSAT audio tower, a tiny RoBERTa text tower, a shared projection.

Built as transformers' own ``ClapConfig`` / ``ClapFeatureExtractor``, so the saved folder is a
ClapModel checkpoint like LAION's and ``embedder=clap`` loads either one.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from hcbench.audio.mel import MelConfig


@dataclass(frozen=True)
class ClapArchConfig:
    """Tower sizes; the defaults are conf/model/clap.yaml's."""

    projection_dim: int = 32  # the shared embedding: what raters hear in (31 descriptors is the offline default)
    audio_depths: tuple[int, ...] = (2, 2, 2)  # Swin blocks per stage; each stage halves the 16x16 patch grid
    audio_heads: tuple[int, ...] = (2, 4, 8)  # attention heads per stage
    audio_width: int = 32  # patch embedding width; doubles per stage
    window_size: int = 4  # Swin attention window (patches); divides every stage's grid
    mel_bins: int = 64  # mel bands of the audio tower's input (= its spec_size: one square image)
    hop_length: int = 520  # STFT hop at the channel's rate: a ~3 s clip gives 64 frames
    fft_window: int = 1024  # STFT window
    text_width: int = 64  # text hidden size
    text_layers: int = 2  # text transformer layers
    text_heads: int = 2  # text attention heads
    max_tokens: int = 64  # longest caption in tokens (with <s> and </s>)
    vocab_size: int = 1000  # BPE merges stop here (the captions' words need fewer)
    dropout: float = 0.1  # dropout in both towers while training

    def __post_init__(self):
        object.__setattr__(self, "audio_depths", tuple(self.audio_depths))
        object.__setattr__(self, "audio_heads", tuple(self.audio_heads))


def clap_config(arch: ClapArchConfig, vocab_size: int):
    """transformers ClapConfig of the small model (``vocab_size``: the built tokenizer's)."""
    from transformers import ClapConfig

    width = arch.audio_width * 2 ** (len(arch.audio_depths) - 1)  # HTSAT's last stage feeds the projection
    audio = dict(num_mel_bins=arch.mel_bins, spec_size=arch.mel_bins, window_size=arch.window_size, patch_size=4,
                 patch_stride=[4, 4], depths=list(arch.audio_depths), num_attention_heads=list(arch.audio_heads),
                 patch_embeds_hidden_size=arch.audio_width, hidden_size=width, enable_fusion=False,
                 hidden_dropout_prob=arch.dropout, mlp_ratio=2.0, num_classes=0)
    text = dict(vocab_size=vocab_size, hidden_size=arch.text_width, num_hidden_layers=arch.text_layers,
                num_attention_heads=arch.text_heads, intermediate_size=2 * arch.text_width,
                max_position_embeddings=arch.max_tokens + 2, hidden_dropout_prob=arch.dropout,
                attention_probs_dropout_prob=arch.dropout)
    return ClapConfig(text_config=text, audio_config=audio, projection_dim=arch.projection_dim)


def feature_extractor(arch: ClapArchConfig, mel: MelConfig):
    """ClapFeatureExtractor at the spectrogram channel's rate: raters' audio needs no resampling."""
    from transformers import ClapFeatureExtractor

    seconds = int(round(mel.slice_seconds))  # whole seconds: the extractor pads to seconds x rate samples
    return ClapFeatureExtractor(feature_size=arch.mel_bins, sampling_rate=mel.sample_rate, hop_length=arch.hop_length,
                                max_length_s=seconds, fft_window_size=arch.fft_window, frequency_min=0,
                                frequency_max=mel.sample_rate // 2, truncation="rand_trunc", padding="repeatpad")
