"""The consent leak scan: every public route, crawled, in two languages; no hidden marker anywhere.

tests/consent/marked_collection.py writes a collection where every non-public element carries a marker word
and public controls carry markers that must be seen. The crawl starts at "/" and follows every
same-origin link, the feed, the sitemap, robots.txt, JSON bodies, every rule of the URL map with
every id (hidden ones too), every facet value and suggestion, error pages; then every marker is
searched for through the API and the CLI. Phase two withdraws and restricts testimonies through
the curator interface and scans again.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urlencode

import pytest

from tests.consent import marked_collection
from tests.consent.leak_crawl import Crawl, crawl
from tests.consent.marked_collection import LeakCollection
from tests.consent.markers import Marker, find_leaks, marker_word
from tests.support import builder, consent_table


NONSENSE = "zqxmnonsenseword"


def _describe(leaks: list) -> str:
    lines = [str(leak) for leak in leaks[:25]]
    more = f"\n… and {len(leaks) - 25} more" if len(leaks) > 25 else ""
    return "consent leaks:\n" + "\n".join(lines) + more


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    from web import create_app

    base = tmp_path_factory.mktemp("leak-scan")
    collection = marked_collection.build(base / "content")
    builder.build_index(collection.root, base / "instance")
    app = create_app({"ARCHIVE_CONTENT": str(collection.root), "ARCHIVE_INSTANCE": str(base / "instance"),
                      "TESTING": True, "ARCHIVE_OAI_PAGE_SIZE": 2})  # small pages: resumption tokens are followed
    return app, collection, base / "instance"


@pytest.fixture(scope="module")
def crawled(site) -> Crawl:
    app, _, _ = site
    return crawl(app.test_client())


def test_the_collection_is_valid_and_every_marker_is_planted(site):
    from archive.collection import load_collection

    _, c, _ = site
    loaded = load_collection(c.root)
    # only the files that write a hidden name or place where consent cannot hide it fail, each on its own
    failing = {Path(p.path).stem for p in loaded.errors}
    assert failing == set(c.unpublishable) and len(failing) == 6
    assert set(loaded.testimonies) == set(c.public_ids) | set(c.hidden_ids) - failing
    files = "\n".join(p.read_text("utf-8") for p in c.root.rglob("*") if p.is_file()).casefold()
    for marker in c.markers:
        assert marker.word.casefold() in files, marker
    assert len(c.forbidden) >= 80 and len(c.controls) >= 8


def test_no_hidden_marker_in_any_response_body_or_header(site, crawled):
    _, c, _ = site
    leaks = find_leaks(crawled, c.forbidden)
    assert not leaks, _describe(leaks)


def test_the_crawl_covered_every_kind_of_page(site, crawled):
    _, c, _ = site
    got = [f for f in crawled.responses.values() if f.method == "GET"]

    def count(predicate) -> int:
        return sum(1 for f in got if predicate(f))

    assert len(got) >= 500
    assert count(lambda f: f.url == "/" and f.status == 200 and f.language == "ar") == 1
    for tid in c.public_ids:
        for language in ("en", "ar"):
            assert count(lambda f: f.url == f"/t/{tid}" and f.status == 200 and f.language == language) == 1, tid
        assert count(lambda f: f.url == f"/api/t/{tid}" and f.status == 200) == 2, tid
        assert count(lambda f: f.url.startswith(f"/t/{tid}/cite.") and f.status == 200) == 4, tid
    for tid, status in c.hidden_ids.items():
        for route in (f"/t/{tid}", f"/api/t/{tid}", *(f"/t/{tid}/cite.{e}" for e in ("txt", "bib", "ris", "json"))):
            assert count(lambda f: f.url == route and f.status == status) >= 1, (route, status)
    assert count(lambda f: f.url.startswith("/places/") and f.status == 200) >= 2 * 9
    assert count(lambda f: f.url.startswith("/themes/") and f.status == 200) >= 2 * 4
    assert count(lambda f: f.url.startswith("/api/search?") and f.status == 200) >= 60
    assert count(lambda f: f.url.startswith("/search?") and f.status == 200) >= 60
    assert count(lambda f: re.match(r"/api/search\?(place|theme|language|from)=", f.url) is not None) >= 10
    assert count(lambda f: f.url.startswith("/search.") and f.status == 200) >= 15
    for route in ("/feed.atom", "/sitemap.xml", "/robots.txt", "/api/openapi.json", "/api/places", "/api/themes"):
        assert count(lambda f: f.url == route and f.status == 200) >= 1, route
    assert count(lambda f: f.status == 404) >= 30 and count(lambda f: f.status == 400) >= 3
    assert sum(1 for f in crawled.responses.values() if f.status == 405) >= 2  # other methods, in both languages
    assert count(lambda f: f.url.startswith("/curate")) >= 10
    suggested = [json.loads(f.body)["suggestion"] for f in got
                 if f.url.startswith("/api/search?") and f.status == 200 and json.loads(f.body).get("suggestion")]
    assert suggested, "no search in the crawl offered a suggestion"
    for suggestion in suggested:
        assert count(lambda f: f.url == f"/api/search?{urlencode({'q': suggestion})}") >= 1, suggestion
    # OAI-PMH: every verb, every id (hidden ones answer idDoesNotExist), sets, and resumption tokens followed.
    oai = [f for f in got if f.url.startswith("/oai?") and f.status == 200]
    for verb in ("Identify", "ListSets", "ListMetadataFormats", "GetRecord", "ListIdentifiers", "ListRecords"):
        assert sum(1 for f in oai if f"verb={verb}" in f.url and "<error" not in f.body) >= 1, verb
    assert sum(1 for f in oai if "resumptionToken=" in f.url and "<error" not in f.body) >= 4
    assert sum(1 for f in oai if "set=" in f.url and "<error" not in f.body) >= 5
    for tid in c.hidden_ids:
        assert sum(1 for f in oai if f"verb=GetRecord" in f.url and f.url.endswith(f"%3A{tid}")
                   and ('code="idDoesNotExist"' in f.body or 'status="deleted"' in f.body)) >= 1, tid
    # Links were followed, not only the seeds: pagination, sorting and facet links of the search page.
    assert count(lambda f: "sort=" in f.url and f.url.startswith("/search?") and f.status == 200) >= 2
    assert count(lambda f: re.search(r"[?&]page=[2-9]", f.url) and f.url.startswith("/search?")) >= 2


def test_the_scan_sees_the_public_controls(site, crawled):
    """Positive control: treated as forbidden, the public markers are found where they belong."""
    _, c, _ = site
    seen = find_leaks(crawled, [Marker(m.word, m.label) for m in c.controls])
    where: dict[str, set[str]] = {}
    for leak in seen:
        where.setdefault(leak.marker.label, set()).add(leak.url)
    assert set(where) == {m.label for m in c.controls}
    assert {"/t/control-account", "/api/t/control-account", "/t/control-account/cite.txt"} <= where["control narrator name"]
    assert "/feed.atom" in where["control title"] and any(u.startswith("/api/search") for u in where["control title"])
    assert any(u.startswith("/search.csv") for u in where["control title"])
    assert "/t/control-arabic [ar]" in where["control arabic body"]
    assert any(u.startswith("/oai?") for u in where["control title"])  # OAI-PMH records
    assert any(u.startswith("/oai?") for u in where["control narrator name"])
    assert any(u.startswith("/search?") for u in where["control narrator name"])  # COinS and the result


def test_no_response_is_a_server_error(crawled):
    errors = [(f.method, f.url, f.language, f.status) for f in crawled.responses.values() if f.status >= 500]
    assert not errors, errors[:20]


def _headers(fetched) -> dict[str, str]:
    """The headers, but a cookie's expiry time (which moves with the clock)."""
    return {name: re.sub(r"Expires=[^;]*;", "", value) for name, value in fetched.headers}


