"""/curate/import: upload a sheet, see the column mapping, check every row, import as drafts."""

from __future__ import annotations

import io
import json
import re

import pytest

from tests.archive.test_import import BAD, COLUMNS, sheet, write_csv
from tests.support.curators import csrf_token, make_curate_site



def web_sheet(count: int = 500, bad: bool = True, columns: list[str] = COLUMNS) -> bytes:
    rows = sheet(count, bad)
    for values in rows:  # the web test collection has no 'Idlib Province' alias; its Arabic name instead
        values["places"] = values["places"].replace("Idlib Province", "محافظة إدلب")
    buffer = io.StringIO()
    import csv

    writer = csv.DictWriter(buffer, columns, extrasaction="ignore")
    writer.writeheader()
    for values in rows:
        values["Interviewer"] = values["recorded.by"]
        writer.writerow({k: values.get(k, "") for k in columns})
    return buffer.getvalue().encode("utf-8")


@pytest.fixture
def site(tmp_path):
    return make_curate_site(tmp_path)


def upload(site, data: bytes, name: str = "interviews.csv"):
    token = csrf_token(site.client, "/curate/import")
    return site.client.post("/curate/import", data={"csrf_token": token, "sheet": (io.BytesIO(data), name)},
                            content_type="multipart/form-data")


def run(site, action: str, mapping: dict[int, str]):
    token = csrf_token(site.client, "/curate/import")
    data = {"csrf_token": token, "action": action, **{f"map-{i}": target for i, target in mapping.items()}}
    return site.client.post("/curate/import/run", data=data)


def selected(page: str) -> dict[int, str]:
    """The field chosen for each column on the mapping page."""
    chosen = {}
    for index, body in re.findall(r'<select id="map-(\d+)" name="map-\d+"[^>]*>(.*?)</select>', page, re.S):
        match = re.search(r'<option value="([^"]*)" selected>', body)
        chosen[int(index)] = match.group(1) if match else ""
    return chosen


def drafts(site) -> list:
    """The testimonies the import wrote (the test collection already has one draft, not imported)."""
    return [p for p in site.content.rglob("*.md")
            if "status: draft" in p.read_text(encoding="utf-8") and "market-account" in p.read_text(encoding="utf-8")
            or "شهادة السوق" in p.read_text(encoding="utf-8")]


def test_a_bad_sheet_shows_the_mapping_then_every_problem_and_writes_nothing(site):
    before = sorted(site.content.rglob("*.md"))
    page = upload(site, web_sheet(columns=COLUMNS))
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    mapping = selected(text)
    assert mapping[COLUMNS.index("narrator.pseudonym")] == "narrator.pseudonym"
    assert mapping[COLUMNS.index("notes")] == "", "an unknown column is ignored unless mapped"
    assert "500 rows below the header." in text
    checked = run(site, "import", mapping)
    assert checked.status_code == 400
    body = checked.get_data(as_text=True)
    for index, (_, column) in BAD.items():
        assert re.search(rf"<tr><td>{index + 2}</td><td><bdi>{re.escape(column)}</bdi></td>", body), index
    assert "nothing was imported" in body
    assert sorted(site.content.rglob("*.md")) == before
    assert not [e for e in map(json.loads, (site.instance / "audit.jsonl").read_text().splitlines())
                if e["action"] == "import"]


def test_a_column_mapped_by_hand_then_check_then_import_makes_500_drafts(site):
    columns = [c for c in COLUMNS if c != "recorded.by"] + ["Interviewer"]
    page = upload(site, web_sheet(bad=False, columns=columns)).get_data(as_text=True)
    mapping = selected(page)
    interviewer = columns.index("Interviewer")
    assert mapping[interviewer] == ""
    missing = run(site, "check", mapping)
    assert missing.status_code == 400 and "recorded.by" in missing.get_data(as_text=True)
    mapping[interviewer] = "recorded.by"
    checked = run(site, "check", mapping)
    assert checked.status_code == 200, checked.get_data(as_text=True)[-3000:]
    assert "All 500 rows are valid; nothing was written yet." in checked.get_data(as_text=True)
    assert not drafts(site)
    done = run(site, "import", mapping)
    assert done.status_code == 303 and done.headers["Location"].endswith("/curate/")
    assert len(drafts(site)) == 500
    assert "500 testimonies were imported as drafts" in site.client.get("/curate/").get_data(as_text=True)
    entries = [e for e in map(json.loads, (site.instance / "audit.jsonl").read_text().splitlines())
               if e["action"] == "import"]
    assert len(entries) == 1 and entries[0]["curator"] == "amal" and entries[0]["address"]
    assert not list((site.instance / "imports").iterdir()), "the uploaded file is deleted after the import"
    assert site.client.get("/curate/t/the-market-account-number-7").status_code == 200
    public = site.public()
    assert public.get("/t/the-market-account-number-7").status_code == 404, "imported accounts are drafts"
    found = {r["id"] for r in public.get("/api/search?q=queued&per_page=100").get_json()["results"]}
    assert not found & {p.stem for p in drafts(site)}, "no imported draft is found by its words"
    again = run(site, "check", mapping)
    assert again.status_code == 400 and "upload it again" in again.get_data(as_text=True)


def test_an_xlsx_is_read_and_a_pdf_is_refused_in_arabic_too(site):
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["title", "body"])
    book.active.append(["حكاية", "نص"])
    data = io.BytesIO()
    book.save(data)
    page = upload(site, data.getvalue(), "sheet.xlsx")
    assert page.status_code == 200 and "حكاية" in page.get_data(as_text=True)
    refused = upload(site, b"%PDF-1.4", "notes.pdf")
    assert refused.status_code == 400 and "neither a CSV nor an XLSX" in refused.get_data(as_text=True)
    arabic = site.client.get("/curate/import?lang=ar").get_data(as_text=True)
    assert "استيراد" in arabic


def test_import_needs_a_curator_and_a_csrf_token(site):
    anonymous = site.public()
    assert anonymous.get("/curate/import").status_code == 303
    no_token = site.client.post("/curate/import", data={"sheet": (io.BytesIO(b"title,body\n"), "a.csv")},
                                content_type="multipart/form-data")
    assert no_token.status_code == 400
