"""Links on the search page: every filter lives in the URL, so each link is the current URL changed."""

from __future__ import annotations

import re
from typing import Any, Iterable, Mapping

from flask import url_for
from werkzeug.datastructures import MultiDict

from .gate import site
from .i18n import gettext as _

__all__ = ["SearchLinks", "MULTI_PARAMS", "SEARCH_PARAMS"]

SEARCH_PARAMS = ("q", "place", "theme", "language", "from", "to", "sort", "page", "per_page", "correct")
MULTI_PARAMS = ("place", "theme")


class SearchLinks:
    """URLs for the search page built from its query string (only the known parameters are kept)."""

    def __init__(self, args: Mapping[str, Any], data: Mapping[str, Any]):
        getlist = getattr(args, "getlist", None)
        self.args: MultiDict[str, str] = MultiDict()
        for name in SEARCH_PARAMS:
            values = getlist(name) if getlist else ([args[name]] if name in args else [])
            for value in values:
                if value != "":
                    self.args.add(name, value)
        self.data = data

    def url(self, endpoint: str = "pages.search", route: Mapping[str, str] | None = None, **changes: Any) -> str:
        """This search with some parameters replaced (None removes one; a list sets a repeated one)."""
        args = self.args.copy()
        for name, value in changes.items():
            args.poplist(name)
            if value is None:
                continue
            for item in value if isinstance(value, (list, tuple)) else [value]:
                args.add(name, str(item))
        return url_for(endpoint, **(route or {}), **_as_lists(args))

    def facet(self, name: str, item: Mapping[str, Any]) -> str:
        """The link that adds this facet value as a filter, or removes it when it is selected."""
        value, selected = str(item["value"]), bool(item.get("selected"))
        if name in MULTI_PARAMS:
            current = self.args.getlist(name)
            chosen = [v for v in current if v != value] if selected else [*current, value]
            return self.url(page=None, **{name: chosen or None})
        if name == "year":
            return self.url(page=None, **({"from": None, "to": None} if selected else {"from": value, "to": value}))
        return self.url(page=None, **{name: None if selected else value})

    def filters(self) -> list[dict[str, str]]:
        """Each filter in force, with a label and the link that removes it."""
        collection = site().vocabularies
        found = []
        for name, value in self.args.items(multi=True):
            if name in MULTI_PARAMS:
                entry = (collection.places if name == "place" else collection.themes).get(value)
                label = (getattr(entry, "name", None) or getattr(entry, "label", None)) if entry else value
                remove = self.url(page=None, **{name: [v for v in self.args.getlist(name) if v != value] or None})
            elif name in ("language", "from", "to"):
                label = {"language": _("Language: %(value)s", value=value), "from": _("From %(value)s", value=value),
                         "to": _("Until %(value)s", value=value)}[name]
                remove = self.url(page=None, **{name: None})
            else:
                continue
            found.append({"name": name, "value": value, "label": label, "remove": remove})
        return found

    def page(self, number: int) -> str:
        return self.url(page=None if number == 1 else number)

    def sort(self, order: str) -> str:
        return self.url(page=None, sort=None if order == "relevance" else order)

    def export(self, fmt: str) -> str:
        return self.url("pages.search_export", route={"fmt": fmt}, page=None, per_page=None)

    def suggestion(self, text: str) -> str:
        return self.url(q=text, page=None, correct=None)

    def as_typed(self, text: str) -> str:
        """This search with the words as typed, never corrected ("search instead for ...")."""
        return self.url(q=text, page=None, correct="0")

    def understood(self, item: Mapping[str, Any]) -> tuple[dict[str, str], str]:
        """(parameters, URL) of the filter standing for a theme, place or date named in q, without its words."""
        if item["kind"] == "date":
            params = {"from": item["id"], "to": item["id"]}
        else:
            params = {item["kind"]: item["id"]}
        q = without_words(self.args.get("q", ""), item["words"])
        changes: dict[str, Any] = {"q": q or None, "page": None, **params}
        if item["kind"] in MULTI_PARAMS:
            changes[item["kind"]] = [*[v for v in self.args.getlist(item["kind"]) if v != item["id"]], item["id"]]
        return params, self.url(**changes)

    @property
    def pages(self) -> list[int | None]:
        """Page numbers to link to, None standing for a gap: 1 … 4 5 6 … 20."""
        last = self.last_page
        current = int(self.data.get("page") or 1)
        wanted = sorted({1, last, *range(max(1, current - 2), min(last, current + 2) + 1)})
        shown: list[int | None] = []
        for number in wanted:
            if shown and shown[-1] is not None and number - shown[-1] > 1:  # type: ignore[operator]
                shown.append(None)
            shown.append(number)
        return shown

    @property
    def last_page(self) -> int:
        per_page = max(1, int(self.data.get("per_page") or 1))
        return max(1, -(-int(self.data.get("total") or 0) // per_page))

    def hidden(self, skip: Iterable[str] = ()) -> list[tuple[str, str]]:
        """(name, value) pairs for hidden inputs that keep the filters in a form."""
        return [(k, v) for k, v in self.args.items(multi=True) if k not in skip]


def without_words(q: str, words: str) -> str:
    """`q` without the run of words given (case-blind, any spacing or punctuation between them)."""
    pattern = r"[\W_]+".join(re.escape(w) for w in words.split())
    return " ".join(re.sub(pattern, " ", q, count=1, flags=re.IGNORECASE).split()) if pattern else q


def _as_lists(args: MultiDict[str, str]) -> dict[str, list[str]]:
    """The parameters in one fixed order, so equal searches have equal URLs."""
    return {key: args.getlist(key) for key in SEARCH_PARAMS if key in args}
