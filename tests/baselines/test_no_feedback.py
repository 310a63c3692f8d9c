"""method=no_feedback: the paper's asks and selection, and v(n+1) with v(n)'s parameters exactly."""
import json

import pytest

from baselines.no_feedback import NoFeedback
from hcbench.loop.method import Method
from hcbench.loop.paper import PaperLoop
from tests.baselines.conftest import finished_run, training_set_songs, v1_differs_from_v0


def test_no_feedback_asks_what_the_paper_loop_asks():
    request = {"id": 7, "rater_id": 3, "served_song_id": 40, "served_audio": "songs/0000040.wav",
               "served_version": 0, "reference_song_id": 9, "reference_audio": "songs/0000009.wav",
               "reference_version": None, "agreement_raters": "[5, 11]"}
    assert isinstance(NoFeedback(), Method) and NoFeedback().asks(request) == PaperLoop().asks(request)


@pytest.mark.slow
def test_no_feedback_spends_the_paper_loops_ratings_and_trains_nothing(tmp_path):
    store = finished_run(tmp_path, "no_feedback")
    assert not v1_differs_from_v0(store)
    paths = store.column("SELECT path FROM versions ORDER BY id").tolist()
    assert paths[1] == paths[0]  # v1 is v0's own model folder
    requests = store.rows("SELECT * FROM requests WHERE iteration = 0")
    asked = sum(1 if r["dispatch"] == "old" else 2 + len(json.loads(r["agreement_raters"])) for r in requests)
    assert store.scalar("SELECT calls FROM rating_calls WHERE iteration = 0") == asked
    assert training_set_songs(store)  # D is still selected: the platform serves old songs from it
