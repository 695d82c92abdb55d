"""Running searches on an index: filters, sorting, facets, snippets, suggestions, related.

`SearchIndex(config)` reads the public index; `SearchIndex(config, Audience.CURATOR)` the curator
index, which also filters by consent state (`Query.states`), sorts by change time (sort
"-changed") and counts states (facet "state"). The public one never opens curator paths.

One `SearchIndex` per process: each call takes an opened generation from a small pool (one per
search running at that moment), reads the head of the manifest (a serial number that every index
run increments) to see whether the index changed, and opens a new searcher, dropping its caches,
only then. Result orders and facet counts are cached per opened generation.
"""

from __future__ import annotations

import contextlib
import threading
from typing import Any, Callable, Iterator, Mapping

from whoosh import index as whoosh_index
from whoosh import query as wq

from archive.config import Config
from archive.consent import Audience, State
from archive.errors import ArchiveError

from . import planning
from .facets import FacetTable, facet_items, state_items
from .hits import CurrentText, page_hits
from .manifest import IndexPaths, read_manifest, read_serial
from .opened import Opened
from .query import Query, QueryError
from .ranking import Ranking, filters_for
from .results import Hit, Results
from .sources import generation_vocabularies
from .storage import open_positional
from .textquery import QueryCompiler, check_expansion

__all__ = ["SearchIndex", "IndexMissing", "CURATOR_SORTS", "Guard", "CurrentText"]

CACHE_SIZE = 256
CURATOR_SORTS = ("-changed",)  # sorts only the curator index can do, besides the public ones


class IndexMissing(ArchiveError):
    """There is no usable index (of the audience asked for) in the instance directory."""


# Called with the opened generation's key and what it holds (id -> version of the public form each document
# was made from) before anything is read from it; raises to refuse that generation.
Guard = Callable[[str, Mapping[str, str]], None]


