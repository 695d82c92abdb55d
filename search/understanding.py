"""What a query's words name: a theme, a place or a date, in either language.

A run of typed words that is a theme's label, Arabic label or alias ("enforced
disappearance", "الإخفاء القسري", "refugee camps"), a place's name or alias, or a month
and year ("August 2019", "آب 2019", "2019-08") stands for that concept as well as for
its words: the query finds the words OR the accounts tagged with the theme (narrower
themes too, through the ancestor-expanded field), about the place, or dated within the
month. Every such match is reported back as an `Understood`, so the page can say what
was understood and offer it as a filter. Only the vocabulary files (public) and the
query are read here; never a testimony.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from whoosh import query as wq
from whoosh.qparser import syntax

from archive.text import fold
from archive.vocabulary import Themes

from .analysis import analyze

__all__ = ["Understood", "ThemeNames", "date_of", "ConceptNode", "THEME_BOOST", "PLACE_BOOST"]

THEME_BOOST = 1.5  # a typed theme name counts this much for the accounts tagged with it
PLACE_BOOST = 1.0


@dataclass(frozen=True)
class Understood:
    """One thing the query was understood to name: kind "theme", "place" or "date", its id
    (a theme or place id, or a date as FORMAT.md writes it: 2019-08, 2019) and the words typed."""

    kind: str
    id: str
    words: str

    def to_json(self) -> dict[str, str]:
        return {"kind": self.kind, "id": self.id, "words": self.words}


class ThemeNames:
    """Themes by the analysed words of their labels and aliases: "refugee camps" finds the alias "refugee camp"."""

    def __init__(self, themes: Themes):
        self._by_key: dict[tuple[str, ...], str] = {}
        for theme in themes:
            for name in (theme.label, *theme.labels.values(), *theme.all_aliases()):
                key = tuple(analyze(name))
                if key:
                    self._by_key.setdefault(key, theme.id)
        self.themes = themes

    def theme_of(self, words: list[str]) -> str | None:
        found = self.themes.resolve(" ".join(words))
        if found is not None:
            return found
        key = tuple(analyze(" ".join(words)))
        return self._by_key.get(key) if key else None


_MONTHS: dict[str, int] = {}
for _number, _names in enumerate((
        "january jan يناير كانون_الثاني", "february feb فبراير شباط", "march mar مارس آذار",
        "april apr أبريل ابريل نيسان", "may مايو أيار", "june jun يونيو يونيه حزيران",
        "july jul يوليو يوليه تموز", "august aug أغسطس اغسطس آب", "september sep sept سبتمبر أيلول",
        "october oct أكتوبر اكتوبر تشرين_الأول", "november nov نوفمبر تشرين_الثاني",
        "december dec ديسمبر كانون_الأول"), start=1):
    for _name in _names.split():
        _MONTHS[fold(_name.replace("_", " "))] = _number
_YEAR = re.compile(r"(19[5-9]\d|20\d\d)[مه]?")
_ISO_MONTH = re.compile(r"(19[5-9]\d|20\d\d)-(0[1-9]|1[0-2])")


def date_of(words: list[str]) -> tuple[str, dt.date, dt.date] | None:
    """(text, first day, last day) of a month and year, or a year, that these words write; else None.

    >>> date_of(["August", "2019"])[0], date_of(["آب", "٢٠١٩"])[0], date_of(["2019-08"])[0]
    ('2019-08', '2019-08', '2019-08')
    """
    folded = [w.translate(_DIGITS) if _ISO_MONTH.fullmatch(w.translate(_DIGITS)) else fold(w).translate(_DIGITS)
              for w in words]
    year = month = None
    if len(folded) == 1 and (m := _ISO_MONTH.fullmatch(folded[0])):
        year, month = int(m.group(1)), int(m.group(2))
    elif len(folded) == 1 and (m := _YEAR.fullmatch(folded[0])):
        year = int(m.group(1))
    elif len(folded) >= 2 and (m := _YEAR.fullmatch(folded[-1])) and " ".join(folded[:-1]) in _MONTHS:
        year, month = int(m.group(1)), _MONTHS[" ".join(folded[:-1])]
    if year is None:
        return None
    if month is None:
        return str(year), dt.date(year, 1, 1), dt.date(year, 12, 31)
    last = calendar.monthrange(year, month)[1]
    return f"{year}-{month:02d}", dt.date(year, month, 1), dt.date(year, month, last)


_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "0123456789" * 2)


def date_query(start: dt.date, end: dt.date) -> wq.Query:
    """Accounts whose event dates overlap [start, end] (the same test as the from/to filters)."""
    from .documents import day_number
    return wq.And([wq.NumericRange("event_end", day_number(start), None),
                   wq.NumericRange("event_start", None, day_number(end))])


class ConceptNode(syntax.SyntaxNode):
    """A parse-tree leaf that stands for a ready Whoosh query (a theme, place or date concept)."""

    has_fieldname = False
    has_text = False
    has_boost = False

    def __init__(self, built: wq.Query, first: Any, last: Any):
        self.built = built
        self.startchar = getattr(first, "startchar", 0)
        self.endchar = getattr(last, "endchar", self.startchar)

    def r(self) -> str:
        return f"<{self.built!r}>"

    def query(self, parser: Any) -> wq.Query:
        return self.built
