"""Music corpora without the network: rendered music21 scores, a procedural synth, or your own audio.

``build_corpus(cfg)`` builds once into a cache folder (audio/*.flac + manifest.json) and
reuses it afterwards; ``Corpus.spectrograms(mel)`` gives labelled model-ready clips.
"""
from hcbench.corpus.build import build_corpus
from hcbench.corpus.config import CorpusConfig
from hcbench.corpus.dataset import Corpus
from hcbench.corpus.soundfont import find_soundfont

__all__ = ["Corpus", "CorpusConfig", "build_corpus", "find_soundfont"]
