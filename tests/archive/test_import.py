"""`archive import FILE [--dry-run]`: a sheet of testimonies, checked row by row as `archive check` would.

The sheets are made here: 500 rows in English and Arabic, some of them bad in the ways a
transcription team gets wrong (an unknown place, an impossible date, a missing pseudonym, a
hidden name in the text, a repeated row, a published status).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.support import builder


COLUMNS = ["title", "language", "event_date", "places", "themes", "narrator.pseudonym", "narrator.name",
           "consent.access", "consent.identity", "consent.date", "consent.recorded_by", "recorded.date",
           "recorded.by", "recorded.method", "source.url", "content_warnings", "body", "notes"]


def row(i: int, **changes: str) -> dict[str, str]:
    arabic = i % 3 == 0
    values = {
        "title": f"شهادة السوق رقم {i}" if arabic else f"The market account number {i}",
        "language": "ar" if arabic else "en",
        "event_date": f"{2012 + i % 10}-{1 + i % 12:02d}",
        "places": "سراقب;Idlib Province" if arabic else "Saraqeb",
        "themes": "airstrikes;displacement" if i % 2 else "airstrikes",
        "narrator.pseudonym": "أم أحمد" if i % 5 == 0 else "",
        "narrator.name": "",
        "consent.access": "public", "consent.identity": "pseudonymous" if i % 5 == 0 else "anonymous",
        "consent.date": "2020-01-05", "consent.recorded_by": "Field team",
        "recorded.date": "2020-01", "recorded.by": "Field team", "recorded.method": "interview",
        "source.url": f"https://example.org/interviews/{i}" if i % 4 == 0 else "",
        "content_warnings": "violence;death" if i % 7 == 0 else "",
        "body": ("وقفنا في طابور الخبز قبل الفجر.\n\nثم عادت الطائرة." if arabic
                 else "We queued for bread before dawn.\n\nThen the aircraft came back."),
        "notes": "transcribed by volunteer",
    }
    values.update(changes)
    return values


BAD = {  # row index (0-based among data rows) -> (changes, column the problem must name)
    10: ({"places": "Nowhereville"}, "places"),
    20: ({"event_date": "2019-13"}, "event_date"),
    30: ({"consent.identity": "pseudonymous", "narrator.pseudonym": ""}, "narrator.pseudonym"),
    40: ({"narrator.name": "Khaled Zqhidden", "body": "Khaled Zqhidden saw it."}, "narrator.name"),
    50: ({"consent.access": "publik"}, "consent.access"),
    60: ({"title": "The market account number 59", "event_date": row(59)["event_date"]}, "title"),
}


def sheet(count: int = 500, bad: bool = True) -> list[dict[str, str]]:
    rows = [row(i) for i in range(count)]
    if bad:
        for index, (changes, _) in BAD.items():
            rows[index].update(changes)
    return rows


def write_csv(path: Path, rows: list[dict[str, str]], columns: list[str] = COLUMNS) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, columns)
        writer.writeheader()
        writer.writerows({k: r.get(k, "") for k in columns} for r in rows)
    return path


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True).stdout


@pytest.fixture
def content(write_collection, tmp_path, monkeypatch):
    existing = builder.fields("already-here", "checks")
    existing.update(title="An account already in the archive", source={"url": "https://example.org/old"})
    root = write_collection({"en/already-here.md": builder.render(existing)})
    if shutil.which("git"):
        monkeypatch.setenv("HOME", str(tmp_path))
        git(root, "init", "--quiet")
        git(root, "add", ".")
        git(root, "-c", "user.name=Setup", "-c", "user.email=setup@example.org", "commit", "--quiet", "-m", "start")
    return root


def files(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*.md")}


def test_a_500_row_sheet_with_bad_rows_is_refused_whole_with_every_problem_by_row_and_column(
        content, tmp_path, archive_cli):
    source = write_csv(tmp_path / "interviews.csv", sheet())
    before = files(content)
    code, out, err = archive_cli("import", source, "--content", content, "--instance", tmp_path / "instance")
    assert code == 1, err
    for index, (_, column) in BAD.items():
        assert f"row {index + 2}, column '{column}'" in out, (index, out)
    assert "repeats 'row 61'" in out  # the repeated row names the row it repeats
    assert "nothing was imported" in err and "column 'notes' is not a field of the format" in err
    assert len({line.split(",")[0] for line in out.splitlines()}) == len(BAD)
    assert files(content) == before, "nothing is written while any row is bad"
    assert not (tmp_path / "instance" / "audit.jsonl").exists()


def test_a_valid_500_row_sheet_arrives_as_drafts_in_one_commit_and_one_audit_entry(content, tmp_path, archive_cli):
    source = write_csv(tmp_path / "interviews.csv", sheet(bad=False))
    code, out, err = archive_cli("import", source, "--content", content, "--instance", tmp_path / "instance")
    assert code == 0, out + err
    added = files(content) - {"en/already-here.md"}
    assert len(added) == 500 and len(out.splitlines()) == 500
    assert "en/the-market-account-number-7.md" in added
    assert sum(1 for name in added if name.startswith("ar/")) == 167
    for name in ("en/the-market-account-number-7.md", "ar/" + next(n for n in sorted(added) if n.startswith("ar/"))[3:]):
        text = (content / name).read_text(encoding="utf-8")
        front = yaml.safe_load(text.split("---")[1])
        assert front["status"] == "draft" and front["id"] == Path(name).stem
        assert front["places"][0] == "saraqib", "names and aliases are written as ids"
    arabic = yaml.safe_load((content / "ar" / f"{sorted(n for n in added if n.startswith('ar/'))[0][3:]}")
                            .read_text(encoding="utf-8").split("---")[1])
    assert arabic["places"] == ["saraqib", "idlib-governorate"] and arabic["title"].startswith("شهادة")
    from archive.text import id_from_title
    assert arabic["id"].startswith(id_from_title(arabic["title"])), "an Arabic title is transliterated, as in the form"
    assert not any(Path(n).stem.startswith("testimony") for n in added), "no id falls back to 'testimony'"
    assert archive_cli("check", "--content", content, "--instance", tmp_path / "instance")[0] == 0
    entries = [json.loads(line) for line in (tmp_path / "instance" / "audit.jsonl").read_text().splitlines()]
    # One entry for the import, written before git runs; git's outcome follows as a `commit` entry.
    assert entries[0]["action"] == "import" and "import of 500 from interviews.csv" in entries[0]["detail"]
    if shutil.which("git"):
        assert [e["action"] for e in entries] == ["import", "commit"]
        assert git(content, "rev-list", "--count", "HEAD").strip() == "2"
        assert len(git(content, "show", "--name-only", "--format=", "HEAD").split()) == 500
        assert entries[1]["detail"] == "import; commit " + git(content, "rev-parse", "HEAD").strip()[:12]
    else:
        assert [e["action"] for e in entries] == ["import"]
    again = archive_cli("import", source, "--content", content, "--instance", tmp_path / "instance")
    assert again[0] == 1, "a second run finds every row already there"
    assert len({line.split(",")[0] for line in again[1].splitlines() if "repeats '" in line}) == 500


def test_dry_run_reports_and_writes_nothing(content, tmp_path, archive_cli):
    source = write_csv(tmp_path / "few.csv", sheet(5, bad=False))
    code, out, err = archive_cli("import", source, "--dry-run", "--content", content, "--instance",
                                 tmp_path / "instance")
    assert code == 0 and out.count("would add") == 5 and "nothing was written" in err
    assert files(content) == {"en/already-here.md"} and not (tmp_path / "instance").exists()


def test_duplicates_of_the_collection_a_published_status_and_clashing_ids(content, tmp_path, archive_cli):
    rows = [row(1, title="An account already in the archive", event_date="2018-08"),
            row(2, **{"source.url": "https://example.org/old"}),
            row(4, **{"source.url": "https://example.org/same"}), row(8, **{"source.url": "https://example.org/same"}),
            row(11, status="published")]
    source = write_csv(tmp_path / "dupes.csv", rows, COLUMNS + ["status"])
    code, out, _ = archive_cli("import", source, "--content", content, "--instance", tmp_path / "instance")
    assert code == 1
    assert "row 2, column 'title': repeats 'already-here'" in out
    assert "row 3, column 'source.url': repeats the source URL of 'already-here'" in out
    assert "row 5, column 'source.url': repeats the source URL of 'row 4'" in out
    assert "row 6, column 'status': imported accounts arrive as drafts" in out
    same = [row(2, event_date="2015"), row(2, event_date="2016")]
    code, out, err = archive_cli("import", write_csv(tmp_path / "same.csv", same), "--content", content, "--instance", tmp_path / "instance")
    assert code == 0, out + err
    assert {"en/the-market-account-number-2.md", "en/the-market-account-number-2-2.md"} <= files(content)


def test_an_xlsx_workbook_with_date_cells_imports_like_a_csv(content, tmp_path, archive_cli):
    from openpyxl import Workbook

    book = Workbook()
    sheet_ = book.active
    sheet_.append(COLUMNS)
    for i in (1, 2, 3):
        values = row(i)
        values["consent.date"] = dt.datetime(2020, 1, 5)  # Excel keeps dates as dates
        sheet_.append([values[c] for c in COLUMNS])
    book.save(tmp_path / "sheet.xlsx")
    code, out, err = archive_cli("import", tmp_path / "sheet.xlsx", "--content", content, "--instance", tmp_path / "instance")
    assert code == 0, out + err
    text = (content / "en" / "the-market-account-number-2.md").read_text(encoding="utf-8")
    assert 'date: "2020-01-05"' in text and "Then the aircraft came back." in text


@pytest.mark.parametrize("name, data, message", [
    ("notes.pdf", b"%PDF", "neither a CSV nor an XLSX"),
    ("broken.xlsx", b"not a zip", "cannot be read as an XLSX workbook"),
    ("latin1.csv", "title,body\nCafé,x\n".encode("latin-1"), "is not UTF-8 text"),
    ("twice.csv", b"title,Title,body\na,b,c\n", "names the column 'Title' twice"),
    ("empty.csv", b"", "has no header row"),
])
def test_a_file_that_is_not_a_sheet_is_one_sentence(content, tmp_path, archive_cli, name, data, message):
    (tmp_path / name).write_bytes(data)
    code, out, err = archive_cli("import", tmp_path / name, "--content", content, "--instance", tmp_path / "instance")
    assert code == 1 and message in err and "Traceback" not in err, err


def test_a_sheet_without_a_body_column_says_so(content, tmp_path, archive_cli):
    source = write_csv(tmp_path / "nobody.csv", sheet(2, bad=False), [c for c in COLUMNS if c != "body"])
    code, out, _ = archive_cli("import", source, "--content", content, "--instance", tmp_path / "instance")
    assert code == 1 and "the sheet: no column is mapped to 'body'" in out


def test_semicolon_separated_csv_and_a_byte_order_mark_are_read(content, tmp_path, archive_cli):
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, COLUMNS, delimiter=";")
    writer.writeheader()
    writer.writerow({**row(2), "places": "Saraqeb", "themes": "airstrikes"})
    (tmp_path / "excel.csv").write_bytes(b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8"))
    code, out, err = archive_cli("import", tmp_path / "excel.csv", "--content", content, "--instance", tmp_path / "instance")
    assert code == 0, out + err


def test_the_audit_entry_is_written_before_git_and_survives_git_failing(content, tmp_path, archive_cli, monkeypatch):
    """Like a curator's save: the import's entry is on disk before git runs, so git failing (or a worker killed
    in git) never leaves imported files without it; git's outcome follows as a `commit` entry."""
    from archive.store import history

    audit_file = tmp_path / "instance" / "audit.jsonl"
    seen_before_git = []

    def failing(*args, **kwargs):
        seen_before_git.append(audit_file.read_text() if audit_file.exists() else "")
        raise history.HistoryError("git is not available")

    monkeypatch.setattr(history, "commit_files", failing)
    source = write_csv(tmp_path / "few.csv", sheet(count=4, bad=False))
    code, out, err = archive_cli("import", source, "--content", content, "--instance", tmp_path / "instance")
    assert code == 0, out + err
    assert "git could not record them" in err
    assert seen_before_git and '"action": "import"' in seen_before_git[0], "the entry was on disk before git ran"
    entries = [json.loads(line) for line in audit_file.read_text().splitlines()]
    assert [e["action"] for e in entries] == ["import", "commit"] and entries[1]["detail"] == "import; git failed"
    assert len(files(content) - {"en/already-here.md"}) == 4
