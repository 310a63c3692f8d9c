"""Captions worded from labels: varied, true of their clip, and the matrix of which caption describes which clip."""
import numpy as np

from simulators.clap_training.captions import FAMILIES, clip_facts, describes, family_prompt, full_caption, \
    key_words, random_caption

ORGAN_REEL = {"collection": "oneills1850", "program_name": "Church Organ", "family": "organ", "tempo_bpm": 131.0,
              "key": "Bb", "mode": "minor"}
PIANO_CHORALE = {"collection": "bach", "program_name": "Acoustic Grand Piano", "family": "piano", "tempo_bpm": 80.0,
                 "key": "G", "mode": "major"}


def test_one_clip_is_worded_many_ways_and_every_wording_is_true_of_it():
    rng = np.random.default_rng(0)
    captions = [random_caption(ORGAN_REEL, rng) for _ in range(200)]
    assert len({c.text for c in captions}) > 120
    assert describes([c.facts for c in captions], [clip_facts(ORGAN_REEL)]).all()
    assert all(1 <= len(c.facts) <= 6 for c in captions)
    assert {"style", "composer", "instrument", "family", "tempo", "key", "mode"} >= set().union(
        *(c.facts for c in captions))


def test_a_caption_describes_exactly_the_clips_whose_labels_it_names():
    facts = [clip_facts(ORGAN_REEL), clip_facts(PIANO_CHORALE)]
    claims = [{"family": "organ"}, {"tempo": "slow"}, {"mode": "major", "family": "piano"}, {"family": "brass"}]
    np.testing.assert_array_equal(describes(claims, facts), [[True, False], [False, True], [False, True],
                                                              [False, False]])


def test_full_caption_is_fixed_and_names_every_fact():
    assert full_caption(ORGAN_REEL) == full_caption(ORGAN_REEL)
    assert full_caption(ORGAN_REEL).text == "fast irish dance tune played on church organ in b flat minor"
    assert full_caption(PIANO_CHORALE).text == "slow chorale by bach played on grand piano in g major"
    assert clip_facts(PIANO_CHORALE) == {"style": "bach", "composer": "bach", "instrument": "grand piano",
                                         "family": "piano", "tempo": "slow", "key": "G", "mode": "major"}


def test_family_prompts_and_spoken_keys():
    assert family_prompt("organ") == "music played on organ" and len(FAMILIES) == 9
    assert (key_words("Bb"), key_words("F#"), key_words("C")) == ("b flat", "f sharp", "c")
