"""The one builder of test collections: a testimony's fields, its file, the content directory, the index.

    front = fields("t1", "consent", **{"consent.access": "restricted", "summary": None})
    text = render(front, body)                          # "---\\n<YAML>---\\n<body>"
    root = write_collection(tmp / "content", {"en/t1.md": text}, vocabulary="consent")
    build_index(root, tmp / "instance")                 # as `archive index` does

Every test collection is written through these functions; the places, themes and collection
files are the variants in tests/support/vocabularies.py, and the default fields of a testimony
are the presets below (named like those variants).
"""

from __future__ import annotations

import copy
import datetime as dt
import re
import textwrap
from pathlib import Path
from typing import Any, Callable

import yaml

from tests.support import vocabularies


BODY = "The first paragraph of the account.\n\nThe second paragraph.\n"


def _checks(tid: str) -> dict[str, Any]:
    """A small valid, public, anonymous testimony (the archive's check, load and CLI tests)."""
    return {
        "id": tid,
        "title": "A test account",
        "language": "en",
        "narrator": {"description": "A resident of the city"},
        "consent": {"access": "public", "identity": "anonymous", "date": "2019-03-02",
                    "recorded_by": "Test curator"},
        "event_date": "2018-08",
        "places": ["saraqib"],
        "themes": ["airstrikes"],
        "recorded": {"date": "2018-09", "by": "Test interviewer", "method": "interview"},
    }