def test_hidden_testimonies_answer_as_unknown_or_gone_in_both_languages(site, crawled):
    _, c, _ = site
    responses = crawled.responses
    for tid, status in c.hidden_ids.items():
        for language in ("en", "ar"):
            page = responses[("GET", f"/t/{tid}", language)]
            assert page.status == status, (tid, language)
            if status == 404:
                unknown = responses[("GET", "/t/no-such-testimony", language)]
                assert page.body == unknown.body and _headers(page) == _headers(unknown), tid
        api = responses[("GET", f"/api/t/{tid}", "en")]
        assert api.status == status
        if status == 410:
            assert json.loads(api.body) == {"ok": False, "status": 410,
                                            "error": f"Testimony '{tid}' was withdrawn at the narrator's request."}
    for f in crawled.responses.values():  # curator routes never show a hidden testimony to a stranger
        if f.url.startswith("/curate/t/"):
            assert f.status in (302, 303, 401, 403, 404), (f.url, f.status)


def test_counts_and_facets_say_nothing_of_hidden_testimonies(site, crawled):
    _, c, _ = site
    hidden_values = {c.hidden_only_place, c.hidden_only_theme, c.hidden_only_language, c.hidden_only_year, c.village}
    checked = 0
    for f in crawled.responses.values():
        if f.status != 200 or f.method != "GET" or not f.url.startswith(("/api/search", "/search.json")):
            continue
        data = json.loads(f.body)
        checked += 1
        for facet, items in (data.get("facets") or {}).items():
            assert not {str(i["value"]) for i in items} & hidden_values, (f.url, facet, items)
        for result in data["results"]:
            assert result["id"] in c.public_ids, (f.url, result["id"])
            assert result["language"] != c.hidden_only_language and c.hidden_only_year not in str(result["event_date"])
    assert checked >= 60
    places = {p["id"]: p["count"] for p in json.loads(crawled.responses[("GET", "/api/places", "en")].body)["places"]}
    themes = {t["id"]: t["count"] for t in json.loads(crawled.responses[("GET", "/api/themes", "en")].body)["themes"]}
    assert places[c.hidden_only_place] == 0 and places[c.village] == 0 and themes[c.hidden_only_theme] == 0
    assert themes["violence"] == places["syria"] == len(c.public_ids)
    for language in ("en", "ar"):
        village = crawled.responses[("GET", f"/places/{c.village}", language)].body
        assert f"/t/{c.coarse_id}" not in village
    governorate = crawled.responses[("GET", "/places/idlib-governorate", "en")].body
    assert f"/t/{c.coarse_id}" in governorate  # the coarsened place is shown at the level consent allows