class SearchIndex:
    """One audience's index (the public one unless told) as this process reads it; thread-safe.

    Whoosh searchers are not to be shared between threads, so each call takes an opened generation
    (searcher, vocabularies, facet table, caches) from a small pool for as long as it runs and gives it
    back: a slow query in one thread never holds up another, and the process holds as many opened
    generations as searches ever ran at once (the web's search slots bound that), not one per thread."""

    def __init__(self, config: Config, audience: Audience = Audience.PUBLIC, idle: int = 3):
        self.audience = audience
        self.paths = IndexPaths(config.instance, audience)
        self._lock = threading.Lock()
        self._idle: list[Opened] = []  # opened generations no call holds, the last given back first
        self._keep = idle  # at most this many are kept idle; more are closed when given back
        self._missing = ("There is no curator index yet; run 'archive index'." if audience is Audience.CURATOR
                         else "There is no search index yet; run 'archive index'.")

    # --- lifecycle -------------------------------------------------------------------------

    def _stamp(self) -> tuple[int, str]:
        """The manifest's serial and generation: every index run that changes anything writes a new one."""
        stamp = read_serial(self.paths)
        if stamp is None:
            raise IndexMissing(self._missing)
        return stamp

    @contextlib.contextmanager
    def _current(self) -> Iterator[Opened]:
        """The serving generation, opened, held by this call alone until it ends."""
        with self._lock:
            held = self._idle.pop() if self._idle else None
        try:
            stamp = self._stamp()
            if held is None or held.stamp != stamp:
                for attempt in range(3):  # a rebuild may swap generations while we open one
                    try:
                        held = self._open(stamp, held)
                        break
                    except (OSError, whoosh_index.EmptyIndexError):
                        if attempt == 2:
                            raise IndexMissing("The search index cannot be read; run 'archive index'.") from None
                        stamp = self._stamp()
            yield held  # type: ignore[misc]
        finally:
            if held is not None:
                with self._lock:
                    kept = len(self._idle) < self._keep
                    if kept:
                        self._idle.append(held)
                if not kept:
                    held.searcher.close()

    def _open(self, stamp: tuple[int, str], old: Opened | None) -> Opened:
        manifest = read_manifest(self.paths)
        if manifest is None:
            raise IndexMissing(self._missing)
        if old is not None and old.generation == manifest.generation:
            if old.searcher.up_to_date():
                old.stamp = stamp
                return old
            # Not Searcher.refresh(): Whoosh-Reloaded 2.7.5 keeps the replaced segments in a refreshed
            # reader, which would go on finding documents that were deleted.
            searcher = old.ix.searcher()
            old.searcher.close()
            return Opened(old.generation, stamp, old.ix, searcher, old.places, old.themes, old.compiler,
                          FacetTable.of(searcher.reader()))
        directory = self.paths.generation(manifest.generation)
        ix = open_positional(str(directory))
        places, themes = generation_vocabularies(directory)
        searcher = ix.searcher()
        if old is not None:
            old.searcher.close()
        return Opened(manifest.generation, stamp, ix, searcher, places, themes,
                      QueryCompiler(places, themes), FacetTable.of(searcher.reader()))

    @property
    def generation(self) -> str:
        """The serving generation and its Whoosh commit, e.g. '000003/7': a cache key for callers."""
        with self._current() as s:
            return s.key

    def prepare(self, guard: Guard | None = None) -> FacetTable:
        """Open the serving generation, let `guard` see what it holds and read its facet table, searching
        nothing: what a server's master does before it forks its workers (web/ready.py). A worker opening the
        same segments shares the table (`FacetTable.of`) while the caller holds it, this index closed or not."""
        with self._guarded(guard) as s:
            return s.table

    @contextlib.contextmanager
    def _guarded(self, guard: Guard | None) -> Iterator[Opened]:
        """The serving generation, once `guard` (if any) accepted what it holds."""
        with self._current() as s:
            if guard is not None:
                guard(s.key, s.published)
            yield s

    def clear_cache(self) -> None:
        """Forget cached result orders and facet counts (for benchmarks of uncached queries)."""
        with self._lock:
            for opened in self._idle:
                opened.cache.clear()

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for opened in idle:
            opened.searcher.close()

    # --- searching ----------------------------------------------------------------------------

    def search(self, query: Query, guard: Guard | None = None, current: CurrentText | None = None) -> Results:
        """Run a validated query: the page of hits, the total and facets over all results, a suggestion.

        `guard` may refuse the generation before anything is read from it; `current` gives each hit's
        text as it is now, for its snippet (the stored text is used only where it is the same)."""
        with self._guarded(guard) as s:
            return self._search(s, query, current)

    def _search(self, s: Opened, query: Query, current: CurrentText | None) -> Results:
        query = self._checked(_resolved(query, s))
        answer = self._answer(s, query)
        order, counts, text = answer.order, answer.counts, answer.text
        facets = facet_items(counts, query, s.places, s.themes)
        if self.audience is Audience.CURATOR:  # counted as if no state were chosen, so each can be
            unfiltered = self._ranked(s, query.replace(states=()), text)[1] if query.states else counts
            facets["state"] = state_items(unfiltered, query)
        start = (query.page - 1) * query.per_page
        hits = page_hits(s, order[start:start + query.per_page], text, current, getattr(order, "body_values", None))
        return Results(query, len(order), hits, facets, answer.suggestion, understood=answer.understood,
                       relaxed=answer.relaxed, correction=answer.correction)

    def ids(self, query: Query, guard: Guard | None = None) -> list[str]:
        """The ids of every result, in order, without building hits (for exports)."""
        with self._guarded(guard) as s:
            query = self._checked(_resolved(query, s))
            order = self._answer(s, query).order
            return [s.searcher.stored_fields(docnum)["id"] for docnum in order]

    def _answer(self, s: Opened, query: Query) -> planning.Answer:
        """The results of `q` as planning decides (every word, a correction, or some words), cached."""
        key = ("answer", query.result_key(), query.sort)
        if key not in s.cache:
            s.cache[key] = planning.answer(s.searcher, s.compiler, s.table, query, filters_for(query),
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

    def _ranked(self, s: Opened, query: Query, text: wq.Query | None) -> tuple[Ranking | tuple[int, ...], Any]:
        """The matching documents in result order (ranked as far as asked) and the facet counts, cached."""
        key = (query.result_key(), query.sort)
        if key in s.cache:
            s.cache.move_to_end(key)
            return s.cache[key]  # type: ignore[no-any-return]
        if query.q and text is None:  # only stop words or symbols: nothing can match
            value: tuple[Ranking | tuple[int, ...], Any] = ((), {})
        else:
            if text is not None:
                check_expansion(text, s.searcher.reader())
            order = Ranking(s.searcher, text, planning.sorted_by(query, text), filters_for(query),
                            query.page * query.per_page)
            value = (order, s.table.count(order.matches))
        s.cache[key] = value
        if len(s.cache) > CACHE_SIZE:
            s.cache.popitem(last=False)
        return value

    def related(self, testimony_id: str, limit: int = 5, guard: Guard | None = None) -> tuple[Hit, ...]:
        """Public testimonies sharing places, themes and characteristic words with this one (never itself)."""
        with self._guarded(guard) as s:
            return self._related(s, testimony_id, limit)

    def _related(self, s: Opened, testimony_id: str, limit: int) -> tuple[Hit, ...]:
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
        return page_hits(s, tuple(docnum for _, docnum in results.top_n), None, None)


def _resolved(query: Query, s: Opened) -> Query:
    """The query with place and theme filters as ids (any name of a place or theme is accepted)."""
    def ids(values: tuple[str, ...], vocabulary: Any, name: str) -> tuple[str, ...]:
        found = []
        for value in values:
            resolved = vocabulary.resolve(value)
            if resolved is None:
                raise QueryError.coded(name, f"query.{name}", value=value[:80])
            found.append(resolved)
        return tuple(dict.fromkeys(found))

    return query.replace(places=ids(query.places, s.places, "place"), themes=ids(query.themes, s.themes, "theme"),
                         states=tuple(dict.fromkeys(query.states)), page=query.page)
