"""Fuzzing search parameters (Hypothesis; bounded, deterministic).

Whatever a browser or a script sends to `/search`, `/api/search` or the search exports — quotes,
parentheses, AND/OR/NOT, `field:value`, wildcards, any Unicode, huge page numbers, repeated
and unknown parameters, dates in odd forms — the answer is a 200 or a 400 that says what is
wrong, never a 5xx, and no query takes absurdly long. `parse_query` on its own gives a `Query`
or a `QueryError`, and a `Query` survives its own URL.
"""

from __future__ import annotations

import time
from urllib.parse import urlencode

import pytest
from hypothesis import event, example, given
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from search.query import MAX_PAGE, MAX_PER_PAGE, SORTS, Query, QueryError, parse_query

from tests.fuzz.strategies import fuzz_settings, odd_text

ABSURD_SECONDS = 5.0  # a fail-safe against runaway queries, not a performance target

WORDS = ("bakery", "market", "aircraft", "queue", "dawn", "neighbours", "Saraqib", "Saraqeb", "سراقب", "إدلب",
         "خرجنا", "المخبز", "account", "the", "a", "Idlib", "governorate", "Layla", "Umm", "Karim", "zqsecretvillage",
         "zqrestrictedbody", "open-account", "2018", "1e9", "0x10", "-1", "99999999999999999999999")
OPERATORS = ("AND", "OR", "NOT", "ANDNOT", "ANDMAYBE", "and", "or", "not", "&&", "||", "!", "-", "+")
SYNTAX = ('"', "(", ")", "[", "]", "{", "}", "*", "?", "~", "~2", "~999999999", "^", "^2", "^-1", ":", "\\", "/",
          "'", "TO", "[a TO z]", "{2018 TO 2019}", "*:*", "bak*", "ba*", "*ery", "b?kery", "**", "\u201c", "\u201d",
          "\u00ab", "\u00bb", "\u061f", "\"~3", "\"market queue\"~5", "\"\"", "()", "(((((((((", ")))))))))")
FIELDS = ("title", "summary", "body", "narrator", "place", "theme", "language", "year", "Title", "PLACE", "id",
          "places", "themes", "narrator_name", "note", "consent", "access", "path", "version", "ids", "_", "x1",
          "http", "https", "mailto", "file")

token = st.one_of(
    st.sampled_from(WORDS), st.sampled_from(OPERATORS), st.sampled_from(SYNTAX),
    st.builds(lambda f, v: f"{f}:{v}", st.sampled_from(FIELDS), st.sampled_from(WORDS + SYNTAX + ("", '"a b"'))),
    odd_text,
)
query_text = st.one_of(
    st.lists(token, max_size=12).map(" ".join),
    st.lists(token, max_size=12).map("".join),
    odd_text,
    st.sampled_from(["a" * 1001, "bakery " * 80, "(" * 50 + "bakery" + ")" * 50, "a* " * 600, "NOT " * 100,
                     '"' * 99, "aaa*", "zzz*", "title:", "place:syria", "theme:violence", "year:2018", "year:[0 TO 9999]",
                     "https://archive.example.org/t/open-account", "\x00", "\ufeff", "\u202e bakery"]),
)
number_text = st.one_of(
    st.integers(min_value=-10, max_value=2 * MAX_PAGE).map(str),
    st.sampled_from(["0", "1", "100", "101", "10000", "10001", "99999999999999999999999999", "-0", "+1", "1.0",
                     "1e2", " 2 ", "٣", "２", "0x10", "", "NaN", "inf", "1_000"]),
    odd_text,
)
date_text = st.one_of(
    st.sampled_from(["2018", "2018-08", "2018-08-10", "2018/2019", "2019/2018", "0000", "9999-12-31", "2019-02-30",
                     "2018-13", "18", "2018-8", "٢٠١٨", "2018-08-10T00:00", "today", "-2018", "2018-", "/", "10000"]),
    st.dates().map(str), odd_text,
)
PARAM_VALUES = {
    "q": query_text, "place": st.one_of(st.sampled_from(["syria", "saraqib", "Saraqeb", "zqsecretvillage",
                                                          "nowhere", "idlib-governorate", "a" * 201]), odd_text),
    "theme": st.one_of(st.sampled_from(["violence", "airstrikes", "displacement", "nothing"]), odd_text),
    "language": st.one_of(st.sampled_from(["en", "ar", "EN", "en-GB", "english", "e", "ara", "en--", ""]), odd_text),
    "from": date_text, "to": date_text,
    "sort": st.one_of(st.sampled_from(SORTS + ("", "DATE", "random", "-relevance", "date,-date")), odd_text),
    "page": number_text, "per_page": number_text,
}
unknown_param = st.tuples(st.one_of(st.sampled_from(["lang", "format", "callback", "page[]", "q[]", "__proto__",
                                                     "debug", "fields", ""]), odd_text), odd_text)


@st.composite
def parameters(draw: st.DrawFn) -> list[tuple[str, str]]:
    """Search parameters as a browser would send them: some known, some repeated, some unknown."""
    pairs: list[tuple[str, str]] = []
    for name in draw(st.lists(st.sampled_from(sorted(PARAM_VALUES)), max_size=6)):
        pairs.append((name, draw(PARAM_VALUES[name])))
    pairs += draw(st.lists(unknown_param, max_size=2))
    return draw(st.permutations(pairs))


ROUTES = ("/search", "/api/search", "/search", "/api/search", "/search.csv", "/search.json", "/search.bib")


