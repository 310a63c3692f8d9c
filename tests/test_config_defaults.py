"""Each default has one home: what a class takes by default is what the conf file a default run composes says.

The YAML is what runs read, what users edit and what experiments override, so its values are
the ones in force. The dataclasses (and the other classes conf/ builds) repeat them so that
code building them directly, as tests and benchmarks do, gets the same thing; these tests
keep the two equal. Other options of a group (trainer=smoke, finetune=weighted) are
variants: they set what differs from the home on purpose.
"""
from __future__ import annotations

import dataclasses
import functools
import inspect

import pytest
from hydra import compose, initialize_config_dir
from hydra.utils import get_class, instantiate
from omegaconf import DictConfig, ListConfig, OmegaConf

from hcbench.models.pretrain import adamw
from hcbench.paths import conf_dir

PROJECT = ("hcbench.", "simulators.", "baselines.")
NO_EXPERIMENT = ("~experiment",)  # the groups' own defaults, before an experiment overrides them
HOMES = [  # (primary config, overrides, node): where each class conf/ builds gets its defaults
    ("pretrain", (), "trainer"),
    ("pretrain", (), "corpus"),
    ("pretrain", (), "model.mel"),
    ("run", NO_EXPERIMENT, "finetune"),
    ("run", NO_EXPERIMENT, "method"),
    ("run", NO_EXPERIMENT, "budget"),
    ("run", ("method=no_feedback",), "method"),  # the controls of baselines/ (their only setting: the run seed)
    ("run", ("method=random_selection",), "method"),
    ("run", ("method=corpus_clips",), "method"),
    ("run", ("method=oracle",), "method"),
    ("run", ("method=pairwise_dpo",), "method"),
    ("run", ("method=best_of_n",), "method"),
    ("run", ("method=rwr",), "method"),
    ("run", ("method=ddpo",), "method"),
    ("run", NO_EXPERIMENT, "loop"),
    ("run", NO_EXPERIMENT, "space"),
    ("run", NO_EXPERIMENT, "raters"),
    ("run", NO_EXPERIMENT, "raters.profiles.honest"),  # the other profiles are what they change from honest
    ("run", NO_EXPERIMENT, "embedder"),
    ("run", NO_EXPERIMENT, "similarity"),
    ("pretrain", ("model=vqvae",), "model.vqvae"),
    ("pretrain", ("model=vqvae",), "model.metric"),
    ("pretrain", ("model=clap", "trainer=clap"), "model.arch"),
    ("similarity", ("similarity=descriptor",), "similarity"),
    ("rate", ("embedder=vqvae",), "embedder"),
    ("rate", ("embedder=clap",), "embedder"),
]
NAMES = {("raters", "name")}  # a YAML population is named after its file; one built in code is "custom"


def _node(config: str, overrides: tuple[str, ...], key: str) -> DictConfig:
    with initialize_config_dir(config_dir=str(conf_dir()), version_base="1.3"):
        return OmegaConf.select(compose(config, overrides=list(overrides)), key)


@pytest.mark.parametrize("config, overrides, key", HOMES, ids=[f"{c}:{k}" for c, _, k in HOMES])
def test_a_class_defaults_to_its_home_in_conf(config, overrides, key):
    node = _node(config, overrides, key)
    cls = get_class(node._target_)
    differ = _dataclass_differences(node, cls) if dataclasses.is_dataclass(cls) else _argument_differences(node, cls)
    differ = {name: values for name, values in differ.items() if (key, name) not in NAMES}
    assert not differ, f"{cls.__name__}'s defaults differ from conf ({config} {' '.join(overrides)}, {key}): " + \
        "; ".join(f"{name}: conf {yaml!r}, code {code!r}" for name, (yaml, code) in sorted(differ.items()))


def test_every_class_built_from_conf_has_a_home():
    targets = set()
    for path in conf_dir().rglob("*.yaml"):
        targets |= set(_targets(OmegaConf.to_container(OmegaConf.load(path))))
    homes = {_node(config, overrides, key)._target_ for config, overrides, key in HOMES}
    assert {t for t in targets if t.startswith(PROJECT)} <= homes


def _dataclass_differences(node: DictConfig, cls: type) -> dict:
    """Field by field, the class built from the node against one built from its defaults."""
    built = instantiate(node)
    fields = dataclasses.fields(cls)
    required = {f.name: getattr(built, f.name) for f in fields
                if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING}
    default = cls(**required)
    if getattr(default, "optimizer", False) is None:  # what the trainers build then: cfg.optimizer or adamw()
        default.optimizer = adamw()
    conf, code = _flat(built), _flat(default)
    return {name: (conf[name], code[name]) for name in conf if conf[name] != code[name]}


def _argument_differences(node: DictConfig, cls: type) -> dict:
    """The node's own values (wiring by interpolation and required ??? left out) against the signature's."""
    parameters = inspect.signature(cls).parameters
    differ = {}
    for name in node:
        if name.startswith("_") or OmegaConf.is_interpolation(node, name) or OmegaConf.is_missing(node, name):
            continue
        value = node[name]
        value = OmegaConf.to_container(value) if isinstance(value, (DictConfig, ListConfig)) else value
        default = parameters[name].default
        if default is inspect.Parameter.empty or _comparable(value) != _comparable(default):
            differ[name] = (value, "required" if default is inspect.Parameter.empty else default)
    return differ


def _flat(value, prefix: str = "") -> dict:
    """A dataclass as dotted field names -> comparable values (nested dataclasses and their mappings opened)."""
    if dataclasses.is_dataclass(value):
        items = {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
    elif isinstance(value, dict) and any(dataclasses.is_dataclass(v) for v in value.values()):
        items = value
    else:
        return {prefix: _comparable(value)}
    out = {}
    for name, item in items.items():
        out.update(_flat(item, f"{prefix}.{name}" if prefix else name))
    return out


def _comparable(value):
    if isinstance(value, functools.partial):  # an optimiser: AdamW(lr=...) from a Hydra _partial_
        return value.func, value.args, dict(sorted(value.keywords.items()))
    if isinstance(value, (list, tuple)):
        return [_comparable(v) for v in value]
    return value


def _targets(value):
    if isinstance(value, dict):
        if "_target_" in value:
            yield value["_target_"]
        for item in value.values():
            yield from _targets(item)
    elif isinstance(value, list):
        for item in value:
            yield from _targets(item)
