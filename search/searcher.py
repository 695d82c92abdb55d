"""Running searches on an index: filters, sorting, facets, snippets, suggestions, related.

`SearchIndex(config)` reads the public index; `SearchIndex(config, Audience.CURATOR)` the curator
index, which also filters by consent state (`Query.states`), sorts by change time (sort
"-changed") and counts states (facet "state"). The public one never opens curator paths.

One `SearchIndex` per process: each thread opens the serving generation once, and on each
call reads the head of the manifest (a serial number that every index run
increments) to see whether the index changed, opening a new searcher and dropping
its caches only then. Result orders and facet counts are cached per searcher (per thread).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from whoosh import index as whoosh_index
from whoosh import query as wq

from archive.config import Config
from archive.consent import Audience, State
from archive.errors import ArchiveError
from archive.vocabulary import Gazetteer, Themes

from . import planning, snippets
from .documents import day_number, split_public_form_key
from .facets import FacetTable, facet_items
from .manifest import IndexPaths, read_manifest, read_serial
from .query import Query, QueryError
from .results import FacetItem, Hit, PlaceRef, Results, ThemeRef
from .sources import load_vocabularies
from .textquery import QueryCompiler, check_expansion

__all__ = ["SearchIndex", "IndexMissing", "CURATOR_SORTS", "Guard", "CurrentText"]

CACHE_SIZE = 256
CURATOR_SORTS = ("-changed",)  # sorts only the curator index can do, besides the public ones


class IndexMissing(ArchiveError):
    """There is no usable index (of the audience asked for) in the instance directory."""


# Called with the opened generation's key and what it holds (id -> version of the public form each document
# was made from) before anything is read from it; raises to refuse that generation.
Guard = Callable[[str, Mapping[str, str]], None]
# The current public (body, summary) plain text of a testimony, for its snippet; None if it is not public.
CurrentText = Callable[[str], "tuple[str, str] | None"]


@dataclass
class _Opened:
    """One generation as opened: its searcher, vocabularies, compiled parser, facet table and caches."""

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


class SearchIndex:
    """One audience's index (the public one unless told) as this process reads it; thread-safe.

    Each thread has a searcher of its own (Whoosh searchers are not to be shared), so a slow
    query in one thread never holds up another: nothing is serialised between them."""

    def __init__(self, config: Config, audience: Audience = Audience.PUBLIC):
        self.audience = audience
        self.paths = IndexPaths(config.instance, audience)
        self._local = threading.local()
        self._missing = ("There is no curator index yet; run 'archive index'." if audience is Audience.CURATOR
                         else "There is no search index yet; run 'archive index'.")

    # --- lifecycle -------------------------------------------------------------------------

    @property
    def _opened(self) -> _Opened | None:
        """This thread's opened generation."""
        return getattr(self._local, "opened", None)

    @_opened.setter
    def _opened(self, value: _Opened | None) -> None:
        self._local.opened = value

    def _stamp(self) -> tuple[int, str]:
        """The manifest's serial and generation: every index run that changes anything writes a new one."""
        stamp = read_serial(self.paths)
        if stamp is None:
            raise IndexMissing(self._missing)
        return stamp

    def _current(self) -> _Opened:
        stamp = self._stamp()
        if self._opened is None or self._opened.stamp != stamp:
            for attempt in range(3):  # a rebuild may swap generations while we open one
                try:
                    self._opened = self._open(stamp)
                    break
                except (OSError, whoosh_index.EmptyIndexError):
                    if attempt == 2:
                        raise IndexMissing("The search index cannot be read; run 'archive index'.") from None
                    stamp = self._stamp()
        return self._opened  # type: ignore[return-value]

    def _open(self, stamp: tuple[int, str]) -> _Opened:
        manifest = read_manifest(self.paths)
        if manifest is None:
            raise IndexMissing(self._missing)
        old = self._opened
        if old is not None and old.generation == manifest.generation:
            if old.searcher.up_to_date():
                old.stamp = stamp
                return old
            # Not Searcher.refresh(): Whoosh-Reloaded 2.7.5 keeps the replaced segments in a refreshed
            # reader, which would go on finding documents that were deleted.
            searcher = old.ix.searcher()
            old.searcher.close()
            return _Opened(old.generation, stamp, old.ix, searcher, old.places, old.themes, old.compiler,
                           FacetTable(searcher.reader()))
        directory = self.paths.generation(manifest.generation)
        ix = whoosh_index.open_dir(str(directory))
        places, themes = load_vocabularies(directory)
        searcher = ix.searcher()
        if old is not None:
            old.searcher.close()
        return _Opened(manifest.generation, stamp, ix, searcher, places, themes,
                       QueryCompiler(places, themes), FacetTable(searcher.reader()))

    @property
    def generation(self) -> str:
        """The serving generation and its Whoosh commit, e.g. '000003/7': a cache key for callers."""
        return self._current().key

    def _guarded(self, guard: Guard | None) -> _Opened:
        """The serving generation, once `guard` (if any) accepted what it holds."""
        s = self._current()
        if guard is not None:
            guard(s.key, s.published)
        return s

    def clear_cache(self) -> None:
        """Forget cached result orders and facet counts (for benchmarks of uncached queries)."""
        if self._opened is not None:
            self._opened.cache.clear()

    def close(self) -> None:
        if self._opened is not None:
            self._opened.searcher.close()
            self._opened = None

    # --- searching ----------------------------------------------------------------------------

    def search(self, query: Query, guard: Guard | None = None, current: CurrentText | None = None) -> Results:
        """Run a validated query: the page of hits, the total and facets over all results, a suggestion.

        `guard` may refuse the generation before anything is read from it; `current` gives each hit's
        text as it is now, for its snippet (the stored text is used only where it is the same)."""
        s = self._guarded(guard)
        query = self._checked(_resolved(query, s))
        answer = self._answer(s, query)
        order, counts, text = answer.order, answer.counts, answer.text
        facets = facet_items(counts, query, s.places, s.themes)
        if self.audience is Audience.CURATOR:  # counted as if no state were chosen, so each can be
            unfiltered = self._ranked(s, query.replace(states=()), text)[1] if query.states else counts
            facets["state"] = _state_items(unfiltered, query)
        start = (query.page - 1) * query.per_page
        hits = _hits(s, order[start:start + query.per_page], text, current)
        return Results(query, len(order), hits, facets, answer.suggestion, understood=answer.understood,
                       relaxed=answer.relaxed, correction=answer.correction)

    def ids(self, query: Query, guard: Guard | None = None) -> list[str]:
        """The ids of every result, in order, without building hits (for exports)."""
        s = self._guarded(guard)
        query = self._checked(_resolved(query, s))
        order = self._answer(s, query).order
        return [s.searcher.stored_fields(docnum)["id"] for docnum in order]

    def _answer(self, s: _Opened, query: Query) -> planning.Answer:
        """The results of `q` as planning decides (every word, a correction, or some words), cached."""
        key = ("answer", query.result_key(), query.sort)
        if key not in s.cache:
            s.cache[key] = planning.answer(s.searcher, s.compiler, s.table, query, self._filters(query),
                                           lambda q, text: self._ranked(s, q, text))
            if len(s.cache) > CACHE_SIZE:
                s.cache.popitem(last=False)
        return s.cache[key]  # type: ignore[no-any-return]

    def _checked(self, query: Query) -> Query:
        """The query, if this index can answer it: states and change times are the curator index's alone."""
        if self.audience is not Audience.CURATOR:
            if query.states:
                raise QueryError.coded("state", "query.state-public")
            if query.sort in CURATOR_SORTS:
                raise QueryError.coded("sort", "query.sort-public")
            return query
        known = {s.value for s in State}
        for value in query.states:
            if value not in known:
                raise QueryError.coded("state", "query.state", states=", ".join(sorted(known)), value=value[:40])
        return query

    def _ranked(self, s: _Opened, query: Query, text: wq.Query | None) -> tuple[tuple[int, ...], Any]:
        """Every matching document number in result order, and the facet counts: one pass, cached."""
        key = (query.result_key(), query.sort)
        if key in s.cache:
            s.cache.move_to_end(key)
            return s.cache[key]  # type: ignore[no-any-return]
        if query.q and text is None:  # only stop words or symbols: nothing can match
            value: tuple[tuple[int, ...], Any] = ((), {})
        else:
            if text is not None:
                check_expansion(text, s.searcher.reader())
            filters = self._filters(query)
            results = s.searcher.search(text if text is not None else wq.Every(), limit=None,
                                        sortedby=planning.sorted_by(query, text),
                                        filter=wq.And(filters) if filters else None)
            order = tuple(docnum for _, docnum in results.top_n)
            value = (order, s.table.count(order))
        s.cache[key] = value
        if len(s.cache) > CACHE_SIZE:
            s.cache.popitem(last=False)
        return value

    @staticmethod
    def _filters(query: Query) -> list[wq.Query]:
        filters: list[wq.Query] = [wq.Term("places", p) for p in query.places]
        filters += [wq.Term("themes", t) for t in query.themes]
        if query.language:
            filters.append(wq.Term("language", query.language))
        if query.date_from:  # the event interval overlaps [from, to]
            filters.append(wq.NumericRange("event_end", day_number(query.date_from.start), None))
        if query.date_to:
            filters.append(wq.NumericRange("event_start", None, day_number(query.date_to.end)))
        if query.states:  # any of them (_checked: only on the curator index)
            filters.append(wq.Or([wq.Term("state", state) for state in query.states]))
        return filters

    def related(self, testimony_id: str, limit: int = 5, guard: Guard | None = None) -> tuple[Hit, ...]:
        """Public testimonies sharing places, themes and characteristic words with this one (never itself)."""
        s = self._guarded(guard)
        docnum = s.searcher.document_number(id=testimony_id)
        if docnum is None:
            return ()
        _, _, shown_places, own_themes, _ = s.searcher.stored_fields(docnum)["meta"]
        keys = s.table.keys[docnum]  # places and themes with their ancestors
        clauses: list[wq.Query] = [wq.Term("places", p, boost=2.0) for p in shown_places]
        clauses += [wq.Term("places", k[2:], boost=0.5) for k in keys
                    if k.startswith("p:") and k[2:] not in shown_places and s.places.parent(k[2:])]
        clauses += [wq.Term("themes", t, boost=1.5) for t in own_themes]
        clauses += [wq.Term("themes", k[2:], boost=0.5) for k in keys
                    if k.startswith("t:") and k[2:] not in own_themes]
        clauses += [wq.Term("body", word, boost=weight)
                    for word, weight in s.searcher.key_terms([docnum], "body", numterms=12)]
        results = s.searcher.search(wq.Or(clauses), limit=limit, mask=wq.Term("id", testimony_id))
        return _hits(s, tuple(docnum for _, docnum in results.top_n), None, None)


