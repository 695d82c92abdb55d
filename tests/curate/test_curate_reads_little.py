"""A curator's session reads only what each page shows: no curator page opens every testimony file (issue 14).

Every file the process opens is seen through a Python audit hook ("open" events), while a signed-in curator
goes through the dashboard (listing, search, filters), one testimony, its edit form and preview, its history,
the consent form, the import page and a check of a sheet, and the places list. A page of the dashboard opens
at most its page's files; a testimony's pages open that testimony's file alone. The positive control: the
hook sees every file when the whole collection is loaded, as curator pages did before.
"""

from __future__ import annotations

import io
import re
import sys
from pathlib import Path

import pytest

from archive.collection import load_collection
from archive.consent import Audience

from tests.support import builder
from tests.support.curators import csrf_token, make_curate_site

EXTRA = 45  # more than two dashboard pages of 20
_SEEN: list[list[str]] = []  # the open() paths of the recording in progress (audit hooks cannot be removed)


def _hook(event: str, args: tuple) -> None:
    if _SEEN and event == "open" and isinstance(args[0], (str, bytes, Path)):
        path = str(args[0] if not isinstance(args[0], bytes) else args[0].decode("utf-8", "replace"))
        if path.endswith(".md"):
            _SEEN[-1].append(path)


sys.addaudithook(_hook)


class opened:
    """The testimony files (by id) opened while the block runs."""

    def __enter__(self) -> set[str]:
        self.found: set[str] = set()
        _SEEN.append([])
        return self.found

    def __exit__(self, *exc: object) -> None:
        self.found.update(Path(p).stem for p in _SEEN.pop())


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    extra = {f"en/extra-{i:02d}.md": builder.testimony_text(f"extra-{i:02d}", title=f"Extra account {i}",
                                                              places=("saraqib",), themes=("displacement",))
             for i in range(EXTRA)}
    site = make_curate_site(tmp_path_factory.mktemp("reads-little"), extra=extra)
    builder.build_index(site.content, site.instance, audience=Audience.CURATOR)  # as `archive serve`'s indexer does
    return site


def test_the_collection_is_large_enough_and_the_hook_sees_a_whole_load(site):
    with opened() as found:
        collection = load_collection(site.content)
    assert len(collection.testimonies) > EXTRA and not collection.errors
    assert found >= set(collection.testimonies), "the positive control: a whole load opens every file"


def test_dashboard_pages_open_only_their_rows(site):
    for url in ("/curate/", "/curate/?page=2", "/curate/?q=extra", "/curate/?state=public&language=en"):
        with opened() as found:
            response = site.client.get(url)
        assert response.status_code == 200, url
        assert "extra-" in response.get_data(as_text=True)
        assert 0 < len(found) <= 20, (url, sorted(found))


def test_one_testimony_pages_open_its_file_alone(site):
    for url in ("/curate/t/extra-07", "/curate/t/extra-07/edit", "/curate/t/extra-07/consent",
                "/curate/t/extra-07/history"):
        with opened() as found:
            response = site.client.get(url)
        assert response.status_code == 200, url
        assert found == {"extra-07"}, (url, sorted(found))
    token = csrf_token(site.client, "/curate/t/extra-07/edit")
    form = {"csrf_token": token, "preview": "1", "title": "Extra account seven", "body": "An account.",
            "language": "en", "id": "extra-07"}
    with opened() as found:
        response = site.client.post("/curate/t/extra-07/edit", data=form)
    assert response.status_code in (200, 400) and "Extra account seven" in response.get_data(as_text=True)
    assert found == {"extra-07"}, sorted(found)


def test_new_form_import_check_and_vocabulary_list_open_no_testimony(site):
    for url in ("/curate/new", "/curate/import", "/curate/vocabulary/places", "/curate/vocabulary/themes",
                "/curate/vocabulary/places/saraqib/edit"):
        with opened() as found:
            response = site.client.get(url)
        assert response.status_code == 200, url
        assert not found, (url, sorted(found))
    html = site.client.get("/curate/vocabulary/places").get_data(as_text=True)
    row = re.search(r"<code>saraqib</code>.*?<td>(\d+)</td>\s*<td><a", html, re.DOTALL)
    collection = load_collection(site.content)
    assert row and int(row.group(1)) == sum("saraqib" in t.places for t in collection.testimonies.values()) > EXTRA
    sheet = "title,body,event_date\nExtra account 3,A repeated account.,2019-05\nA new account,Words.,2019-05\n"
    token = csrf_token(site.client, "/curate/import")
    site.client.post("/curate/import", data={"csrf_token": token, "sheet": (io.BytesIO(sheet.encode()), "s.csv")},
                     content_type="multipart/form-data")
    with opened() as found:
        response = site.client.post("/curate/import/run", data={"csrf_token": token, "action": "check",
                                                                "map-0": "title", "map-1": "body",
                                                                "map-2": "event_date"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "repeats" in html and "extra-03" in html, html
    assert not found, sorted(found)


PROBLEMS = re.compile(r"(\d+) files? ha(?:s|ve) problems and (?:is|are) not listed here")
LANGUAGES = re.compile(r'<select id="dashboard-language".*?</select>', re.DOTALL)


def _counted(site) -> tuple[int, list[str]]:
    html = site.client.get("/curate/").get_data(as_text=True)
    found = PROBLEMS.search(html)
    return (int(found.group(1)) if found else 0), re.findall(r'<option value="([a-z]+)"', LANGUAGES.search(html).group(0))


def test_the_dashboard_counts_what_archive_check_finds_without_reading_the_files(tmp_path):
    twin = builder.testimony_text("twin", title="Twin", places=("saraqib",), themes=("displacement",))
    extra = {"en/broken.md": "no front matter at all\n", "en/twin.md": twin, "ar/twin.md": twin,
             "ar/arabic-extra.md": builder.testimony_text("arabic-extra", title="شهادة", language="ar",
                                                          places=("saraqib",), themes=("displacement",))}
    site = make_curate_site(tmp_path, extra=extra)
    builder.build_index(site.content, site.instance, audience=Audience.CURATOR)

    def expected() -> tuple[int, list[str]]:
        collection = load_collection(site.content)
        return len({p.path for p in collection.errors}), sorted({t.language for t in collection.testimonies.values()})

    with opened() as found:
        counted = _counted(site)
    assert counted == expected() and counted[0] == 3 and "ar" in counted[1], counted  # broken, and both twins
    assert len(found) <= 20
    (site.content / "en" / "also-broken.md").write_text("---\nid: also-broken\n---\n", encoding="utf-8")
    (site.content / "places.yaml").write_text("- id: Not A Slug\n", encoding="utf-8")
    builder.build_index(site.content, site.instance, audience=Audience.CURATOR)  # the background indexer's run
    assert _counted(site) == expected() and _counted(site)[0] > 3
