"""The reference engine: SQLite FTS5 from the standard library over the same public documents.

Fairness: FTS5 reads the files exactly as our indexer does — `search.sources.read_testimony`
(the archive loader and its reference checks), `archive.consent.view` for the public form
(so both engines hold the same public testimonies, redacted and coarsened alike) and
`search.documents.document_for` for the plain text and the ancestor-expanded place and
theme ids — with the same number of processes. Only the engine differs.

Layout (a strong reference, not a naive one): an FTS5 table `docs` for the text,
tokenizer `porter unicode61 remove_diacritics 2`, ranked by bm25 with our field boosts;
a plain table `meta` with places/themes (with ancestors) and years as JSON arrays, so
filters are WHERE clauses and facets are GROUP BY over the matched rows without reading
the text; a `files` table (path, mtime, size) for incremental updates.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path
from typing import Any, Iterable, Iterator

from archive import consent
from archive.consent import Audience
from archive.errors import Gone, NotFound
from search.documents import document_for
from search.sources import FileStat, load_vocabularies, read_testimony, scan_content

from .queries import BenchQuery

__all__ = ["build", "update", "Fts5Search", "TOKENIZER", "facet_label"]

TOKENIZER = "porter unicode61 remove_diacritics 2"
CHUNK = 200  # files per task of a loading process
SCHEMA = f"""
CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, title, summary, body, narrator, place_names,
    tokenize='{TOKENIZER}');
INSERT INTO docs(docs, rank) VALUES('rank', 'bm25(0.0, 3.0, 2.0, 1.0, 1.0, 1.5)');
CREATE TABLE meta(rowid INTEGER PRIMARY KEY, id TEXT UNIQUE, places TEXT, themes TEXT, language TEXT,
    years TEXT, event_start INTEGER, event_end INTEGER, shown TEXT);
