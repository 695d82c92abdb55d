"""Shared fixtures."""

from __future__ import annotations

# --- archive/ test helpers: a small collection in tmp_path and the CLI in-process ---------------

import copy as _copy
import textwrap as _textwrap

import pytest as _pytest
import yaml as _yaml

ARCHIVE_COLLECTION_YAML = """\
title: "Test Archive"
publisher: "Test Publisher"
base_url: "https://archive.example.org"
license: CC-BY-NC-4.0
languages: [en, ar]
"""

# A country > governorate > district > city chain, plus places that test names and coarsening.
ARCHIVE_PLACES_YAML = """\
- id: syria
  name: "Syria"
  names: {ar: "سوريا"}
  type: country
- id: idlib-governorate
  name: "Idlib Governorate"
  names: {ar: "محافظة إدلب"}
  aliases: ["Idlib Province"]
  type: governorate
  parent: syria
- id: idlib-district
  name: "Idlib District"
  type: district
  parent: idlib-governorate
- id: idlib
  name: "Idlib"
  names: {ar: "إدلب"}
  aliases: ["Idleb", "Edlib"]
  type: city
  parent: idlib-district
- id: saraqib
  name: "Saraqib"
  names: {ar: "سراقب"}
  aliases: ["Saraqeb", "Sarakib"]
  type: city
  parent: idlib-district
  coordinates: [35.8625, 36.8039]
- id: maarrat-al-numan
  name: "Ma'arrat al-Nu'man"
  names: {ar: "مَعَرَّة النُّعْمَان"}
  aliases: ["Maarat al-Numan"]
  type: city
  parent: idlib-governorate
- id: lonely-camp
  name: "Lonely Camp"
  type: camp
"""

ARCHIVE_THEMES_YAML = """\
- id: violence
  label: "Violence"
  labels: {ar: "العنف"}
- id: airstrikes
  label: "Airstrikes"
  labels: {ar: "الغارات الجوية"}
  broader: violence
- id: barrel-bombs
  label: "Barrel bombs"
  broader: airstrikes
- id: displacement
  label: "Displacement"
  labels: {ar: "النزوح"}
"""

ARCHIVE_BODY = "The first paragraph of the account.\n\nThe second paragraph.\n"


def archive_testimony_fields(tid: str = "t1") -> dict:
    """The front matter of a small valid, public, anonymous testimony."""
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


def archive_render_testimony(fields: dict, body: str = ARCHIVE_BODY) -> str:
    """A testimony file's text: the fields as YAML front matter, then the body."""
    front = _yaml.safe_dump(fields, sort_keys=False, allow_unicode=True, width=1000)
    return f"---\n{front}---\n{body}"


@_pytest.fixture
def make_testimony():
    """make_testimony(tid, {"consent.access": "restricted"}, drop=["title"], body=...) -> file text."""

    def make(tid: str = "t1", changes: dict | None = None, drop: tuple = (), body: str = ARCHIVE_BODY) -> str:
        fields = _copy.deepcopy(archive_testimony_fields(tid))
        for dotted, value in (changes or {}).items():
            *parents, last = dotted.split(".")
            target = fields
            for key in parents:
                target = target.setdefault(key, {})
            target[last] = value
        for dotted in drop:
            *parents, last = dotted.split(".")
            target = fields
            for key in parents:
                target = target[key]
            del target[last]
        return archive_render_testimony(fields, body)

    return make


@_pytest.fixture
def write_collection(tmp_path):
    """write_collection({"en/t1.md": text, ...}, places=..., themes=...) -> the content directory.

    Pass None for collection/places/themes to leave that file out; values that are
    bytes are written as they are.
    """

    def write(files: dict | None = None, *, root=None, collection: str | None = ARCHIVE_COLLECTION_YAML,
              places: str | None = ARCHIVE_PLACES_YAML, themes: str | None = ARCHIVE_THEMES_YAML):
        root = root or tmp_path / "content"
        root.mkdir(parents=True, exist_ok=True)
        for name, text in (("collection.yaml", collection), ("places.yaml", places), ("themes.yaml", themes)):
            if text is not None:
                (root / name).write_text(_textwrap.dedent(text), encoding="utf-8")
        for name, text in (files or {}).items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(text, bytes):
                path.write_bytes(text)
            else:
                path.write_bytes(text.encode("utf-8"))
        return root

    return write


@_pytest.fixture
def archive_cli(capsys, monkeypatch):
    """archive_cli("check", "--content", dir) -> (exit code, stdout, stderr), through archive.cli.main."""
    monkeypatch.delenv("ARCHIVE_CONTENT", raising=False)
    monkeypatch.delenv("ARCHIVE_INSTANCE", raising=False)
    from archive.cli import main

    def run(*args: str) -> tuple[int, str, str]:
        capsys.readouterr()
        try:
            main([str(a) for a in args])
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        out, err = capsys.readouterr()
        return code, out, err

    return run


# --- web/ test helpers: the consent-table collection, served by a Flask test client -------------


@_pytest.fixture(scope="session")
def web_site_dirs(tmp_path_factory):
    """(content, instance) for the consent-table collection of tests/web_support.py, indexed once."""
    import web_support

    base = tmp_path_factory.mktemp("web-site")
    content = web_support.write(base / "content")
    instance = base / "instance"
    web_support.build_index(content, instance)
    return content, instance


@_pytest.fixture(scope="session")
def web_app(web_site_dirs):
    """The application over the consent-table collection (shared: tests must not change its files)."""
    from web import create_app

    content, instance = web_site_dirs
    return create_app({"ARCHIVE_CONTENT": str(content), "ARCHIVE_INSTANCE": str(instance), "TESTING": True})


@_pytest.fixture
def web_client(web_app):
    return web_app.test_client()


@_pytest.fixture
def web_fresh_site(tmp_path):
    """web_fresh_site(rows=..., extra={...}) -> (app, content, instance): a collection of its own to change."""
    import web_support
    from web import create_app

    def make(rows=None, extra=None, index=True):
        content = web_support.write(tmp_path / "content", rows if rows is not None else web_support.ROWS, extra)
        instance = tmp_path / "instance"
        if index:
            web_support.build_index(content, instance)
        app = create_app({"ARCHIVE_CONTENT": str(content), "ARCHIVE_INSTANCE": str(instance),
                          "TESTING": True, "ARCHIVE_RELOAD_SECONDS": 0})
        return app, content, instance

    return make
