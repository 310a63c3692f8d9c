"""Contrastive training of a tiny CLAP on toy clips: the loss falls, text finds the right clips, resume is exact,
and the saved folder loads through the ordinary CLAP embedder."""
import numpy as np
import pytest
import torch
from transformers import ClapModel

from hcbench.models.pretrain import TrainerConfig, adamw
from simulators.clap_training import train as train_module
from simulators.clap_training.architecture import clap_config, feature_extractor
from simulators.clap_training.io import save_clap, training_tokenizer
from simulators.clap_training.train import augment, multi_positive_nce, train_clap
from simulators.embedders.clap import ClapEmbedder
from tests.conftest import tone_sequence
from tests.models.interrupt import killed_at_step
from tests.simulators.clap_training.conftest import MEL, TINY


def _trainer(**overrides):
    return TrainerConfig(**{"steps": 80, "batch_size": 16, "warmup_steps": 5, "checkpoint_every": 20,
                            "optimizer": adamw(3e-3), **overrides})


def _fresh(labels, folder):
    tokenizer = training_tokenizer(labels, TINY.vocab_size, TINY.max_tokens, seed=0, folder=folder / "tokenizer")
    torch.manual_seed(0)
    return ClapModel(clap_config(TINY, len(tokenizer))), tokenizer


def test_loss_falls_weights_change_and_prompts_find_their_family(tmp_path, toy):
    features, labels = toy
    model, tokenizer = _fresh(labels, tmp_path)
    before = [p.detach().clone() for p in model.parameters()]
    summary = train_clap(model, features, labels, tokenizer, _trainer(), tmp_path)
    history = np.genfromtxt(tmp_path / "losses.csv", delimiter=",", names=True)
    assert history["loss"][-20:].mean() < 0.8 * history["loss"][:20].mean()
    assert summary["steps"] == 80 and (tmp_path / "loss_curve.png").stat().st_size > 0
    assert any(not torch.equal(a, b) for a, b in zip(before, model.parameters()))
    with torch.no_grad():
        audio = model.get_audio_features(input_features=torch.from_numpy(features)).pooler_output
        tokens = tokenizer(["music played on organ", "music played on flutes"], padding=True, return_tensors="pt")
        text = model.get_text_features(**tokens).pooler_output
    guess = (audio @ text.T).argmax(dim=1).numpy()
    truth = np.array([0 if x["family"] == "organ" else 1 for x in labels])
    assert (guess == truth).mean() > 0.9


def test_a_killed_run_resumes_to_the_same_weights(tmp_path, monkeypatch, toy):
    features, labels = toy
    whole, tokenizer = _fresh(labels, tmp_path / "whole")
    train_clap(whole, features, labels, tokenizer, _trainer(steps=30, checkpoint_every=10), tmp_path / "whole")
    killed, tokenizer = _fresh(labels, tmp_path / "killed")
    with killed_at_step(monkeypatch, train_module, 15), pytest.raises(KeyboardInterrupt):
        train_clap(killed, features, labels, tokenizer, _trainer(steps=30, checkpoint_every=10), tmp_path / "killed")
    resumed, tokenizer = _fresh(labels, tmp_path / "killed")
    train_clap(resumed, features, labels, tokenizer, _trainer(steps=30, checkpoint_every=10), tmp_path / "killed")
    for a, b in zip(whole.state_dict().values(), resumed.state_dict().values()):
        torch.testing.assert_close(a, b, rtol=0, atol=0)


def test_the_saved_folder_is_a_clap_checkpoint_the_embedder_reads(tmp_path, toy):
    from transformers import ClapProcessor

    features, labels = toy
    model, tokenizer = _fresh(labels, tmp_path)
    folder = save_clap(model.eval(), feature_extractor(TINY, MEL), tokenizer, tmp_path / "model")
    embedder = ClapEmbedder(str(folder))
    assert embedder.sample_rate == MEL.sample_rate and embedder.dim == TINY.projection_dim
    audio = embedder([tone_sequence(3.0, MEL.sample_rate, seed=s) for s in (0, 1)], MEL.sample_rate)
    text = embedder.embed_text(["fast irish dance tune on flute", "a word it never saw: zyxw"])
    assert audio.shape == text.shape == (2, TINY.projection_dim)
    np.testing.assert_allclose(np.linalg.norm(text, axis=1), 1.0, rtol=1e-5)
    processor = ClapProcessor.from_pretrained(str(folder), local_files_only=True)
    assert processor.tokenizer("organ")["input_ids"][0] == 0 and processor.feature_extractor.sampling_rate == 11025


def test_multi_positive_targets_and_augmentation():
    logits = torch.tensor([[3.0, 5.0, 0.0], [0.0, 0.0, 4.0]])  # row 0 ranks its other true clip first
    both = torch.tensor([[True, True, False], [False, False, True]])
    diagonal_only = torch.tensor([[True, False, False], [False, False, True]])
    assert multi_positive_nce(logits, both) < multi_positive_nce(logits, diagonal_only)  # a true pair is no negative
    features = torch.zeros(4, 1, 8, 6)
    features[:, 0, 0] = 1.0
    shifted = augment(features, torch.Generator().manual_seed(0))
    assert shifted.shape == features.shape
    level = shifted.mean(dim=(1, 2, 3)) - features.mean(dim=(1, 2, 3))
    assert level.abs().max() <= train_module.GAIN_DB and level.std() > 0
