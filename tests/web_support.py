"""A small collection for the web tests: one testimony per row of the consent table in docs/format.md.

Every hidden thing carries a unique marker word ("zq..."); the tests assert that no
marker ever reaches a response body.
"""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

COLLECTION = """\
title: "Web Test Archive"
description: "Accounts kept for the web tests."
publisher: "Web Test Publisher"
base_url: "https://archive.example.org"
license: CC-BY-NC-4.0
languages: [en, ar]
"""

PLACES = """\
- id: syria
  name: "Syria"
  names: {ar: "سوريا"}
  type: country
- id: idlib-governorate
  name: "Idlib Governorate"
  names: {ar: "محافظة إدلب"}
  type: governorate
  parent: syria
  coordinates: [35.83, 36.64]
- id: idlib-district
  name: "Idlib District"
  type: district
  parent: idlib-governorate
- id: saraqib
  name: "Saraqib"
  names: {ar: "سراقب"}
  aliases: ["Saraqeb"]
  type: city
  parent: idlib-district
  coordinates: [35.8625, 36.8039]
- id: zqsecretvillage
  name: "Zqsecretvillage"
  type: village
  parent: idlib-district
- id: aleppo-governorate
  name: "Aleppo Governorate"
  type: governorate
  parent: syria
"""

THEMES = """\
- id: violence
  label: "Violence"
- id: airstrikes
  label: "Airstrikes"
  labels: {ar: "الغارات الجوية"}
  broader: violence
- id: displacement
  label: "Displacement"
"""

BODY = ("The bakery queue formed before dawn, as it did every morning.\n\n"
        "Then the aircraft came back over the market and everyone ran.\n\n"
        "We counted the neighbours that evening.\n")


def fields(tid: str, **changes: Any) -> dict[str, Any]:
    """A public, named testimony about Saraqib and airstrikes; dotted keys change nested fields."""
    base: dict[str, Any] = {
        "id": tid,
        "title": f"An account of the market ({tid})",
        "language": "en",
        "narrator": {"name": "Layla Haddad", "description": "A baker from the town"},
        "consent": {"access": "public", "identity": "named", "date": "2019-03-02", "recorded_by": "Curator"},
        "event_date": "2018-08",
        "places": ["saraqib"],
        "themes": ["airstrikes"],
        "recorded": {"date": "2018-09", "by": "Interviewer", "method": "interview"},
        "summary": "A morning at the bakery when the aircraft came back.",
    }
    for dotted, value in changes.items():
        *parents, last = dotted.split(".")
        target = base
        for key in parents:
            target = target.setdefault(key, {})
        if value is None:
            target.pop(last, None)
        else:
            target[last] = value
    return base


def render(front: dict[str, Any], body: str = BODY) -> str:
    return "---\n" + yaml.safe_dump(front, sort_keys=False, allow_unicode=True, width=1000) + "---\n" + body


@dataclass(frozen=True)
class Row:
    """One consent row: the testimony, what the public should meet, and the words it must never see."""

    name: str
    id: str
    front: dict[str, Any]
    body: str = BODY
    expect: str = "visible"  # visible | 404 | 410
    markers: tuple[str, ...] = ()
    # Routes that list the gazetteer may name a place the testimony itself must not reveal.
    vocabulary_marker: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


def _hidden(tid: str, word: str, **changes: Any) -> dict[str, Any]:
    return fields(tid, title=f"Zq{word}title account", summary=f"zq{word}summary",
                  **{"narrator.name": f"Zq{word}narrator", "narrator.description": f"zq{word}description"},
                  **changes)


def _hidden_body(word: str) -> str:
    return f"The zq{word}body of this account.\n\nThe bakery queue and the market.\n"