def _glance(body: str, kind: str) -> list[str]:
    """The map or the timeline sections of a page: the SVG and its table."""
    return re.findall(rf'<section class="glance" aria-labelledby="{kind}-heading">.*?</section>', body, re.S)


def test_the_map_and_the_timeline_count_only_public_testimonies_at_their_public_place(site, crawled):
    _, c, _ = site
    api = site[0].test_client()
    maps = timelines = bars = 0
    counted_governorate = False
    for f in crawled.responses.values():
        if f.status != 200 or f.method != "GET" or "html" not in f.content_type:
            continue
        path = f.url.split("?")[0]
        for section in _glance(f.body, "map"):  # the SVG and its table
            maps += 1
            for hidden in (c.village, c.hidden_only_place):  # drawn only on its own page, and at zero
                if path == f"/places/{hidden}":
                    marker = re.search(rf'<a href="/places/{hidden}" class="marker current" aria-label="([^"]*)"',
                                       section)
                    assert marker and not re.search(r"[1-9\u0661-\u0669]", marker.group(1)), f.url
                else:
                    assert f"/places/{hidden}" not in section, (f.url, hidden)
            saraqib = re.search(r'aria-label="Saraqib: (\d+) public testimon', section)
            if saraqib:
                assert int(saraqib.group(1)) == api.get("/api/search?place=saraqib").get_json()["total"], f.url
            counted_governorate |= bool(re.search(r'aria-label="Idlib Governorate: [1-9]', section))
        for section in _glance(f.body, "timeline"):
            timelines += 1
            assert c.hidden_only_year not in section, f.url
            for escaped, count in re.findall(r'href="([^"]+)" aria-label="[^"]*?: (\d+) ', section):
                query = escaped.replace("&amp;", "&").split("?", 1)[1]  # each bar finds exactly what it counts
                assert api.get(f"/api/search?{query}").get_json()["total"] == int(count), (f.url, query)
                bars += 1
    assert maps >= 10 and timelines >= 20 and bars >= 20
    assert counted_governorate  # positive control: the coarsened testimony, counted at its public level


