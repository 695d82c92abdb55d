"""The leak scan's collection: every non-public thing carries a marker word.

`build(root)` writes a small collection in which each element the public must never meet —
restricted, withdrawn, embargoed and draft testimonies (every field of them), anonymous and
pseudonymous narrators' real names, redacted passages, `consent.note` and the rest of the
consent block, a place hidden by `place_detail` — carries its own marker word, and public
control testimonies carry markers that MUST be seen (proof the scan can see).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.consent.markers import GAZETTEER_ROUTE, Marker, marker_word
from tests.support import builder, consent_table, vocabularies

@dataclass
class LeakCollection:
    """What `build` wrote: the markers and the ids, states and vocabulary entries to expect."""

    root: Path
    markers: list[Marker] = field(default_factory=list)
    public_ids: list[str] = field(default_factory=list)
    hidden_ids: dict[str, int] = field(default_factory=dict)  # id -> the status the public must get
    unpublishable: list[str] = field(default_factory=list)  # public by consent, but failing the check
    hidden_only_place: str = "hidden-only-place"
    hidden_only_theme: str = "hidden-only-theme"
    hidden_only_language: str = "ku"
    hidden_only_year: str = "1987"
    coarse_id: str = ""
    village: str = ""

    def add(self, label: str, public: bool = False, arabic: bool = False,
            allowed: re.Pattern[str] | None = None) -> str:
        word = marker_word(label, arabic)
        assert word not in {m.word for m in self.markers}, label
        self.markers.append(Marker(word, label, public, allowed))
        return word

    @property
    def forbidden(self) -> list[Marker]:
        return [m for m in self.markers if not m.public]

    @property
    def controls(self) -> list[Marker]:
        return [m for m in self.markers if m.public]

    def marker(self, label: str) -> Marker:
        return next(m for m in self.markers if m.label == label)


PLACES_EXTRA = """\
- id: hidden-only-place
  name: "Hidden Only Place"
  type: town
  parent: idlib-district
  coordinates: [35.7, 36.9]
"""
THEMES_EXTRA = """\
- id: hidden-only-theme
  label: "Hidden only theme"
  broader: violence
