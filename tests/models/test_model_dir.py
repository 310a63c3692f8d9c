import json

import numpy as np
import pytest
import torch
from diffusers import DDPMScheduler, UNet2DModel

from hcbench.audio import MelConfig
from hcbench.models.model_dir import ModelDirError, load_generator, save_generator


def _write_audio_diffusion_256_layout(root, weights_format: str = "bin"):
    """The folder layout of teticio/audio-diffusion-256, at toy size: DDPM scheduler, .bin weights."""
    torch.manual_seed(0)
    unet = UNet2DModel(
        sample_size=16, in_channels=1, out_channels=1, layers_per_block=1, block_out_channels=(8, 16),
        down_block_types=("DownBlock2D", "AttnDownBlock2D"), up_block_types=("AttnUpBlock2D", "UpBlock2D"),
        norm_num_groups=4,
    )
    unet.save_pretrained(root / "unet", safe_serialization=weights_format == "safetensors")
    DDPMScheduler(num_train_timesteps=1000).save_pretrained(root / "scheduler")
    (root / "mel").mkdir()
    mel = {"_class_name": "Mel", "_diffusers_version": "0.12.0", "hop_length": 512, "n_fft": 2048,
           "n_iter": 32, "sample_rate": 22050, "top_db": 80, "x_res": 16, "y_res": 16}
    (root / "mel" / "mel_config.json").write_text(json.dumps(mel))
    index = {"_class_name": "AudioDiffusionPipeline", "_diffusers_version": "0.12.0", "mel": ["diffusers", "Mel"],
             "scheduler": ["diffusers", "DDPMScheduler"], "unet": ["diffusers", "UNet2DModel"]}
    (root / "model_index.json").write_text(json.dumps(index))
    return unet


@pytest.mark.parametrize("weights_format", ["bin", "safetensors"])
def test_loads_audio_diffusion_layout_and_runs_ddpm_config_as_ddim(tmp_path, weights_format):
    unet = _write_audio_diffusion_256_layout(tmp_path, weights_format)
    generator = load_generator(tmp_path, steps=5)
    assert type(generator.scheduler).__name__ == "DDIMScheduler"
    assert generator.mel == MelConfig(x_res=16, y_res=16, sample_rate=22050, n_fft=2048, hop_length=512)
    for name, tensor in unet.state_dict().items():
        assert torch.equal(tensor, generator.unet.state_dict()[name]), name
    assert generator.sample(2, seed=0).shape == (2, 16, 16)


def test_save_load_round_trip_gives_identical_samples(tmp_path, tiny_generator):
    save_generator(tiny_generator, tmp_path / "model")
    loaded = load_generator(tmp_path / "model", steps=tiny_generator.steps, batch_size=tiny_generator.batch_size)
    np.testing.assert_array_equal(loaded.sample(3, seed=4), tiny_generator.sample(3, seed=4))


def test_saved_folder_loads_in_diffusers_stock_pipeline(tmp_path, tiny_generator):
    from diffusers.pipelines.deprecated.audio_diffusion import AudioDiffusionPipeline

    save_generator(tiny_generator, tmp_path / "model")
    pipeline = AudioDiffusionPipeline.from_pretrained(str(tmp_path / "model"))
    assert pipeline.mel.x_res == 32 and pipeline.mel.hop_length == tiny_generator.mel.hop_length
    assert type(pipeline.scheduler).__name__ == "DDIMScheduler"


def test_missing_folder_names_presets_and_fix(tmp_path):
    with pytest.raises(ModelDirError, match=r"does not exist.*hcbench pretrain"):
        load_generator(tmp_path / "nowhere")


@pytest.mark.parametrize("part", ["unet/config.json", "scheduler/scheduler_config.json", "mel/mel_config.json"])
def test_missing_part_is_named(tmp_path, part):
    _write_audio_diffusion_256_layout(tmp_path)
    (tmp_path / part).unlink()
    with pytest.raises(ModelDirError, match=f"lacks {part}"):
        load_generator(tmp_path)


def test_missing_weights_and_latent_models_are_refused(tmp_path):
    _write_audio_diffusion_256_layout(tmp_path)
    index = json.loads((tmp_path / "model_index.json").read_text())
    (tmp_path / "model_index.json").write_text(json.dumps({**index, "vqvae": ["diffusers", "AutoencoderKL"]}))
    with pytest.raises(ModelDirError, match="latent audio diffusion"):
        load_generator(tmp_path)
    for weights in (tmp_path / "unet").glob("diffusion_pytorch_model.*"):
        weights.unlink()
    with pytest.raises(ModelDirError, match="no diffusion_pytorch_model"):
        load_generator(tmp_path)


def test_corrupt_json_is_reported(tmp_path):
    _write_audio_diffusion_256_layout(tmp_path)
    (tmp_path / "scheduler" / "scheduler_config.json").write_text("{not json")
    with pytest.raises(ModelDirError, match="not valid JSON"):
        load_generator(tmp_path)
