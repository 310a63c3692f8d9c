"""method=pairwise_dpo: same-input questions, answers stored as they come and counted on the budget, DPO on them."""
from __future__ import annotations

import json

import numpy as np
import pytest

from baselines.pairwise_dpo import PairwiseDPO, majority_pairs, same_input_questions
from hcbench.errors import ConfigError
from hcbench.loop.budget import RoundBudget
from hcbench.loop.collect_pairs import collect_preferences, pending_pair_asks
from hcbench.store import RunStore, queries, records
from tests.baselines.conftest import finished_run, v1_differs_from_v0

INPUTS = {1: [1, 2], 2: [2, 1], 3: [3, 4], 4: [1, 2], 5: [3, 4], 6: [5, 6]}  # request -> its input songs


def _request(i: int) -> dict:
    return {"id": i, "iteration": 0, "dispatch": "new", "rater_id": 10 + i, "agreement_raters": "[20, 21, 22]",
            "served_song_id": 100 + i, "served_audio": f"songs/{100 + i}.wav"}


def _question(q) -> tuple:
    return q[0].first_song_id, q[0].second_song_id, tuple(a.rater_id for a in q)


def test_questions_pair_songs_of_the_same_inputs_nearest_first_each_for_the_first_songs_raters():
    questions = same_input_questions([_request(i) for i in INPUTS], INPUTS, raters_per_pair=3)
    assert [_question(q) for q in questions] == [
        (101, 102, (11, 20, 21)), (102, 104, (12, 20, 21)), (103, 105, (13, 20, 21)),  # neighbours, every group
        (101, 104, (11, 20, 21))]  # then two apart; request 6's inputs are nobody else's: it pairs with none
    assert {a.request_id for q in questions for a in q} == {1, 2, 3}


def test_a_question_asks_at_most_the_request_and_its_agreement_raters():
    questions = same_input_questions([_request(1), _request(2)], INPUTS, raters_per_pair=9)
    assert [_question(q)[2] for q in questions] == [(11, 20, 21, 22)]


def test_the_majority_of_a_questions_answers_names_the_winner_and_a_split_names_none():
    answers = [{"first_song_id": 1, "second_song_id": 2, "chose_first": c} for c in (0, 0, 1)]  # 2 wins, 2 to 1
    answers += [{"first_song_id": 3, "second_song_id": 4, "chose_first": c} for c in (1, 0)]  # a tie
    answers += [{"first_song_id": 5, "second_song_id": 6, "chose_first": c} for c in (1, 1, 1)]
    winners, losers = majority_pairs(answers)
    assert winners.tolist() == [2, 5] and losers.tolist() == [1, 6]
    winners, losers = majority_pairs(answers, min_share=0.7)  # 2 of 3 is not enough
    assert winners.tolist() == [5] and losers.tolist() == [6]
    assert majority_pairs([])[0].shape == (0,)


@pytest.mark.parametrize("kwargs, message", [({"raters_per_pair": 0}, "raters_per_pair must be >= 1"),
                                             ({"raters_per_pair": 3, "min_share": 0.4}, "min_share must lie"),
                                             ({"raters_per_pair": 3, "min_share": 1.0}, "min_share must lie")])
def test_bad_settings_name_the_key(kwargs, message):
    with pytest.raises(ConfigError, match=message):
        PairwiseDPO(versions=2, **kwargs)


def test_stars_are_asked_only_in_the_evaluation_round():
    method = PairwiseDPO(versions=3, raters_per_pair=3)
    training, evaluation = ({**_request(1), "reference_song_id": 7, "reference_audio": "songs/7.wav",
                             "served_version": 0, "reference_version": None, "iteration": i} for i in (1, 2))
    assert method.asks(training) == []
    assert [a.role for a in method.asks(evaluation)] == ["served", "reference", "agreement", "agreement",
                                                         "agreement"]


class ChoosesLowerId:
    """A panel that prefers the song of lower id and counts how often it is asked."""

    rater_ids = np.arange(30)

    def __init__(self):
        self.keys = []

    def prefer(self, rater_ids, first, second, key):
        self.keys.append(key)
        return np.array([str(a) < str(b) for a, b in zip(first, second)])

    def sync(self, ratings_given):
        pass


