"""Places and themes edited in the browser: add, change, rename; checked as `archive check` would."""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest

from archive.collection import load_collection

from tests.support.curators import csrf_token, make_curate_site


def git(repo, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True).stdout


@pytest.fixture
def site(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    made = make_curate_site(tmp_path)
    if shutil.which("git"):
        git(made.content, "init", "--quiet")
        git(made.content, "add", ".")
        git(made.content, "-c", "user.name=Setup", "-c", "user.email=setup@example.org", "commit", "--quiet",
            "-m", "start")
    return made


def form(site, url: str) -> dict[str, str]:
    page = site.client.get(url)
    assert page.status_code == 200, url
    html = page.get_data(as_text=True)
    values = {name: value for name, value in re.findall(r'<input id="[^"]*" name="([^"]+)" type="text" value="([^"]*)"',
                                                         html)}
    values.update(re.findall(r'<textarea id="[^"]*" name="([^"]+)"[^>]*>(.*?)</textarea>', html, re.S))
    chosen = re.search(r'<option value="([^"]*)" selected>', html)
    if chosen:
        values["type"] = chosen.group(1)
    values["version"] = re.search(r'name="version" value="([^"]*)"', html).group(1)
    values["csrf_token"] = csrf_token(site.client, url)
    return values


def save(site, url: str, **changes: str):
    return site.client.post(url, data={**form(site, url), **changes})


def entries(site, action: str = "vocabulary") -> list[dict]:
    return [e for e in map(json.loads, (site.instance / "audit.jsonl").read_text().splitlines()) if e["action"] == action]


def test_the_lists_show_every_place_and_theme_with_arabic_names(site):
    assert site.client.get("/curate/vocabulary").headers["Location"].endswith("/curate/vocabulary/places")
    page = site.client.get("/curate/vocabulary/places").get_data(as_text=True)
    assert "Saraqib" in page and '<bdi lang="ar" dir="rtl">سراقب</bdi>' in page
    assert "/curate/vocabulary/places/saraqib/edit" in page
    assert "Airstrikes" in site.client.get("/curate/vocabulary/themes").get_data(as_text=True)
    assert site.client.get("/curate/vocabulary/people").status_code == 404
    assert site.client.get("/curate/vocabulary/places/nowhere/edit").status_code == 404
    assert site.public().get("/curate/vocabulary").status_code == 303


def test_adding_a_place_writes_it_commits_it_and_the_public_gazetteer_has_it(site):
    response = save(site, "/curate/vocabulary/places/new", id="kafr-nabl", name="Kafr Nabl", name_ar="كفرنبل",
                    aliases="Kafranbel\nKafr Nubl", type="town", parent="محافظة إدلب", coordinates="35.61, 36.56")
    assert response.status_code == 303, response.get_data(as_text=True)[:3000]
    text = (site.content / "places.yaml").read_text(encoding="utf-8")
    assert "- id: kafr-nabl\n  name: Kafr Nabl\n  names: {ar: كفرنبل}\n  aliases: [Kafranbel, Kafr Nubl]\n" \
           "  type: town\n  parent: idlib-governorate\n  coordinates: [35.61, 36.56]\n" in text
    assert "- id: saraqib\n  name: \"Saraqib\"" in text, "other entries keep their quoting"
    assert not load_collection(site.content).errors
    assert any(p["id"] == "kafr-nabl" for p in site.public().get("/api/places").get_json()["places"])
    entry = entries(site)[0]
    assert entry["detail"].startswith("add place kafr-nabl") and entry["curator"] == "amal"
    if shutil.which("git"):
        assert git(site.content, "log", "-1", "--format=%an|%s").strip() == "amal|add place kafr-nabl"


def test_renaming_a_place_rewrites_every_reference_and_search_follows(site):
    using = [p for p in site.content.rglob("*.md") if "saraqib" in p.read_text(encoding="utf-8")]
    assert using
    response = save(site, "/curate/vocabulary/places/saraqib/edit", id="saraqib-city")
    assert response.status_code == 303, response.get_data(as_text=True)[:3000]
    collection = load_collection(site.content)
    assert not collection.errors and "saraqib" not in collection.places
    assert collection.get("open-account").places == ("saraqib-city",)
    for path in using:
        assert "places: [saraqib-city]" in path.read_text(encoding="utf-8") or "saraqib-city" in path.read_text()
    public = site.public()
    found = public.get("/api/search?q=bakery&place=saraqib-city").get_json()
    assert "open-account" in [r["id"] for r in found["results"]]
    assert "Saraqib" in public.get("/t/open-account").get_data(as_text=True)
    assert "rename place saraqib to saraqib-city" in entries(site)[0]["detail"]
    if shutil.which("git"):
        changed = git(site.content, "show", "--name-only", "--format=", "HEAD").split()
        assert "places.yaml" in changed and "en/open-account.md" in changed


def test_renaming_a_theme_rewrites_broader_links_and_testimonies(site):
    response = save(site, "/curate/vocabulary/themes/violence/edit", id="violent-acts", label_ar="العنف")
    assert response.status_code == 303, response.get_data(as_text=True)[:3000]
    collection = load_collection(site.content)
    assert not collection.errors and collection.themes.get("airstrikes").broader == "violent-acts"
    assert collection.themes.get("violent-acts").labels == {"ar": "العنف"}


@pytest.mark.parametrize("url, changes, field, message", [
    ("/curate/vocabulary/places/idlib-governorate/edit", {"parent": "saraqib"}, "parent", "forms a cycle"),
    ("/curate/vocabulary/places/new", {"id": "saraqeb-two", "name": "Saraqeb", "type": "town"}, "_form",
     "already names"),
    ("/curate/vocabulary/places/new", {"id": "Kafr Nabl", "name": "Kafr Nabl", "type": "town"}, "id", "slug"),
    ("/curate/vocabulary/places/new", {"id": "x-town", "name": "X", "type": "town", "coordinates": "north"},
     "coordinates", "two numbers"),
    ("/curate/vocabulary/places/zqsecretvillage/edit", {"parent": ""}, "_form",
     "coarse-account would no longer pass the check"),
    ("/curate/vocabulary/themes/violence/edit", {"broader": "airstrikes"}, "broader", "forms a cycle"),
    ("/curate/vocabulary/themes/new", {"id": "airstrikes", "label": "Air raids"}, "id", "already the id"),
])
def test_a_change_the_check_would_refuse_is_refused_and_nothing_is_written(site, url, changes, field, message):
    before = {p: p.read_bytes() for p in site.content.rglob("*") if p.is_file() and ".git" not in p.parts}
    response = save(site, url, **changes)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    after = {p: p.read_bytes() for p in site.content.rglob("*") if p.is_file() and ".git" not in p.parts}
    assert after == before and not (site.instance / "audit.jsonl").read_text().count('"vocabulary"')


def test_a_form_opened_before_another_change_is_refused(site):
    stale = form(site, "/curate/vocabulary/places/saraqib/edit")
    assert save(site, "/curate/vocabulary/places/syria/edit", name_ar="سورية").status_code == 303
    response = site.client.post("/curate/vocabulary/places/saraqib/edit", data={**stale, "name": "Saraqib town"})
    assert response.status_code == 409 and "changed since you opened" in response.get_data(as_text=True)


def test_the_forms_work_in_arabic(site):
    page = site.client.get("/curate/vocabulary/places/new?lang=ar").get_data(as_text=True)
    assert "الاسم بالعربية" in page and "إضافة مكان" in page


def test_the_audit_entry_is_on_disk_before_git_runs_and_git_failing_is_recorded(site, monkeypatch):
    from archive.store import history

    seen_before_git = []

    def failing(*args, **kwargs):
        seen_before_git.append((site.instance / "audit.jsonl").read_text())
        raise history.HistoryError("git is not available")

    monkeypatch.setattr(history, "commit_files", failing)
    response = save(site, "/curate/vocabulary/places/new", id="kafr-nabl", name="Kafr Nabl", type="town",
                    parent="idlib-governorate")
    assert response.status_code == 303, response.get_data(as_text=True)[:3000]
    assert '"action": "vocabulary"' in seen_before_git[0], "the entry was on disk before git ran"
    assert entries(site)[0]["detail"] == "add place kafr-nabl"
    assert entries(site, "commit")[-1]["detail"] == "add place kafr-nabl; git failed"
    assert "kafr-nabl" in (site.content / "places.yaml").read_text(encoding="utf-8")
