"""`make bench`: our search engine against SQLite FTS5 on synthetic collections (see run.py)."""