ROWS: tuple[Row, ...] = (
    Row("public", "open-account", fields("open-account", content_warnings=["death"])),
    Row("restricted", "closed-zqrestrictedid", _hidden("closed-zqrestrictedid", "restricted",
                                                      **{"consent.access": "restricted"}),
        _hidden_body("restricted"), "404",
        ("closed-zqrestrictedid", "zqrestrictedtitle", "zqrestrictedsummary", "zqrestrictednarrator",
         "zqrestricteddescription", "zqrestrictedbody")),
    Row("embargoed", "later-zqembargoid", _hidden("later-zqembargoid", "embargo",
                                                  **{"consent.embargo_until": "2999-01-01"}),
        _hidden_body("embargo"), "404",
        ("later-zqembargoid", "zqembargotitle", "zqembargosummary", "zqembargonarrator", "zqembargobody")),
    Row("embargo passed", "past-embargo", fields("past-embargo", **{"consent.embargo_until": "2001-01-01"})),
    Row("draft", "draft-zqdraftid", _hidden("draft-zqdraftid", "draft", status="draft",
                                            translation_of="open-account", language="ar"),
        _hidden_body("draft"), "404",
        ("draft-zqdraftid", "zqdrafttitle", "zqdraftsummary", "zqdraftnarrator", "zqdraftbody")),
    Row("withdrawn", "gone-zqwithdrawnid", _hidden("gone-zqwithdrawnid", "withdrawn",
                                                   **{"consent.access": "withdrawn"}),
        _hidden_body("withdrawn"), "410",
        ("zqwithdrawntitle", "zqwithdrawnsummary", "zqwithdrawnnarrator", "zqwithdrawnbody")),
    Row("anonymous", "anon-account", fields("anon-account", **{"consent.identity": "anonymous",
                                                               "narrator.name": "Zqanonname Person"}),
        markers=("zqanonname",)),
    Row("pseudonymous", "pseudo-account", fields("pseudo-account", **{"consent.identity": "pseudonymous",
                                                                     "narrator.name": "Zqpseudoname Real",
                                                                     "narrator.pseudonym": "Umm Karim"}),
        markers=("zqpseudoname",)),
    Row("place detail", "coarse-account", fields("coarse-account", places=["zqsecretvillage"],
                                                 **{"consent.place_detail": "governorate"}),
        markers=("zqsecretvillage",), vocabulary_marker=True),
    Row("redacted", "redacted-account", fields("redacted-account",
                                               title="A night in [[redact: Zqredactedtitle]]"),
        "The shelling hit [[redact: zqredactedword Street]] at dawn.\n\nThe bakery queue and the market.\n",
        markers=("zqredactedword", "zqredactedtitle")),
    Row("note", "noted-account", fields("noted-account", **{"consent.note": "zqnoteword for curators"}),
        markers=("zqnoteword",)),
    Row("translation of a hidden original", "hidden-original-ar",
        fields("hidden-original-ar", language="ar", title="يوم القصف في سراقب",
               translation_of="closed-zqrestrictedid"),
        "خرجنا إلى المخبز قبل الفجر.\n\nثم عادت الطائرات.\n"),
    Row("public translation", "open-account-ar",
        fields("open-account-ar", language="ar", title="رواية السوق", translation_of="open-account"),
        "خرجنا إلى المخبز قبل الفجر.\n"),
)

ROW_BY_NAME = {row.name: row for row in ROWS}
HIDDEN = tuple(r for r in ROWS if r.expect != "visible")
VISIBLE = tuple(r for r in ROWS if r.expect == "visible")
ALL_MARKERS = tuple(m for r in ROWS for m in r.markers)


def write(root: Path, rows: tuple[Row, ...] = ROWS, extra: dict[str, str] | None = None) -> Path:
    """The content directory with these rows (and any extra files), ready to serve."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "collection.yaml").write_text(COLLECTION, encoding="utf-8")
    (root / "places.yaml").write_text(PLACES, encoding="utf-8")
    (root / "themes.yaml").write_text(THEMES, encoding="utf-8")
    for row in rows:
        folder = root / (row.front.get("language") or "en")
        folder.mkdir(exist_ok=True)
        (folder / f"{row.id}.md").write_text(render(copy.deepcopy(row.front), row.body), encoding="utf-8")
    for name, text in (extra or {}).items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def build_index(content: Path, instance: Path, today: dt.date | None = None) -> None:
    """Bring the search index up to date, as `archive index` would."""
    from archive.config import Config
    from search.indexer import update_index

    update_index(Config(content, instance), today or dt.date.today(), procs=1)
