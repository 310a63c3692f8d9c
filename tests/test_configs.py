"""Every config composes and every group instantiates (lightning-hydra-template's test_configs)."""
import pytest
from hydra import compose, initialize_config_dir
from hydra.utils import instantiate
from omegaconf import OmegaConf

from hcbench.audio import MelConfig
from hcbench.corpus import CorpusConfig
from hcbench.errors import ConfigError
from hcbench.models.pretrain import TrainerConfig
from hcbench.paths import conf_dir

GROUP_OPTIONS = {group: sorted(p.stem for p in (conf_dir() / group).glob("*.yaml")) for group in ("model", "corpus", "trainer")}
NOT_GENERATORS = {"vqvae", "clap"}  # tested in tests/models/vqvae and tests/simulators/clap_training
GENERATORS = [m for m in GROUP_OPTIONS["model"]
              if OmegaConf.load(conf_dir() / "model" / f"{m}.yaml").get("kind") not in NOT_GENERATORS]


def _compose(name, overrides=()):
    with initialize_config_dir(config_dir=str(conf_dir()), version_base="1.3"):
        return compose(config_name=name, overrides=list(overrides))


def test_every_group_has_options():
    assert {"tiny", "small", "audio_diffusion_256"} <= set(GROUP_OPTIONS["model"])
    assert {"default", "tiny", "synth", "folder"} <= set(GROUP_OPTIONS["corpus"])


@pytest.mark.parametrize("model", GENERATORS)
def test_model_configs_instantiate(model):
    cfg = _compose("generate", [f"model={model}"])
    assert isinstance(instantiate(cfg.model.mel), MelConfig)
    if cfg.model.unet is not None:
        unet = instantiate(cfg.model.unet, _convert_="all")
        assert unet.config.sample_size == cfg.model.mel.x_res == cfg.model.mel.y_res
    else:
        assert OmegaConf.is_missing(cfg.model, "path")  # a user must point at downloaded weights


@pytest.mark.parametrize("corpus", GROUP_OPTIONS["corpus"])
def test_corpus_configs_instantiate(corpus, tmp_path):
    overrides = [f"corpus={corpus}"] + ([f"corpus.path={tmp_path}"] if corpus == "folder" else [])
    assert isinstance(instantiate(_compose("pretrain", overrides).corpus), CorpusConfig)


@pytest.mark.parametrize("trainer", GROUP_OPTIONS["trainer"])
def test_trainer_configs_instantiate_with_a_partial_optimizer(trainer):
    config = instantiate(_compose("pretrain", [f"trainer={trainer}"]).trainer)
    assert isinstance(config, TrainerConfig)
    import torch

    assert isinstance(config.optimizer([torch.nn.Parameter(torch.zeros(1))]), torch.optim.AdamW)


def test_pretrain_out_dir_names_the_run():
    cfg = _compose("pretrain", ["model=tiny", "seed=3"])
    assert cfg.out_dir.endswith("tiny-default-seed3") and cfg.trainer.seed == 3


def test_bad_values_fail_with_the_field_name():
    with pytest.raises(Exception, match="MelConfig.n_fft") as info:  # Hydra wraps it; the cause is ours
        instantiate(_compose("generate", ["model=tiny", "model.mel.n_fft=-1"]).model.mel)
    assert isinstance(info.value.__cause__, ConfigError)
    with pytest.raises(Exception, match="trainer.batch_size"):
        instantiate(_compose("pretrain", ["trainer.batch_size=0"]).trainer)