"""


def _hidden_testimony(c: LeakCollection, state: str, changes: dict[str, Any], arabic: bool = False) -> None:
    """A testimony the public may not see, with a marker in every field it has."""
    def m(name: str) -> str:
        return c.add(f"{state} {name}", arabic=arabic and name in ("title", "body"))

    tid = f"{state}-{m('id')}"
    front = builder.fields(tid, "consent")
    for dotted, value in {
        "title": f"{m('title')} account", "summary": f"Summary {m('summary')}.",
        "narrator.name": f"{m('narrator name').capitalize()} Person", "narrator.pseudonym": m("pseudonym"),
        "narrator.description": f"A {m('narrator description')} of the town",
        "consent.note": f"note {m('consent note')}", "consent.recorded_by": f"{m('consent recorded_by')} curator",
        "recorded.by": f"{m('recorded by')} interviewer", "content_warnings": [m("content warning")],
        "contributors": [{"name": m("contributor"), "role": "translator"}],
        "source": {"title": m("source title"), "publisher": m("source publisher"),
                   "url": f"https://{m('source url')}.example/x", "date": "1987-05"},
        "license": f"LicenseRef-{m('license')}", "x_extension": m("extension field"),
        "event_date": "1987-05", "language": c.hidden_only_language,
        "places": ["hidden-only-place", "saraqib"], "themes": ["hidden-only-theme", "airstrikes"],
        **changes,
    }.items():
        builder.change(front, {dotted: value})
    body = (f"The {m('body')} of this account, at the bakery and the market.\n\n"
            f"A second paragraph about the queue and the aircraft.\n")
    c.hidden_ids[tid] = 410 if state == "withdrawn" else 404
    _write(c, tid, front, body)


def _write(c: LeakCollection, tid: str, front: dict[str, Any], body: str) -> None:
    builder.write_files(c.root, {f"{front.get('language') or 'en'}/{tid}.md": builder.render(front, body)})


def _public(c: LeakCollection, tid: str, changes: dict[str, Any], body: str = consent_table.BODY) -> None:
    front = builder.fields(tid, "consent")
    builder.change(front, changes)
    c.public_ids.append(tid)
    _write(c, tid, front, body)


def _unpublishable(c: LeakCollection) -> None:
    """Public by consent, but a hidden name or coarsened place is written where consent cannot hide it:
    the check fails, so none of them is ever published (one file per rule, so each rule is tested)."""
    for where in ("recorded.by", "contributors", "source", "content warning", "id"):
        name = c.add(f"unpublishable name in {where}")
        tid = f"{name}-person-story" if where == "id" else f"leaked-{c.add(f'unpublishable id {where}')}"
        placed = {"recorded.by": {"recorded.by": f"{name} Person"},
                  "contributors": {"contributors": [{"name": f"{name} Person", "role": "transcriber"}]},
                  "source": {"source": {"title": "A blog", "publisher": f"The {name} Person blog"}},
                  "content warning": {"content_warnings": [f"{name} person"]}, "id": {}}[where]
        _public(c, tid, {"consent.identity": "anonymous", "narrator.name": f"{name.capitalize()} Person", **placed})
        c.public_ids.remove(tid)
        c.unpublishable.append(tid)
        c.hidden_ids[tid] = 404
    tid = f"named-village-{c.add('unpublishable id village')}"
    _public(c, tid, {"places": [c.village], "consent.place_detail": "governorate"},
            f"We left {c.village.capitalize()} before dawn, past the bakery and the market.\n")
    c.public_ids.remove(tid)
    c.unpublishable.append(tid)
    c.hidden_ids[tid] = 404


def build(root: Path) -> LeakCollection:
    """Write the leak-scan collection into `root` and return what it holds."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "collection.yaml").write_text(vocabularies.COLLECTIONS["consent"], encoding="utf-8")
    c = LeakCollection(root)
    c.village = c.add("coarsened village", allowed=GAZETTEER_ROUTE)
    (root / "places.yaml").write_text(
        vocabularies.PLACES["consent"] + PLACES_EXTRA
        + f"- id: {c.village}\n  name: \"{c.village.capitalize()}\"\n  type: village\n  parent: idlib-district\n"
        + "  coordinates: [35.95, 36.75]\n",  # so that the map would draw it, if it counted the coarsened testimony
        encoding="utf-8")
    (root / "themes.yaml").write_text(vocabularies.THEMES["consent"] + THEMES_EXTRA, encoding="utf-8")

    # The public controls: their markers must show up, or the scan proves nothing.
    control = c.add("control title", public=True)
    _public(c, "control-account", {
        "title": f"The {control} morning", "summary": f"Summary {c.add('control summary', public=True)}.",
        "narrator.name": f"{c.add('control narrator name', public=True).capitalize()} Haddad",
        "narrator.description": f"A {c.add('control narrator description', public=True)} baker",
        "contributors": [{"name": c.add("control contributor", public=True), "role": "translator"}],
        "content_warnings": ["death"], "updated": "2020-01-01"},
        f"The {c.add('control body', public=True)} of the bakery queue.\n\nThe market and the aircraft.\n")
    _public(c, "control-pseudonym", {
        "consent.identity": "pseudonymous", "narrator.pseudonym": c.add("control pseudonym", public=True).capitalize(),
        "narrator.name": f"{c.add('pseudonymous real name').capitalize()} Realname"})
    _public(c, "control-arabic", {"language": "ar", "title": f"يوم في {c.add('control arabic title', True, True)}",
                                  "narrator.name": "ليلى"},
            f"خرجنا إلى المخبز {c.add('control arabic body', True, True)} قبل الفجر.\n")
    _public(c, "past-embargo", {"consent.embargo_until": "2001-01-01"})

    # Public testimonies with one hidden part each.
    _public(c, "anonymous-account", {
        "consent.identity": "anonymous", "narrator.name": f"{c.add('anonymous real name').capitalize()} Person",
        "narrator.pseudonym": c.add("anonymous pseudonym")})
    _public(c, "noted-account", {"consent.note": f"{c.add('public consent note')} for curators only",
                                 "consent.recorded_by": f"{c.add('public consent recorded_by')} curator"})
    c.coarse_id = "coarse-account"
    _public(c, c.coarse_id, {"places": [c.village], "consent.place_detail": "governorate"})
    redacted = {name: c.add(f"redacted {name}") for name in
                ("body plain", "body link", "body code", "body emphasis", "body heading", "body list", "body arabic",
                 "title", "summary", "description", "warning", "contributor", "source", "multiline",
                 "recorded by", "source publisher")}
    arabic_secret = c.add("redacted arabic word", arabic=True)
    r = redacted
    _public(c, "redacted-account", {
        "title": f"A night in [[redact: {r['title']}]]", "summary": f"It was [[redact: {r['summary']}]] then.",
        "narrator.description": f"A baker from [[redact: {r['description']}]]",
        "content_warnings": [f"[[redact: {r['warning']}]] death"],
        "contributors": [{"name": f"[[redact: {r['contributor']}]] Translator", "role": "translator"}],
        "recorded.by": f"Field team [[redact: {r['recorded by']}]]",
        "source": {"title": f"Report on [[redact:{r['source']}]]", "url": "https://example.org/report",
                   "publisher": f"[[redact: {r['source publisher']}]] Press"}},
        f"The shelling hit [[redact: {r['body plain']} Street]] at dawn, by the bakery.\n\n"
        f"See [the map]([[redact: https://{r['body link']}.example/]]) and [[[redact: {r['body link']}]]](https://example.org/).\n\n"
        f"Code: `[[redact: {r['body code']}]]` and *[[REDACT:{r['body emphasis']}]]*.\n\n"
        f"## [[ redact : {r['body heading']} ]]\n\n"
        f"* one [[redact: {r['body list']}]]\n* two\n\n"
        f"بيت في [[redact: {arabic_secret} {r['body arabic']}]] قرب السوق.\n\n"
        f"A passage [[redact: over\n\n{r['multiline']} two paragraphs]] ends here.\n")

    _unpublishable(c)

    # Hidden testimonies, one per state, every field marked.
    _hidden_testimony(c, "restricted", {"consent.access": "restricted"})
    _hidden_testimony(c, "withdrawn", {"consent.access": "withdrawn"})
    _hidden_testimony(c, "embargoed", {"consent.embargo_until": "2999-01-01"})
    _hidden_testimony(c, "draft", {"status": "draft", "translation_of": "control-account"})
    _hidden_testimony(c, "restrictedar", {"consent.access": "restricted", "language": "ar"}, arabic=True)
    # A public translation of a hidden original must not name it.
    _public(c, "translation-of-hidden", {"translation_of": next(i for i in c.hidden_ids if i.startswith("restricted-")),
                                         "language": "ar", "title": "ترجمة"}, "خرجنا إلى المخبز قبل الفجر.\n")
    return c
