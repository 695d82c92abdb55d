"""The curator pages' one door into the curator index (web/searching.py is the public's, and never opens it).

`find(query)` runs a `search.query.Query` (with consent states, sort "-changed") on this
process's reader of `<instance>/index/curator.json`; if there is no curator index yet (an
instance indexed before curators came, or by `archive index --public-only`) it is built first.
"""

from __future__ import annotations

from pathlib import Path

from flask import current_app

from archive.config import Config
from archive.consent import Audience
from search.query import Query
from search.results import Results
from search.searcher import IndexMissing, SearchIndex

from ..gate import today

__all__ = ["curator_index", "find", "EXTENSION"]

EXTENSION = "archive_curator_search"


def _config() -> Config:
    return Config(Path(current_app.config["ARCHIVE_CONTENT"]), Path(current_app.config["ARCHIVE_INSTANCE"]))


def curator_index() -> SearchIndex:
    """This process's reader of the curator index, opened once; it follows new generations itself."""
    found = current_app.extensions.get(EXTENSION)
    if found is None:
        found = SearchIndex(_config(), Audience.CURATOR)
        current_app.extensions[EXTENSION] = found
    return found


def find(query: Query) -> Results:
    """Run a query on the curator index (raises `QueryError` for a bad parameter)."""
    try:
        return curator_index().search(query)
    except IndexMissing:
        from search.indexer import update_index

        update_index(_config(), today(), procs=1, audience=Audience.CURATOR)
        return curator_index().search(query)
