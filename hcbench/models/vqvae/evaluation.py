"""Evidence for the model card: does the representation carry style, and is the codebook alive?

Retrieval precision@k by a style label: for each held-out query clip, the share of its k
most similar (cosine) gallery clips that share its label. Two galleries:

* ``train``: the training clips. Split by piece, so no query's own piece is in the gallery.
* ``heldout``: the other held-out clips, excluding the query's own piece (clips of one
  piece share every label, so they would make retrieval look easier than style is).

Chance is the precision of a random ranking: the share of eligible gallery clips that
share the query's label, averaged over queries.
"""
from __future__ import annotations

import numpy as np

from hcbench.models.vqvae.usage import normalise, perplexity
from hcbench.similarity.base import cosine


def precision_at_k(similarity: np.ndarray, same_label: np.ndarray, eligible: np.ndarray, k: int = 10) -> float:
    """Mean over queries of the share of the top-k eligible gallery items with the query's label.

    All three arrays are (queries, gallery); ``eligible`` False removes a pair from the ranking.
    """
    scores = np.where(eligible, similarity, -np.inf)
    top = np.argsort(-scores, axis=1, kind="stable")[:, :k]
    hits = np.take_along_axis(same_label & eligible, top, axis=1)
    return float(hits.mean())


def chance_precision(same_label: np.ndarray, eligible: np.ndarray) -> float:
    """What a random ranking scores: the eligible share of same-label items, averaged over queries."""
    return float(((same_label & eligible).sum(1) / np.maximum(eligible.sum(1), 1)).mean())


def retrieval(query: np.ndarray, gallery: np.ndarray, query_labels: list[dict], gallery_labels: list[dict],
              keys: tuple[str, ...], exclude_same_piece: bool, k: int = 10) -> dict[str, dict[str, float]]:
    """{label key: {"precision": p@k, "chance": chance}} for one representation on one gallery."""
    similarity = cosine(query, gallery)
    eligible = np.ones(similarity.shape, bool)
    if exclude_same_piece:
        eligible &= _same(query_labels, gallery_labels, "piece_index") == 0
    results = {}
    for key in keys:
        same = _same(query_labels, gallery_labels, key).astype(bool)
        results[key] = {"precision": precision_at_k(similarity, same, eligible, k),
                        "chance": chance_precision(same, eligible)}
    return results


def codebook_stats(counts: np.ndarray) -> dict[str, float]:
    """Codebook health on a set of clips: pooled perplexity, share of codes used, mean per-clip perplexity."""
    pooled = counts.sum(axis=0)
    return {"perplexity": perplexity(pooled), "codes_used": float((pooled > 0).mean()), "codebook_size": len(pooled),
            "clip_perplexity": float(np.mean([perplexity(row) for row in normalise(counts)]))}


def _same(a: list[dict], b: list[dict], key: str) -> np.ndarray:
    """(len(a), len(b)) 1 where the two clips share ``key``'s value."""
    values = sorted({str(x[key]) for x in a} | {str(x[key]) for x in b})
    ids = {v: i for i, v in enumerate(values)}
    ia = np.array([ids[str(x[key])] for x in a])
    ib = np.array([ids[str(x[key])] for x in b])
    return (ia[:, None] == ib[None, :]).astype(np.int8)


def representations(model, images: np.ndarray,
                    reference_descriptors: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """Per-clip rows of each representation compared in the card: eq. 3 usage, head embedding, descriptors.

    Descriptors are standardised by ``reference_descriptors`` (the gallery's), else by their own statistics.
    """
    from hcbench.metrics.descriptors import describe_spectrograms

    usage = normalise(model.usage_counts(images))
    described = describe_spectrograms(images)
    reference = described if reference_descriptors is None else reference_descriptors
    scale = np.where(reference.std(0) > 1e-9, reference.std(0), 1.0)
    return {"usage": usage, "head": model.head_embedding(usage), "descriptor": (described - reference.mean(0)) / scale}


def similarity_evidence(model, train: tuple[np.ndarray, list[dict]], heldout: tuple[np.ndarray, list[dict]],
                        keys: tuple[str, ...] = ("collection", "family"), k: int = 10, untrained=None) -> dict:
    """Retrieval p@k on both galleries for every representation, and codebook stats on the held-out clips.

    ``untrained``: the same architecture at initialisation; its eq. 3 usage is the row that shows
    what training added (a random encoder's codes already group similar-looking clips).
    """
    from hcbench.metrics.descriptors import describe_spectrograms

    (train_images, train_labels), (held_images, held_labels) = train, heldout
    gallery = representations(model, train_images)
    queries = representations(model, held_images, reference_descriptors=describe_spectrograms(train_images))
    if untrained is not None:
        gallery["untrained"] = normalise(untrained.usage_counts(train_images))
        queries["untrained"] = normalise(untrained.usage_counts(held_images))
    evidence = {"k": k, "n_train": len(train_images), "n_heldout": len(held_images), "retrieval": {}}
    for name in queries:
        evidence["retrieval"][name] = {
            "train": retrieval(queries[name], gallery[name], held_labels, train_labels, keys, False, k),
            "heldout": retrieval(queries[name], queries[name], held_labels, held_labels, keys, True, k),
        }
    evidence["codebook"] = codebook_stats(model.usage_counts(held_images))
    evidence["cosine_by_relation"] = cosine_by_relation(queries["usage"], held_labels)
    return evidence


def cosine_by_relation(usage: np.ndarray, labels: list[dict]) -> dict[str, float]:
    """Mean eq. 4 cosine between clip pairs by how related they are: a scale for thresholds (purge cycle).

    Pairs of distinct clips: same piece; other piece of the same collection; another collection.
    """
    similarity = cosine(usage, usage)
    piece = _same(labels, labels, "piece_index").astype(bool)
    collection = _same(labels, labels, "collection").astype(bool)
    off_diagonal = ~np.eye(len(labels), dtype=bool)
    groups = {"same piece": piece & off_diagonal, "same collection, other piece": collection & ~piece,
              "other collection": ~collection}
    return {name: float(similarity[mask].mean()) if mask.any() else float("nan") for name, mask in groups.items()}
