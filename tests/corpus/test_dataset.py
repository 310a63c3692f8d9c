import numpy as np
import pytest

from hcbench.audio import MelConfig
from hcbench.corpus import Corpus, CorpusConfig, build_corpus, dataset
from hcbench.corpus.dataset import heldout_pieces

MEL = MelConfig()  # 64x64 at 11025 Hz: the corpus (22050 Hz) is resampled


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    cfg = CorpusConfig(name="ds", source="synth", synth_pieces=10, synth_seconds=7.0, heldout_fraction=0.2,
                       timbres=["sine", "pluck"], cache_dir=str(tmp_path_factory.mktemp("cache")))
    return build_corpus(cfg, progress=False)


def test_spectrograms_are_uint8_images_with_clip_labels(corpus):
    images, labels = corpus.spectrograms(MEL, "all")
    assert images.dtype == np.uint8 and images.shape == (20, 64, 64)  # 7 s -> 2 clips of 2.97 s per piece
    assert len(labels) == 20 and images.max() == 255
    first = labels[0]
    assert (first["piece_index"], first["clip_index"], first["start_seconds"]) == (0, 0, 0.0)
    assert labels[1]["clip_index"] == 1 and labels[1]["start_seconds"] == pytest.approx(MEL.slice_seconds, abs=1e-3)
    assert first["timbre"] == corpus.pieces[0]["timbre"] and first["file"] == corpus.pieces[0]["file"]


def test_split_is_by_piece_and_covers_everything(corpus):
    train_images, train = corpus.spectrograms(MEL, "train")
    held_images, held = corpus.spectrograms(MEL, "heldout")
    train_pieces, held_pieces = {l["piece_index"] for l in train}, {l["piece_index"] for l in held}
    assert train_pieces and held_pieces and not train_pieces & held_pieces
    assert len(train_images) + len(held_images) == len(corpus.spectrograms(MEL, "all")[0])
    assert {l["split"] for l in held} == {"heldout"} and {l["split"] for l in train} == {"train"}


def test_split_is_deterministic_and_follows_the_seed(corpus):
    again = Corpus(corpus.root, seed=corpus.seed, heldout_fraction=0.2)
    assert again.piece_indices("heldout") == corpus.piece_indices("heldout")
    others = [Corpus(corpus.root, seed=s, heldout_fraction=0.2).piece_indices("heldout") for s in range(1, 6)]
    assert any(o != corpus.piece_indices("heldout") for o in others)


def test_spectrograms_are_cached_per_mel_config(corpus, monkeypatch):
    corpus.spectrograms(MEL, "train")
    assert len(list(corpus.root.glob("spectrograms-*.npz"))) >= 1
    calls = []
    real = dataset.audio_to_image
    monkeypatch.setattr(dataset, "audio_to_image", lambda *a: calls.append(1) or real(*a))
    corpus.spectrograms(MEL, "heldout")
    Corpus(corpus.root).spectrograms(MEL, "all")  # a fresh handle finds the cache too
    assert calls == []
    corpus.spectrograms(MelConfig(x_res=32), "train")  # new geometry: computed once
    assert len(calls) > 0


def test_clip_audio_matches_the_spectrograms(corpus):
    from hcbench.audio import audio_to_image

    clips, labels = corpus.clip_audio(MEL, "heldout")
    images, image_labels = corpus.spectrograms(MEL, "heldout")
    assert clips.shape == (len(images), MEL.slice_length)
    assert [(l["piece_index"], l["clip_index"]) for l in labels] == [
        (l["piece_index"], l["clip_index"]) for l in image_labels]
    assert np.array_equal(audio_to_image(clips[0], MEL), images[0])


def test_unknown_split_is_rejected(corpus):
    with pytest.raises(ValueError, match=r"split must be one of \['train', 'heldout', 'all'\], got 'test'"):
        corpus.spectrograms(MEL, "test")


def test_a_folder_without_manifest_is_not_a_corpus(tmp_path):
    with pytest.raises(FileNotFoundError, match="no manifest.json"):
        Corpus(tmp_path)


def test_heldout_takes_a_share_of_every_collection():
    pieces = [{"collection": "a"}] * 20 + [{"collection": "b"}] * 10
    held = heldout_pieces(pieces, seed=0, fraction=0.1)
    assert len(held) == 3 and sum(i < 20 for i in held) == 2
    assert heldout_pieces(pieces, seed=0, fraction=0.0) == frozenset()
    assert len(heldout_pieces([{"collection": "a"}] * 3, seed=0, fraction=0.1)) == 1  # tiny corpora still hold one out
