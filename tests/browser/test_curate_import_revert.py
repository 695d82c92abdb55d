"""Import a spreadsheet and revert a testimony in headless Chromium, as a curator would."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from .test_curate_flow import _tab, curate_server  # noqa: F401  (the fixture: a fresh site over real HTTP)

from tests.support.curators import PASSWORD

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

SHEET = ("title,language,event_date,places,themes,consent.access,consent.identity,consent.date,consent.recorded_by,"
         "recorded.date,recorded.by,recorded.method,Interviewer notes,body\n"
         "The mill at night,en,2016-05,Saraqeb,airstrikes,public,anonymous,2020-01-05,Field team,2020-01,Field team,"
         "interview,kept apart,\"We heard the mill stop.\n\nThen nothing.\"\n"
         "ليلة في السوق,ar,2016-06,سراقب,airstrikes;displacement,public,anonymous,2020-01-05,Field team,2020-01,"
         "Field team,interview,,خرجنا إلى السوق قبل الفجر.\n")


def test_import_a_sheet_then_revert_an_edit_in_a_real_browser(chromium, curate_server, tmp_path, monkeypatch):
    base, instance = curate_server
    content = instance.parent / "content"
    monkeypatch.setenv("HOME", str(tmp_path))
    for args in (("init", "--quiet"), ("add", "."), ("-c", "user.name=Setup", "-c", "user.email=s@example.org",
                                                      "commit", "--quiet", "-m", "start")):
        subprocess.run(["git", "-C", str(content), *args], check=True, capture_output=True)
    problems: list[str] = []
    context, curator = _tab(chromium, base, problems)
    try:
        curator.goto("/curate/")
        curator.get_by_label("Name").fill("amal")
        curator.get_by_label("Password").fill(PASSWORD)
        curator.get_by_role("button", name="Sign in").click()

        curator.get_by_role("link", name="Import", exact=True).click()
        curator.locator("#import-sheet").set_input_files(
            {"name": "interviews.csv", "mimeType": "text/csv", "buffer": SHEET.encode("utf-8")})
        curator.get_by_role("button", name="Upload and show the columns").click()
        assert "2 rows below the header." in curator.inner_text("main")
        assert curator.get_by_label("Field for column Interviewer notes").input_value() == ""
        curator.get_by_role("button", name="Check every row (writes nothing)").click()
        assert "All 2 rows are valid" in curator.inner_text("main")
        curator.get_by_role("button", name="Import as drafts").click()
        assert curator.url.endswith("/curate/")
        assert "2 testimonies were imported as drafts" in curator.locator(".notices").inner_text()
        assert (content / "en" / "the-mill-at-night.md").is_file()

        curator.goto("/curate/t/open-account/edit")
        curator.locator("#title").fill("A title that will be undone")
        curator.get_by_role("button", name="Save and publish").click()
        curator.get_by_role("link", name="Versions and revert").click()
        curator.locator("ol.history-versions > li").last.get_by_role("link").click()
        curator.get_by_label("Reason (kept in the audit log)").fill("The edit was a mistake")
        curator.get_by_role("button", name="Revert to this version").click()
        assert "is back to the version of" in curator.locator(".notices").inner_text()
        assert "A title that will be undone" not in (content / "en" / "open-account.md").read_text(encoding="utf-8")
        curator.get_by_role("link", name="Versions and revert").click()
        assert "The edit was a mistake" in curator.inner_text("main")
    finally:
        context.close()
    assert not problems, "\n".join(problems)


def test_the_import_history_and_vocabulary_pages_have_no_axe_violations(chromium, curate_server, tmp_path,
                                                                        monkeypatch, axe_source):
    from .test_browser_axe import RUN_AXE, TAGS, describe

    base, instance = curate_server
    content = instance.parent / "content"
    monkeypatch.setenv("HOME", str(tmp_path))
    for args in (("init", "--quiet"), ("add", "."), ("-c", "user.name=Setup", "-c", "user.email=s@example.org",
                                                      "commit", "--quiet", "-m", "start")):
        subprocess.run(["git", "-C", str(content), *args], check=True, capture_output=True)
    problems: list[str] = []
    context, curator = _tab(chromium, base, problems)
    try:
        curator.goto("/curate/")
        curator.get_by_label("Name").fill("amal")
        curator.get_by_label("Password").fill(PASSWORD)
        curator.get_by_role("button", name="Sign in").click()
        curator.goto("/curate/t/redacted-account/edit")
        curator.locator("#body").fill("The shelling hit [[redact: zqredactedword Street]] at noon.\n\nA new line.\n")
        curator.get_by_role("button", name="Save and publish").click()
        first = subprocess.run(["git", "-C", str(content), "rev-list", "--max-parents=0", "HEAD"], check=True,
                               capture_output=True, text=True).stdout.strip()
        pages = {"history": "/curate/t/redacted-account/history",
                 "version": f"/curate/t/redacted-account/history/{first}",
                 "places": "/curate/vocabulary/places", "themes": "/curate/vocabulary/themes",
                 "place form": "/curate/vocabulary/places/saraqib/edit", "theme form": "/curate/vocabulary/themes/new"}
        for lang in ("en", "ar"):
            for scheme in ("light", "dark"):
                curator.emulate_media(color_scheme=scheme)
                checked = dict(pages)
                curator.goto(f"/curate/import?lang={lang}")
                curator.locator("#import-sheet").set_input_files(
                    {"name": "interviews.csv", "mimeType": "text/csv", "buffer": SHEET.encode("utf-8")})
                curator.locator("form.import-upload button").click()
                curator.locator("form.import-mapping button[value=check]").click()
                for name, path in [("import mapping", None), *checked.items()]:
                    if path is not None:
                        curator.goto(f"{path}?lang={lang}")
                    curator.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")
                    curator.evaluate(axe_source)
                    violations = curator.evaluate(RUN_AXE, TAGS)
                    assert not violations, describe(name, f"{lang}, {scheme}", violations)
    finally:
        context.close()
    assert not problems, "\n".join(problems)


def test_the_new_curator_pages_fit_a_phone(chromium, curate_server, tmp_path, monkeypatch):
    """At 390 px nothing scrolls sideways: wide tables scroll inside their own box."""
    base, instance = curate_server
    content = instance.parent / "content"
    monkeypatch.setenv("HOME", str(tmp_path))
    for args in (("init", "--quiet"), ("add", "."), ("-c", "user.name=Setup", "-c", "user.email=s@example.org",
                                                      "commit", "--quiet", "-m", "start")):
        subprocess.run(["git", "-C", str(content), *args], check=True, capture_output=True)
    problems: list[str] = []
    context, curator = _tab(chromium, base, problems)
    try:
        curator.set_viewport_size({"width": 390, "height": 844})
        curator.goto("/curate/")
        curator.get_by_label("Name").fill("amal")
        curator.get_by_label("Password").fill(PASSWORD)
        curator.get_by_role("button", name="Sign in").click()
        first = subprocess.run(["git", "-C", str(content), "rev-list", "--max-parents=0", "HEAD"], check=True,
                               capture_output=True, text=True).stdout.strip()
        for lang in ("en", "ar"):
            curator.goto(f"/curate/import?lang={lang}")
            curator.locator("#import-sheet").set_input_files(
                {"name": "interviews.csv", "mimeType": "text/csv", "buffer": SHEET.encode("utf-8")})
            curator.locator("form.import-upload button").click()
            pages = [None, "/curate/t/open-account/history", f"/curate/t/open-account/history/{first}",
                     "/curate/vocabulary/places", "/curate/vocabulary/places/saraqib/edit"]
            for path in pages:
                if path is not None:
                    curator.goto(f"{path}?lang={lang}")
                width = curator.evaluate("() => document.documentElement.scrollWidth")
                assert width <= 390, f"{path or 'import mapping'} ({lang}) is {width} px wide at 390"
    finally:
        context.close()
    assert not problems, "\n".join(problems)
