"""Evidence for the card: does text find audio, and does the audio embedding know the instrument family?

* Retrieval on held-out pieces: one query caption per piece (all its facts, fixed wording) and
  one audio vector per piece (the normalised mean of its clips). text -> audio recall@k: the
  share of captions whose piece is among the k nearest pieces; audio -> text the reverse.
  Chance is k / pieces.
* Zero-shot instrument family: each held-out clip gets the family whose prompt
  ("music played on organ") is nearest. Against linear probes (scikit-learn logistic
  regression fitted on the training clips): on the descriptor embedder's 31 numbers (the
  offline raters' ear), and on this model's audio embedding.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from simulators.clap_training.captions import FAMILIES, family_prompt, full_caption
from simulators.embedders.clap import ClapEmbedder

Split = tuple[dict, list[dict]]  # (heard clips: features and descriptors, labels)
K = 10


def clap_evidence(model_dir: Path, train: Split, heldout: Split, k: int = K) -> dict:
    """Retrieval, zero-shot and probe figures of the model saved in ``model_dir`` (numbers only, rounded later)."""
    embedder = ClapEmbedder(str(model_dir))
    embed_text = embedder.embed_text
    audio = {name: audio_embeddings(embedder.model, views["features"]) for name, (views, _) in
             (("train", train), ("heldout", heldout))}
    held_labels = heldout[1]
    return {"k": k, "n_train": len(train[1]), "n_heldout": len(held_labels),
            "retrieval": piece_retrieval(audio["heldout"], held_labels, embed_text, k),
            "families": family_evidence(audio, train, heldout, embed_text)}


def audio_embeddings(model, features: np.ndarray, batch: int = 256) -> np.ndarray:
    """Unit audio embeddings of CLAP input features (n, 1, frames, bins)."""
    import torch

    with torch.no_grad():
        parts = [model.get_audio_features(input_features=torch.from_numpy(features[i:i + batch])).pooler_output
                 for i in range(0, len(features), batch)]
    return torch.cat(parts).double().numpy()


def piece_retrieval(audio: np.ndarray, labels: list[dict], embed_text, k: int) -> dict:
    """Recall@k both ways between held-out pieces' captions and their audio, with chance."""
    pieces = sorted({x["piece_index"] for x in labels})
    ids = np.array([x["piece_index"] for x in labels])
    means = np.stack([audio[ids == p].mean(axis=0) for p in pieces])
    means /= np.linalg.norm(means, axis=1, keepdims=True)
    first = {p: next(x for x in labels if x["piece_index"] == p) for p in pieces}
    similarity = embed_text([full_caption(first[p]).text for p in pieces]) @ means.T
    return {"pieces": len(pieces), "text_to_audio": recall_at_k(similarity, k),
            "audio_to_text": recall_at_k(similarity.T, k), "chance": min(k, len(pieces)) / len(pieces)}


def recall_at_k(similarity: np.ndarray, k: int) -> float:
    """Share of rows whose own column (the diagonal) ranks within the top k.

    >>> recall_at_k(np.array([[0.9, 0.1], [0.8, 0.2]]), 1)
    0.5
    """
    own = np.diag(similarity)[:, None]
    rank = (similarity > own).sum(axis=1)  # columns strictly above the own one
    return float((rank < k).mean())


def family_evidence(audio: dict[str, np.ndarray], train: Split, heldout: Split, embed_text) -> dict:
    """Zero-shot accuracy from prompts, and linear-probe accuracies, on held-out clips' instrument family."""
    families = sorted(FAMILIES)
    y_train = np.array([x["family"] for x in train[1]])
    y_held = np.array([x["family"] for x in heldout[1]])
    prompts = embed_text([family_prompt(f) for f in families])
    zero_shot = np.array(families)[np.argmax(audio["heldout"] @ prompts.T, axis=1)]
    counts = np.unique(y_held, return_counts=True)[1]
    return {"zero_shot": float((zero_shot == y_held).mean()),
            "probe_descriptor": probe_accuracy(train[0]["descriptors"], y_train, heldout[0]["descriptors"], y_held),
            "probe_clap": probe_accuracy(audio["train"], y_train, audio["heldout"], y_held),
            "chance_uniform": 1.0 / len(families), "chance_majority": float(counts.max() / counts.sum()),
            "prompts": {f: family_prompt(f) for f in families}}


def probe_accuracy(x_train: np.ndarray, y_train: np.ndarray, x_test: np.ndarray, y_test: np.ndarray) -> float:
    """Held-out accuracy of a standardised multinomial logistic regression fitted on the training clips."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from hcbench.threads import single_thread

    with single_thread():
        probe = make_pipeline(StandardScaler(), LogisticRegression(max_iter=5000)).fit(x_train, y_train)
    return float((probe.predict(x_test) == y_test).mean())
