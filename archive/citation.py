"""Citations of a public testimony: plain text (Chicago style), BibTeX, RIS and CSL-JSON.

Pure functions over a consent view, so the narrator is named only as consent allows.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from typing import Any

from .citation_text import (MONTHS, TEXT_LANGUAGES, date_parts, human_date, one_line, person_name,
                            text_citation, text_segments, translators)
from .consent import Audience, TestimonyView
from .model import CollectionInfo, Method

__all__ = ["Citation", "FORMATS", "TEXT_LANGUAGES", "cite", "citation_key", "text_segments",
           "human_date", "ris_date", "latex_escape"]

FORMATS = ("text", "bibtex", "ris", "csl-json")
BIBTEX_LANGUAGES = {"en": "english", "ar": "arabic", "fr": "french", "de": "german",
                    "tr": "turkish", "es": "spanish", "ku": "kurdish"}
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


def cite(view: TestimonyView, info: CollectionInfo, accessed: dt.date, language: str = "en") -> Citation:
    """Cite a testimony as the public sees it; refuses a curator's view, which may show hidden names.

    `language` ("en" or "ar") is the language of the plain-text citation's own words only;
    BibTeX, RIS and CSL-JSON are the same in every interface language.
    """
    if view.audience is not Audience.PUBLIC:
        raise ValueError("citations are public: pass the testimony's public view")
    return Citation(
        text=text_citation(view, info, accessed, language),
        bibtex=bibtex_citation(view, info, accessed),
        ris=ris_citation(view, info, accessed),
        csl=csl_citation(view, info, accessed),
    )


# --- shared pieces -----------------------------------------------------------

def citation_key(view: TestimonyView) -> str:
    """The testimony's citation key in every format: its id, which never changes (docs/format.md).

    An id is a slug (a-z, 0-9 and single hyphens), which BibTeX, biber, RIS, CSL and pandoc's
    `[@key]` all accept as it is; the version travels in its own field instead.
    """
    return view.id


def event_note(view: TestimonyView) -> str:
    """The note the structured formats carry: when the events happened, and the version cited."""
    return f"Events: {human_date(view.event_date)}. Version {view.version}."


# --- BibTeX ------------------------------------------------------------------

def latex_escape(text: str) -> str:
    """The text with LaTeX's special characters escaped; other Unicode stays as it is."""
    table = _LATEX if _balanced(text) else {**_LATEX, **_UNBALANCED_BRACES}
    return _LATEX_RE.sub(lambda m: table[m.group()], one_line(text))


def _balanced(text: str) -> bool:
    """True when every '}' closes an earlier '{' and none is left open."""
    depth = 0
    for char in text:
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


def _bibtex_name(name: str, person: tuple[str, str] | None = None) -> str:
    """'Family, Given' for a person; anything else in braces, so BibTeX never reorders it."""
    if person:
        return f"{latex_escape(person[0])}, {latex_escape(person[1])}"
    return "{" + latex_escape(name) + "}"


def bibtex_citation(view: TestimonyView, info: CollectionInfo, accessed: dt.date) -> str:
    """A BibTeX `@misc` entry, readable by BibTeX, biber and bibtexparser."""
    parts = date_parts(view.recorded.date)
    fields: list[tuple[str, str]] = [
        ("author", "{" + _bibtex_name(view.narrator, person_name(view)) + "}"),
        ("title", "{{" + latex_escape(view.title) + "}}"),
    ]
    if names := translators(view):
        fields.append(("translator", "{" + " and ".join(_bibtex_name(n) for n in names) + "}"))
    fields += [
        ("url", "{" + info.permalink(view.id) + "}"),
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
        ("note", "{" + latex_escape(event_note(view)) + "}"),
    ]
    body = "".join(f"  {name} = {value},\n" for name, value in fields)
    return f"@misc{{{citation_key(view)},\n{body}}}\n"


# --- RIS ---------------------------------------------------------------------

def ris_date(parts: list[int]) -> str:
    """A RIS date, 'YYYY/MM/DD/' with unknown parts left empty."""
    padded = [f"{parts[0]:04d}"] + [f"{p:02d}" for p in parts[1:]]
    return "/".join(padded + [""] * (3 - len(padded))) + "/"


def ris_citation(view: TestimonyView, info: CollectionInfo, accessed: dt.date) -> str:
    """A RIS record of type GEN, with LF line ends.

    pandoc 3's RIS reader takes ID, AU, TI, T2, PB, PY (the year only), UR, ET, LA and AB and
    drops the rest; DA (the full date), A4 (translators), Y2 (access date), M3 (genre) and N1
    are the standard RIS tags Zotero and EndNote read. For pandoc, cite.json carries them all.
    """
    person = person_name(view)
    parts = date_parts(view.recorded.date)
    lines = [("TY", "GEN"), ("ID", citation_key(view)),
             ("AU", f"{person[0]}, {person[1]}" if person else view.narrator),
             ("TI", view.title), ("T2", info.title)]
    lines += [("A4", name) for name in translators(view)]
    lines += [
        ("PB", info.publisher), ("PY", f"{parts[0]:04d}"), ("DA", ris_date(parts)),
        ("UR", info.permalink(view.id)), ("Y2", ris_date([accessed.year, accessed.month, accessed.day])),
        ("ET", view.version), ("N1", event_note(view)), ("LA", view.language),
        ("M3", _genre(view.recorded.method)),
    ]
    if view.summary:
        lines.append(("AB", view.summary))
    return "".join(f"{tag}  - {one_line(value)}\n" for tag, value in lines) + "ER  - \n"


def _genre(method: Method) -> str:
    return {Method.WRITTEN: "Written testimony", Method.INTERVIEW: "Interview",
            Method.AUDIO: "Audio recording", Method.VIDEO: "Video recording"}[method]


# --- CSL-JSON ----------------------------------------------------------------

def csl_citation(view: TestimonyView, info: CollectionInfo, accessed: dt.date) -> dict[str, Any]:
    """One CSL-JSON item, as citeproc-js and citeproc-py read it."""
    person = person_name(view)
    spoken = view.recorded.method is not Method.WRITTEN
    item: dict[str, Any] = {
        "id": citation_key(view),
        "type": "interview" if spoken else "manuscript",
        "title": one_line(view.title),
        "author": [{"family": person[0], "given": person[1]} if person else {"literal": view.narrator}],
        "container-title": info.title,
        "publisher": info.publisher,
        "genre": _genre(view.recorded.method),
        "issued": {"date-parts": [date_parts(view.recorded.date)]},
        "accessed": {"date-parts": [[accessed.year, accessed.month, accessed.day]]},
        "URL": info.permalink(view.id),
        "version": view.version,
        "language": view.language,
        "note": event_note(view),
    }
    if names := translators(view):
        item["translator"] = [{"literal": name} for name in names]
    return item
