"""hcbench pretrain model=vqvae: dispatch, the model folder and card, resuming, and the config it reads."""
import pytest
from hydra import compose, initialize_config_dir
from hydra.utils import instantiate

from hcbench.audio import MelConfig
from hcbench.commands.pretrain import run_pretrain
from hcbench.models.pretrain import TrainerConfig
from hcbench.models.vqvae import MetricConfig, VQVAEConfig, load_vqvae
from hcbench.paths import conf_dir


def _cfg(*overrides):
    with initialize_config_dir(config_dir=str(conf_dir()), version_base="1.3"):
        return compose(config_name="pretrain", overrides=["model=vqvae", *overrides])


def test_the_model_and_trainer_configs_describe_the_shipped_recipe():
    cfg = _cfg("trainer=vqvae")
    assert cfg.model.kind == "vqvae" and cfg.out_dir.endswith("vqvae-default-seed0")
    arch, metric = instantiate(cfg.model.vqvae, _convert_="all"), instantiate(cfg.model.metric, _convert_="all")
    assert isinstance(arch, VQVAEConfig) and arch.frequency_channel and arch.downsampling == 4
    assert isinstance(metric, MetricConfig) and metric.labels == ("collection", "family")
    small = compose_mel("small")
    assert instantiate(cfg.model.mel) == small  # the default generator's geometry
    trainer = instantiate(cfg.trainer)
    assert isinstance(trainer, TrainerConfig) and (trainer.steps, trainer.batch_size) == (4000, 64)
    assert load_vqvae("vqvae").model.cfg == arch  # the preset was trained with exactly this config


def compose_mel(model: str) -> MelConfig:
    with initialize_config_dir(config_dir=str(conf_dir()), version_base="1.3"):
        return instantiate(compose(config_name="generate", overrides=[f"model={model}"]).model.mel)


@pytest.mark.slow
def test_pretrain_dispatches_trains_writes_the_card_and_resumes(tmp_path, caplog):
    overrides = ("trainer=smoke", "corpus=tiny", f"corpus.cache_dir={tmp_path / 'cache'}", f"out_dir={tmp_path / 'run'}",
                 "model.mel.x_res=32", "model.mel.y_res=32", "model.mel.hop_length=1024", "model.mel.n_fft=2048")
    model_dir = run_pretrain(_cfg(*overrides))
    loaded = load_vqvae(model_dir)
    assert loaded.mel.x_res == 32 and set(loaded.metric.vocabulary) == {"collection", "family"}
    card = (model_dir / "MODEL_CARD.md").read_text()
    for row in ("| **eq. 3 codebook usage (this model)** |", "| descriptor baseline", "| chance |",
                "codebook perplexity", "| steps x batch | 20 x 8 |"):
        assert row in card, row
    assert (tmp_path / "run" / "losses.csv").read_text().count("\n") == 21
    with caplog.at_level("INFO"):
        run_pretrain(_cfg(*overrides))  # same folder: resumes at the end and trains nothing more
    assert "resumed from step 20" in caplog.text
