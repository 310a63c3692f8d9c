"""Audio front end: files -> mono signal -> clips -> mel spectrogram images, and back."""
from hcbench.audio.errors import AudioError
from hcbench.audio.io import list_audio_files, load_audio, write_audio
from hcbench.audio.mel import MelConfig, audio_to_image, image_to_audio, images_to_tensor, tensor_to_images
from hcbench.audio.slicing import slice_audio

__all__ = [
    "AudioError", "MelConfig", "audio_to_image", "image_to_audio", "images_to_tensor", "list_audio_files",
    "load_audio", "slice_audio", "tensor_to_images", "write_audio",
]
