"""Full-text search of the public testimonies, on Whoosh; every Whoosh call stays inside this package.

The web layer and scripts use:

- `parse_query(params) -> Query` (raises `QueryError(param, message)`: a 400);
- `SearchIndex(config)`: `.search(query) -> Results` (`.to_json()` is the `/api/search` body),
  `.related(id)`, `.ids(query)`; one per process, it follows new index generations itself;
- `update_index(config, today, rebuild=False)`, `index_status(config, today)`,
  `ensure_current(config, today)`: building and keeping the index current.

Each of these takes an `audience` (`archive.consent.Audience`, PUBLIC by default): with
`Audience.CURATOR` they work on the separate curator index (every testimony, with its consent
state), which only the curator pages open.
"""

from .indexer import IndexReport, IndexStatus, ensure_current, index_status, update_index
from .locking import IndexBusy
from .query import Query, QueryError, parse_query
from .results import FacetItem, Hit, PlaceRef, Results, ThemeRef
from .searcher import IndexMissing, SearchIndex

__all__ = [
    "parse_query", "Query", "QueryError", "SearchIndex", "IndexMissing", "Results", "Hit", "FacetItem",
    "PlaceRef", "ThemeRef", "update_index", "index_status", "ensure_current", "IndexReport", "IndexStatus",
    "IndexBusy",
]