def _state_items(counts: Any, query: Query) -> tuple[FacetItem, ...]:
    """The consent states among the results, in State order, with a selected one listed even at zero."""
    return tuple(FacetItem(state.value, state.value, counts.get(f"s:{state.value}", 0), state.value in query.states)
                 for state in State if counts.get(f"s:{state.value}", 0) or state.value in query.states)


def _resolved(query: Query, s: _Opened) -> Query:
    """The query with place and theme filters as ids (any name of a place or theme is accepted)."""
    places = []
    for value in query.places:
        found = s.places.resolve(value)
        if found is None:
            raise QueryError.coded("place", "query.place", value=value[:80])
        places.append(found)
    themes = []
    for value in query.themes:
        found = s.themes.resolve(value)
        if found is None:
            raise QueryError.coded("theme", "query.theme", value=value[:80])
        themes.append(found)
    return query.replace(places=tuple(dict.fromkeys(places)), themes=tuple(dict.fromkeys(themes)),
                         states=tuple(dict.fromkeys(query.states)), page=query.page)


def _hits(s: _Opened, docnums: tuple[int, ...], text: wq.Query | None,
          current: CurrentText | None) -> tuple[Hit, ...]:
    """The hits of a page: stored fields, snippets around the query's matches, labelled places and themes.

    With `current`, snippets are cut from each testimony's text as it is now, and a hit whose
    testimony is no longer public is left out."""
    stored = {d: s.searcher.stored_fields(d) for d in docnums}
    if current is not None:
        texts_now = {d: current(stored[d]["id"]) for d in docnums}
        docnums = tuple(d for d in docnums if texts_now[d] is not None)
        for d in docnums:
            body, summary = texts_now[d]  # type: ignore[misc]
            stored[d] = {**stored[d], "body_now": body, "summary": summary}
    reader = s.searcher.reader()
    body_terms = snippets.positive_terms(text, reader, "body") if text is not None else set()
    summary_terms = snippets.positive_terms(text, reader, "summary") if text is not None else set()
    texts = snippets.page_snippets(s.searcher, docnums, stored, body_terms, summary_terms,
                                   s.searcher.schema["summary"].analyzer, s.searcher.schema["body"].analyzer)
    hits = []
    for docnum in docnums:
        fields = stored[docnum]
        narrator, event_date, shown_places, own_themes, language = fields["meta"]
        hits.append(Hit(
            id=fields["id"], title=fields["title"], url=f"/t/{fields['id']}", snippet=texts[docnum],
            summary=fields.get("summary") or None, narrator=narrator,
            places=tuple(PlaceRef(p, s.places[p].name if p in s.places else p) for p in shown_places),
            themes=tuple(ThemeRef(t, s.themes[t].label if t in s.themes else t) for t in own_themes),
            event_date=event_date, language=language,
        ))
    return tuple(hits)
