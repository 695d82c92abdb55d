"""Whoosh's W3 codec, tuned for this archive: uncompressed postings and remembered column lookups.

Both change speed only, never what is indexed: posting blocks are written and
read without zlib (a larger index, faster builds, merges and queries), and the
per-document reader remembers which length columns a segment lacks instead of
asking the file system again for every posting of an unscored field. It also
reads a field's length column (one byte a document) whole, once, instead of one
seek and read per document: scoring a query, and writing a segment's postings,
look up a length for every posting.
"""

from __future__ import annotations

from typing import Any

from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3Codec, W3PerDocReader, _lenfield
from whoosh.util.numeric import byte_to_length

_LENGTHS = tuple(byte_to_length(b) for b in range(256))

__all__ = ["ArchiveCodec"]


class _PerDocReader(W3PerDocReader):
    """W3's reader with a cache for `has_column`, which W3 answers with a stat() each time."""

    def __init__(self, storage: Any, segment: Any):
        super().__init__(storage, segment)
        self._has_column: dict[str, bool] = {}
        self._lengths: dict[str, bytes | None] = {}

    def has_column(self, fieldname: str) -> bool:
        found = self._has_column.get(fieldname)
        if found is None:
            found = self._has_column[fieldname] = bool(super().has_column(fieldname))
        return found

    def length_bytes(self, fieldname: str) -> bytes | None:
        """The field's length column, one byte a document, read once (None if the field has none)."""
        if fieldname not in self._lengths:
            reader = self._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
            self._lengths[fieldname] = None if reader is None else bytes(reader)
        return self._lengths[fieldname]

    def doc_field_length(self, docnum: int, fieldname: str, default: Any = 0) -> Any:
        """As W3's (None for a stored length of 0), from the whole column read once."""
        if docnum > self._doccount:
            raise IndexError(f"Asked for docnum {docnum!r} of {self._doccount}")
        lengths = self.length_bytes(fieldname)
        if lengths is None:
            return default
        lbyte = lengths[docnum]
        return _LENGTHS[lbyte] if lbyte else None


class ArchiveCodec(W3Codec):
    """W3 without posting compression, with the caching per-document reader."""

    def __init__(self) -> None:
        super().__init__(blocklimit=128, compression=0, inlinelimit=1)

    def per_document_reader(self, storage: Any, segment: Any) -> W3PerDocReader:
        return _PerDocReader(storage, segment)
