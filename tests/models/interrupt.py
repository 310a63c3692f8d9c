"""Kill a training loop between checkpoints, the way a user's Ctrl-C or a crash would."""
from __future__ import annotations

import contextlib


@contextlib.contextmanager
def killed_at_step(monkeypatch, module, step: int):
    """Inside the block, ``module._train_step`` raises KeyboardInterrupt once ``state.step`` reaches ``step``."""
    real_step = module._train_step

    def dies(state, *args, **kwargs):
        if state.step == step:
            raise KeyboardInterrupt
        return real_step(state, *args, **kwargs)

    monkeypatch.setattr(module, "_train_step", dies)
    try:
        yield
    finally:
        monkeypatch.setattr(module, "_train_step", real_step)