@pytest.fixture(scope="module")
def client(web_app):
    return web_app.test_client()


@pytest.fixture(scope="module")
def slowest():
    """The slowest request of the module, reported at its end."""
    record = {"seconds": 0.0, "url": ""}
    yield record
    print(f"\nslowest search request: {record['seconds']:.3f} s for {record['url'][:200]!r}")


def _check_response(client, url: str, slowest: dict) -> None:
    start = time.perf_counter()
    response = client.get(url)
    took = time.perf_counter() - start
    event(f"{url.split('?')[0]} {response.status_code}")
    if took > slowest["seconds"]:
        slowest.update(seconds=took, url=url)
    assert took < ABSURD_SECONDS, f"{url} took {took:.1f} s"
    assert response.status_code in (200, 400), (url, response.status_code, response.get_data(as_text=True)[:500])
    body = response.get_data(as_text=True)
    assert "Traceback" not in body
    if url.startswith("/api/"):
        data = response.get_json()
        assert data["ok"] is (response.status_code == 200), (url, data)
        if response.status_code == 400:
            assert data["status"] == 400 and data["error"].strip().endswith((".", "?", "!")), (url, data)
        else:
            assert isinstance(data["results"], list) and data["total"] >= len(data["results"])
            assert data["per_page"] <= MAX_PER_PAGE and 1 <= data["page"] <= MAX_PAGE
    elif url.startswith("/search?") or url == "/search":
        if response.status_code == 400:
            assert 'class="error" role="alert"' in body, (url, body[:500])
    elif response.status_code == 400:
        assert body.strip(), url  # an export's 400 says why


@fuzz_settings(150)
@given(route=st.sampled_from(ROUTES), params=parameters())
@example(route="/api/search", params=[("q", "(" * 50 + "bakery")])
@example(route="/api/search", params=[("page", "99999999999999999999999999"), ("per_page", "100000")])
@example(route="/search", params=[("q", "a"), ("q", "b")])
@example(route="/api/search", params=[("q", 'title:"market" AND NOT (place:syria OR theme:airstrikes) bak*')])
@example(route="/api/search", params=[("from", "2019"), ("to", "2018")])
@example(route="/search.csv", params=[("q", "\x00"), ("place", "")])
@example(route="/api/search", params=[("q", "a" * 1001)])
def test_any_search_parameters_give_200_or_400(client, slowest, route, params):
    url = route + ("?" + urlencode(params) if params else "")
    _check_response(client, url, slowest)


VALID_FILTERS = (("place", "syria"), ("place", "Saraqeb"), ("theme", "violence"), ("language", "en"),
                 ("sort", "-date"), ("sort", "date"), ("from", "2018"), ("to", "2019-12"), ("per_page", "100"),
                 ("page", "2"))


@fuzz_settings(100)
@given(q=query_text, filters=st.lists(st.sampled_from(VALID_FILTERS), max_size=3, unique_by=lambda p: p[0]),
       route=st.sampled_from(("/api/search", "/search")))
@example(q='"bakery queue"~3 AND (title:market OR narrator:Layla) NOT theme:displacement', filters=[], route="/api/search")
@example(q="place:Saraqeb year:2018 bak*", filters=[("sort", "date")], route="/search")
def test_any_query_text_with_valid_filters_gives_200_or_400(client, slowest, q, filters, route):
    """The query text alone decides: this probes the query compiler rather than parameter checks."""
    _check_response(client, f"{route}?{urlencode([('q', q), *filters])}", slowest)


@fuzz_settings(60)
@given(route=st.sampled_from(("/search", "/api/search")), raw=st.binary(max_size=120))
def test_raw_query_strings_give_200_or_400(client, slowest, route, raw):
    """Bytes as they come off the wire: bad percent-escapes, bad UTF-8, stray & and =."""
    _check_response(client, f"{route}?{raw.decode('latin-1').replace('#', '%23')}", slowest)


# --- parse_query on its own -----------------------------------------------------------------------

plain_values = st.one_of(
    st.none(), st.integers(min_value=-(2**70), max_value=2**70), st.text(max_size=20), odd_text,
    st.lists(st.one_of(st.text(max_size=10), st.integers(-5, 5)), max_size=4),
)


@st.composite
def parameter_dicts(draw: st.DrawFn) -> dict:
    names = draw(st.lists(st.sampled_from(sorted(PARAM_VALUES) + ["x", "Q", "PAGE"]), max_size=8, unique=True))
    return {name: draw(st.one_of(PARAM_VALUES.get(name, odd_text), plain_values)) for name in names}


def _assert_valid(query: Query) -> None:
    assert isinstance(query.q, str) and len(query.q) <= 1000
    assert 1 <= query.page <= MAX_PAGE and 1 <= query.per_page <= MAX_PER_PAGE
    assert query.sort in SORTS
    assert all(isinstance(v, str) and v for v in query.places + query.themes)
    if query.date_from and query.date_to:
        assert query.date_from.start <= query.date_to.end


@fuzz_settings(200)
@given(params=st.one_of(parameter_dicts(), parameters().map(MultiDict)))
def test_parse_query_gives_a_query_or_a_query_error(params):
    try:
        query = parse_query(params)
    except QueryError as error:
        assert error.param in set(PARAM_VALUES), error.param
        assert error.message.strip() and "\n" not in error.message
        return
    _assert_valid(query)
    # The query's own URL parameters mean the same query (what pagination and facet links rely on).
    assert parse_query(MultiDict(query.to_params())) == query
