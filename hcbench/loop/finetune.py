"""Weighted fine-tuning (paper 4.1, eq. 2): v(n+1) learns D's songs, each weighted by its confidence c."""
from __future__ import annotations

import copy
import logging

from hcbench.loop.versions import Versions
from hcbench.models.model_dir import save_generator
from hcbench.models.pretrain import TrainerConfig, pretrain
from hcbench.store import RunStore

log = logging.getLogger(__name__)


def finetune_next_version(store: RunStore, iteration: int, versions: Versions, trainer: TrainerConfig) -> dict:
    """Train v(iteration+1) from v(iteration) on D; resumable through its checkpoint folder."""
    new = iteration + 1
    rows = store.rows("SELECT song_id, confidence FROM training_set WHERE removed_iteration IS NULL ORDER BY song_id")
    folder = versions.folder(new)
    generator = copy.deepcopy(versions.generator(iteration))
    summary = {"train_size": len(rows), "steps": 0}
    if rows:
        cfg = copy.copy(trainer)
        cfg.seed = trainer.seed + new  # each round its own batches and noise
        images = store.song_images([r["song_id"] for r in rows])
        summary |= pretrain(generator, images, cfg, folder / "train", weights=[r["confidence"] for r in rows],
                            description=f"fine-tuning v{new} on {len(rows)} songs")
    else:
        log.warning("iteration %d: the training set is empty; v%d is a copy of v%d", iteration, new, iteration)
    model_dir = save_generator(generator.eval_mode(), folder / "model")
    versions.register(new, model_dir, len(rows), iteration)
    return summary
