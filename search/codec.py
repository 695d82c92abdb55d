"""Whoosh's W3 codec, tuned for this archive: uncompressed postings and remembered column lookups.

Both change speed only, never what is indexed: posting blocks are written and
read without zlib (a larger index, faster builds, merges and queries), and the
per-document reader remembers which length columns a segment lacks instead of
asking the file system again for every posting of an unscored field.
"""

from __future__ import annotations

from typing import Any

from whoosh.codec.whoosh3 import W3Codec, W3PerDocReader

__all__ = ["ArchiveCodec"]


class _PerDocReader(W3PerDocReader):
    """W3's reader with a cache for `has_column`, which W3 answers with a stat() each time."""

    def __init__(self, storage: Any, segment: Any):
        super().__init__(storage, segment)
        self._has_column: dict[str, bool] = {}

    def has_column(self, fieldname: str) -> bool:
        found = self._has_column.get(fieldname)
        if found is None:
            found = self._has_column[fieldname] = bool(super().has_column(fieldname))
        return found


class ArchiveCodec(W3Codec):
    """W3 without posting compression, with the caching per-document reader."""

    def __init__(self) -> None:
        super().__init__(blocklimit=128, compression=0, inlinelimit=1)

    def per_document_reader(self, storage: Any, segment: Any) -> W3PerDocReader:
        return _PerDocReader(storage, segment)
