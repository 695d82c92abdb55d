"""Safety: sanitised testimonies and titles, headers on every route, hostile input, weight, caching."""

from __future__ import annotations

import gzip
import json
import re
from html.parser import HTMLParser

import pytest

from web.headers import CSP

from tests.support import builder, consent_table

HOSTILE_BODY = """\
A paragraph <script>alert("zqscript")</script> with a script.

<img src="x" onerror="alert('zqimg')"> an image that runs code.

[a link](javascript:alert('zqjs')) and [another](JaVaScRiPt:alert(1)) and [data](data:text/html,zqdata).

<iframe src="https://evil.example/"></iframe>

<style>body { display: none }</style>

<a href="https://ok.example/" onclick="alert(1)" style="color:red">fine link</a>

<p onmouseover="alert(1)">paragraph with a handler</p>

<svg onload="alert(1)"><circle/></svg> <object data="x"></object> <embed src="x">

<form action="https://evil.example/"><input name="x"></form>

<!-- a comment --> <base href="https://evil.example/"> <meta http-equiv="refresh" content="0">
"""
HOSTILE_TITLE = ('<script>alert("t")</script><img src=x onerror=alert(1)> Title <iframe src="https://evil.example/">'
                 '</iframe><style>*{}</style><a href="javascript:alert(1)">x</a>')


class Elements(HTMLParser):
    """Every element and attribute of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


def elements(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = Elements()
    parser.feed(html)
    return parser.found


def own_chart(tag: str, attrs: dict[str, str | None]) -> bool:
    """The site's own map or timeline (web/mapping.py, web/timeline.py): an inline SVG with these attributes only."""
    return tag == "svg" and attrs.get("class") in ("map", "timeline") and set(attrs) <= {
        "class", "viewbox", "width", "height", "direction", "aria-label", "aria-describedby"}


def assert_inert(html: str) -> None:
    """No script but our own file, no handlers, styles, frames or scriptable links."""
    for tag, attrs in elements(html):
        assert tag not in ("iframe", "object", "embed", "style", "form", "base", "meta", "svg", "img") or (
            tag == "meta" and set(attrs) <= {"charset", "name", "property", "content"}
            and attrs.get("name") != "refresh"
        ) or (tag == "form" and attrs.get("action", "").startswith("/")) or own_chart(tag, attrs), (tag, attrs)
        if tag == "script":  # our own file, or the JSON-LD data block (never run; checked below)
            assert (set(attrs) == {"src", "defer"} and attrs["src"].startswith("/static/")) or (
                attrs == {"type": "application/ld+json"}), attrs
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name)
            assert name != "style", (tag, name)
            if name in ("href", "src", "action"):
                assert not re.match(r"\s*(javascript|data|vbscript):", value or "", re.I), (tag, name, value)
    for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S):
        assert isinstance(json.loads(block), dict)  # one JSON object: nothing in it closed the element early


@pytest.fixture(scope="module")
def hostile_client(tmp_path_factory):
    from web import create_app

    base = tmp_path_factory.mktemp("hostile")
    rows = (consent_table.Row("hostile", "hostile", builder.fields("hostile", "consent", title=HOSTILE_TITLE,
                                                                     summary=HOSTILE_TITLE,
                                                                     content_warnings=["<b>x</b>"]),
                            HOSTILE_BODY),
            consent_table.ROW_BY_NAME["public"])
    content = consent_table.write(base / "content", rows)
    builder.build_index(content, base / "instance")
    return create_app({"ARCHIVE_CONTENT": str(content), "ARCHIVE_INSTANCE": str(base / "instance"),
                       "TESTING": True}).test_client()


@pytest.mark.parametrize("path", ["/t/hostile", "/", "/search?q=paragraph", "/search?q=title",
                                  "/places/saraqib", "/themes/airstrikes", "/t/open-account"])
def test_pages_with_a_hostile_testimony_are_inert(hostile_client, path):
    response = hostile_client.get(path)
    assert response.status_code == 200
    assert_inert(response.get_data(as_text=True))


