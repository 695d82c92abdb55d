"""Datasette as `make peer` serves it: an ASGI app factory for uvicorn (runs only inside .venv-peer).

    PEER_DB=peer.db .venv-peer/bin/python -m uvicorn --factory peer_app:app --app-dir tests/bench --workers 2

The database is opened immutable (it is only read); time limits are raised so that every
search and facet is computed in full under load, as ours are, and facet suggestions are off.
"""

from __future__ import annotations

import os
from typing import Any

from datasette.app import Datasette

__all__ = ["app", "SETTINGS"]

SETTINGS = {"sql_time_limit_ms": 60_000, "facet_time_limit_ms": 60_000, "suggest_facets": False,
            "default_page_size": 20}


def app() -> Any:
    return Datasette(immutables=[os.environ["PEER_DB"]], settings=SETTINGS).app()
