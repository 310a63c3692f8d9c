"""The paper's loop as a method: what it asks of the panel, and which fine-tune each of its configs trains."""
from hcbench.loop.method import Ask, Method
from hcbench.loop.paper import PaperLoop


def _request(reference, agreement):
    return {"id": 7, "rater_id": 3, "served_song_id": 40, "served_audio": "songs/0000040.wav", "served_version": 1,
            "reference_song_id": reference, "reference_audio": reference and "songs/0000009.wav",
            "reference_version": None, "agreement_raters": agreement}


def test_a_new_song_is_rated_by_its_requester_against_its_reference_and_by_the_agreement_raters():
    asks = PaperLoop().asks(_request(9, "[5, 11]"))
    assert asks == [Ask(7, 3, 40, "songs/0000040.wav", "served", 1), Ask(7, 3, 9, "songs/0000009.wav", "reference", None),
                    Ask(7, 5, 40, "songs/0000040.wav", "agreement", 1), Ask(7, 11, 40, "songs/0000040.wav", "agreement", 1)]


def test_an_old_song_from_d_is_rated_by_its_requester_alone():
    assert PaperLoop().asks(_request(None, "[]")) == [Ask(7, 3, 40, "songs/0000040.wav", "served", 1)]


def test_the_paper_loop_is_a_method():
    assert isinstance(PaperLoop(), Method)