def _consent(tid: str) -> dict[str, Any]:
    """A public, named testimony about Saraqib and airstrikes (the consent table of the web tests)."""
    return {
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


def _search(tid: str) -> dict[str, Any]:
    """A public, named testimony about Idlib (the search tests; the consent date is a YAML date)."""
    return {
        "id": tid,
        "title": "A testimony",
        "language": "en",
        "narrator": {"name": "Narrator Name"},
        "consent": {"access": "public", "identity": "named", "date": dt.date(2020, 1, 1), "recorded_by": "Tests"},
        "event_date": "2019-05",
        "places": ["idlib"],
        "themes": ["airstrikes"],
        "recorded": {"date": "2020-01", "by": "Tests", "method": "written"},
    }


def _reading(tid: str) -> dict[str, Any]:
    """A public, named account from Saraqib (the browser and HTML tests; give it a title)."""
    return {
        "id": tid,
        "language": "en",
        "narrator": {"name": "Layla Haddad", "description": "A baker from the town"},
        "consent": {"access": "public", "identity": "named", "date": "2019-03-02", "recorded_by": "Archive curator"},
        "event_date": "2018-08",
        "places": ["saraqib"],
        "themes": ["airstrikes"],
        "recorded": {"date": "2018-09", "by": "Idlib oral history project", "method": "interview"},
    }


PRESETS: dict[str, Callable[[str], dict[str, Any]]] = {
    "checks": _checks, "consent": _consent, "search": _search, "reading": _reading}


def change(front: dict[str, Any], changes: dict[str, Any], drop: tuple[str, ...] = ()) -> dict[str, Any]:
    """Set each dotted key of `changes` in `front` (None removes it), then delete the `drop` keys (which must exist)."""
    for dotted, value in changes.items():
        *parents, last = dotted.split(".")
        target = front
        for key in parents:
            target = target.setdefault(key, {})
        if value is None:
            target.pop(last, None)
        else:
            target[last] = value
    for dotted in drop:
        *parents, last = dotted.split(".")
        target = front
        for key in parents:
            target = target[key]
        del target[last]
    return front


def fields(tid: str = "t1", preset: str = "checks", **changes: Any) -> dict[str, Any]:
    """The front matter of a testimony: the preset's fields with dotted `changes` (None removes a key)."""
    return change(copy.deepcopy(PRESETS[preset](tid)), changes)


def render(front: dict[str, Any], body: str = BODY) -> str:
    """A testimony file's text: the fields as YAML front matter, then the body."""
    return "---\n" + yaml.safe_dump(front, sort_keys=False, allow_unicode=True, width=1000) + "---\n" + body


def _yaml_date(value: str) -> Any:
    """A day written as YAML writes an unquoted date (a date object), anything else as it is."""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    return value


def testimony_text(testimony_id: str, *, title: str = "A testimony", body: str = "An account.",
                   language: str = "en", access: str = "public", identity: str = "named",
                   name: str | None = "Narrator Name", pseudonym: str | None = None,
                   embargo_until: str | None = None, place_detail: str | None = None,
                   places: tuple[str, ...] = ("idlib",), themes: tuple[str, ...] = ("airstrikes",),
                   event_date: str = "2019-05", summary: str | None = None, status: str | None = None,
                   translation_of: str | None = None, note: str | None = None) -> str:
    """The file text of one valid testimony of the "search" preset, said with keywords (or made invalid by them)."""
    narrator = {key: value for key, value in (("name", name), ("pseudonym", pseudonym)) if value}
    front = fields(testimony_id, "search", title=title, language=language, **{
        "narrator": narrator or None, "consent.access": access, "consent.identity": identity,
        "consent.embargo_until": _yaml_date(embargo_until) if embargo_until else None,
        "consent.place_detail": place_detail, "consent.note": note,
        "event_date": event_date, "places": list(places), "themes": list(themes)})
    if not narrator:  # no name and no pseudonym: an empty `narrator:`, which YAML reads as null
        front["narrator"] = None
    change(front, {"translation_of": translation_of, "summary": summary, "status": status})
    return render(front, body + "\n")


def write_files(root: Path, files: dict[str, str | bytes] | None = None) -> Path:
    """Write each file (a path relative to `root`: text as UTF-8, bytes as they are) and return `root`."""
    root.mkdir(parents=True, exist_ok=True)
    for name, text in (files or {}).items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return root


def write_testimony(root: Path, testimony_id: str, folder: str = "t", **keywords: Any) -> Path:
    """Write (or overwrite) one testimony said with testimony_text's keywords; return its path."""
    path = root / folder / f"{testimony_id}.md"
    write_files(root, {f"{folder}/{testimony_id}.md": testimony_text(testimony_id, **keywords)})
    return path


def written(front: dict[str, Any], body: str = BODY) -> dict[str, str]:
    """{"<language>/<id>.md": text}: a testimony filed under its language, for write_collection."""
    return {f"{front.get('language') or 'en'}/{front['id']}.md": render(copy.deepcopy(front), body)}


FROM_VOCABULARY = "from the vocabulary"


def write_collection(root: Path, files: dict[str, str | bytes] | None = None, *, vocabulary: str = "checks",
                     testimonies: dict[str, dict[str, Any]] | None = None,
                     collection: str | None = FROM_VOCABULARY, places: str | None = FROM_VOCABULARY,
                     themes: str | None = FROM_VOCABULARY) -> Path:
    """A content directory: collection.yaml, places.yaml and themes.yaml of the `vocabulary` variant
    (or the text given; None leaves the file out), the `files`, and `testimonies` (id -> testimony_text keywords)."""
    given = {"collection.yaml": (collection, vocabularies.COLLECTIONS), "places.yaml": (places, vocabularies.PLACES),
             "themes.yaml": (themes, vocabularies.THEMES)}
    write_files(root, {name: textwrap.dedent(variants[vocabulary] if text == FROM_VOCABULARY else text)
                       for name, (text, variants) in given.items() if text is not None})
    write_files(root, files)
    for testimony_id, keywords in (testimonies or {}).items():
        write_testimony(root, testimony_id, **keywords)
    return root


def build_index(content: Path, instance: Path, today: dt.date | None = None, *, audience: Any = None,
                procs: int = 1) -> Any:
    """Bring the search index up to date, as `archive index` would; returns update_index's report."""
    from archive.config import Config
    from search.indexer import update_index

    options = {} if audience is None else {"audience": audience}
    return update_index(Config(content, instance), today or dt.date.today(), procs=procs, **options)
