"""One index generation as a thread has opened it: its searcher, vocabularies, parser, facet table, caches."""

from __future__ import annotations

import contextlib
import weakref
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any, Iterator, Mapping

from archive.vocabulary import Gazetteer, Themes

from .documents import split_public_form_key
from .facets import FacetTable
from .textquery import QueryCompiler

__all__ = ["Opened"]


def _close(searcher: Any) -> None:
    with contextlib.suppress(Exception):  # already closed, or its folder gone
        searcher.close()


@dataclass
class Opened:
    """One generation as opened: its searcher, vocabularies, compiled parser, facet table and caches.

    The searcher's segment files are closed when this is dropped (a thread ending, an index
    object let go), not left to the collector: they are separate files, each an open handle."""

    generation: str
    stamp: tuple[int, str]
    ix: Any
    searcher: Any
    places: Gazetteer
    themes: Themes
    compiler: QueryCompiler
    table: FacetTable
    cache: OrderedDict[Any, Any] = field(default_factory=OrderedDict)

    def __post_init__(self) -> None:
        weakref.finalize(self, _close, self.searcher)

    @property
    def key(self) -> str:
        """The generation and its Whoosh commit, e.g. '000003/7'."""
        return f"{self.generation}/{self.searcher.reader().generation()}"

    @property
    def published(self) -> Mapping[str, str]:
        """Every live document's id and the version of the public form it was made from, read from the
        index's column each time it is walked: nothing per document is kept in memory."""
        return Published(self.searcher.reader())


class Published(Mapping[str, str]):
    """The `pubform` column of one reader as id -> version, streamed (the guard walks it once per public set)."""

    def __init__(self, reader: Any):
        self.reader = reader

    def _pairs(self) -> Iterator[tuple[str, str]]:
        if not self.reader.doc_count_all():
            return
        column = self.reader.column_reader("pubform")
        for docnum in self.reader.all_doc_ids():
            yield split_public_form_key(column[docnum])

    def items(self) -> Iterator[tuple[str, str]]:  # type: ignore[override]
        return self._pairs()

    def __getitem__(self, testimony_id: str) -> str:
        for found, version in self._pairs():
            if found == testimony_id:
                return version
        raise KeyError(testimony_id)

    def __iter__(self) -> Iterator[str]:
        return (testimony_id for testimony_id, _ in self._pairs())

    def __len__(self) -> int:
        return int(self.reader.doc_count())
