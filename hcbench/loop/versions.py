"""The model versions of a run: v0 is the base model, v(n+1) is made from v(n) in the run directory.

A version is loaded as it serves (``hcbench.models.best_of_n.load_version``): its weights, or a
best-of-n rule over another version's weights, which needs the run's ``similarity``.
"""
from __future__ import annotations

from pathlib import Path

from hcbench.models.generator import Generator
from hcbench.models.best_of_n import load_version
from hcbench.store import RunStore, queries, records


class Versions:
    """Loads each version once; ``steps`` and ``batch_size`` come from the run's model config."""

    def __init__(self, store: RunStore, base_path: str, steps: int, batch_size: int, device: str = "cpu",
                 similarity=None):
        self.store, self.steps, self.batch_size, self.device = store, steps, batch_size, device
        self.similarity = similarity  # the run's SongSimilarity: what a best-of-n version's reward model reads
        self._loaded: dict[int, Generator] = {}
        if not self.ids():
            with store.transaction() as db:
                records.version(db, 0, None, str(base_path), train_size=0, iteration=0)

    def ids(self) -> list[int]:
        return queries.version_ids(self.store)

    def folder(self, version: int) -> Path:
        return self.store.run_dir / "versions" / f"v{version}"

    def path(self, version: int) -> str:
        return queries.version_path(self.store, version)

    def generator(self, version: int) -> Generator:
        if version not in self._loaded:
            path = self.path(version)
            self._loaded[version] = load_version(path, self.steps, self.batch_size, self.device, self.similarity)
        return self._loaded[version]

    def register(self, version: int, model_dir: Path, train_size: int, iteration: int) -> None:
        """Record a finished fine-tune; a version exists for the loop only once this commits."""
        with self.store.transaction() as db:
            records.version(db, version, version - 1, str(model_dir), train_size, iteration)
