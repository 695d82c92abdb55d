"""Citations of a public testimony: plain text (Chicago style), BibTeX, RIS and CSL-JSON.

Pure functions over a consent view, so the narrator is named only as consent allows.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from typing import Any

from .consent import ANONYMOUS, Audience, TestimonyView
from .dates import DateRange
from .model import CollectionInfo, Identity, Method

__all__ = ["Citation", "FORMATS", "cite"]

FORMATS = ("text", "bibtex", "ris", "csl-json")
MONTHS = ("January", "February", "March", "April", "May", "June", "July",
          "August", "September", "October", "November", "December")
BIBTEX_LANGUAGES = {"en": "english", "ar": "arabic", "fr": "french", "de": "german",
                    "tr": "turkish", "es": "spanish", "ku": "kurdish"}
# Lower-case particles that belong to the family name: "Ahmad al Ali" -> "al Ali, Ahmad".
PARTICLES = frozenset({"al", "el", "bin", "ibn", "bint", "van", "von", "de", "del", "da", "di", "du", "la", "le"})
_LATEX = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}",
          "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
          "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_"}
# BibTeX counts even escaped braces, so unbalanced ones need a brace-free spelling.
_UNBALANCED_BRACES = {"{": r"\textbraceleft{}", "}": r"\textbraceright{}"}
_LATEX_RE = re.compile("[" + re.escape("".join(_LATEX)) + "]")


@dataclass(frozen=True)
class Citation:
    """One testimony's citation in every format the archive offers."""

    text: str
    bibtex: str
    ris: str
    csl: dict[str, Any]

    def as_format(self, name: str) -> str:
        """The citation in one of `FORMATS`, as the text to download or show."""
        if name == "csl-json":
            return json.dumps([self.csl], ensure_ascii=False, indent=2)
        if name in ("text", "bibtex", "ris"):
            return str(getattr(self, name))
        raise ValueError(f"unknown citation format '{name}'; choose one of {', '.join(FORMATS)}")


def cite(view: TestimonyView, info: CollectionInfo, accessed: dt.date) -> Citation:
    """Cite a testimony as the public sees it; refuses a curator's view, which may show hidden names."""
    if view.audience is not Audience.PUBLIC:
        raise ValueError("citations are public: pass the testimony's public view")
    return Citation(
        text=text_citation(view, info, accessed),
        bibtex=bibtex_citation(view, info, accessed),
        ris=ris_citation(view, info, accessed),
        csl=csl_citation(view, info, accessed),
    )


# --- shared pieces -----------------------------------------------------------

def person_name(view: TestimonyView) -> tuple[str, str] | None:
    """(family, given) for a named narrator whose name splits; None when it must stay as written."""
    if view.identity is not Identity.NAMED or view.narrator == ANONYMOUS:
        return None
    words = view.narrator.split()
    if len(words) < 2 or "," in view.narrator or "and" in (w.casefold() for w in words):
        return None
    start = len(words) - 1
    while start > 1 and words[start - 1] in PARTICLES:
        start -= 1
    return " ".join(words[start:]), " ".join(words[:start])


def translators(view: TestimonyView) -> list[str]:
    """The names of the testimony's translators, in the order given."""
    return [c.name for c in view.contributors if c.role == "translator"]


def date_parts(date: DateRange) -> list[int]:
    """The known parts of the date's start: [year], [year, month] or [year, month, day]."""
    return [int(part) for part in date.start_text.split("-")]


def human_date(date: DateRange) -> str:
    """The date as written, in words: '2018', 'September 2018', '12 September 2018', or a range."""
    return "\u2013".join(_human_part(part) for part in date.text.split("/"))


def _human_part(text: str) -> str:
    parts = [int(p) for p in text.split("-")]
    words = [str(parts[0])]
    if len(parts) > 1:
        words.insert(0, MONTHS[parts[1] - 1])
    if len(parts) > 2:
        words.insert(0, str(parts[2]))
    return " ".join(words)