def test_searching_for_a_hidden_marker_is_searching_for_nonsense(site):
    """Zero hits for every hidden marker, and an answer identical to a word nobody wrote."""
    app, c, _ = site
    client = app.test_client(use_cookies=False)
    nonsense = {route: client.get(f"{route}?{urlencode({'q': NONSENSE})}").get_data(as_text=True).replace(NONSENSE, "~")
                for route in ("/api/search", "/search.json")}
    for marker in c.forbidden:
        for route in ("/api/search", "/search.json"):
            hidden = client.get(f"{route}?{urlencode({'q': marker.word})}")
            assert hidden.status_code == 200, (route, marker)
            data = hidden.get_json()
            assert data["total"] == 0 and data["results"] == [], (route, marker, data)
            assert hidden.get_data(as_text=True).replace(marker.word, "~") == nonsense[route], (route, marker)
    for marker in c.controls:  # and the control words are found, so the search is not simply empty
        if marker.label in ("control narrator description", "control contributor"):
            continue  # shown, but not among the searchable fields
        found = client.get(f"/api/search?{urlencode({'q': marker.word})}").get_json()
        assert found["total"] >= 1, marker


def test_the_cli_finds_no_hidden_marker(site, archive_cli):
    app, c, instance = site
    args = ("--content", str(c.root), "--instance", str(instance))
    words = [m.word for m in c.forbidden]
    for word in words[:10]:  # one at a time, as a person would type them
        code, out, err = archive_cli("search", word, "--json", *args)
        assert code == 0, err
        data = json.loads(out)
        assert data["total"] == 0 and data["results"] == [], (word, data)
    control = c.marker("control body").word
    for start in range(0, len(words), 30):  # all of them, thirty to a query joined by OR
        batch = words[start:start + 30]
        code, out, err = archive_cli("search", " OR ".join(batch), "--json", "--per-page", "100", *args)
        assert code == 0, err
        data = json.loads(out)
        assert data["total"] == 0 and data["results"] == [], (batch, data)
        # the same query with one public word finds exactly that testimony: OR works, the rest found nothing
        code, out, err = archive_cli("search", " OR ".join([*batch, control]), "--json", "--per-page", "100", *args)
        assert code == 0 and [r["id"] for r in json.loads(out)["results"]] == ["control-account"], out
    # Plain output and citations: nothing hidden in them either.
    code, out, err = archive_cli("search", "bakery market queue aircraft", "--per-page", "100", *args)
    assert code == 0 and "control-account" in out
    for marker in c.forbidden:
        assert marker.word.casefold() not in (out + err).casefold() or not marker.forbidden_on("/"), marker
    for tid in c.hidden_ids:
        code, out, err = archive_cli("cite", tid, *args)
        assert code != 0
        for marker in c.forbidden:
            if marker.word not in tid:
                assert marker.word.casefold() not in (out + err).casefold(), (tid, marker)


# --- the scan sees what it must: each kind of hidden thing, leaked on purpose ---------------------

def _mutations():
    from archive import loader as check_module  # the check of what consent cannot hide runs there
    from archive import consent
    from archive.consent import Visibility

    def show_everything(t, audience, today):
        return Visibility.NOT_FOUND if t is None else Visibility.VISIBLE

    return {
        "hidden testimonies": (consent, "visibility", show_everything, "restricted "),
        "redactions": (consent, "redact", lambda text, audience, mark=None: text, "redacted "),
        "hidden names": (consent, "narrator_shown", lambda t, audience: t.narrator.name or consent.ANONYMOUS,
                         "real name"),
        "coarsened places": (consent, "places_shown", lambda t, audience, places: t.places, "coarsened village"),
        "what consent cannot hide": (check_module, "exposures", lambda t, places: [], "unpublishable name"),
    }


