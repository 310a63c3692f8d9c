"""The run store: one SQLite database per run plus the songs' files (store/ records, metrics read)."""
from hcbench.store.database import DB_NAME, RunStore, StoreError
from hcbench.store.song_files import read_song_image, write_song_files

__all__ = ["DB_NAME", "RunStore", "StoreError", "read_song_image", "write_song_files"]
