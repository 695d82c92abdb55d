"""`archive index` and `archive search`: output, progress, errors as one sentence, the JSON shape."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.search.synthetic_collection import synthetic_collection
from tests.support import builder
from tests.support.builder import write_testimony



@pytest.fixture
def dirs(tmp_path):
    content = builder.write_collection(tmp_path / "content", vocabulary="search", testimonies={
        "market": dict(title="Barrel bombs on the market", places=("saraqib",), themes=("barrel-bombs",),
                       body="The helicopters bombed the market.", event_date="2016-02"),
        "school": dict(title="قصف المدرسة", language="ar", places=("idlib",), themes=("displacement",),
                       body="قُصِفَتْ المَدْرَسَةُ"),
        "secret": dict(title="Secret market", access="restricted", body="A restricted market story."),
    })
    return ["--content", str(content), "--instance", str(tmp_path / "instance")]


def test_commands_have_help(archive_cli):
    for command in ("index", "search"):
        code, out, _ = archive_cli(command, "--help")
        assert code == 0 and "--content" in out and "--instance" in out
    assert "touching only what" in archive_cli("index", "--help")[1]


def test_index_reports_what_it_did(archive_cli, dirs):
    code, out, err = archive_cli("index", *dirs)
    assert code == 0 and out == "Rebuilt the index (there was no index): 2 public testimonies.\n"
    assert archive_cli("index", *dirs)[1] == "The index is up to date: 2 public testimonies.\n"
    content = dirs[1]
    write_testimony(Path(content), "market", title="Barrel bombs", body="Rebuilt market.")
    code, out, _ = archive_cli("index", *dirs)
    assert out == "~ market\nUpdated the index: 0 added, 1 updated, 0 removed; 2 public testimonies.\n"
    code, out, _ = archive_cli("index", "--rebuild", *dirs)
    assert code == 0 and out.startswith("Rebuilt the index (--rebuild was asked for)")


def test_index_warns_about_invalid_files(archive_cli, dirs, tmp_path):
    (tmp_path / "content" / "t" / "broken.md").write_text("---\nid: broken\n---\n", encoding="utf-8")
    code, out, err = archive_cli("index", *dirs)
    assert code == 0
    assert "warning: " in err and "broken.md: not indexed: the file is invalid; run 'archive check'" in err


def test_index_shows_progress_on_long_runs(archive_cli, tmp_path):
    content = synthetic_collection(tmp_path / "content", 150, words=20)
    code, out, err = archive_cli("index", "--content", content, "--instance", tmp_path / "instance")
    assert code == 0 and "Indexing" in err and out.startswith("Rebuilt the index")


def test_errors_are_one_sentence(archive_cli, tmp_path):
    code, out, err = archive_cli("index", "--content", tmp_path / "nowhere", "--instance", tmp_path / "i")
    assert code == 1 and err == f"Error: The content directory '{tmp_path / 'nowhere'}' does not exist; " \
                                 "pass --content or set ARCHIVE_CONTENT.\n"
    code, out, err = archive_cli("search", "x", "--content", tmp_path / "nowhere", "--instance", tmp_path / "i")
    assert code == 1 and err.count("\n") == 1


def test_search_indexes_first_when_needed(archive_cli, dirs):
    code, out, err = archive_cli("search", "market", *dirs)
    assert code == 0 and "Updating the search index first" in err
    assert out.startswith("1 result, showing 1-1.") and "market  Barrel bombs on the market" in out
    code, out, err = archive_cli("search", "market", *dirs)
    assert err == ""


def test_search_json_is_the_api_shape(archive_cli, dirs):
    archive_cli("index", *dirs)
    code, out, err = archive_cli("search", "bombing", "--place", "idlib-governorate", "--json", *dirs)
    assert code == 0, err
    body = json.loads(out)
    assert list(body) == ["ok", "total", "page", "per_page", "results", "facets", "suggestion", "understood",
                          "relaxed", "matched", "correction", "corrected_from"]
    assert body["total"] == 1 and body["page"] == 1 and body["per_page"] == 20 and body["suggestion"] is None
    hit = body["results"][0]
    assert list(hit) == ["id", "title", "url", "snippet", "summary", "narrator", "places", "themes",
                         "event_date", "language"]
    assert hit["url"] == "/t/market" and "<mark>bombed</mark>" in hit["snippet"]
    assert hit["places"] == [{"id": "saraqib", "name": "Saraqib"}]
    assert hit["themes"] == [{"id": "barrel-bombs", "label": "Barrel bombs"}]
    assert list(body["facets"]) == ["place", "theme", "language", "year"]
    place = next(i for i in body["facets"]["place"] if i["value"] == "idlib-governorate")
    assert place == {"value": "idlib-governorate", "label": "Idlib Governorate", "count": 1, "selected": True}


def test_search_options(archive_cli, dirs):
    archive_cli("index", *dirs)

    def found(*args: str) -> list[str]:
        code, out, err = archive_cli("search", "--json", *args, *dirs)
        assert code == 0, err
        return [r["id"] for r in json.loads(out)["results"]]

    assert found("--language", "ar") == ["school"]
    assert found("--theme", "airstrikes") == ["market"]
    assert found("--from", "2019", "--to", "2019-06") == ["school"]
    assert found("--sort", "date") == ["market", "school"]
    assert found("--sort", "-date", "--per-page", "1", "--page", "2") == ["market"]
    assert found("market") == ["market"]  # the restricted one is not there


@pytest.mark.parametrize("args, message", [
    (["--page", "0"], "Error: page must be a whole number from 1 to 10,000, not '0'.\n"),
    (["--per-page", "500"], "Error: per_page must be a whole number from 1 to 100, not '500'.\n"),
    (["--from", "2019-13"], "Error: from: '2019-13' has no month 13.\n"),
    (["--place", "atlantis"], "Error: place: no place in the gazetteer has the id or name 'atlantis'.\n"),
    (["--", "consent:restricted"], None),
])
def test_search_errors(archive_cli, dirs, args, message):
    archive_cli("index", *dirs)
    code, out, err = archive_cli("search", *dirs, *args)
    assert code == 1 and out == ""
    if message:
        assert err == message
    else:
        assert err.startswith("Error: 'consent:' is not a field you can search")