def test_json_ld_keeps_a_hostile_title_as_data(hostile_client):
    html = hostile_client.get("/t/hostile").get_data(as_text=True)
    (block,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert "<" not in block  # escaped as \\u003c, so no tag can start inside the script element
    assert json.loads(block)["name"].startswith('<script>alert("t")</script>')


def test_body_html_in_the_api_is_inert(hostile_client):
    data = hostile_client.get("/api/t/hostile").get_json()["testimony"]
    assert_inert(data["body_html"])
    for word in ("zqscript", "zqimg", "zqjs", "evil.example", "<script", "<iframe", "javascript:"):
        assert word not in data["body_html"].lower()
    assert '<a href="https://ok.example/" rel="nofollow noopener noreferrer">fine link</a>' in data["body_html"]
    assert data["title"] == HOSTILE_TITLE  # JSON carries the text as written; pages escape it


def test_hostile_title_is_escaped(hostile_client):
    page = hostile_client.get("/t/hostile").get_data(as_text=True)
    assert "&lt;script&gt;alert(&#34;t&#34;)&lt;/script&gt;" in page
    results = hostile_client.get("/api/search?q=title").get_json()["results"]
    assert all("<script" not in r["snippet"] for r in results)


ROUTES = ["/", "/search", "/search?q=bakery", "/t/open-account", "/t/open-account/cite.txt",
          "/t/open-account/cite.bib", "/t/open-account/cite.ris", "/t/open-account/cite.json", "/places",
          "/places/saraqib", "/themes", "/themes/airstrikes", "/sitemap.xml", "/feed.atom", "/robots.txt",
          "/search.csv", "/search.json", "/search.bib", "/api/search", "/api/search?q=bakery",
          "/api/t/open-account", "/api/places", "/api/themes", "/api/openapi.json", "/static/site.css",
          "/static/copy.js", "/t/no-such-id", "/api/t/no-such-id", "/t/gone-zqwithdrawnid",
          "/api/t/gone-zqwithdrawnid", "/search?page=0", "/api/search?page=0", "/api/nothing", "/nothing"]


@pytest.mark.parametrize("path", ROUTES)
def test_security_headers_on_every_route(web_client, path):
    with web_client.get(path) as response:
        response.get_data()
    assert response.headers["Content-Security-Policy"] == CSP
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "frame-ancestors 'none'" in CSP and "script-src 'self'" in CSP and "'unsafe-inline'" not in CSP


@pytest.mark.parametrize("path", [r for r in ROUTES if not r.startswith(("/api", "/static"))
                                  and not r.startswith(("/t/open-account/", "/search.", "/sitemap", "/feed",
                                                        "/robots"))])
def test_pages_load_nothing_from_other_hosts_and_nothing_inline(web_client, path):
    html = web_client.get(path).get_data(as_text=True)
    # A JSON-LD block is data, not a script: browsers never run it (and CSP would not let them).
    data_block = {"type": "application/ld+json"}
    for tag, attrs in elements(html):
        loaded = (tag == "script" and attrs != data_block) or tag == "img" or (tag == "link" and attrs.get("rel") in (
            "stylesheet", "icon", "preload", "modulepreload", "manifest"))
        if loaded:
            url = attrs.get("src") or attrs.get("href") or ""
            assert url.startswith("/") and not url.startswith("//"), (tag, attrs)
        assert not (tag == "script" and "src" not in attrs and attrs != data_block), "inline script"
        assert tag != "style" and "style" not in attrs
    assert not re.search(r'<script(?![^>]*\bsrc=)(?! type="application/ld\+json">)', html)


def test_405_under_api_is_json(web_client):
    response = web_client.post("/api/search")
    assert response.status_code == 405
    assert response.get_json() == {"ok": False, "status": 405,
                                   "error": "This address does not accept POST requests."}


def test_500_under_api_is_json_and_says_nothing_of_the_cause(web_app, monkeypatch):
    from web import present

    def broken(*args, **kwargs):
        raise RuntimeError("zqsecretdetail")

    monkeypatch.setattr(present, "render_body", broken)
    response = web_app.test_client().get("/api/t/open-account")
    assert response.status_code == 500
    data = response.get_json()
    assert data["ok"] is False and data["status"] == 500 and "zqsecretdetail" not in data["error"]
    page = web_app.test_client().get("/t/open-account")
    assert page.status_code in (200, 500)  # the page renders the body itself


HOSTILE_QUERIES = [
    '"unbalanced', 'two "quoted" "and one', "AND", "OR OR OR", "NOT", "NOT NOT bakery", "(((", ")))",
    "((bakery", "bakery)", "*", "*a*", "?", "??bak", "ba*", "bak*", "title:", ":", "consent:restricted",
    "note:zq", "narrator_name:x", "body:", "a" * 5000, "bakery " * 1000, "\x00", "bakery\x00market",
    "\U0001f600\U0001f4a3", "𝕭𝖆𝖐𝖊𝖗𝖞", "‮bakery", "<script>alert(1)</script>", "' OR 1=1 --",
    "%00", "%", "\\", "\\\\\\", "{}", "[]", "~", "bakery~", '"bakery market"~99999', "bakery^999",
    "bakery:market:dawn", "http://x.org/", "سراقب", "إِدْلِب", "\u200f\u200e", " ", "\t\n", "*" * 200,
    "a:b:c:d", "TO", "[a TO z]", "{a TO z}", "date:2018", "year:>2000", "-bakery", "+bakery", "!bakery",
]
HOSTILE_PARAMS = [
    "page=0", "page=-1", "page=abc", "page=1e9", "page=99999999999999999999", "page=", "per_page=0",
    "per_page=101", "per_page=-5", "per_page=x", "per_page=1000000", "sort=sideways", "sort=", "sort=date&sort=-date",
    "from=yesterday", "from=2018-13", "from=2018-02-30", "to=0000", "from=2020&to=2019", "from=2019-12/2020-02",
    "to=99999", "language=" + "x" * 300, "language=<script>", "place=nowhere", "place=", "theme=nothing",
    "place=" + "p" * 2000, "theme=%00", "q=%ff%fe", "q=%E2%80", "place=saraqib&place=saraqib",
    "q=bakery&page=2&per_page=100", "unknown=1", "q[]=x", "q=a&q=b",
]


@pytest.mark.parametrize("q", HOSTILE_QUERIES)
@pytest.mark.parametrize("route", ["/search", "/api/search", "/search.csv", "/search.json", "/search.bib"])
def test_hostile_queries_never_500(web_client, route, q):
    response = web_client.get(route, query_string={"q": q})
    assert response.status_code in (200, 400), response.get_data(as_text=True)[:300]
    if route == "/api/search":
        data = response.get_json()
        assert data["ok"] is (response.status_code == 200)
        if response.status_code == 400:
            assert data["status"] == 400 and data["error"].endswith(".") and not data["error"][0].islower()


@pytest.mark.parametrize("params", HOSTILE_PARAMS)
@pytest.mark.parametrize("route", ["/search", "/api/search", "/search.csv"])
def test_hostile_parameters_are_400_never_500(web_client, route, params):
    response = web_client.get(f"{route}?{params}")
    assert response.status_code in (200, 400), response.get_data(as_text=True)[:300]


@pytest.mark.parametrize("path", [
    "/t/" + "x" * 3000, "/t/%00", "/t/..%2F..%2Fetc%2Fpasswd", "/t/open-account%00", "/t/<script>",
    "/t/open-account/cite.", "/t/open-account/cite.txt/extra", "/places/%ff", "/themes/" + "t" * 3000,
    "/api/t/%00", "/api/t/" + "\U0001f600", "/t/OPEN-ACCOUNT", "/static/../web/__init__.py",
])
def test_hostile_paths_are_404_never_500(web_client, path):
    assert web_client.get(path).status_code == 404


BUDGET = 60 * 1024


def _weight(client, path: str, excluded: str = "") -> int:
    html = client.get(path).get_data(as_text=True)
    total = len(html.encode()) - len(excluded.encode())
    for tag, attrs in elements(html):
        url = attrs.get("src") if tag == "script" else attrs.get("href") if (
            tag == "link" and attrs.get("rel") == "stylesheet") else None
        if url:
            with client.get(url) as asset:
                total += len(asset.get_data())
    return total


def test_page_weight_budget(web_client):
    assert _weight(web_client, "/search?q=bakery") < BUDGET
    assert _weight(web_client, "/search?q=bakery&per_page=100") < BUDGET
    body = web_client.get("/api/t/open-account").get_json()["testimony"]["body_html"]
    assert _weight(web_client, "/t/open-account", body) < BUDGET


def test_compressed_on_the_wire(web_client):
    response = web_client.get("/t/open-account", headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert b"<h1" in gzip.decompress(response.data)
    assert "Accept-Encoding" in response.headers["Vary"]


@pytest.mark.parametrize("path", ["/t/open-account", "/api/t/open-account", "/t/open-account/cite.bib"])
def test_testimony_etag_is_its_version_and_gives_304(web_client, path):
    version = web_client.get("/api/t/open-account").get_json()["testimony"]["version"]
    response = web_client.get(path)
    etag = response.headers["ETag"].strip('"')
    assert etag.startswith(version)
    again = web_client.get(path, headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["Content-Security-Policy"] == CSP


def test_etag_changes_with_the_file(web_fresh_site):
    app, content, _ = web_fresh_site(index=False)
    client = app.test_client()
    first = client.get("/t/open-account").headers["ETag"]
    path = content / "en" / "open-account.md"
    path.write_text(path.read_text("utf-8").replace("The bakery queue", "The long bakery queue"), "utf-8")
    second = client.get("/t/open-account", headers={"If-None-Match": first})
    assert second.status_code == 200 and second.headers["ETag"] != first


def test_other_pages_have_etags_too(web_client):
    response = web_client.get("/places")
    assert response.headers.get("ETag")
    assert web_client.get("/places", headers={"If-None-Match": response.headers["ETag"]}).status_code == 304


def test_compressed_testimony_revalidates_without_rendering(web_client, monkeypatch):
    first = web_client.get("/t/open-account", headers={"Accept-Encoding": "gzip"})
    assert first.headers["ETag"].endswith(':gzip"')
    from web import views

    monkeypatch.setattr(views, "render_template", lambda *a, **k: (_ for _ in ()).throw(AssertionError("rendered")))
    again = web_client.get("/t/open-account", headers={"Accept-Encoding": "gzip",
                                                       "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.headers["ETag"] == first.headers["ETag"]
