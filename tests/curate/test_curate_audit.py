"""The audit log: archive/store/audit.py (append, read, filters, many writers) and /curate/audit with its exports."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import multiprocessing
import re
import stat

import pytest

from archive.store import audit

from tests.support.curators import make_curate_site


@pytest.fixture
def site(tmp_path):
    return make_curate_site(tmp_path, rows=(), index=False)


# --- the library ---------------------------------------------------------------------------------------


def test_append_writes_one_json_line_with_every_field(tmp_path):
    entry = audit.append(tmp_path, action="consent", curator="amal", testimony="t1", before="v1", after="v2",
                         reason="The narrator asked.", address="10.0.0.1")
    path = tmp_path / "audit.jsonl"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    [line] = path.read_text(encoding="utf-8").splitlines()
    stored = json.loads(line)
    assert list(stored) == list(audit.FIELDS) and stored == entry
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", stored["time"])
    now = dt.datetime.now(dt.timezone.utc)
    written = dt.datetime.fromisoformat(stored["time"].replace("Z", "+00:00"))
    assert abs((now - written).total_seconds()) < 60, "the time is UTC"
    assert (stored["version_before"], stored["version_after"], stored["detail"]) == ("v1", "v2", None)


def _write_log(instance, entries):
    with open(instance / "audit.jsonl", "w", encoding="utf-8") as handle:
        for time, curator, action, testimony in entries:
            handle.write(json.dumps({"time": time, "curator": curator, "action": action,
                                     "testimony": testimony}) + "\n")


def test_read_filters_by_every_field_and_by_inclusive_days(tmp_path):
    _write_log(tmp_path, [("2024-03-01T10:00:00.000Z", "amal", "sign-in", None),
                          ("2024-03-01T23:59:59.999Z", "amal", "edit", "t1"),
                          ("2024-03-02T00:00:00.000Z", "basel", "consent", "t1"),
                          ("2024-03-05T12:00:00.000Z", "basel", "edit", "t2")])
    with (tmp_path / "audit.jsonl").open("a", encoding="utf-8") as handle:
        handle.write("{torn line\n")

    def times(**filters):
        return [e["time"][:10] + "/" + e["action"] for e in audit.read(tmp_path, **filters)]

    assert len(audit.read(tmp_path)) == 4, "a damaged line is skipped, the rest kept"
    assert times(curator="basel") == ["2024-03-02/consent", "2024-03-05/edit"]
    assert times(action="edit") == ["2024-03-01/edit", "2024-03-05/edit"]
    assert times(testimony="t1", curator="amal") == ["2024-03-01/edit"]
    assert times(until=dt.date(2024, 3, 1)) == ["2024-03-01/sign-in", "2024-03-01/edit"]
    assert times(since="2024-03-02", until="2024-03-04") == ["2024-03-02/consent"]
    assert times(since=dt.datetime(2024, 3, 1, 12, tzinfo=dt.timezone.utc),
                 until=dt.datetime(2024, 3, 2, 0, 0)) == ["2024-03-01/edit", "2024-03-02/consent"]
    assert audit.read(tmp_path / "nowhere") == []
    with pytest.raises(ValueError, match="'March 1' is not a day written as YYYY-MM-DD."):
        audit.read(tmp_path, since="March 1")


def _append_many(instance, worker, count):
    for n in range(count):
        audit.append(instance, action="edit", curator=f"w{worker}", testimony=f"t{n}", reason="x" * 5000)


def test_many_processes_append_without_tearing_a_line(tmp_path):
    context = multiprocessing.get_context("fork")
    processes = [context.Process(target=_append_many, args=(tmp_path, worker, 40)) for worker in range(4)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(60)
    lines = (tmp_path / "audit.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 160
    entries = [json.loads(line) for line in lines]
    for worker in range(4):
        assert [e["testimony"] for e in entries if e["curator"] == f"w{worker}"] == [f"t{n}" for n in range(40)]


# --- in the browser --------------------------------------------------------------------------------------


def test_the_page_lists_newest_first_with_filters(site):
    audit.append(site.instance, action="consent", curator="basel", testimony="open-account", before="aaa111",
                 after="bbb222", reason="The narrator asked to withdraw.")
    html = site.client.get("/curate/audit").get_data(as_text=True)
    rows = re.findall(r"<tr>\s*<td><time[^>]*>[^<]*</time></td>\s*<td>([^<]*)</td>\s*<td>([^<]*)</td>", html)
    assert rows == [("basel", "Changed consent"), ("amal", "Signed in")]
    assert "open-account" in html and "aaa111" in html and "The narrator asked to withdraw." in html
    assert "<h1>Audit log</h1>" in html and '<label for="audit-since">' in html
    filtered = site.client.get("/curate/audit?curator=basel&action=consent&testimony=open-account"
                               "&since=2000-01-01&until=2999-12-31").get_data(as_text=True)
    assert "1 entry" in filtered and "Signed in</td>" not in filtered
    assert 'href="/curate/audit.csv?curator=basel&amp;action=consent' in filtered
    none = site.client.get("/curate/audit?until=2000-01-01").get_data(as_text=True)
    assert "No entries match these filters." in none


@pytest.mark.parametrize("query, field", [("since=yesterday", "since"), ("until=2024-13-01", "until"),
                                          ("action=dance", "action")])
def test_a_bad_filter_is_a_400_with_the_message_beside_its_field(site, query, field):
    response = site.client.get(f"/curate/audit?{query}")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f'id="audit-{field}-error"' in html
    assert re.search(rf'id="audit-{field}"[^>]*aria-describedby="[^"]*audit-{field}-error"', html)
    assert site.client.get(f"/curate/audit.csv?{query}").status_code == 400
    assert site.client.get(f"/curate/audit.jsonl?{query}").status_code == 400


def test_the_page_is_paginated(site):
    for n in range(120):
        audit.append(site.instance, action="edit", curator="amal", testimony=f"t{n:03d}")
    first = site.client.get("/curate/audit").get_data(as_text=True)
    assert "121 entries" in first and "Page 1 of 3" in first
    assert "t119" in first and "t070" in first and "t069" not in first
    assert 'href="/curate/audit?page=2" rel="next"' in first
    last = site.client.get("/curate/audit?page=3&action=edit").get_data(as_text=True)
    assert "120 entries" in last and "t019" in last and "t020" not in last and "Page 3 of 3" in last
    assert 'href="/curate/audit?action=edit&amp;page=2" rel="prev"' in last
    assert "Page 3 of 3" in site.client.get("/curate/audit?page=99&action=edit").get_data(as_text=True)
    assert "Page 1 of 3" in site.client.get("/curate/audit?page=x").get_data(as_text=True)


def test_exports_as_json_lines_and_csv_keep_the_filters(site):
    audit.append(site.instance, action="consent", curator="basel", testimony="open-account",
                 reason="=HYPERLINK(\"http://evil\")")
    response = site.client.get("/curate/audit.jsonl?curator=basel")
    assert response.status_code == 200 and response.mimetype == "application/x-ndjson"
    assert response.headers["Content-Disposition"] == 'attachment; filename="audit.jsonl"'
    assert response.headers["Cache-Control"] == "no-store"
    [entry] = [json.loads(line) for line in response.get_data(as_text=True).splitlines()]
    assert entry["testimony"] == "open-account" and list(entry) == list(audit.FIELDS)
    response = site.client.get("/curate/audit.csv")
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == 'attachment; filename="audit.csv"'
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == list(audit.FIELDS)
    assert [row[2] for row in rows[1:]] == ["consent", "sign-in"], "newest first"
    assert rows[1][6] == "'=HYPERLINK(\"http://evil\")", "a spreadsheet will not run it as a formula"
