"""Search parameters and the `q` syntax: validation, and hostile input through the API and the CLI."""

from __future__ import annotations

import datetime as dt
import json
import time

import pytest
from werkzeug.datastructures import MultiDict

from archive.config import Config
from search.indexer import update_index
from search.query import MAX_Q, Query, QueryError, parse_query
from search.results import Results
from search.searcher import SearchIndex

from tests.support import builder


TODAY = dt.date(2024, 6, 1)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Config, SearchIndex]:
    base = tmp_path_factory.mktemp("hostile")
    config = Config(builder.write_collection(base / "content", vocabulary="search", testimonies={
        "market": dict(title="Barrel bombs on the market", places=("saraqib",), themes=("barrel-bombs",),
                       body="The helicopters bombed the market. Ma'arrat al-Nu'man was next."),
        "school": dict(title="قصف المدرسة", language="ar", places=("idlib",), body="قُصِفَتْ المَدْرَسَةُ"),
        "secret": dict(title="Hidden", access="restricted", body="restricted consent secret market"),
    }), base / "instance")
    update_index(config, TODAY, procs=1)
    return config, SearchIndex(config)


# --- parameters ------------------------------------------------------------------------------


def test_defaults():
    assert parse_query({}) == Query()
    assert parse_query({"q": "  ", "language": "", "page": ""}) == Query()


def test_every_parameter():
    query = parse_query(MultiDict([("q", "bombs"), ("place", "saraqib"), ("place", "idlib"), ("theme", "airstrikes"),
                                   ("language", "AR"), ("from", "2019"), ("to", "2020-02"), ("sort", "-date"),
                                   ("page", "3"), ("per_page", "50")]))
    assert query.q == "bombs" and query.places == ("saraqib", "idlib") and query.themes == ("airstrikes",)
    assert query.language == "ar" and query.date_from.start == dt.date(2019, 1, 1)
    assert query.date_to.end == dt.date(2020, 2, 29) and query.sort == "-date"
    assert (query.page, query.per_page) == (3, 50)
    assert parse_query(MultiDict(query.to_params())) == query


@pytest.mark.parametrize("params, param", [
    ({"page": "0"}, "page"), ({"page": "abc"}, "page"), ({"page": "-1"}, "page"), ({"page": "10001"}, "page"),
    ({"per_page": "0"}, "per_page"), ({"per_page": "101"}, "per_page"), ({"per_page": "1e3"}, "per_page"),
    ({"sort": "title"}, "sort"), ({"from": "2019-13"}, "from"), ({"from": "yesterday"}, "from"),
    ({"to": "2019-02-30"}, "to"), ({"from": "2020", "to": "2019"}, "to"), ({"language": "english"}, "language"),
    ({"language": "e"}, "language"), ({"q": "x" * (MAX_Q + 1)}, "q"), ({"place": [f"p{i}" for i in range(21)]}, "place"),
])
def test_invalid_parameters_name_themselves(params, param):
    with pytest.raises(QueryError) as error:
        parse_query(params)
    assert error.value.param == param
    assert param in error.value.message and error.value.message.endswith(".")


# --- hostile queries --------------------------------------------------------------------------

# (query, "ok" for a result or "error" for a QueryError)
HOSTILE = [
    ('"unbalanced', "ok"), ('unbalanced"', "ok"), ('"""', "ok"), ('""', "ok"), ("AND", "ok"), ("OR", "ok"),
    ("NOT", "ok"), ("ANDNOT", "ok"), ("ANDMAYBE", "ok"), ("bombs AND", "ok"), ("AND bombs", "ok"),
    ("NOT NOT bombs", "ok"), ("OR OR OR", "ok"), ("(((", "ok"), (")))", "ok"), ("(((bombs", "ok"), ("bombs)))", "ok"),
    ("(" * 40 + "bombs" + ")" * 40, "error"), ("a" * 5000, "error"), ("bombs " * 100, "error"),
    ("bomb\x00s", "ok"), ("\x07\x1b[31mbombs\x1b[0m", "ok"), ("💣💥", "ok"), ("bombs 💣", "ok"),
    ("\u200fسراقب\u200e", "ok"), ("\u202eblah\u202c", "ok"), ("\ud800bombs", "ok"), ("سـراقـب", "ok"),
    ("consent:restricted", "error"), ("id:market", "error"), ("places:saraqib", "error"), ("meta:x", "error"),
    ("facets:x", "error"), ("event_start:[0 TO 99999999]", "error"), ("Consent:public", "error"),
    ("title:", "ok"), ("title:bombs", "ok"), ("TITLE:bombs", "ok"), ("title:(bombs OR market)", "ok"),
    ("place:Saraqeb", "ok"), ('place:"Urem al-Kubra"', "ok"), ("place:Atlantis", "error"),
    ("theme:nonsense", "error"), ("year:20x9", "error"), ("year:2019", "ok"), ("language:english!", "error"),
    ("*", "error"), ("*a*", "error"), ("a*", "error"), ("bo*mb", "error"), ("*bomb", "error"), ("**Idlib**", "error"),
    ("bom*", "ok"), ("سرا*", "ok"), ("bo?b", "ok"), ("?", "ok"), ("؟", "ok"), ("http://example.org/a?b=c", "ok"),
    ("10:30", "ok"), ("قال: نعم", "ok"), ("'single quotes'", "ok"), ("Ma'arrat al-Nu'man", "ok"), ("[0 TO 9]", "ok"),
    ("{a TO b}", "ok"), ("bombs^1000", "ok"), ('"barrel bombs"~99999999', "ok"), ("-bombs +market", "ok"),
    ("\\", "ok"), ("<script>alert(1)</script>", "ok"), ('"consent:restricted"', "ok"), ("place:Sar*", "error"),
    ("%00%27", "ok"), ("' OR 1=1 --", "ok"), ("*:*", "error"),
]


