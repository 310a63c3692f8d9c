from pathlib import Path

import pytest
from hydra.utils import instantiate
from omegaconf import OmegaConf

from hcbench.corpus import CorpusConfig

CONF = Path(__file__).resolve().parents[2] / "conf" / "corpus"


@pytest.mark.parametrize(
    "change, message",
    [
        ({"source": "radio"}, r"corpus\.source must be one of \['scores', 'synth', 'folder'\], got 'radio'"),
        ({"max_seconds": -5}, r"corpus\.max_seconds must be positive, got -5"),
        ({"synth_seconds": 0}, r"corpus\.synth_seconds must be positive"),
        ({"sample_rate": 0}, r"corpus\.sample_rate must be positive"),
        ({"heldout_fraction": 1.0}, r"corpus\.heldout_fraction must be in \[0, 1\)"),
        ({"fallback": "pray"}, r"corpus\.fallback must be one of"),
        ({"tempo_range": [140, 70]}, r"corpus\.tempo_range must be \[low, high\]"),
        ({"collections": {"bach": -1}}, r"corpus\.collections\.bach must be >= 0"),
        ({"programs": {"piano": [0, 128]}}, r"corpus\.programs must hold General MIDI programs 0\.\.127, got \[128\]"),
        ({"timbres": ["sine", "kazoo"]}, r"corpus\.timbres must be one of .* got 'kazoo'"),
        ({"min_seconds": 40}, r"corpus\.min_seconds must be in \[0, max_seconds=30\.0\]"),
        ({"source": "folder"}, r"corpus\.path must name a folder"),
    ],
)
def test_bad_values_raise_naming_the_field(change, message):
    with pytest.raises(ValueError, match=message):
        CorpusConfig(**change)


def test_unknown_key_is_named():
    with pytest.raises(ValueError, match=r"unknown key\(s\) \['colections'\]"):
        CorpusConfig.coerce({"colections": {"bach": 1}})


def test_dict_and_omegaconf_are_accepted_and_normalised():
    node = OmegaConf.create({"_target_": "hcbench.corpus.CorpusConfig", "source": "synth",
                             "tempo_range": [60, 90], "collections": {"bach": 2}})
    cfg = CorpusConfig.coerce(node)
    assert cfg.source == "synth" and cfg.tempo_range == (60.0, 90.0) and cfg.collections == {"bach": 2}
    assert type(cfg.collections) is dict and CorpusConfig.coerce(cfg) is cfg


def test_cache_dir_defaults_to_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("HCBENCH_CACHE", str(tmp_path))
    assert CorpusConfig().resolved_cache_dir() == tmp_path
    monkeypatch.delenv("HCBENCH_CACHE")
    assert CorpusConfig().resolved_cache_dir() == Path.home() / ".cache" / "hcbench"
    assert CorpusConfig(cache_dir=str(tmp_path / "x")).resolved_cache_dir() == tmp_path / "x"


@pytest.mark.parametrize("name", ["default", "synth", "tiny", "folder"])
def test_every_shipped_config_instantiates(name, tmp_path):
    node = OmegaConf.load(CONF / f"{name}.yaml")
    if name == "folder":
        node.path = str(tmp_path)
    cfg = instantiate(node)
    assert isinstance(cfg, CorpusConfig) and cfg.name == name and cfg.sample_rate == 22050
    assert type(cfg.collections) is dict and isinstance(cfg.tempo_range, tuple)


def test_default_config_is_a_broad_mix():
    cfg = instantiate(OmegaConf.load(CONF / "default.yaml"))
    assert cfg.source == "scores" and len(cfg.collections) >= 10 and len(cfg.programs) >= 6
    assert 200 <= sum(cfg.collections.values()) <= 400


def test_folder_config_requires_a_path():
    node = OmegaConf.load(CONF / "folder.yaml")
    with pytest.raises(Exception, match="path"):
        instantiate(node)
