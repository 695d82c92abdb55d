"""Against a real `archive serve`: duplicate ids publish neither copy, and the version hides nothing.

Each test starts with a positive control (the canary is found while it is public), then
changes the files as an editor, a backup or a git merge would, and looks again.
"""

from __future__ import annotations

import json
import re
import time

import pytest

from web.site import touch_stamp

from tests.support import builder, consent_table
from tests.support.served import Served, serving, wait_until

pytestmark = pytest.mark.slow

CANARY = "canary-account"
WORD = "zqdupcanaryword"
NARRATOR = "Zqdupnarrator Person"


def _canary_rows() -> tuple[consent_table.Row, ...]:
    canary = builder.fields(CANARY, "consent", title=f"The {WORD} morning", **{"narrator.name": NARRATOR})
    return (consent_table.Row("canary", CANARY, canary),
            consent_table.Row("neighbour", "neighbour-account", builder.fields("neighbour-account", "consent")))


def _search(served: Served, q: str) -> set[str] | None:
    """The ids a public search finds, or None while it answers 503 (which must name nothing)."""
    status, _, body = served.get(f"/api/search?q={q}&per_page=100")
    if status == 503:
        assert CANARY not in body.decode("utf-8", "replace") and WORD not in body.decode("utf-8", "replace")
        return None
    assert status == 200, body
    return {r["id"] for r in json.loads(body)["results"]}


def _everywhere(served: Served) -> str:
    """The feed, the sitemap and the exports, as one text."""
    routes = ("/feed.atom", "/sitemap.xml", f"/search.csv?q={WORD}", f"/search.json?q={WORD}", "/search.csv",
              f"/search.bib?q={WORD}", "/", "/places/saraqib", "/themes/airstrikes")
    return "\n".join(served.get(route)[2].decode("utf-8", "replace") for route in routes)


@pytest.mark.parametrize(("folder", "original", "copy", "expected"), [
    pytest.param("00-backup", "withdrawn", "public", 410, id="a public copy of a withdrawn file, sorting first"),
    pytest.param("zz-backup", "withdrawn", "public", 410, id="a public copy of a withdrawn file, sorting last"),
    pytest.param("00-backup", "public", "restricted", 404, id="a restricted copy of a public file"),
])
def test_duplicate_ids_publish_neither_copy(tmp_path, archive_cli, folder, original, copy, expected):
    content = consent_table.write(tmp_path / "content", _canary_rows())
    instance = tmp_path / "instance"
    with serving(content, instance, tmp_path / "serve.log") as served:
        # the positive control: the canary is everywhere while it is public
        assert served.get(f"/t/{CANARY}")[0] == 200
        assert _search(served, WORD) == {CANARY}
        listed = _everywhere(served)
        assert f"/t/{CANARY}" in listed and WORD in listed.casefold()
        assert archive_cli("cite", CANARY, "--content", content)[0] == 0

        consent_table.edit(content, CANARY, "access: public", f"access: {original}")
        duplicate = content / folder / f"{CANARY}.md"
        duplicate.parent.mkdir()
        duplicate.write_text(builder.render(builder.fields(
            CANARY, "consent", title=f"The {WORD} morning", **{"narrator.name": NARRATOR, "consent.access": copy})), "utf-8")

        wait_until(lambda: served.get(f"/t/{CANARY}")[0] == expected, 20, "the duplicate to be seen")
        time.sleep(2.5)  # every worker has looked at the files again (ARCHIVE_RELOAD_SECONDS)
        for _ in range(6):  # every worker answers alike
            for path in (f"/t/{CANARY}", f"/api/t/{CANARY}", f"/t/{CANARY}/cite.bib"):
                status, _, body = served.get(path)
                assert status == expected, path
                assert WORD not in body.decode("utf-8", "replace").casefold()
                assert "zqdupnarrator" not in body.decode("utf-8", "replace").casefold()
        wait_until(lambda: _search(served, WORD) == set(), 30, "search to drop both copies")
        assert CANARY not in (_search(served, "bakery") or set())
        listed = _everywhere(served)
        assert f"/t/{CANARY}" not in listed and WORD not in listed.casefold() and "zqdupnarrator" not in listed.casefold()
        assert served.get("/t/neighbour-account")[0] == 200  # the rest of the collection is served

    code, _, err = archive_cli("cite", CANARY, "--content", content)
    assert code == 1 and ("withdrawn" in err if expected == 410 else "No public testimony" in err)
    code, out, _ = archive_cli("check", "--content", content)
    assert code == 1
    named = [line for line in out.splitlines() if f"'{CANARY}' is also the id of" in line]
    assert len(named) == 2, out
    assert any(f"{folder}/{CANARY}.md:" in line for line in named)
    assert any(f"en/{CANARY}.md:" in line for line in named)


def _hashes(served: Served) -> tuple[str, str]:
    status, _, body = served.get(f"/api/t/{consent_table.SUBJECT}")
    assert status == 200
    version = json.loads(body)["testimony"]["version"]
    status, headers, _ = served.get(f"/t/{consent_table.SUBJECT}")
    assert status == 200 and headers["ETag"].strip('"').startswith(version)
    return version, headers["ETag"]


def test_hidden_edits_leave_the_version_and_etag_of_a_served_page_as_they_are(tmp_path):
    content = consent_table.write(tmp_path / "content", consent_table.hidden_parts_rows())
    instance = tmp_path / "instance"
    subject, elsewhere = consent_table.SUBJECT, consent_table.ELSEWHERE
    with serving(content, instance, tmp_path / "serve.log") as served:
        version, etag = _hashes(served)
        assert re.fullmatch(r"[0-9a-f]{12}", version)
        for tid, old, new in ((subject, "Zqhiddenname Person", "Zqguessname Other"),
                              (subject, "zqnoteword for curators", "a new note"),
                              (subject, "zqpassageword Street", "zqguessword Road"),
                              (elsewhere, "An account of the market", "A rewritten restricted account")):
            consent_table.edit(content, tid, old, new)
        touch_stamp(instance)  # every worker reads the files again on its next request
        time.sleep(2.5)  # and past ARCHIVE_RELOAD_SECONDS, in case the stamp were missed
        for _ in range(6):
            assert _hashes(served) == (version, etag)
            assert served.get(f"/t/{subject}", **{"If-None-Match": etag})[0] == 304
        # the positive control: a visible edit changes both at once
        consent_table.edit(content, subject, "An account of the market", "A retold account of the market")
        touch_stamp(instance)
        for _ in range(6):
            changed, changed_etag = _hashes(served)
            assert changed != version and changed_etag != etag
            assert served.get(f"/t/{subject}", **{"If-None-Match": etag})[0] == 200
