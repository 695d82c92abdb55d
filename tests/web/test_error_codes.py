"""Errors as codes: every error carries a code from archive/messages.py, keeps its English sentence for
the CLI, and is shown in Arabic by code (never by parsing the sentence)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from babel.support import Translations

from archive.collection import check
from archive.dates import DateError, parse_date
from archive.messages import MESSAGES, Message, english
from search.query import QueryError, parse_query

from tests.support.curators import csrf_token

TRANSLATIONS = Path(__file__).resolve().parents[2] / "web" / "translations"
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def test_every_code_has_an_arabic_translation_in_the_compiled_catalogue():
    with open(TRANSLATIONS / "ar" / "LC_MESSAGES" / "messages.po", "rb") as handle:
        catalogue = read_po(handle)
    compiled = Translations.load(str(TRANSLATIONS), ["ar"])
    for code, template in MESSAGES.items():
        entry = catalogue.get(template)
        assert entry is not None and entry.string and not entry.fuzzy, f"{code}: no Arabic; run make translations"
        assert compiled.gettext(template) == entry.string, f"{code}: the .mo is stale; run make translations"
        assert set(PLACEHOLDER.findall(entry.string)) == set(PLACEHOLDER.findall(template)), code
    assert len(MESSAGES) > 100  # the registry is the whole list, not a sample


def test_a_message_refuses_an_unknown_code():
    with pytest.raises(KeyError):
        Message("no.such-code")


BROKEN = {
    "en/t1.md": "---\ntitle: [unclosed\n---\nText\n",
    "en/t2.md": "no front matter\n",
    "en/t3.md": ("---\nid: t3x\ntitle: T\nlanguage: english\nevent_date: 2019-02-30\nplaces: [Sarakibb]\n"
                 "themes: [nothing-like-it]\nrecorded: {date: 2019, by: A, method: chat}\n"
                 "consent: {access: public, identity: named, date: 2020-01-01, recorded_by: A}\n"
                 "tittle: x\ntranslation_of: t3\n---\nBody [[redact: open\n"),
    "en/t4.md": b"---\nid: t4\n\xff\n---\n",
}


def test_every_problem_archive_check_finds_carries_a_code_and_the_same_english(write_collection, make_testimony):
    root = write_collection({**BROKEN, "en/t5.md": make_testimony("t5", {"narrator.name": "Zqhidden Name",
                                                                          "consent.identity": "anonymous"},
                                                                  body="Zqhidden Name spoke.\n")})
    problems = check(root)
    codes = {p.code for p in problems}
    assert len(problems) >= 10
    for problem in problems:
        assert problem.code in MESSAGES, problem
        assert english(problem.text) == problem.message, problem
    for expected in ("yaml.syntax", "file.no-front-matter", "file.not-utf8", "date.calendar", "id.stem",
                     "field.enum", "place.unknown-hint", "field.near-miss", "body.unclosed-redaction",
                     "exposure.name"):
        assert expected in codes, (expected, codes)


@pytest.mark.parametrize("params, code", [
    ({"page": "x"}, "query.number"), ({"from": "2019-13"}, "query.date"), ({"language": "??"}, "query.language"),
    ({"sort": "up"}, "query.sort"), ({"from": "2020", "to": "2019"}, "query.order"), ({"q": "x" * 1001}, "query.too-long"),
])
def test_query_errors_carry_a_code_and_keep_their_sentence(params, code):
    with pytest.raises(QueryError) as info:
        parse_query(params)
    assert info.value.code == code and english(info.value.reason) == info.value.message


def test_date_errors_carry_a_code():
    with pytest.raises(DateError) as info:
        parse_date("2019-02-30")
    assert info.value.code == "date.calendar" and str(info.value) == "'2019-02-30' is not a real calendar date"


@pytest.mark.parametrize("query, arabic", [
    ("page=x", "عددًا صحيحًا"), ("from=2019-13", "شهر"), ("q=zz:x", "ليس حقلًا"), ("q=a*", "لا يمكن البحث"),
    ("place=Nowhere", "دليل الأماكن"), ("from=2020&to=2019", "يسبق"),
])
def test_search_errors_are_arabic_by_code(web_client, query, arabic):
    body = web_client.get(f"/api/search?{query}&lang=ar").get_json()
    assert body["ok"] is False and arabic in body["error"], body
    assert not re.search(r"[A-Za-z]{4,} [a-z]{3,} [a-z]{3,}", body["error"]), body  # no English sentence left


def test_the_arabic_form_shows_every_problem_in_arabic_with_typed_values_isolated(curate_site):
    client = curate_site.client
    client.set_cookie("lang", "ar")
    data = {"id": "new-account", "title": "خبز", "language": "ar", "event_date": "2019-02-30",
            "places": "سراقبب", "themes": "Airstrikes", "recorded_date": "2020", "recorded_by": "Amal",
            "recorded_method": "interview", "consent_access": "public", "consent_identity": "named",
            "narrator_name": "", "consent_date": "2020-03-01", "consent_recorded_by": "Amal",
            "status": "published", "body": "نص.\r\n", "save": "1", "csrf_token": csrf_token(client, "/curate/new")}
    html = client.post("/curate/new", data=data).get_data(as_text=True)
    summary = html.split('class="error-summary"', 1)[1].split("</div>", 1)[0]
    items = re.findall(r"<li>(.*?)</li>", summary, re.S)
    assert len(items) >= 3
    for item in items:
        message = re.sub(r"<a [^>]*>.*?</a>:\s*", "", item)
        assert not re.search(r"\b(is|not|must|unknown|required)\b", re.sub(r"<bdi[^>]*>.*?</bdi>", "", message)), item
    assert '<bdi lang="ar">سراقبب</bdi>' in summary
    assert "<bdi>2019-02-30</bdi>" in summary


def test_problems_are_made_by_code_everywhere():
    """A rule that builds `Problem(...)` with an English sentence would reach Arabic readers in English:
    every problem is made with `problem(..., code, ...)` or `from_message` (archive/errors.py)."""
    root = Path(__file__).resolve().parents[2]
    offenders = []
    for package in ("archive", "search", "web"):
        for path in (root / package).rglob("*.py"):
            if path.name == "errors.py" and package == "archive":
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if re.search(r"(?<![\w.])Problem\(", line):
                    offenders.append(f"{path.relative_to(root)}:{number}: {line.strip()}")
    assert not offenders, "\n".join(offenders)


def test_query_errors_are_raised_by_code_everywhere():
    """`QueryError(param, sentence)` still works (it reaches Arabic readers as a generic sentence naming the
    parameter); the archive's own raise `QueryError.coded(param, code, ...)`, so each has its Arabic."""
    root = Path(__file__).resolve().parents[2]
    offenders = [f"{path.relative_to(root)}:{number}: {line.strip()}"
                 for package in ("archive", "search", "web") for path in (root / package).rglob("*.py")
                 for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                 if re.search(r"raise QueryError\(", line)]
    assert not offenders, "\n".join(offenders)