def test_there_are_enough_hostile_queries():
    assert len(HOSTILE) >= 30


@pytest.mark.parametrize("q, outcome", HOSTILE)
def test_hostile_query_through_the_api(site, q, outcome):
    started = time.perf_counter()
    try:
        query = parse_query({"q": q})
        result = site[1].search(query)
    except QueryError as error:
        assert outcome == "error", error.message
        assert error.param == "q" and error.message.endswith(".") and len(error.message) < 300
    else:
        assert outcome == "ok", f"{q!r} gave results, expected an error"
        assert isinstance(result, Results)
        assert all("secret" != hit.id for hit in result.hits)
        json.dumps(result.to_json())
    assert time.perf_counter() - started < 2.0


@pytest.mark.parametrize("q, outcome", HOSTILE[::3] + [("consent:restricted", "error"), ("*a*", "error")])
def test_hostile_query_through_the_cli(site, archive_cli, q, outcome):
    config, _ = site
    code, out, err = archive_cli("search", "--json", "--content", config.content, "--instance", config.instance,
                                 "--", q)
    assert "Traceback" not in err
    if outcome == "ok":
        assert code == 0, err
        assert json.loads(out)["ok"] is True
    else:
        assert code == 1 and out == ""
        assert err.startswith("Error: ") and err.count("\n") == 1


def test_internal_fields_are_never_reached(site):
    with pytest.raises(QueryError) as error:
        site[1].search(parse_query({"q": "consent:restricted"}))
    assert "'consent:' is not a field you can search" in error.value.message
    assert "title:, summary:, body:, narrator:, place:, theme:, language:, year:" in error.value.message


def test_stop_words_and_symbols_alone_find_nothing(site):
    for q in ("the", "💣", "AND", "?"):
        results = site[1].search(parse_query({"q": q}))
        assert results.total == 0 and results.hits == ()


def test_wildcards_expand_trailing_prefixes_only(site):
    assert [h.id for h in site[1].search(parse_query({"q": "helicop*"})).hits] == ["market"]
    with pytest.raises(QueryError, match="at least three letters"):
        site[1].search(parse_query({"q": "he*"}))


def test_field_queries(site):
    assert [h.id for h in site[1].search(parse_query({"q": "title:market"})).hits] == ["market"]
    assert site[1].search(parse_query({"q": "body:barrel"})).total == 0
    assert [h.id for h in site[1].search(parse_query({"q": "language:ar"})).hits] == ["school"]
    assert [h.id for h in site[1].search(parse_query({"q": 'place:"Idlib District"'})).hits] == ["market", "school"]


def test_boolean_operators(site):
    search = site[1].search
    assert {h.id for h in search(parse_query({"q": "helicopters OR المدرسة"})).hits} == {"market", "school"}
    assert search(parse_query({"q": "helicopters AND المدرسة"})).total == 0
    assert search(parse_query({"q": "market NOT helicopters"})).total == 0
    assert [h.id for h in search(parse_query({"q": '"bombed the market"'})).hits] == ["market"]
    assert search(parse_query({"q": '"market the bombed"'})).total == 0


def test_stop_words_are_not_required_of_names(site):
    assert [h.id for h in site[1].search(parse_query({"q": "the helicopters and the market"})).hits] == ["market"]
    assert [h.id for h in site[1].search(parse_query({"q": "market AND"})).hits] == ["market"]


def test_a_prefix_for_too_many_words_is_refused(site, monkeypatch):
    from search.textquery import check_expansion

    monkeypatch.setattr(check_expansion, "__defaults__", (0,))
    with pytest.raises(QueryError, match="'helico\\*' stands for more than 0 words; type more letters"):
        site[1].search(parse_query({"q": "helico*"}))


def test_the_length_limit_counts_what_was_sent_not_what_survives_cleaning():
    """Found by schemathesis: control characters padding a query past the limit were stripped first."""
    with pytest.raises(QueryError) as error:
        parse_query({"q": "\x1b" + "\U000aea1b" * MAX_Q})
    assert error.value.param == "q"