def _day_text(day: dt.date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def _one_line(text: str) -> str:
    return " ".join(text.split())


# --- plain text (Chicago) ----------------------------------------------------

def _sentence(text: str) -> str:
    """The text ending in a full stop, unless it already ends in one or in ? or !."""
    return text if text.endswith((".", "?", "!", "\u061f")) else text + "."


def text_citation(view: TestimonyView, info: CollectionInfo, accessed: dt.date) -> str:
    """A Chicago-style bibliography entry."""
    person = person_name(view)
    author = f"{person[0]}, {person[1]}" if person else view.narrator
    parts = [_sentence(author), f'"{_sentence(_one_line(view.title))}"']
    if names := translators(view):
        parts.append(f"Translated by {_and_list(names)}.")
    parts += [f"Recorded {human_date(view.recorded.date)}.", _sentence(info.title), _sentence(info.publisher),
              f"Version {view.version}.", f"{info.permalink(view.id)} (accessed {_day_text(accessed)})."]
    return " ".join(parts)


def _and_list(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


# --- BibTeX ------------------------------------------------------------------

def latex_escape(text: str) -> str:
    """The text with LaTeX's special characters escaped; other Unicode stays as it is."""
    table = _LATEX if _balanced(text) else {**_LATEX, **_UNBALANCED_BRACES}
    return _LATEX_RE.sub(lambda m: table[m.group()], _one_line(text))


def _balanced(text: str) -> bool:
    """True when every '}' closes an earlier '{' and none is left open."""
    depth = 0
    for char in text:
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


def bibtex_key(view: TestimonyView) -> str:
    """A stable key: the id with underscores for hyphens, then the first 6 digits of the version."""
    return f"{view.id.replace('-', '_')}_{view.version[:6]}"


def _bibtex_name(name: str, person: tuple[str, str] | None = None) -> str:
    """'Family, Given' for a person; anything else in braces, so BibTeX never reorders it."""
    if person:
        return f"{latex_escape(person[0])}, {latex_escape(person[1])}"
    return "{" + latex_escape(name) + "}"


def bibtex_citation(view: TestimonyView, info: CollectionInfo, accessed: dt.date) -> str:
    """A BibTeX `@misc` entry, readable by BibTeX, biber and bibtexparser."""
    url = info.permalink(view.id)
    parts = date_parts(view.recorded.date)
    note = f"{info.title}, {info.publisher}. Version {view.version}. Recorded {human_date(view.recorded.date)}"
    fields: list[tuple[str, str]] = [
        ("author", "{" + _bibtex_name(view.narrator, person_name(view)) + "}"),
        ("title", "{{" + latex_escape(view.title) + "}}"),
    ]
    if names := translators(view):
        fields.append(("translator", "{" + " and ".join(_bibtex_name(n) for n in names) + "}"))
    fields += [
        ("howpublished", "{\\url{" + url.replace("%", r"\%").replace("#", r"\#") + "}}"),
        ("url", "{" + url + "}"),
        ("urldate", "{" + accessed.isoformat() + "}"),
        ("year", "{" + str(parts[0]) + "}"),
    ]
    if len(parts) > 1:
        fields.append(("month", MONTHS[parts[1] - 1][:3].lower()))
    fields += [
        ("publisher", "{" + latex_escape(info.publisher) + "}"),
        ("organization", "{" + latex_escape(info.title) + "}"),
        ("version", "{" + view.version + "}"),
        ("language", "{" + BIBTEX_LANGUAGES.get(view.language, view.language) + "}"),
        ("note", "{" + latex_escape(note) + "}"),
    ]
    body = "".join(f"  {name} = {value},\n" for name, value in fields)
    return f"@misc{{{bibtex_key(view)},\n{body}}}\n"


# --- RIS ---------------------------------------------------------------------

def ris_date(parts: list[int]) -> str:
    """A RIS date, 'YYYY/MM/DD/' with unknown parts left empty."""
    padded = [f"{parts[0]:04d}"] + [f"{p:02d}" for p in parts[1:]]
    return "/".join(padded + [""] * (3 - len(padded))) + "/"


def ris_citation(view: TestimonyView, info: CollectionInfo, accessed: dt.date) -> str:
    """A RIS record of type GEN, with LF line ends."""
    person = person_name(view)
    parts = date_parts(view.recorded.date)
    lines = [("TY", "GEN"), ("AU", f"{person[0]}, {person[1]}" if person else view.narrator),
             ("TI", view.title), ("T2", info.title)]
    lines += [("A4", name) for name in translators(view)]
    lines += [
        ("PB", info.publisher), ("PY", f"{parts[0]:04d}"), ("DA", ris_date(parts)),
        ("UR", info.permalink(view.id)), ("Y2", ris_date([accessed.year, accessed.month, accessed.day])),
        ("ET", view.version), ("N1", f"Version {view.version}."), ("LA", view.language),
        ("M3", _genre(view.recorded.method)),
    ]
    return "".join(f"{tag}  - {_one_line(value)}\n" for tag, value in lines) + "ER  - \n"


def _genre(method: Method) -> str:
    return {Method.WRITTEN: "Written testimony", Method.INTERVIEW: "Interview",
            Method.AUDIO: "Audio recording", Method.VIDEO: "Video recording"}[method]


# --- CSL-JSON ----------------------------------------------------------------

def csl_citation(view: TestimonyView, info: CollectionInfo, accessed: dt.date) -> dict[str, Any]:
    """One CSL-JSON item, as citeproc-js and citeproc-py read it."""
    person = person_name(view)
    spoken = view.recorded.method is not Method.WRITTEN
    item: dict[str, Any] = {
        "id": f"{view.id}@{view.version}",
        "type": "interview" if spoken else "manuscript",
        "title": _one_line(view.title),
        "author": [{"family": person[0], "given": person[1]} if person else {"literal": view.narrator}],
        "container-title": info.title,
        "publisher": info.publisher,
        "genre": _genre(view.recorded.method),
        "issued": {"date-parts": [date_parts(view.recorded.date)]},
        "accessed": {"date-parts": [[accessed.year, accessed.month, accessed.day]]},
        "URL": info.permalink(view.id),
        "version": view.version,
        "language": view.language,
    }
    if names := translators(view):
        item["translator"] = [{"literal": name} for name in names]
    return item
