"""collection.yaml's optional per-language title, description and publisher (`titles`, `descriptions`,
`publishers`): loaded, checked with a line for every wrong shape, and shown in the reader's language."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Callable

import pytest

from archive.collection_files import load_collection_info
from archive.languages import in_language

from tests.support import builder, consent_table

BASE = 'title: "Web Test Archive"\npublisher: "Web Test Publisher"\nbase_url: "https://archive.example.org"\n'
ARABIC = (BASE + 'titles: {ar: "أرشيف الاختبار"}\n'
          'description: "Accounts kept for the web tests."\n'
          'descriptions: {ar: "شهادات محفوظة لاختبارات الموقع."}\n'
          'publishers: {ar: "ناشر الاختبار"}\n'
          "license: CC-BY-NC-4.0\nlanguages: [en, ar]\n")


def load(tmp_path: Path, text: str) -> tuple[Any, list[str]]:
    path = tmp_path / "collection.yaml"
    path.write_text(text, encoding="utf-8")
    info, problems = load_collection_info(path, "collection.yaml")
    return info, [str(p) for p in problems]


def test_per_language_texts_are_loaded_with_the_default_as_fallback(tmp_path: Path) -> None:
    info, problems = load(tmp_path, ARABIC)
    assert problems == []
    assert dict(info.titles) == {"ar": "أرشيف الاختبار"}
    assert in_language(info.titles, info.title, "ar") == "أرشيف الاختبار"
    assert in_language(info.titles, info.title, "en") == "Web Test Archive"
    assert in_language(info.descriptions, info.description, "ar") == "شهادات محفوظة لاختبارات الموقع."
    assert in_language(info.descriptions, info.description, "fr") == "Accounts kept for the web tests."
    assert in_language(info.publishers, info.publisher, "ar") == "ناشر الاختبار"
    assert in_language(info.publishers, info.publisher, None) == "Web Test Publisher"
    assert info.title == "Web Test Archive"  # the default (what citations use) is unchanged


def test_per_language_texts_are_optional(tmp_path: Path) -> None:
    info, problems = load(tmp_path, BASE)
    assert problems == []
    assert info.titles == {} and in_language(info.titles, info.title, "ar") == "Web Test Archive"
    assert in_language(info.descriptions, info.description, "ar") is None


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("titles: [أرشيف]", "collection.yaml:4: titles: must be a mapping (key: value lines), not a list"),
        ("titles: أرشيف", "collection.yaml:4: titles: must be a mapping (key: value lines), not 'أرشيف'"),
        ("descriptions: {ar: 5}", "collection.yaml:4: descriptions.ar: must be text, not '5'"),
        ("publishers: {ar: [a, b]}", "collection.yaml:4: publishers.ar: must be text, not a list"),
        ('titles: {ar: ""}', "collection.yaml:4: titles.ar: '' must not be empty"),
        ('titles: {ar: "  "}', "collection.yaml:4: titles.ar: '  ' must not be empty"),
        ('titles: {"arabic!": "أرشيف"}',
         "collection.yaml:4: titles: 'arabic!' must be a language tag such as en, ar or ar-SY"),
    ],
)
def test_wrong_shapes_are_problems_with_a_line(tmp_path: Path, line: str, expected: str) -> None:
    info, problems = load(tmp_path, BASE + line + "\n")
    assert info is None
    assert problems == [expected]


def test_archive_check_reports_a_wrong_per_language_title(write_collection: Callable[..., Path],
                                                          archive_cli: Callable[..., Any]) -> None:
    content = write_collection(collection=BASE + "titles: {ar: 7}\n")
    code, out, _ = archive_cli("check", "--content", content)
    assert code == 1
    assert "collection.yaml:4: titles.ar: must be text, not '7'" in out


def _main(page: str) -> str:
    return page[page.index("<main"):page.index("</main>")]


def test_the_home_page_shows_the_collection_in_the_readers_language(tmp_path: Path) -> None:
    from web import create_app

    content = consent_table.write(tmp_path / "content", extra={"collection.yaml": ARABIC})
    builder.build_index(content, tmp_path / "instance")
    client = create_app({"ARCHIVE_CONTENT": str(content), "ARCHIVE_INSTANCE": str(tmp_path / "instance"),
                         "TESTING": True}).test_client()
    arabic = client.get("/?lang=ar").get_data(as_text=True)
    assert "<title>أرشيف الاختبار</title>" in arabic
    assert "<h1>أرشيف الاختبار</h1>" in _main(arabic)  # in the page's own language: no lang/dir of its own
    assert '<p class="lead">شهادات محفوظة لاختبارات الموقع.</p>' in arabic
    assert '<span>ناشر الاختبار</span>' in arabic
    assert '<p class="site-title"><a href="/">أرشيف الاختبار</a></p>' in arabic
    assert "Web Test Archive" not in arabic and "Accounts kept" not in arabic
    testimony = client.get("/t/open-account?lang=ar").get_data(as_text=True)
    assert re.search(r"<title>[^<]* · أرشيف الاختبار</title>", testimony)
    assert "Web Test Archive" in client.get("/t/open-account/cite.txt").get_data(as_text=True)  # citations: default

    english = client.get("/?lang=en").get_data(as_text=True)
    assert "<h1>Web Test Archive</h1>" in _main(english)
    assert '<p class="lead">Accounts kept for the web tests.</p>' in english
    assert "أرشيف الاختبار" not in english and "ناشر الاختبار" not in english


def test_without_a_variant_the_arabic_page_marks_the_default_text_as_english(web_client) -> None:
    page = web_client.get("/?lang=ar").get_data(as_text=True)
    assert '<h1 lang="en" dir="ltr">Web Test Archive</h1>' in _main(page)
    assert '<p class="lead" lang="en" dir="ltr">Accounts kept for the web tests.</p>' in page