def _store_with_requests(tmp_path) -> RunStore:
    """A run database with the requests of ``INPUTS`` planned and their songs generated, in iteration 0."""
    store = RunStore(tmp_path)
    with store.transaction() as db:
        records.raters(db, range(30))
        for song in range(1, 7):
            records.corpus_song(db, song, (f"songs/{song}.png", f"songs/{song}.wav", 3.0), "c", f"s{song}")
        for request, inputs in INPUTS.items():
            records.request(db, 0, 10 + request, 0, "new", None, 1, [20, 21, 22], inputs)
            records.generated_song(db, 100 + request, ("x.png", f"songs/{100 + request}.wav", 3.0), 0, 0, request)
    return store


def test_answers_are_stored_counted_on_the_budget_and_never_asked_twice(tmp_path):
    store, panel = _store_with_requests(tmp_path), ChoosesLowerId()
    method = PairwiseDPO(versions=2, raters_per_pair=3)
    questions = method.pair_asks(store, 0)
    assert len(questions) == 4
    budget = RoundBudget(limit=10, charged=True)  # 2 ratings taken already: 8 left, two questions of 3
    assert collect_preferences(store, 0, panel, questions, None, budget, spent=2) == 6
    assert queries.rating_calls(store) == [{"iteration": 0, "calls": 6, "budget": 10, "charged": 1}]
    answers = queries.preferences_of(store, [0])
    assert [(a["first_song_id"], a["second_song_id"], a["chose_first"]) for a in answers] == \
        [(101, 102, 1)] * 3 + [(102, 104, 1)] * 3
    assert pending_pair_asks(store, 0, questions, limit=8) == []
    assert collect_preferences(store, 0, panel, questions, None, budget, spent=2) == 0  # a resumed round
    assert panel.keys == [(0, 0, 1)]
    assert queries.ratings_per_rater(store, 30)[[11, 12, 20, 13]].tolist() == [1, 1, 2, 0]  # drifting tastes' clock


def test_the_training_signal_reads_the_stored_answers(tmp_path):
    from hcbench.loop.method import Round

    store = _store_with_requests(tmp_path)
    method = PairwiseDPO(versions=2, raters_per_pair=3)
    collect_preferences(store, 0, ChoosesLowerId(), method.pair_asks(store, 0), None, RoundBudget())
    summary = method.training_signal(Round(store, 0, None, None, None, None, None))
    assert summary == {"answers": 12, "questions": 4, "pairs": 4}
    assert method.pair_asks(store, 1) == []  # the evaluation round asks stars only


def test_a_weighted_finetune_has_nothing_to_learn_from_choices(tmp_path):
    from types import SimpleNamespace

    from hcbench.loop.method import Round

    round_ = Round(RunStore(tmp_path), 0, None, None, SimpleNamespace(objective="weighted"), None, None)
    with pytest.raises(ConfigError, match="pairwise_dpo trains with Diffusion-DPO"):
        PairwiseDPO(versions=2, raters_per_pair=3).next_version(round_)


@pytest.mark.slow
def test_pairwise_dpo_runs_end_to_end_on_choices_alone_and_changes_the_model(tmp_path):
    store = finished_run(tmp_path, "pairwise_dpo")
    assert v1_differs_from_v0(store)
    assert queries.rating_count(store, 0) == 0  # the training round asked no stars
    answers = queries.preferences_of(store, [0])
    assert len(answers) > 0 and queries.rating_calls(store)[0] == {"iteration": 0, "calls": len(answers),
                                                                   "budget": None, "charged": 1}
    assert store.scalar("SELECT COUNT(*) FROM truth_preferences") == len(answers)
    assert queries.rating_count(store, 1) > 0  # the evaluation rates both versions with stars
    assert "## Pairwise answers" in (tmp_path / "report.md").read_text()
    finished_run(tmp_path, "pairwise_dpo")  # again: a finished run resumes to the same answers
    assert queries.preferences_of(RunStore(tmp_path, create=False), [0]) == answers


@pytest.mark.slow
def test_a_budget_caps_the_questions_of_a_training_round(tmp_path):
    store = finished_run(tmp_path, "pairwise_dpo", "budget.ratings_per_round=10", "finetune.steps=1")
    spent = queries.rating_calls(store)[0]
    assert spent == {"iteration": 0, "calls": 9, "budget": 10, "charged": 1}  # three questions of 3 raters
    questions = {(a["first_song_id"], a["second_song_id"]) for a in queries.preferences_of(store, [0])}
    assert len(questions) == 3
    raters = json.loads(store.scalar("SELECT agreement_raters FROM requests WHERE id = 1"))
    assert len(raters) == 2  # loop.qc.agreement_k = 3: the requester and two others answer each question
