"""One index generation as a thread has opened it: its searcher, vocabularies, parser, facet table, caches."""

from __future__ import annotations

import contextlib
import weakref
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any, Mapping

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
    _published: dict[str, str] | None = None

    def __post_init__(self) -> None:
        weakref.finalize(self, _close, self.searcher)

    @property
    def key(self) -> str:
        """The generation and its Whoosh commit, e.g. '000003/7'."""
        return f"{self.generation}/{self.searcher.reader().generation()}"

    @property
    def published(self) -> Mapping[str, str]:
        """Every live document's id and the version of the public form it was made from (read once)."""
        if self._published is None:
            reader = self.searcher.reader()
            found: dict[str, str] = {}
            if reader.doc_count_all():
                column = reader.column_reader("pubform")
                for docnum in reader.all_doc_ids():
                    testimony_id, version = split_public_form_key(column[docnum])
                    found[testimony_id] = version
            self._published = found
        return self._published
