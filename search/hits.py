"""The hits of a page: stored fields, snippets around the query's matches, labelled places and themes."""

from __future__ import annotations

from typing import Any, Callable

from whoosh import query as wq

from . import snippets
from .results import Hit, PlaceRef, ThemeRef

__all__ = ["page_hits", "CurrentText"]

# The current public (body, summary) plain text of a testimony, for its snippet; None if it is not public.
CurrentText = Callable[[str], "tuple[str, str] | None"]


def page_hits(s: Any, docnums: tuple[int, ...], text: wq.Query | None,
              current: CurrentText | None, body_values: Any = None) -> tuple[Hit, ...]:
    """The hits of a page: stored fields, snippets around the query's matches, labelled places and themes.

    With `current`, snippets are cut from each testimony's text as it is now, and a hit whose
    testimony is no longer public is left out. `body_values` are body postings the ranking already read."""
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
                                   s.searcher.schema["summary"].analyzer, s.searcher.schema["body"].analyzer,
                                   body_values)
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
