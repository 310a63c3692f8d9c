"""The run store: one SQLite database per run plus the songs' files (store/ records, metrics read).

``queries`` holds every question the loop and the metrics ask of the database, ``records``
every write, so the SQL lives in this package only.
"""
from hcbench.store import queries, records
from hcbench.store.database import DB_NAME, RunStore, StoreError
from hcbench.store.song_files import read_song_image, write_song_files

__all__ = ["DB_NAME", "RunStore", "StoreError", "queries", "read_song_image", "records", "write_song_files"]
