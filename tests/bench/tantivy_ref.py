"""The second reference engine: Tantivy (Rust) through its official Python binding, `tantivy` on PyPI.

Same documents as FTS5 and ours: the files are read by fts5.py's loader (the archive's
loader, `consent.view` for the public form, `search.documents.document_for`), with the
same number of processes; only the engine differs. It shows how far a compiled engine
goes on this machine.

Layout, as close to ours as the binding allows:
- text fields title, summary, body, narrator, place_names with a tokenizer of simple words,
  lowercased, ASCII-folded and English-stemmed (`bench_en`), the nearest to FTS5's
  `porter unicode61 remove_diacritics 2`; queries are parsed with the same field boosts as
  FTS5's bm25 weights (title 3, summary 2, place names 1.5, body and narrator 1), every word
  required (as ours and FTS5 require);
- places and themes (with ancestors), language and years as raw multi-valued fast fields:
  filters are term queries, facets one terms aggregation per field over the whole match
  set (as ours count them, every place, broader place, theme and year);
- page 1 ranked by BM25, with a highlighted snippet of the body (SnippetGenerator).
Tantivy keeps no result cache, so its warm and cold passes differ only by the OS page cache.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import time
from pathlib import Path
from typing import Any

import tantivy

from search.sources import load_vocabularies, scan_content

from .fts5 import _load, facet_label
from .queries import BenchQuery

__all__ = ["build", "TantivySearch", "version"]

TEXT = ("title", "summary", "body", "narrator", "place_names")
BOOSTS = {"title": 3.0, "summary": 2.0, "body": 1.0, "narrator": 1.0, "place_names": 1.5}
FACETS = {"place": "places", "theme": "themes", "language": "language", "year": "years"}
ANALYZER = "bench_en"
HEAP = 256 * 2**20  # the writer's memory budget, split between its threads


def version() -> str:
    from importlib import metadata
    return metadata.version("tantivy")


def _schema() -> Any:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", stored=True, tokenizer_name="raw")
    for name in TEXT:
        builder.add_text_field(name, stored=True, tokenizer_name=ANALYZER)
    for name in ("places", "themes", "language", "years"):
        builder.add_text_field(name, stored=False, fast=True, tokenizer_name="raw")
    builder.add_integer_field("event_start", stored=False, fast=True)
    builder.add_text_field("shown", stored=True, tokenizer_name="raw", index_option="basic")
    return builder.build()


def _analyzer() -> Any:
    return (tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple()).filter(tantivy.Filter.remove_long(40))
            .filter(tantivy.Filter.lowercase()).filter(tantivy.Filter.ascii_fold())
            .filter(tantivy.Filter.stemmer("english")).build())


def _open(path: Path, schema: Any | None = None) -> Any:
    index = tantivy.Index(schema or _schema(), path=str(path))
    index.register_tokenizer(ANALYZER, _analyzer())
    return index


def build(path: Path, content: Path, today: dt.date, procs: int = 2) -> dict[str, Any]:
    """A new index from every file; returns the seconds in total and inside Tantivy."""
    started = time.perf_counter()
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    scan = scan_content(content)
    index = _open(path)
    writer = index.writer(HEAP, procs)
    inside, indexed = 0.0, 0
    for rows in _load(content, list(scan.files.values()), set(scan.files), today, procs):
        mark = time.perf_counter()
        for _stat, doc, meta in rows:
            if doc is None or meta is None:
                continue
            testimony_id, title, summary, body, narrator, place_names = doc
            _, places, themes, language, years, start, _end, shown = meta
            writer.add_document(tantivy.Document(
                id=testimony_id, title=title, summary=summary or "", body=body, narrator=narrator or "",
                place_names=place_names or "", places=json.loads(places), themes=json.loads(themes),
                language=language, years=[str(y) for y in json.loads(years)], event_start=int(start or 0),
                shown=shown))
            indexed += 1
        inside += time.perf_counter() - mark
    mark = time.perf_counter()
    writer.commit()
    writer.wait_merging_threads()
    inside += time.perf_counter() - mark
    return {"seconds": time.perf_counter() - started, "index_seconds": inside, "public": indexed,
            "files": len(scan.files)}


class TantivySearch:
    """Page 1 of a search as a dict shaped like our `/api/search` body: hits with snippets, total, facets."""

    def __init__(self, path: Path, content: Path, per_page: int = 20):
        self.index = _open(path)
        self.index.reload()
        self.schema = self.index.schema
        self.searcher = self.index.searcher()
        places, themes = load_vocabularies(content)
        self.place_names = {p.id: p.name for p in places}
        self.theme_labels = {t.id: t.label for t in themes}
        self.per_page = per_page

    def _query(self, bq: BenchQuery) -> Any:
        parts = []
        if bq.match:
            parts.append((tantivy.Occur.Must, self.index.parse_query(
                bq.match, list(TEXT), field_boosts=BOOSTS, conjunction_by_default=True)))
        for field, value in (("places", bq.place), ("themes", bq.theme), ("language", bq.language)):
            if value:
                parts.append((tantivy.Occur.Must, tantivy.Query.term_query(self.schema, field, value)))
        if not parts:
            return tantivy.Query.all_query()
        return parts[0][1] if len(parts) == 1 else tantivy.Query.boolean_query(parts)

    def search(self, bq: BenchQuery) -> dict[str, Any]:
        query = self._query(bq)
        if bq.match:
            found = self.searcher.search(query, self.per_page)
        else:
            found = self.searcher.search(query, self.per_page, order_by_field="event_start")
        aggs = self.searcher.aggregate(query, {kind: {"terms": {"field": field, "size": 10_000}}
                                               for kind, field in FACETS.items()})
        facets = {kind: [{"value": b["key"], "label": self._label(kind, str(b["key"])), "count": b["doc_count"],
                          "selected": b["key"] in (bq.place, bq.theme, bq.language)}
                         for b in aggs.get(kind, {}).get("buckets", [])] for kind in FACETS}
        for kind, items in facets.items():
            items.sort(key=(lambda i: i["value"]) if kind == "year" else (lambda i: (-i["count"], i["label"])))
        snippets = tantivy.SnippetGenerator.create(self.searcher, query, self.schema, "body") if bq.match else None
        if snippets is not None:
            snippets.set_max_num_chars(240)
        hits = []
        for _score, address in found.hits:
            doc = self.searcher.doc(address)
            testimony_id, title = doc.get_first("id"), doc.get_first("title")
            summary, body = doc.get_first("summary"), doc.get_first("body") or ""
            snippet = snippets.snippet_from_doc(doc).to_html() if snippets is not None else (summary or body)[:240]
            narrator, event_date, places, themes, language = json.loads(doc.get_first("shown"))
            hits.append({"id": testimony_id, "title": title, "url": f"/t/{testimony_id}", "snippet": snippet,
                         "summary": summary or None, "narrator": narrator,
                         "places": [{"id": p, "name": self.place_names.get(p, p)} for p in places],
                         "themes": [{"id": t, "label": self.theme_labels.get(t, t)} for t in themes],
                         "event_date": event_date, "language": language})
        return {"ok": True, "total": found.count, "page": 1, "per_page": self.per_page, "results": hits,
                "facets": facets, "suggestion": None}

    def _label(self, kind: str, value: str) -> str:
        return facet_label(kind, value, self.place_names, self.theme_labels)