@pytest.mark.parametrize("kind", ["hidden testimonies", "redactions", "hidden names", "coarsened places",
                                  "what consent cannot hide"])
def test_the_scan_would_see_a_leak(site, tmp_path, monkeypatch, kind):
    """With archive.consent (or the check) broken on purpose, the same scan reports the markers of that kind."""
    from web import create_app

    _, c, instance = site
    module, name, broken, label_part = _mutations()[kind]
    monkeypatch.setattr(module, name, broken)
    app = create_app({"ARCHIVE_CONTENT": str(c.root), "ARCHIVE_INSTANCE": str(instance), "TESTING": True})
    ids = sorted(set(c.public_ids) | set(c.hidden_ids))
    small = crawl(app.test_client(), ["/"], rule_values={"testimony_id": ids, "place_id": ["saraqib"],
                                                         "theme_id": ["violence"], "ext": ["txt"], "filename": []},
                  languages=("en",), extra=[], max_pages=150)
    leaks = find_leaks(small, [m for m in c.forbidden if label_part in m.label])
    assert leaks, f"the scan saw nothing with {name} broken"


# --- phase two: after a curator withdraws and restricts -------------------------------------------

def test_after_a_curator_withdraws_and_restricts_nothing_leaks(tmp_path):
    from tests.support.curators import add_curator, csrf_token, sign_in
    from web import create_app

    c: LeakCollection = marked_collection.build(tmp_path / "content")
    instance = tmp_path / "instance"
    builder.build_index(c.root, instance)
    add_curator(instance)
    app = create_app({"ARCHIVE_CONTENT": str(c.root), "ARCHIVE_INSTANCE": str(instance), "TESTING": True})
    curator = app.test_client()
    assert sign_in(curator).status_code == 303
    public = app.test_client(use_cookies=False)
    # Before: both are public and their words are found.
    control = c.marker("control body").word
    pseudonym = c.marker("control pseudonym").word
    assert public.get(f"/api/search?q={control}").get_json()["total"] == 1
    assert public.get(f"/api/search?q={pseudonym}").get_json()["total"] == 1
    harvested = public.get("/oai?verb=ListRecords&metadataPrefix=oai_dc").get_data(as_text=True)
    assert "control-pseudonym" in harvested and "control-account" in harvested  # a harvester holds both now
    assert c.marker("control title").word in harvested
    reasons = {}
    for tid, action in (("control-account", "withdraw"), ("control-pseudonym", "restrict")):
        reasons[tid] = marker_word(f"reason {tid}")
        page = curator.get(f"/curate/t/{tid}/consent").get_data(as_text=True)
        version = re.search(r'name="version" type="hidden" value="([^"]*)"', page).group(1)
        response = curator.post(f"/curate/t/{tid}/consent", data={
            "version": version, "csrf_token": csrf_token(curator, f"/curate/t/{tid}/consent"), "action": action,
            "reason": f"{reasons[tid]} asked by phone", "confirmed": "1"})
        assert response.status_code == 303, response.get_data(as_text=True)[:500]
    # Now every marker of the two is forbidden too, and so are the curators' reasons.
    newly_hidden = [Marker(m.word, f"now hidden: {m.label}") for m in c.controls
                    if m.label.startswith(("control title", "control summary", "control narrator", "control body",
                                           "control contributor", "control pseudonym"))]
    newly_hidden += [Marker(word, f"curator's reason for {tid}") for tid, word in reasons.items()]
    newly_hidden += [Marker("control-pseudonym", "restricted id")]
    assert public.get("/t/control-account").status_code == 410
    assert public.get("/t/control-pseudonym").status_code == 404
    again = crawl(app.test_client())
    deleted = public.get("/oai?verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:archive.example.org:control-account")
    assert 'status="deleted"' in deleted.get_data(as_text=True)  # harvesters are told to drop the withdrawn one
    leaks = find_leaks(again, [*c.forbidden, *newly_hidden])
    assert not leaks, _describe(leaks)
    assert len(again.responses) >= 400
    assert sum(1 for f in again.responses.values() if f.url == "/t/control-arabic" and f.status == 200) == 2
    for marker in newly_hidden[:-3]:
        assert public.get(f"/api/search?{urlencode({'q': marker.word})}").get_json()["total"] == 0, marker


