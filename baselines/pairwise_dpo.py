"""``method=pairwise_dpo``: raters say which of two songs of the same inputs they prefer; Diffusion-DPO learns it.

Sources: the pairwise feedback of MusicRL (Cideron et al. 2024: people chose between two
MusicLM outputs for the same prompt; 300k such choices) and of Pick-a-Pic (Kirstain et al.
2023: a user picks the better of two images for their prompt), and Diffusion-DPO (Wallace et
al. 2023), which fine-tunes a diffusion model on such choices directly, with the model before
the round frozen as reference. The loss and trainer are the loop's (``finetune=dpo``); only
where the preferences come from differs from ``method=paper_dpo``, which infers them from star
ratings.

What is asked. Requests are planned and their songs generated as in the paper's loop. In a
training round no stars are asked; instead, two songs of the round made from the same input
songs (the same wish, as one prompt) form a question, put to the first song's requester and
its agreement raters (``raters_per_pair`` of them, at most ``loop.qc.agreement_k``). Questions
are asked closest songs first: every same-input pair of neighbours in request order across all
groups, then pairs two apart, and so on, so a budget that cuts the list spreads over songs.
The last round evaluates the versions with stars, as the paper's loop does.

How calls are counted. Each rater's answer to a question is one rating call
(``hcbench.loop.budget``), exactly as one rater's stars and listening for one song is: a
question put to 3 raters costs 3 calls. With ``budget.ratings_per_round`` set, questions are
asked in the order above, each with all its raters, while they fit; with none, every question
is asked (every same-input pair of the round).

What it learns. The answers are stored as they come (``preferences`` in run.db) and read back
when the round's training signal is formed: per question, the song chosen by more than
``min_share`` of its answers wins; ties and narrower splits teach nothing. ``finetune.pairs_from``
picks the rounds whose answers DPO learns from, as for ``paper_dpo``. No QC applies: a pairwise
answer has no listening time to check, and careless raters answer at random (they add noise,
not bias). D stays empty, so every request asks for a new song.
"""
from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable

import numpy as np

from hcbench.errors import ConfigError
from hcbench.loop.finetune import finetune_next_version
from hcbench.loop.method import Ask, PairAsk, Round
from hcbench.loop.paper import PaperLoop
from hcbench.store import RunStore, queries


class PairwiseDPO:
    """Pairwise questions on same-input songs in training rounds; Diffusion-DPO on the majority's choices."""

    def __init__(self, versions: int, raters_per_pair: int, min_share: float = 0.5):
        if raters_per_pair < 1:
            raise ConfigError(f"method.raters_per_pair must be >= 1, got {raters_per_pair}")
        if not 0.5 <= min_share < 1.0:
            raise ConfigError(f"method.min_share must lie in [0.5, 1), got {min_share}")
        self.evaluation = versions - 1  # the last iteration (conf: ${loop.versions} - 1) rates with stars
        self.raters_per_pair = raters_per_pair  # answers per question (one rating call each)
        self.min_share = min_share  # share of a question's answers its winner needs, strictly more than
        self._paper = PaperLoop()

    def asks(self, request: dict) -> list[Ask]:
        """Stars only in the evaluation round (the paper's asks); a training round asks pairwise questions."""
        return self._paper.asks(request) if request["iteration"] == self.evaluation else []

    def pair_asks(self, store: RunStore, iteration: int) -> list[list[PairAsk]]:
        if iteration == self.evaluation:
            return []
        requests = [r for r in queries.requests_to_rate(store, iteration) if r["dispatch"] == "new"]
        return same_input_questions(requests, queries.request_inputs(store, iteration), self.raters_per_pair)

    def training_signal(self, round: Round) -> dict:
        """What the round's stored answers say: questions answered, and how many name a winner."""
        answers = queries.preferences_of(round.store, [round.iteration])
        winners, _ = majority_pairs(answers, self.min_share)
        questions = {(a["first_song_id"], a["second_song_id"]) for a in answers}
        return {"answers": len(answers), "questions": len(questions), "pairs": len(winners)}

    def next_version(self, round: Round) -> dict:
        """Diffusion-DPO of v(t) on the winning songs of the stored answers (``finetune.pairs_from`` rounds)."""
        if round.finetune.objective != "dpo":
            raise ConfigError(f"method=pairwise_dpo trains with Diffusion-DPO; finetune={round.finetune.objective} "
                              "has no pairs to learn from (use finetune=dpo)")

        def stored_choices(store: RunStore, iterations: Iterable[int], min_gap: float):
            return majority_pairs(queries.preferences_of(store, list(iterations)), self.min_share)

        return finetune_next_version(round.store, round.iteration, round.versions, round.finetune,
                                     round.loop.requests.strength, pairs=stored_choices)


def same_input_questions(requests: list[dict], inputs: dict[int, list[int]],
                         raters_per_pair: int) -> list[list[PairAsk]]:
    """Every pair of songs answering requests with the same input songs, nearest in request order first.

    ``requests`` are rows of ``queries.requests_to_rate`` (new songs, in request order). The pair
    (i, j) of a group goes to request i's rater and its agreement raters.

    >>> rows = [{"id": i, "rater_id": 10 + i, "agreement_raters": "[20, 21]", "served_song_id": 100 + i,
    ...          "served_audio": f"s{i}.wav"} for i in range(4)]
    >>> questions = same_input_questions(rows, {0: [1, 2], 1: [2, 1], 2: [3, 4], 3: [1, 2]}, raters_per_pair=2)
    >>> [(q[0].first_song_id, q[0].second_song_id, [a.rater_id for a in q]) for q in questions]
    [(100, 101, [10, 20]), (101, 103, [11, 20]), (100, 103, [10, 20])]
    """
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for request in requests:
        groups[tuple(sorted(inputs[request["id"]]))].append(request)
    pairs = [(j - i, group[i]["id"], group[i], group[j]) for group in groups.values()
             for i in range(len(group)) for j in range(i + 1, len(group))]
    return [[PairAsk(first["id"], rater, first["served_song_id"], second["served_song_id"], first["served_audio"],
                     second["served_audio"]) for rater in _raters_of(first)[:raters_per_pair]]
            for _, _, first, second in sorted(pairs, key=lambda p: p[:2])]


def majority_pairs(answers: list[dict], min_share: float = 0.5) -> tuple[np.ndarray, np.ndarray]:
    """(winner song ids, loser song ids): per question, the song chosen by more than ``min_share`` of its answers.

    >>> answers = [{"first_song_id": 1, "second_song_id": 2, "chose_first": c} for c in (1, 1, 0)]
    >>> answers += [{"first_song_id": 3, "second_song_id": 4, "chose_first": c} for c in (1, 0)]
    >>> majority_pairs(answers)
    (array([1]), array([2]))
    """
    votes: dict[tuple[int, int], list[int]] = defaultdict(list)
    for a in answers:
        votes[(a["first_song_id"], a["second_song_id"])].append(int(a["chose_first"]))
    pairs = [(first, second) if np.mean(chosen) > min_share else (second, first)
             for (first, second), chosen in votes.items() if max(np.mean(chosen), 1 - np.mean(chosen)) > min_share]
    winners, losers = (np.array(side, np.int64) for side in zip(*pairs)) if pairs else (np.zeros(0, np.int64),) * 2
    return winners, losers


def _raters_of(request: dict) -> list[int]:
    return [int(request["rater_id"]), *json.loads(request["agreement_raters"])]
