"""The indexes' fields: what is indexed, what is stored, and what users may name in a query.

The curator index has every field of the public one, plus each testimony's consent state
(a filter) and when its file last changed (a sort).
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from types import MappingProxyType

from whoosh import columns, fields

from archive.consent import Audience

from .analysis import name_analyzer, text_analyzer
from .postings import text_field

__all__ = ["SCHEMA_VERSION", "public_schema", "curator_schema", "schema_for", "TEXT_FIELDS", "FIELD_BOOSTS",
           "USER_FIELDS"]


def _version() -> str:
    """Changes whenever the fields, the analyzers or the documents may: an older index is then rebuilt."""
    digest = hashlib.sha256()
    for name in ("schema.py", "analysis.py", "arabic.py", "lexicon.py", "documents.py", "postings.py"):
        digest.update((Path(__file__).parent / name).read_bytes())
    return "1-" + digest.hexdigest()[:12]


SCHEMA_VERSION = _version()

# The fields a query's plain words search, and how much a match in each counts.
TEXT_FIELDS = ("title", "summary", "narrator", "body", "place_names")
FIELD_BOOSTS = MappingProxyType({"title": 3.0, "summary": 2.0, "narrator": 1.0, "body": 1.0, "place_names": 1.5})

# The names a user may put before a colon in a query, and the field each one searches.
USER_FIELDS = MappingProxyType({
    "title": "title", "summary": "summary", "body": "body", "narrator": "narrator",
    "place": "places", "theme": "themes", "language": "language", "year": "years",
})


def public_schema() -> fields.Schema:
    """The schema of the public index: only what the public may see, in its public form."""
    text, names = text_analyzer(), name_analyzer()
    return fields.Schema(
        id=fields.ID(stored=True, unique=True),
        title=text_field(text, stored=True),
        summary=text_field(text, stored=True),
        # Character offsets let snippets be cut without analysing the text again.
        body=text_field(text, stored=True, chars=True),
        narrator=text_field(names),
        place_names=text_field(names),
        # Ids with every ancestor (places) or broader theme, so a filter finds narrower ones.
        places=fields.KEYWORD(),
        themes=fields.KEYWORD(),
        language=fields.ID(),
        years=fields.KEYWORD(),
        # YYYYMMDD: an event_date interval, for overlap filters and date sorting.
        event_start=fields.NUMERIC(int, bits=32, shift_step=8, sortable=True),
        event_end=fields.NUMERIC(int, bits=32, shift_step=8),
        # Facet keys per document, read from a column (not from stored fields).
        facets=fields.COLUMN(columns.VarBytesColumn()),
        # What a result shows that is not stored above: narrator, date as written, shown places, themes, language.
        meta=fields.STORED(),
        # "<id>\\0<version>": the public form each document was made from (consent.view(...).version), read as a
        # column so that a reader can compare the whole index with the files' current public views cheaply.
        pubform=fields.COLUMN(columns.VarBytesColumn()),
    )


def curator_schema() -> fields.Schema:
    """The schema of the curator index: the public fields, the consent state, and the file's change time."""
    schema = public_schema()
    schema.add("state", fields.ID(stored=True))  # an archive.consent.State value on the indexed day
    schema.add("changed", fields.NUMERIC(int, bits=64, sortable=True))  # the file's mtime, in seconds
    return schema


def schema_for(audience: Audience) -> fields.Schema:
    """The schema of this audience's index."""
    return curator_schema() if audience is Audience.CURATOR else public_schema()