def test_the_version_of_a_public_testimony_reveals_nothing_hidden(site, tmp_path):
    """docs/format.md: the version hashes the public form. A copy of the collection in which every hidden part of
    the public testimonies is different (names, notes, redacted words, the exact village) has the same
    versions, so no guess about a hidden part can be checked against a version, an ETag or a citation."""
    import shutil

    from archive.collection import load_collection
    from web import create_app

    app, c, _ = site
    variant = tmp_path / "variant"
    shutil.copytree(c.root, variant)
    changed = 0
    for tid in c.public_ids:
        path = next(variant.rglob(f"{tid}.md"))
        text = original = path.read_text("utf-8")
        text = text.replace(f"- {c.village}", "- saraqib")  # another place inside the same governorate
        for marker in c.forbidden:
            if not any(marker.word in hidden for hidden in c.hidden_ids):  # translation_of must still resolve
                text = text.replace(marker.word, marker.word[:4] + "guess" + marker.word[4:][::-1])
                text = text.replace(marker.word.capitalize(), "Guess" + marker.word[4:][::-1])
        changed += text != original
        path.write_text(text, "utf-8")
    assert changed >= 4
    other = create_app({"ARCHIVE_CONTENT": str(variant), "ARCHIVE_INSTANCE": str(tmp_path / "instance"),
                        "TESTING": True})

    def versions(application) -> dict[str, str]:
        client = application.test_client()
        return {tid: client.get(f"/api/t/{tid}").get_json()["testimony"]["version"] for tid in c.public_ids}

    before = versions(app)
    assert all(Path(p.path).stem in c.unpublishable for p in load_collection(variant).errors)
    assert versions(other) == before
    # the positive control: a change the public sees changes the version
    control = next(variant.rglob("control-account.md"))
    word = c.marker("control title").word
    control.write_text(control.read_text("utf-8").replace(word, word + "x"), "utf-8")
    fresh = create_app({"ARCHIVE_CONTENT": str(variant), "ARCHIVE_INSTANCE": str(tmp_path / "instance"),
                        "TESTING": True})
    after = versions(fresh)
    assert after["control-account"] != before["control-account"]
    assert {k: v for k, v in after.items() if k != "control-account"} == {
        k: v for k, v in before.items() if k != "control-account"}


# --- phase three: after an import, a revert and a vocabulary rename -------------------------------

