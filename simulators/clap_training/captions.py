"""Captions from corpus labels, worded many ways, and which clips a caption truly describes.

A caption mentions a random subset of a clip's facts (style, composer, instrument or its
family, tempo, key, mode) in a random phrasing, so the text tower learns the facts and not
one template. ``facts`` lists what a caption claims; :func:`describes` checks a clip's labels
against it, which gives contrastive training every true pair in a batch, not only the diagonal.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# collection -> (style nouns, composer or None for traditional tunes); the music21 folders of conf/corpus
STYLES = {
    "bach": (["chorale", "baroque chorale", "hymn"], "bach"),
    "palestrina": (["mass movement", "renaissance mass", "sacred polyphony"], "palestrina"),
    "ryansMammoth": (["fiddle tune", "american fiddle tune", "reel"], None),
    "oneills1850": (["irish dance tune", "irish jig", "celtic dance"], None),
    "essenFolksong": (["folk song", "european folk melody", "simple folk tune"], None),
    "airdsAirs": (["scottish air", "highland air", "scottish tune"], None),
    "trecento": (["medieval song", "trecento ballata", "fourteenth century song"], None),
    "monteverdi": (["madrigal", "italian madrigal", "early baroque madrigal"], "monteverdi"),
    "josquin": (["renaissance motet", "franco flemish polyphony", "motet"], "josquin"),
    "mozart": (["string quartet movement", "classical quartet", "classical piece"], "mozart"),
    "haydn": (["string quartet movement", "classical quartet", "classical piece"], "haydn"),
    "beethoven": (["string quartet movement", "classical quartet", "classical piece"], "beethoven"),
    "schumann_robert": (["romantic piece", "romantic song", "nineteenth century piece"], "schumann"),
}
COMPOSERS = {"bach": ["bach", "j s bach", "johann sebastian bach"], "palestrina": ["palestrina"],
             "monteverdi": ["monteverdi", "claudio monteverdi"], "josquin": ["josquin", "josquin des prez"],
             "mozart": ["mozart", "w a mozart"], "haydn": ["haydn", "joseph haydn"],
             "beethoven": ["beethoven", "ludwig van beethoven"], "schumann": ["schumann", "robert schumann"]}
FAMILIES = {"piano": ["piano", "keys"], "mallets": ["mallets", "mallet percussion", "tuned percussion"],
            "organ": ["organ", "keyboard organ"], "guitar": ["guitar", "plucked strings"],
            "strings": ["strings", "bowed strings"], "brass": ["brass", "brass instruments"],
            "reeds": ["reeds", "woodwinds"], "pipes": ["flutes", "pipes"], "voices": ["voices", "choir"]}
INSTRUMENTS = {"Acoustic Grand Piano": "grand piano", "Bright Acoustic Piano": "bright piano",
               "Electric Piano 1": "electric piano", "Celesta": "celesta", "Vibraphone": "vibraphone",
               "Marimba": "marimba", "Xylophone": "xylophone", "Drawbar Organ": "drawbar organ",
               "Church Organ": "church organ", "Accordion": "accordion", "Acoustic Guitar (nylon)": "nylon guitar",
               "Acoustic Guitar (steel)": "steel guitar", "Orchestral Harp": "harp", "Violin": "violin",
               "Viola": "viola", "Cello": "cello", "Pizzicato Strings": "pizzicato strings",
               "String Ensemble 1": "string ensemble", "Trumpet": "trumpet", "Trombone": "trombone",
               "French Horn": "french horn", "Brass Section": "brass section", "Soprano Sax": "soprano sax",
               "Alto Sax": "alto sax", "Oboe": "oboe", "Bassoon": "bassoon", "Clarinet": "clarinet",
               "Flute": "flute", "Recorder": "recorder", "Pan Flute": "pan flute", "Choir Aahs": "choir",
               "Voice Oohs": "humming voices"}
TEMPI = {"slow": ["slow", "calm", "unhurried"], "moderate": ["moderate", "walking pace", "medium tempo"],
         "fast": ["fast", "lively", "quick"]}
TEMPO_EDGES = (95.0, 118.0)  # bpm: the corpus's 70-140 range in thirds
HEADS = ["piece", "music", "tune", "recording", "track", "melody"]
FACTS = ("style", "composer", "instrument", "family", "tempo", "key", "mode")


@dataclass(frozen=True)
class Caption:
    """A sentence and the facts it claims (fact name -> canonical value)."""

    text: str
    facts: dict


def clip_facts(labels: dict) -> dict:
    """A clip's canonical facts from its corpus labels (unknown ones are left out).

    >>> clip_facts({"collection": "bach", "program_name": "Violin", "family": "strings", "tempo_bpm": 137.0,
    ...             "key": "D", "mode": "minor"})["tempo"]
    'fast'
    """
    style = STYLES.get(str(labels.get("collection")))
    facts = {"style": labels.get("collection") if style else None, "composer": style[1] if style else None,
             "instrument": INSTRUMENTS.get(str(labels.get("program_name"))),
             "family": labels.get("family") if labels.get("family") in FAMILIES else None,
             "tempo": tempo_word(labels["tempo_bpm"]) if "tempo_bpm" in labels else None,
             "key": labels.get("key"), "mode": labels.get("mode")}
    return {name: value for name, value in facts.items() if value is not None}


def tempo_word(bpm: float) -> str:
    return "slow" if bpm < TEMPO_EDGES[0] else "moderate" if bpm < TEMPO_EDGES[1] else "fast"


def random_caption(labels: dict, rng: np.random.Generator) -> Caption:
    """One caption naming a random subset (1 to 4) of the clip's facts in a random wording."""
    facts = clip_facts(labels)
    names = [n for n in FACTS if n in facts and not (n == "family" and "instrument" in facts and rng.random() < 0.5)]
    chosen = {str(n) for n in rng.choice(names, size=min(len(names), int(rng.integers(1, 5))), replace=False)}
    if "key" in chosen:
        chosen.add("mode")  # "in D" alone is not how people say it
    return Caption(_phrase({n: facts[n] for n in chosen}, rng), {n: facts[n] for n in chosen})