CREATE TABLE files(path TEXT PRIMARY KEY, mtime_ns INTEGER, size INTEGER, docid INTEGER);
"""
LANGUAGES = {"en": "English", "ar": "Arabic"}

Row = tuple[FileStat, tuple[Any, ...] | None, tuple[Any, ...] | None]  # stat, docs row, meta row


# --- reading the files (the same loader, consent and documents as our indexer) ------------------


_LOADER: dict[str, Any] = {}


def _load_chunk(stats: list[FileStat]) -> list[Row]:
    root, today, places, themes, ids = (_LOADER[k] for k in ("root", "today", "places", "themes", "ids"))
    rows: list[Row] = []
    for stat in stats:
        loaded = read_testimony(root, stat, places, themes, ids)
        view = None
        if loaded.testimony is not None:
            try:
                view = consent.view(loaded.testimony, Audience.PUBLIC, today=today, places=places)
            except (NotFound, Gone):
                view = None
        if view is None:
            rows.append((stat, None, None))
            continue
        d = document_for(view, places, themes)
        rows.append((stat, (d["id"], d["title"], d["summary"], d["body"], d["narrator"], d["place_names"]),
                     (d["id"], json.dumps(d["places"].split()), json.dumps(d["themes"].split()), d["language"],
                      json.dumps([int(y) for y in d["years"].split()]), d["event_start"], d["event_end"],
                      json.dumps(d["meta"], ensure_ascii=False))))
    return rows


def _load(root: Path, stats: list[FileStat], ids: set[str], today: dt.date, procs: int) -> Iterator[list[Row]]:
    """Chunks of loaded rows, in file order, from `procs` forked processes (or inline)."""
    places, themes = load_vocabularies(root)
    _LOADER.update(root=root, today=today, places=places, themes=themes, ids=ids)
    chunks = [stats[i:i + CHUNK] for i in range(0, len(stats), CHUNK)]
    if procs <= 1 or len(chunks) <= 1:
        yield from map(_load_chunk, chunks)
        return
    with ProcessPoolExecutor(procs, mp_context=get_context("fork")) as pool:
        yield from pool.map(_load_chunk, chunks)


def _insert(db: sqlite3.Connection, rows: Iterable[Row]) -> int:
    indexed = 0
    for stat, doc, meta in rows:
        docid = None
        if doc is not None and meta is not None:
            docid = db.execute("INSERT INTO meta(id, places, themes, language, years, event_start, event_end, shown) "
                               "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", meta).lastrowid
            db.execute("INSERT INTO docs(rowid, id, title, summary, body, narrator, place_names) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?)", (docid, *doc))
            indexed += 1
        db.execute("INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?)", (stat.path, stat.mtime_ns, stat.size, docid))
    return indexed


def _connect(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    return db


def build(path: Path, content: Path, today: dt.date, procs: int = 2) -> dict[str, Any]:
    """A new database from every file; returns the seconds spent in total and inside SQLite."""
    started = time.perf_counter()
    for stale in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        stale.unlink(missing_ok=True)
    scan = scan_content(content)
    db = _connect(path)
    in_sqlite = time.perf_counter()
    db.executescript(SCHEMA)
    db.execute("BEGIN")
    sqlite_seconds = time.perf_counter() - in_sqlite
    indexed = 0
    for rows in _load(content, list(scan.files.values()), set(scan.files), today, procs):
        mark = time.perf_counter()
        indexed += _insert(db, rows)
        sqlite_seconds += time.perf_counter() - mark
    mark = time.perf_counter()
    db.execute("COMMIT")
    db.execute("INSERT INTO docs(docs) VALUES('optimize')")  # one b-tree per term, as a served index would be
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    sqlite_seconds += time.perf_counter() - mark
    return {"seconds": time.perf_counter() - started, "index_seconds": sqlite_seconds, "public": indexed,
            "files": len(scan.files)}


def update(path: Path, content: Path, today: dt.date) -> dict[str, Any]:
    """Re-read only the files whose path, mtime or size changed (and drop vanished ones), in one transaction."""
    started = time.perf_counter()
    scan = scan_content(content)
    db = _connect(path)
    known = {p: (m, s, d) for p, m, s, d in db.execute("SELECT path, mtime_ns, size, docid FROM files")}
    changed = [st for st in scan.files.values() if known.get(st.path, (None, None))[:2] != (st.mtime_ns, st.size)]
    current = {st.path for st in scan.files.values()}
    vanished = [p for p in known if p not in current]
    db.execute("BEGIN")
    for stale_path in [st.path for st in changed] + vanished:
        docid = known.get(stale_path, (None, None, None))[2]
        if docid is not None:
            db.execute("DELETE FROM docs WHERE rowid = ?", (docid,))
            db.execute("DELETE FROM meta WHERE rowid = ?", (docid,))
        db.execute("DELETE FROM files WHERE path = ?", (stale_path,))
    indexed = sum(_insert(db, rows) for rows in _load(content, changed, set(scan.files), today, 1))
    db.execute("COMMIT")
    db.close()
    return {"seconds": time.perf_counter() - started, "read": len(changed), "removed": len(vanished),
            "indexed": indexed}


# --- searching ---------------------------------------------------------------------------------


class Fts5Search:
    """Page 1 of a search as a dict shaped like our `/api/search` body: hits with snippets, total, facets."""

    def __init__(self, path: Path, content: Path, per_page: int = 20):
        self.db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        places, themes = load_vocabularies(content)
        self.place_names = {p.id: p.name for p in places}
        self.theme_labels = {t.id: t.label for t in themes}
        self.per_page = per_page

    def close(self) -> None:
        self.db.close()

    def _where(self, bq: BenchQuery) -> tuple[str, list[Any]]:
        where, args = [], []
        if bq.match:
            where.append("docs MATCH ?")
            args.append(bq.match)
        if bq.place:
            where.append("EXISTS (SELECT 1 FROM json_each(m.places) WHERE value = ?)")
            args.append(bq.place)
        if bq.theme:
            where.append("EXISTS (SELECT 1 FROM json_each(m.themes) WHERE value = ?)")
            args.append(bq.theme)
        if bq.language:
            where.append("m.language = ?")
            args.append(bq.language)
        return " AND ".join(where) or "1", args

    def search(self, bq: BenchQuery) -> dict[str, Any]:
        where, args = self._where(bq)
        source = "docs JOIN meta m ON m.rowid = docs.rowid" if bq.match else "meta m"
        facets: dict[str, list[dict[str, Any]]] = {"place": [], "theme": [], "language": [], "year": []}
        total = 0
        sql = f"""WITH r AS MATERIALIZED (SELECT m.rowid AS rid FROM {source} WHERE {where})
            SELECT 'total', NULL, count(*) FROM r
            UNION ALL SELECT 'place', j.value, count(*) FROM r JOIN meta m ON m.rowid = r.rid, json_each(m.places) j
                GROUP BY j.value
            UNION ALL SELECT 'theme', j.value, count(*) FROM r JOIN meta m ON m.rowid = r.rid, json_each(m.themes) j
                GROUP BY j.value
            UNION ALL SELECT 'language', m.language, count(*) FROM r JOIN meta m ON m.rowid = r.rid GROUP BY m.language
            UNION ALL SELECT 'year', j.value, count(*) FROM r JOIN meta m ON m.rowid = r.rid, json_each(m.years) j
                GROUP BY j.value"""
        for kind, value, count in self.db.execute(sql, args):
            if kind == "total":
                total = count
            else:
                facets[kind].append({"value": str(value), "label": self._label(kind, str(value)), "count": count,
                                     "selected": value in (bq.place, bq.theme, bq.language)})
        for kind, items in facets.items():
            items.sort(key=(lambda i: i["value"]) if kind == "year" else (lambda i: (-i["count"], i["label"])))
        if bq.match:
            page_sql = (f"SELECT m.id, docs.title, snippet(docs, -1, '<mark>', '</mark>', '…', 32), docs.summary, "
                        f"m.shown FROM {source} WHERE {where} ORDER BY docs.rank LIMIT ?")
        else:
            page_sql = (f"SELECT m.id, docs.title, substr(coalesce(nullif(docs.summary, ''), docs.body), 1, 240), "
                        f"docs.summary, m.shown FROM meta m JOIN docs ON docs.rowid = m.rowid WHERE {where} "
                        f"ORDER BY m.event_start DESC LIMIT ?")
        hits = []
        for testimony_id, title, snippet, summary, shown in self.db.execute(page_sql, [*args, self.per_page]):
            narrator, event_date, places, themes, language = json.loads(shown)
            hits.append({"id": testimony_id, "title": title, "url": f"/t/{testimony_id}", "snippet": snippet,
                         "summary": summary or None, "narrator": narrator,
                         "places": [{"id": p, "name": self.place_names.get(p, p)} for p in places],
                         "themes": [{"id": t, "label": self.theme_labels.get(t, t)} for t in themes],
                         "event_date": event_date, "language": language})
        return {"ok": True, "total": total, "page": 1, "per_page": self.per_page, "results": hits,
                "facets": facets, "suggestion": None}

    def _label(self, kind: str, value: str) -> str:
        return facet_label(kind, value, self.place_names, self.theme_labels)


def facet_label(kind: str, value: str, place_names: dict[str, str], theme_labels: dict[str, str]) -> str:
    """A facet value as a reader sees it (a reference engine's stand-in for our labels)."""
    if kind == "place":
        return place_names.get(value, value)
    if kind == "theme":
        return theme_labels.get(value, value)
    if kind == "language":
        return LANGUAGES.get(value, value)
    return value


def database_bytes(path: Path) -> int:
    return sum(os.path.getsize(p) for p in (path, Path(f"{path}-wal")) if os.path.exists(p))