def test_after_an_import_a_revert_and_a_vocabulary_rename_nothing_leaks(tmp_path, monkeypatch):
    import csv
    import io
    import shutil
    import subprocess

    from tests.support.curators import add_curator, csrf_token, sign_in
    from tests.curate.test_curate_edit import form_fields
    from web import create_app

    c: LeakCollection = marked_collection.build(tmp_path / "content")
    if shutil.which("git"):  # the revert reads old versions from git
        monkeypatch.setenv("HOME", str(tmp_path))
        for args in (("init", "--quiet"), ("add", "."), ("-c", "user.name=Setup", "-c", "user.email=s@example.org",
                                                          "commit", "--quiet", "-m", "start")):
            subprocess.run(["git", "-C", str(c.root), *args], check=True, capture_output=True)
    instance = tmp_path / "instance"
    builder.build_index(c.root, instance)
    add_curator(instance)
    app = create_app({"ARCHIVE_CONTENT": str(c.root), "ARCHIVE_INSTANCE": str(instance), "TESTING": True})
    curator = app.test_client()
    assert sign_in(curator).status_code == 303
    public = app.test_client(use_cookies=False)
    imported = [Marker(marker_word(f"imported {part}"), f"imported {part}")
                for part in ("title", "body", "name", "summary")]
    # 1. An import: the rows arrive as drafts, so none of their words may reach the public.
    columns = ["title", "summary", "language", "event_date", "places", "themes", "narrator.name", "consent.access",
               "consent.identity", "consent.date", "consent.recorded_by", "recorded.date", "recorded.by",
               "recorded.method", "body"]
    sheet = io.StringIO()
    writer = csv.writer(sheet)
    writer.writerow(columns)
    words = {m.label.split()[-1]: m.word for m in imported}
    writer.writerow([f"The {words['title']} night", f"Summary {words['summary']}", "en", "2019-06", "Saraqeb",
                     "airstrikes", f"{words['name'].capitalize()} Person", "public", "named", "2020-01-05",
                     "Field team", "2020-01", "Field team", "interview", f"The {words['body']} of the market.\n"])
    token = csrf_token(curator, "/curate/import")
    page = curator.post("/curate/import", data={"csrf_token": token, "sheet": (io.BytesIO(sheet.getvalue().encode()),
                                                                             "rows.csv")},
                        content_type="multipart/form-data")
    assert page.status_code == 200
    done = curator.post("/curate/import/run", data={"csrf_token": token, "action": "import",
                                                    **{f"map-{i}": column for i, column in enumerate(columns)}})
    assert done.status_code == 303, done.get_data(as_text=True)[-2000:]
    # 2. A revert past a withdrawal: the old text comes back, and it stays withdrawn.
    edit_page = curator.get("/curate/t/control-account/edit").get_data(as_text=True)
    assert curator.post("/curate/t/control-account/edit",
                        data={**form_fields(edit_page), "title": "A new title"}).status_code == 303
    page = curator.get("/curate/t/control-account/consent").get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="([^"]*)"', page).group(1)
    reason = marker_word("reason withdraw before revert")
    assert curator.post("/curate/t/control-account/consent", data={
        "version": version, "csrf_token": csrf_token(curator, "/curate/t/control-account/consent"),
        "action": "withdraw", "confirmed": "1", "reason": reason}).status_code == 303
    if shutil.which("git"):
        first = subprocess.run(["git", "-C", str(c.root), "rev-list", "--max-parents=0", "HEAD"], check=True,
                               capture_output=True, text=True).stdout.strip()
        version_page = curator.get(f"/curate/t/control-account/history/{first}").get_data(as_text=True)
        current = re.search(r'name="version" value="([^"]*)"', version_page).group(1)
        reverted = curator.post(f"/curate/t/control-account/history/{first}/revert", data={
            "csrf_token": csrf_token(curator, f"/curate/t/control-account/history/{first}"), "version": current,
            "reason": marker_word("reason revert")})
        assert reverted.status_code == 303, reverted.get_data(as_text=True)[-2000:]
        assert c.marker("control title").word in (c.root / "en" / "control-account.md").read_text()
    # 3. A rename of the place that place_detail hides: the testimony follows it, still coarsened.
    url = f"/curate/vocabulary/places/{c.village}/edit"
    vocabulary_page = curator.get(url).get_data(as_text=True)
    renamed = curator.post(url, data={
        "csrf_token": csrf_token(curator, url), "id": f"{c.village}-renamed", "name": c.village.capitalize(),
        "type": "village", "parent": "idlib-district",
        "version": re.search(r'name="version" value="([^"]*)"', vocabulary_page).group(1)})
    assert renamed.status_code == 303, renamed.get_data(as_text=True)[-2000:]
    assert f"{c.village}-renamed" in (c.root / "en" / f"{c.coarse_id}.md").read_text()
    # Now: the imported words, the withdrawn control's words and the reasons are all forbidden.
    newly_hidden = [Marker(m.word, f"now hidden: {m.label}") for m in c.controls
                    if m.label.startswith(("control title", "control summary", "control narrator", "control body",
                                           "control contributor"))]
    newly_hidden += [Marker(marker_word(f"reason {what}"), f"reason {what}")
                     for what in ("withdraw before revert", "revert")]
    assert public.get("/t/control-account").status_code == 410
    again = crawl(app.test_client())
    leaks = find_leaks(again, [*c.forbidden, *newly_hidden, *imported])
    assert not leaks, _describe(leaks)
    seen = " ".join(f.body for f in again.responses.values()).casefold()
    assert c.marker("control pseudonym").word in seen, "positive control: a public marker is still found"
    assert f"{c.village}-renamed" in public.get("/api/places").get_data(as_text=True), "the gazetteer has it"
