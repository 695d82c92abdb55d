"""The interface in English and Arabic: choosing the language, mirroring, no English left, same results.

Also the catalogues themselves: the compiled .mo matches the .po, and every string the code
and templates mark for translation has a complete Arabic translation.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

from tests.web.test_web_a11y_markup import Node, PAGES, parse


ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "web" / "translations" / "ar" / "LC_MESSAGES" / "messages.po"
MO = PO.with_suffix(".mo")
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
# Names of formats and standards, written the same in every language.
ALLOWED_LATIN = {"CSV", "JSON", "BibTeX", "RIS", "CSL", "Atom", "WGS", "API", "OR", "NOT", "English"}
# Search parameters and their values, which an error sentence names as they are typed in the address.
SEARCH_WORDS = {"q", "place", "theme", "language", "from", "to", "sort", "page", "per_page", "relevance", "date",
                "en", "ar"}
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def visible_interface_text(html: str) -> list[str]:
    """Text a person reads that belongs to the interface: not content marked with its own language,
    not code, citations or machine-readable values, nor the page <title> (it holds the testimony's title)."""
    root = parse(html)
    found: list[str] = []

    def visit(node: Node, skip: bool) -> None:
        if node.tag in ("head", "script", "style", "code", "pre"):
            return
        lang = node.attrs.get("lang")
        skip = skip or (lang is not None and node.tag != "html" and lang != "ar") or node.attrs.get("translate") == "no"
        for attr in ("aria-label", "title", "placeholder", "alt", "data-copy", "data-copied"):
            if not skip and node.attrs.get(attr):
                found.append(node.attrs[attr])
        for child in node.children:
            if isinstance(child, Node):
                visit(child, skip)
            elif not skip and child.strip():
                found.append(child.strip())

    visit(root, False)
    return found


def english_left(html: str) -> list[str]:
    """Interface text with English in it (URLs, the names of formats, and in an error the parameters and
    values typed in the address, aside)."""
    left = []
    for text in visible_interface_text(html):
        text = re.sub(r"https?://\S+|«[^»]*»", "", text)
        words = set(LATIN_WORD.findall(text)) - ALLOWED_LATIN - SEARCH_WORDS
        if words:
            left.append(text)
    return left


def english_msgids() -> set[str]:
    with PO.open("rb") as f:
        catalogue = read_po(f)
    found = set()
    for message in catalogue:
        for msgid in message.id if isinstance(message.id, tuple) else (message.id,):
            if set(LATIN_WORD.findall(msgid)) - ALLOWED_LATIN:
                found.add(msgid)
    return found


# --- choosing the language ------------------------------------------------------------------------------------

def test_english_by_default_and_arabic_when_asked(web_client):
    assert '<html lang="en" dir="ltr">' in web_client.get("/").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in web_client.get("/?lang=ar").get_data(as_text=True)


def test_lang_parameter_sets_a_cookie_that_later_pages_follow(web_app):
    client = web_app.test_client()
    response = client.get("/places?lang=ar")
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("lang=ar;") and "Max-Age=31536000" in cookie
    assert "SameSite=Lax" in cookie and "Path=/" in cookie
    assert '<html lang="ar" dir="rtl">' in client.get("/themes").get_data(as_text=True)
    assert "Set-Cookie" not in client.get("/themes?lang=ar").headers  # already chosen: nothing to set
    back = client.get("/themes?lang=en")
    assert back.headers["Set-Cookie"].startswith("lang=en;")
    assert '<html lang="en" dir="ltr">' in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize("header, expected", [
    ("ar", "ar"), ("ar-SY,ar;q=0.9,en;q=0.5", "ar"), ("en-GB,en;q=0.9,ar;q=0.8", "en"), ("fr, ar;q=0.5", "ar"),
    ("fr, de;q=0.5", "en"), ("", "en"),
])
def test_accept_language_decides_without_parameter_or_cookie(web_app, header, expected):
    page = web_app.test_client().get("/", headers={"Accept-Language": header}).get_data(as_text=True)
    assert f'<html lang="{expected}"' in page


def test_parameter_beats_cookie_beats_accept_language(web_app):
    client = web_app.test_client()
    client.set_cookie("lang", "en")
    assert '<html lang="en"' in client.get("/", headers={"Accept-Language": "ar"}).get_data(as_text=True)
    assert '<html lang="ar"' in client.get("/?lang=ar", headers={"Accept-Language": "en"}).get_data(as_text=True)


@pytest.mark.parametrize("value", ["fr", "", "AR", "ar-SY", "<script>", "x" * 500])
def test_unknown_lang_values_are_ignored(web_app, value):
    client = web_app.test_client()
    response = client.get("/search", query_string={"q": "bakery", "lang": value})
    assert response.status_code == 200
    assert '<html lang="en"' in response.get_data(as_text=True) and "Set-Cookie" not in response.headers
    client.set_cookie("lang", value)
    assert '<html lang="en"' in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize("path", ["/", "/search?q=bakery", "/t/open-account", "/api/search?q=bakery",
                                  "/api/t/open-account", "/t/no-such-testimony", "/api/places"])
def test_responses_vary_on_cookie_and_accept_language(web_client, path):
    vary = {v.strip() for v in web_client.get(path).headers.get("Vary", "").split(",")}
    assert {"Cookie", "Accept-Language"} <= vary


@pytest.mark.parametrize("path", ["/t/open-account", "/api/t/open-account"])
def test_a_cached_english_testimony_is_never_confirmed_to_an_arabic_reader(web_app, path):
    client = web_app.test_client()
    english = client.get(path)
    etag = english.headers["ETag"]
    assert client.get(path, headers={"If-None-Match": etag}).status_code == 304
    arabic = client.get(path + "?lang=ar", headers={"If-None-Match": etag})
    assert arabic.status_code == 200 and arabic.headers["ETag"] != etag
    again = client.get(path, headers={"If-None-Match": arabic.headers["ETag"]})  # the cookie now says Arabic
    assert again.status_code == 304


# --- the switch -----------------------------------------------------------------------------------------------

def test_switch_links_to_the_same_page_in_the_other_language(web_client):
    english = web_client.get("/places/saraqib").get_data(as_text=True)
    assert ('<a class="lang-switch" href="/places/saraqib?lang=ar" hreflang="ar" lang="ar">العربية</a>'
            in english)
    arabic = web_client.get("/places/saraqib?lang=ar").get_data(as_text=True)
    assert '<a class="lang-switch" href="/places/saraqib?lang=en" hreflang="en" lang="en">English</a>' in arabic


def test_switch_keeps_the_search_with_its_filters(web_client):
    page = web_client.get("/search?q=bakery&place=saraqib&theme=airstrikes&sort=date&page=1")
    switch = [a for a in parse(page.get_data(as_text=True)).find_all("a") if a.attrs.get("class") == "lang-switch"][0]
    href = switch.attrs["href"]
    assert href == "/search?q=bakery&place=saraqib&theme=airstrikes&sort=date&page=1&lang=ar"
    english_ids = [r["id"] for r in web_client.get("/api/search?q=bakery&place=saraqib&theme=airstrikes&sort=date")
                   .get_json()["results"]]
    arabic_page = web_client.get(href).get_data(as_text=True)
    assert '<html lang="ar"' in arabic_page and english_ids
    assert _hit_links(arabic_page) == [f"/t/{i}" for i in english_ids]


def test_switch_on_an_error_page_is_the_same_for_every_address(web_client):
    unknown = web_client.get("/t/no-such-testimony?lang=ar")
    hidden = web_client.get("/t/closed-zqrestrictedid?lang=ar")
    assert unknown.status_code == hidden.status_code == 404
    assert unknown.get_data() == hidden.get_data()
    assert 'class="lang-switch" href="?lang=en"' in unknown.get_data(as_text=True)


# --- no English left --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", PAGES)
def test_no_english_left_in_arabic_pages(web_app, path):
    client = web_app.test_client()
    response = client.get(path + ("&" if "?" in path else "?") + "lang=ar")
    html = response.get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in html
    assert english_left(html) == []
    texts = set(visible_interface_text(html))
    assert texts.isdisjoint(english_msgids())


def test_the_check_would_find_english(web_app):
    """The two checks above see English interface text when the catalogue is not used."""
    html = web_app.test_client().get("/t/open-account?lang=en").get_data(as_text=True)
    assert "About this testimony" in english_left(html)
    assert "About this testimony" in set(visible_interface_text(html)) & english_msgids()


def test_content_in_another_language_keeps_its_own_lang_and_dir(web_client):
    page = web_client.get("/t/open-account?lang=ar").get_data(as_text=True)
    assert '<h1 lang="en" dir="ltr">An account of the market (open-account)</h1>' in page
    assert '<div class="body" lang="en" dir="ltr">' in page
    arabic = web_client.get("/t/open-account-ar?lang=ar").get_data(as_text=True)
    assert "<h1>رواية السوق</h1>" in arabic and '<div class="body">' in arabic


def test_anonymous_and_redactions_in_the_readers_language(web_client):
    anon = web_client.get("/t/anon-account?lang=ar").get_data(as_text=True)
    assert '<span class="narrator">مجهول الهوية</span>' in anon
    assert not any("Anonymous" in text for text in visible_interface_text(anon))  # only in the English citation
    assert "zqanonname" not in anon.casefold()
    redacted = web_client.get("/t/redacted-account?lang=ar").get_data(as_text=True)
    assert '<span class="redacted" lang="ar" dir="rtl">[محجوب]</span>' in redacted
    assert "zqredacted" not in redacted.casefold() and '<span class="redacted">[redacted]</span>' not in redacted
    english = web_client.get("/t/redacted-account?lang=en").get_data(as_text=True)
    assert '<span class="redacted">[redacted]</span>' in english


# --- names, dates, numbers ----------------------------------------------------------------------------------------

def test_place_and_theme_names_in_the_readers_language_with_fallback(web_client):
    place = web_client.get("/places/saraqib?lang=ar").get_data(as_text=True)
    assert "<h1>سراقب</h1>" in place
    assert '<a href="/places/idlib-district" lang="en" dir="ltr">Idlib District</a>' in place  # no Arabic name
    assert '<span lang="en" dir="ltr">Saraqib</span> (الإنجليزية)' in place
    theme = web_client.get("/themes/airstrikes?lang=ar").get_data(as_text=True)
    assert "<h1>الغارات الجوية</h1>" in theme
    assert "<h1>Saraqib</h1>" in web_client.get("/places/saraqib?lang=en").get_data(as_text=True)


def test_api_names_follow_the_language_and_ids_do_not_change(web_client):
    english = {p["id"]: p for p in web_client.get("/api/places").get_json()["places"]}
    arabic = {p["id"]: p for p in web_client.get("/api/places?lang=ar").get_json()["places"]}
    assert english.keys() == arabic.keys()
    assert english["saraqib"]["name"] == "Saraqib" and arabic["saraqib"]["name"] == "سراقب"
    assert arabic["idlib-district"]["name"] == "Idlib District"
    assert arabic["saraqib"]["names"] == english["saraqib"]["names"] == {"ar": "سراقب"}
    themes = {t["id"]: t for t in web_client.get("/api/themes?lang=ar").get_json()["themes"]}
    assert themes["airstrikes"]["label"] == "الغارات الجوية" and themes["violence"]["label"] == "Violence"
    hit = web_client.get("/api/search?q=bakery&lang=ar").get_json()["results"][0]
    assert {"id": "saraqib", "name": "سراقب"} in hit["places"]


def test_dates_and_counts_read_naturally_in_arabic(web_client):
    page = web_client.get("/t/open-account?lang=ar").get_data(as_text=True)
    assert '<time datetime="2018-08">آب 2018</time>' in page
    assert '<time datetime="2018-09">أيلول 2018</time>' in page
    english = web_client.get("/t/open-account?lang=en").get_data(as_text=True)
    assert '<time datetime="2018-08">August 2018</time>' in english
    total = web_client.get("/api/search?place=saraqib&per_page=1").get_json()["total"]
    assert 3 <= total <= 10
    place = web_client.get("/places/saraqib?lang=ar").get_data(as_text=True)
    assert f'<h2 id="found">{total} شهادات عامة</h2>' in place  # 3-10 take the plural; 11-99 the singular
    places = web_client.get("/places?lang=ar").get_data(as_text=True)
    assert ('<a href="/places/aleppo-governorate" lang="en" dir="ltr">Aleppo Governorate</a> '
            '<span class="count">لا شهادات</span>') in places
    assert '<a href="/places/syria">سوريا</a> <span class="count">9 شهادات</span>' in places


# --- the same search in both languages -------------------------------------------------------------------------

SEARCHES = ["q=bakery", "q=bakery&sort=date", "q=market&per_page=3&page=2", "place=idlib-governorate",
            "theme=violence&sort=-date", "q=%D8%A7%D9%84%D9%85%D8%AE%D8%A8%D8%B2", "language=ar", "q=bakry",
            "from=2018&to=2018&q=neighbours"]


def _hit_links(html: str) -> list[str]:
    hits = [n for n in parse(html).find_all("ol") if n.attrs.get("class") == "hits"]
    if not hits:
        return []
    return [article.find_all("a")[0].attrs["href"] for article in hits[0].find_all("article")]


@pytest.mark.parametrize("query", SEARCHES)
def test_search_behaves_identically_in_both_languages(web_client, query):
    english = web_client.get(f"/api/search?{query}&lang=en").get_json()
    arabic = web_client.get(f"/api/search?{query}&lang=ar").get_json()
    assert [r["id"] for r in english["results"]] == [r["id"] for r in arabic["results"]]
    for key in ("total", "page", "per_page", "suggestion"):
        assert english[key] == arabic[key]
    for name, items in english["facets"].items():
        assert [(i["value"], i["count"], i["selected"]) for i in items] == [
            (i["value"], i["count"], i["selected"]) for i in arabic["facets"][name]]
    english_page = web_client.get(f"/search?{query}&lang=en").get_data(as_text=True)
    arabic_page = web_client.get(f"/search?{query}&lang=ar").get_data(as_text=True)
    assert _hit_links(english_page) == _hit_links(arabic_page) == [f"/t/{r['id']}" for r in english["results"]]


# --- the API's sentences -------------------------------------------------------------------------------------------

ARABIC = re.compile(r"[\u0600-\u06FF]")


@pytest.mark.parametrize("path", [
    "/api/search?page=0", "/api/search?sort=sideways", "/api/search?from=yesterday", "/api/search?from=2020&to=2019",
    "/api/search?place=nowhere-at-all", "/api/search?theme=nothing-like-it", "/api/search?q=a*",
    "/api/search?q=nofield:x", "/api/search?q=a&q=b", "/api/search?language=!!", "/api/search?per_page=1000",
    "/api/t/no-such-testimony", "/api/t/gone-zqwithdrawnid", "/api/nothing-here", "/search.json?page=0",
])
def test_api_errors_in_the_chosen_language(web_client, path):
    english = web_client.get(path)
    arabic = web_client.get(path + ("&" if "?" in path else "?") + "lang=ar")
    assert english.status_code == arabic.status_code >= 400
    data = arabic.get_json()
    assert set(data) == set(english.get_json()) == {"ok", "error", "status"} and data["ok"] is False
    assert ARABIC.search(data["error"]) and data["error"] != english.get_json()["error"]
    assert data["error"].endswith(".") and "The " not in data["error"]
    assert "لا يمكن استخدام معامل البحث" not in data["error"]  # a sentence of its own, not the catch-all


def test_search_errors_on_the_page_in_arabic(web_client):
    response = web_client.get("/search?page=0&lang=ar", headers={"Accept-Language": "en"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "يجب أن تكون قيمة المعامل page عددًا صحيحًا من 1 إلى" in html
    assert web_client.get("/api/search?page=0", headers={"Accept-Language": "ar"}).get_json()["error"].startswith(
        "يجب أن تكون قيمة المعامل page")


# --- the catalogues ------------------------------------------------------------------------------------------------

def _read_po() -> Catalog:
    with PO.open("rb") as f:
        return read_po(f, locale="ar")


def test_compiled_catalogue_is_up_to_date():
    """messages.mo is what `make translations` compiles from messages.po (Flask-Babel reads only the .mo)."""
    expected = io.BytesIO()
    write_mo(expected, _read_po())
    expected.seek(0)
    with MO.open("rb") as f:
        assert _messages(read_mo(f)) == _messages(read_mo(expected)), "run `make translations`, then commit messages.mo"


def _messages(catalogue: Catalog) -> dict:
    def frozen(value):
        return tuple(value) if isinstance(value, (list, tuple)) else value

    return {frozen(m.id): frozen(m.string) for m in catalogue if m.id}


def _extracted() -> set[str | tuple[str, str]]:
    with (ROOT / "babel.cfg").open(encoding="utf-8") as f:
        method_map, options_map = parse_mapping_cfg(f)
    # As `make translations` extracts them (web.i18n's lazy_gettext is imported as _l too)
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None, "lazy_gettext": None, "_l": None}
    found: set[str | tuple[str, str]] = set()
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=keywords):
        found.add(message if isinstance(message, str) else tuple(message))
    return found


def test_every_interface_string_has_an_arabic_translation():
    catalogue = _read_po()
    extracted = _extracted()
    assert "Skip to the content" in extracted and ("%(num)s testimony", "%(num)s testimonies") in extracted
    problems = []
    for msgid in sorted(extracted, key=str):
        key = msgid[0] if isinstance(msgid, tuple) else msgid
        message = catalogue.get(key)
        if message is None:
            problems.append(f"not in messages.po (run `make translations`): {msgid!r}")
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(s and s.strip() for s in strings):
            problems.append(f"untranslated or fuzzy: {msgid!r}")
        if isinstance(msgid, tuple) and len(strings) != catalogue.num_plurals:
            problems.append(f"not every Arabic plural form: {msgid!r}")
    assert problems == []


def test_translations_fill_the_same_variables():
    for message in _read_po():
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = set(PLACEHOLDER.findall(" ".join(ids)))
        for index, string in enumerate(strings):
            used = set(PLACEHOLDER.findall(string))
            assert used <= wanted, (message.id, string)  # an unknown variable would fail when shown
            # a plural form may say the number in words ("شهادة واحدة"); every other variable must be there
            assert wanted - {"num"} <= used, (message.id, string)
            assert string.count("%") == len(PLACEHOLDER.findall(string)) + 2 * string.count("%%"), string


def test_ngettext_from_python_fills_the_formatted_number(web_app):
    from web.i18n import ngettext
    with web_app.test_request_context("/?lang=en"):
        assert ngettext("%(num)s testimony", "%(num)s testimonies", 1200) == "1,200 testimonies"
        assert ngettext("%(num)s testimony", "%(num)s testimonies", 1) == "1 testimony"


def test_gettext_outside_a_request_is_english(web_app):
    from web.i18n import gettext
    with web_app.app_context():
        assert gettext("Search") == "Search"
