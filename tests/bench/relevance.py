"""`make relevance`: how well search finds what researchers mean, judged by hand, beside SQLite FTS5.

The collection (relevance_collection.py) and the judged queries (relevance_judgments.tsv)
are the project's own. Each query runs through our engine exactly as `/api/search` runs it
(page 1, ten results, any correction the engine applies) and through an SQLite FTS5 table of
the same public documents (tokenizer `unicode61 remove_diacritics 2`, plain `bm25()`, the
words of the query each quoted, phrases kept, AND/OR/NOT kept). Per category it prints
nDCG@10, MRR, recall@10 and the share of queries that found nothing, and the precision of
the "did you mean" suggestions our engine offered. A last column gives nDCG@10 of FTS5 with
the Porter stemmer in front (`porter unicode61 remove_diacritics 2`), a stronger reference.

    python -m tests.bench.relevance [--markdown FILE]
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import re
import sqlite3
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Mapping, Sequence

__all__ = ["Judged", "read_judgments", "ndcg", "reciprocal_rank", "recall", "Scores", "score_run", "fts5_match",
           "main"]

HERE = Path(__file__).resolve().parent
JUDGMENTS = HERE / "relevance_judgments.tsv"
DEPTH = 10


@dataclass(frozen=True)
class Judged:
    """One judged query: its category, the text as typed, relevant ids with grades, the intended spelling."""

    category: str
    q: str
    grades: Mapping[str, int]
    intended: str | None = None


def read_judgments(path: Path = JUDGMENTS) -> list[Judged]:
    """The judged queries of a TSV file: category, query, `id:grade ...`, optionally the intended query."""
    judged = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if len(cells) < 3:
            raise ValueError(f"{path.name}:{number}: expected category, query and judgments separated by tabs")
        grades = {}
        for pair in cells[2].split():
            name, _, grade = pair.partition(":")
            grades[name] = int(grade or 1)
        judged.append(Judged(cells[0], cells[1], grades, cells[3] if len(cells) > 3 and cells[3] else None))
    return judged


# --- metrics -------------------------------------------------------------------------------------


def ndcg(ranked: Sequence[str], grades: Mapping[str, int], depth: int = DEPTH) -> float:
    """Normalised discounted cumulative gain at `depth`, gains 2**grade - 1."""
    def dcg(gains: Iterable[int]) -> float:
        return sum((2 ** g - 1) / math.log2(i + 2) for i, g in enumerate(gains))
    ideal = dcg(sorted(grades.values(), reverse=True)[:depth])
    return dcg(grades.get(d, 0) for d in ranked[:depth]) / ideal if ideal else 0.0


def reciprocal_rank(ranked: Sequence[str], grades: Mapping[str, int], depth: int = DEPTH) -> float:
    """1 / the rank of the first relevant result within `depth`, else 0."""
    for i, doc in enumerate(ranked[:depth]):
        if grades.get(doc, 0) > 0:
            return 1.0 / (i + 1)
    return 0.0


def recall(ranked: Sequence[str], grades: Mapping[str, int], depth: int = DEPTH) -> float:
    """The share of relevant accounts found within `depth`."""
    relevant = {d for d, g in grades.items() if g > 0}
    return len(relevant & set(ranked[:depth])) / len(relevant) if relevant else 0.0


@dataclass
class Scores:
    """Sums of the metrics over some queries."""

    n: int = 0
    ndcg: float = 0.0
    mrr: float = 0.0
    recall: float = 0.0
    zero: int = 0

    def add(self, ranked: Sequence[str], grades: Mapping[str, int]) -> None:
        self.n += 1
        self.ndcg += ndcg(ranked, grades)
        self.mrr += reciprocal_rank(ranked, grades)
        self.recall += recall(ranked, grades)
        self.zero += not ranked

    def means(self) -> tuple[float, float, float, float]:
        n = self.n or 1
        return self.ndcg / n, self.mrr / n, self.recall / n, self.zero / n


@dataclass
class Run:
    by_category: dict[str, Scores] = field(default_factory=dict)
    overall: Scores = field(default_factory=Scores)


def score_run(judged: Sequence[Judged], search: Callable[[str], Sequence[str]]) -> Run:
    """Every judged query through `search` (query text -> ranked ids), scored per category and overall."""
    run = Run()
    for item in judged:
        ranked = list(search(item.q))
        run.by_category.setdefault(item.category, Scores()).add(ranked, item.grades)
        run.overall.add(ranked, item.grades)
    return run


# --- the reference: SQLite FTS5 --------------------------------------------------------------------

_TOKEN = re.compile(r'"[^"]*"|\S+')


def fts5_match(q: str) -> str | None:
    """The query as an FTS5 expression: phrases kept, AND/OR/NOT kept, every other word quoted."""
    parts = []
    for token in _TOKEN.findall(q):
        if token in ("AND", "OR", "NOT"):
            parts.append(token)
        elif token.startswith('"'):
            if token.strip('"').strip():
                parts.append(token)
        else:
            word = token.replace('"', "")
            if re.search(r"\w", word):
                parts.append('"' + word + '"')
    return " ".join(parts) or None


class Fts5Reference:
    """An in-memory FTS5 table of the public documents, as our indexer makes them."""

    def __init__(self, content: Path, today: dt.date, tokenizer: str = "unicode61 remove_diacritics 2"):
        from archive import consent
        from archive.collection import load_collection
        from archive.consent import Audience
        from search.documents import document_for

        collection = load_collection(content)
        self.db = sqlite3.connect(":memory:")
        self.db.execute("CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, title, summary, body, narrator, "
                        f"place_names, tokenize='{tokenizer}')")
        for testimony in collection.testimonies.values():
            view = consent.view(testimony, Audience.PUBLIC, today=today, places=collection.places)
            d = document_for(view, collection.places, collection.themes)
            self.db.execute("INSERT INTO docs VALUES (?, ?, ?, ?, ?, ?)",
                            (d["id"], d["title"], d["summary"], d["body"], d["narrator"], d["place_names"]))

    def search(self, q: str) -> list[str]:
        match = fts5_match(q)
        if match is None:
            return []
        try:
            rows = self.db.execute("SELECT id FROM docs WHERE docs MATCH ? ORDER BY bm25(docs) LIMIT ?",
                                   (match, DEPTH)).fetchall()
        except sqlite3.OperationalError:
            return []
        return [r[0] for r in rows]


# --- ours ------------------------------------------------------------------------------------------


class Ours:
    """Our engine over its own index of the collection, as `/api/search` runs it."""

    def __init__(self, content: Path, instance: Path, today: dt.date):
        from archive.config import Config
        from search.indexer import update_index
        from search.searcher import SearchIndex

        config = Config(content, instance)
        update_index(config, today, procs=1)
        self.index = SearchIndex(config)
        self.suggested = 0
        self.suggested_right = 0
        self.suggestions: list[tuple[str, str]] = []

    def search(self, q: str) -> list[str]:
        from search.query import QueryError, parse_query
        try:
            results = self.index.search(parse_query({"q": q, "per_page": str(DEPTH)}))
        except QueryError:
            return []
        offered = getattr(results, "correction", None) or results.suggestion
        if offered:
            self.suggestions.append((q, offered))
        return [hit.id for hit in results.hits]


def suggestion_precision(suggestions: Sequence[tuple[str, str]], judged: Sequence[Judged]) -> tuple[int, int]:
    """(right, offered): a suggestion is right when it is the intended query of a misspelt one (case-blind)."""
    intended = {j.q: j.intended for j in judged}
    right = sum(1 for q, s in suggestions if intended.get(q) and s.casefold() == intended[q].casefold())
    return right, len(suggestions)


# --- the table ---------------------------------------------------------------------------------------


def table(judged: Sequence[Judged], ours: Run, ref: Run, porter: Run) -> list[str]:
    lines = ["| category | queries | nDCG@10 ours / FTS5 | MRR ours / FTS5 | recall@10 ours / FTS5 | "
             "zero results ours / FTS5 | nDCG@10 FTS5 with porter |", "|---|---|---|---|---|---|---|"]
    categories = list(dict.fromkeys(j.category for j in judged))
    for name, a, b, c in [(c, ours.by_category[c], ref.by_category[c], porter.by_category[c])
                          for c in categories] + [("**overall**", ours.overall, ref.overall, porter.overall)]:
        ma, mb = a.means(), b.means()
        lines.append(f"| {name} | {a.n} | {ma[0]:.2f} / {mb[0]:.2f} | {ma[1]:.2f} / {mb[1]:.2f} | "
                     f"{ma[2]:.2f} / {mb[2]:.2f} | {ma[3]:.0%} / {mb[3]:.0%} | {c.means()[0]:.2f} |")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make relevance", description=__doc__.splitlines()[0])
    parser.add_argument("--markdown", type=Path, help="also write the table to this file")
    parser.add_argument("--verbose", action="store_true", help="print each query's results")
    opts = parser.parse_args(argv)
    from .relevance_collection import write_collection

    judged = read_judgments()
    today = dt.date(2026, 1, 1)
    with tempfile.TemporaryDirectory(prefix="relevance-") as tmp:
        content = write_collection(Path(tmp) / "content")
        ours = Ours(content, Path(tmp) / "instance", today)
        reference = Fts5Reference(content, today)
        porter = Fts5Reference(content, today, "porter unicode61 remove_diacritics 2")
        ours_run = score_run(judged, ours.search)
        ref_run = score_run(judged, reference.search)
        porter_run = score_run(judged, porter.search)
        if opts.verbose:
            for item in judged:
                print(f"{item.category:18} {item.q!r}\n  ours: {ours.search(item.q)}\n  fts5: {reference.search(item.q)}")
        ours.index.close()
    lines = table(judged, ours_run, ref_run, porter_run)
    right, offered = suggestion_precision(ours.suggestions, judged)
    lines += ["", f"Suggestions and corrections offered: {offered}; right: {right} "
                  f"(precision {right / offered if offered else 1:.2f})."]
    for q, s in ours.suggestions:
        lines.append(f"- {q} → {s}")
    print("\n".join(lines))
    if opts.markdown:
        opts.markdown.parent.mkdir(parents=True, exist_ok=True)
        opts.markdown.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