def full_caption(labels: dict) -> Caption:
    """Every fact in one fixed wording: the query of a held-out piece in the card's retrieval figures."""
    facts = clip_facts(labels)
    return Caption(_phrase(facts, None), facts)


def key_words(key: str) -> str:
    """Spoken key name: ``Bb`` -> ``b flat``, ``F#`` -> ``f sharp``."""
    return key[0].lower() + {"b": " flat", "#": " sharp"}.get(key[1:], "")


def family_prompt(family: str) -> str:
    """The zero-shot prompt for an instrument family."""
    return f"music played on {FAMILIES[family][0]}"


def describes(caption_facts: list[dict], clip_facts_list: list[dict]) -> np.ndarray:
    """(captions, clips) True where every fact a caption claims holds for the clip."""
    return np.array([[all(clip.get(k) == v for k, v in claim.items()) for clip in clip_facts_list]
                     for claim in caption_facts], dtype=bool)


def _phrase(facts: dict, rng: np.random.Generator | None) -> str:
    """Noun phrase: [tempo] [mode-adjective] head [by composer] [on instrument] [in key mode]."""
    pick = (lambda options: options[0]) if rng is None else (lambda options: options[int(rng.integers(len(options)))])
    head = pick(STYLES[facts["style"]][0]) if "style" in facts else pick(HEADS)
    before = [pick(TEMPI[facts["tempo"]])] if "tempo" in facts else []
    if "mode" in facts and "key" not in facts:
        before.append(pick([f"{facts['mode']} key", facts["mode"]]))
    after = []
    if "composer" in facts:
        after.append(pick(["by ", "composed by ", "from "]) + pick(COMPOSERS[facts["composer"]]))
    sound = facts.get("instrument") or (pick(FAMILIES[facts["family"]]) if "family" in facts else None)
    if sound:
        after.append(pick(["played on ", "on ", "for ", "performed on "]) + sound)
    if "key" in facts:
        after.append(f"in {key_words(facts['key'])} {facts['mode']}")
    if rng is not None:
        after = [after[i] for i in rng.permutation(len(after))]
    opener = "" if rng is None else pick(["", "", "a ", "this is a ", "listen to a ", "some "])
    return " ".join(filter(None, [opener.strip(), *before, head, *after]))
