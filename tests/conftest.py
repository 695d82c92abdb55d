"""Shared fixtures."""

from __future__ import annotations

# --- archive/ test helpers: a small collection in tmp_path and the CLI in-process ---------------

import pytest as _pytest

from tests.support import builder as _builder



@_pytest.fixture
def make_testimony():
    """make_testimony(tid, {"consent.access": "restricted"}, drop=["title"], body=...) -> file text.

    The builder's "checks" preset: a small valid, public, anonymous testimony.
    """

    def make(tid: str = "t1", changes: dict | None = None, drop: tuple = (), body: str = _builder.BODY) -> str:
        return _builder.render(_builder.change(_builder.fields(tid, "checks"), changes or {}, tuple(drop)), body)

    return make


@_pytest.fixture
def write_collection(tmp_path):
    """write_collection({"en/t1.md": text, ...}, places=..., themes=...) -> the content directory.

    Pass None for collection/places/themes to leave that file out; values that are
    bytes are written as they are. The files are the builder's "checks" vocabulary.
    """

    def write(files: dict | None = None, *, root=None, collection: str | None = _builder.FROM_VOCABULARY,
              places: str | None = _builder.FROM_VOCABULARY, themes: str | None = _builder.FROM_VOCABULARY):
        return _builder.write_collection(root or tmp_path / "content", files, vocabulary="checks",
                                         collection=collection, places=places, themes=themes)

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
    """(content, instance) for the consent-table collection of tests/support/consent_table.py, indexed once."""
    from tests.support import consent_table

    base = tmp_path_factory.mktemp("web-site")
    content = consent_table.write(base / "content")
    instance = base / "instance"
    _builder.build_index(content, instance)
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
    from tests.support import consent_table
    from web import create_app

    def make(rows=None, extra=None, index=True):
        content = consent_table.write(tmp_path / "content", rows if rows is not None else consent_table.ROWS, extra)
        instance = tmp_path / "instance"
        if index:
            _builder.build_index(content, instance)
        app = create_app({"ARCHIVE_CONTENT": str(content), "ARCHIVE_INSTANCE": str(instance),
                          "TESTING": True, "ARCHIVE_RELOAD_SECONDS": 0})
        return app, content, instance

    return make


# --- web/curate test helpers: a curator's own site ---------------------------------------------


@_pytest.fixture
def curate_site(tmp_path):
    """The consent-table collection, indexed, CSRF on, curator 'amal' signed in (`.client`)."""
    from tests.support.curators import make_curate_site

    return make_curate_site(tmp_path)
