"""Searching the public index: analysis, places, themes, dates, facets, snippets, suggestions, related."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from archive.config import Config
from search.query import Query, QueryError, parse_query
from search.indexer import update_index
from search.searcher import SearchIndex

from tests.search.index_files import files_containing
from tests.search.synthetic_collection import synthetic_collection
from tests.support import builder

TODAY = dt.date(2024, 6, 1)
LONG_BODY = ("We walked for days along the road north.\n\n" * 220) + "At the very end a quinceberry tree stood alone, " \
    "and the air smelt chemical."
IN_IDLIB = {"anonymous", "pseudonymous", "redacted"}  # the default place of a test testimony: Idlib city
HIDDEN = ["zorblax", "embargoword", "draftword", "withdrawnword", "Hiddenname", "Realname", "Redactedword"]
TESTIMONIES = {
    "market-strike": dict(
        title="Barrel bombs fell on the market", places=("saraqib",), themes=("barrel-bombs",), event_date="2016-02",
        summary="A trader remembers the day the helicopters came.",
        body="The helicopters **bombed** the market at noon.\n\nMy son wrote `<script>alert(1)</script>` "
             "on the wall & we laughed."),
    "idlib-school": dict(
        title="قصف المدرسة", language="ar", places=("idlib",), themes=("airstrikes",), event_date="2019-12/2020-02",
        body="قُصِفَتْ المَدْرَسَةُ فِي الصَّبَاحِ وَهَرَبَ الأَطْفَالُ."),
    "long-road": dict(
        title="The long road", places=("maarat-al-numan",), themes=("displacement",), event_date="2019", body=LONG_BODY),
    "urem-strike": dict(
        title="Aircraft over Urem", places=("urem-al-kubra",), themes=("airstrikes",), event_date="2018-08",
        body="The aircraft came back twice; the second strike hit the rescuers near the market."),
    "zorblax-restricted": dict(
        title="Zorblax story", access="restricted", places=("saraqib",), themes=("barrel-bombs",),
        event_date="2016-03", body="Zorblax saw the market burn."),
    "embargoed": dict(title="Embargoword", embargo_until="2030-01-01", body="embargoword market"),
    "draft": dict(title="Draftword", status="draft", body="draftword market"),
    "withdrawn": dict(title="Withdrawnword", access="withdrawn", body="withdrawnword market"),
    "anonymous": dict(title="A night in the shelter", identity="anonymous", themes=("protest",), name="Hiddenname Secretson",
                      body="We slept in the shelter under the bakery."),
    "pseudonymous": dict(title="The checkpoint", identity="pseudonymous", themes=("protest",), name="Realname Person",
                         pseudonym="Abu Karam", body="The soldiers at the checkpoint took our papers."),
    "redacted": dict(title="My brother", themes=("protest",), body="The officer [[redact: Redactedword Khalil]] arrested my brother."),
    "coarse": dict(title="The bakery queue", place_detail="governorate", places=("saraqib",),
                   themes=("displacement",), body="We queued for bread at dawn."),
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Config, SearchIndex]:
    base = tmp_path_factory.mktemp("search")
    config = Config(builder.write_collection(base / "content", vocabulary="search", testimonies=TESTIMONIES), base / "instance")
    update_index(config, TODAY, procs=1)
    return config, SearchIndex(config)


def search(site: tuple[Config, SearchIndex], **params: object):
    return site[1].search(parse_query(params))


def ids(site: tuple[Config, SearchIndex], **params: object) -> set[str]:
    results = search(site, per_page=100, **params)
    return {hit.id for hit in results.hits}


@pytest.mark.parametrize("word", ["bombing", "bombs", "bombed", "BOMB"])
def test_english_words_find_each_other_through_stemming(site, word):
    assert ids(site, q=word) == {"market-strike"}


@pytest.mark.parametrize("word", ["المدرسة", "المَدْرَسَةُ", "مدرسة"])
def test_arabic_with_or_without_diacritics(site, word):
    assert ids(site, q=word) == {"idlib-school"}


def test_a_place_alias_finds_a_testimony_that_never_spells_it(site):
    assert "Saraq" not in TESTIMONIES["market-strike"]["body"] + TESTIMONIES["market-strike"]["title"]
    assert ids(site, q="Saraqeb") == {"market-strike"}
    assert ids(site, q="sarakib AND market") == {"market-strike"}
    assert search(site, q="sarakib market").hits[0].id == "market-strike"  # both words: first


@pytest.mark.parametrize("query", ["إدلب", "ادلب", "Idleb", "وإدلب"])
def test_arabic_and_alias_names_of_idlib(site, query):
    assert "idlib-school" in ids(site, q=query)


def test_arabic_place_name_with_a_proclitic(site):
    assert "market-strike" in ids(site, q="وسراقب")


def test_a_multiword_place_name(site):
    assert ids(site, q="Orm al-Kubra") == {"urem-strike"}


@pytest.mark.parametrize("place, expected", [
    ("idlib-governorate", {"market-strike", "idlib-school", "long-road", "coarse"} | IN_IDLIB),
    ("idlib-district", {"market-strike", "idlib-school"} | IN_IDLIB),
    ("saraqib", {"market-strike"}),
    ("aleppo-governorate", {"urem-strike"}),
    ("Saraqeb", {"market-strike"}),
])
def test_place_filter_includes_places_inside(site, place, expected):
    assert ids(site, place=place) == expected


def test_coarsened_places_are_indexed_at_the_coarse_level_only(site):
    assert "coarse" not in ids(site, place="saraqib")
    assert "coarse" in ids(site, place="idlib-governorate")
    assert ids(site, q="bakery AND queue AND Saraqib") == set()
    assert "coarse" not in ids(site, q="Saraqib")


@pytest.mark.parametrize("theme, expected", [
    ("violence", {"market-strike", "idlib-school", "urem-strike"}),
    ("airstrikes", {"market-strike", "idlib-school", "urem-strike"}),
    ("barrel-bombs", {"market-strike"}),
])
def test_theme_filter_includes_narrower_themes(site, theme, expected):
    assert ids(site, theme=theme) == expected


def test_filters_combine(site):
    assert ids(site, q="market", place="idlib-governorate", theme="airstrikes") == {"market-strike"}


@pytest.mark.parametrize("date_from, date_to, found", [
    ("2020-01", "2020-01", True), ("2019-12-31", None, True), (None, "2019-12-01", True),
    ("2020-03", None, False), (None, "2019-11", False), ("2020", "2021", True), ("2018", "2019-11-30", False),
])
def test_dates_match_when_the_intervals_overlap(site, date_from, date_to, found):
    params = {k: v for k, v in (("from", date_from), ("to", date_to)) if v}
    assert ("idlib-school" in ids(site, **params)) is found


def test_sort_by_date_both_ways(site):
    forward = [h.id for h in search(site, place="idlib-governorate", sort="date").hits]
    assert forward[0] == "market-strike" and forward[-1] == "idlib-school" or forward[-1] == "coarse"
    backward = [h.id for h in search(site, place="idlib-governorate", sort="-date").hits]
    assert backward[-1] == "market-strike"


def test_pagination(site):
    first = search(site, q="market", per_page=1, page=1)
    second = search(site, q="market", per_page=1, page=2)
    assert first.total == second.total == 2
    assert {first.hits[0].id, second.hits[0].id} == {"market-strike", "urem-strike"}
    assert search(site, q="market", per_page=1, page=9).hits == ()


def test_hidden_testimonies_are_absent(site):
    for word in HIDDEN:
        results = search(site, q=word)
        assert results.total == 0 and results.suggestion is None, word
    everything = ids(site)
    assert everything == {"market-strike", "idlib-school", "long-road", "urem-strike", "anonymous",
                          "pseudonymous", "redacted", "coarse"}


def test_narrators_as_consent_allows(site):
    hits = {h.id: h for h in search(site, per_page=100).hits}
    assert hits["anonymous"].narrator == "Anonymous"
    assert hits["pseudonymous"].narrator == "Abu Karam"
    assert ids(site, q="narrator:Karam") == {"pseudonymous"}


def test_no_file_of_the_instance_holds_a_hidden_word(site):
    config, _ = site
    assert files_containing(config.instance, HIDDEN) == {}


def test_facets_count_only_public_testimonies(site):
    facets = search(site, q="market").facets
    places = {item.value: item.count for item in facets["place"]}
    assert places["saraqib"] == 1  # the restricted testimony about Saraqib is not counted
    assert places["idlib-governorate"] == 1 and places["aleppo-governorate"] == 1
    themes = {item.value: item.count for item in facets["theme"]}
    assert themes == {"violence": 2, "airstrikes": 2, "barrel-bombs": 1}
    assert {i.value: i.count for i in facets["language"]} == {"en": 2}
    assert {i.value: i.count for i in facets["year"]} == {"2016": 1, "2018": 1}


def test_facets_cover_every_result_not_just_the_page(site):
    results = search(site, per_page=1)
    assert results.total == 8
    assert sum(i.count for i in results.facets["language"]) == 8
    governorate = next(i for i in results.facets["place"] if i.value == "idlib-governorate")
    assert governorate.count == 7 and governorate.label == "Idlib Governorate"


def test_facet_items_say_what_is_selected(site):
    facets = search(site, place="idlib-district", theme="airstrikes", language="ar", **{"from": "2019", "to": "2019"}).facets
    assert [i.value for i in facets["place"] if i.selected] == ["idlib-district"]
    assert [i.value for i in facets["theme"] if i.selected] == ["airstrikes"]
    assert [i.value for i in facets["language"] if i.selected] == ["ar"]
    assert [i.value for i in facets["year"] if i.selected] == ["2019"]


def test_snippets_mark_matches_and_escape_the_text(site):
    snippet = search(site, q="alert").hits[0].snippet
    assert "&lt;script&gt;<mark>alert</mark>(1)&lt;/script&gt;" in snippet
    assert "<script>" not in snippet and "&amp;" in snippet


def test_snippet_of_a_match_deep_inside_a_long_text(site):
    assert len(LONG_BODY) > 9000
    snippet = search(site, q="quinceberry").hits[0].snippet
    assert "<mark>quinceberry</mark>" in snippet and snippet.startswith("\u2026")
    assert len(snippet) < 400


def test_arabic_snippet_marks_the_word_as_written(site):
    snippet = search(site, q="المدرسة").hits[0].snippet
    assert "<mark>المَدْرَسَةُ</mark>" in snippet


def test_without_a_text_match_the_snippet_is_the_summary_or_the_start(site):
    hits = {h.id: h for h in search(site, place="idlib-governorate", per_page=10).hits}
    assert hits["market-strike"].snippet == "A trader remembers the day the helicopters came."
    assert hits["long-road"].snippet.startswith("We walked for days") and "<mark>" not in hits["long-road"].snippet


def test_hit_shape(site):
    hit = search(site, q="helicopters").hits[0]
    assert hit.to_json() == {
        "id": "market-strike", "title": "Barrel bombs fell on the market", "url": "/t/market-strike",
        "snippet": hit.snippet, "summary": "A trader remembers the day the helicopters came.",
        "narrator": "Narrator Name", "places": [{"id": "saraqib", "name": "Saraqib"}],
        "themes": [{"id": "barrel-bombs", "label": "Barrel bombs"}], "event_date": "2016-02", "language": "en",
    }


def test_results_json_is_the_api_shape(site):
    body = search(site, q="market").to_json()
    assert list(body) == ["ok", "total", "page", "per_page", "results", "facets", "suggestion", "understood",
                          "relaxed", "matched", "correction", "corrected_from"]
    assert body["ok"] is True and body["total"] == 2 and body["page"] == 1 and body["per_page"] == 20
    assert list(body["facets"]) == ["place", "theme", "language", "year"]
    for items in body["facets"].values():
        for item in items:
            assert list(item) == ["value", "label", "count", "selected"]
    json.dumps(body)


def test_did_you_mean_uses_public_words(site):
    assert search(site, q="helicoptres").suggestion == "helicopters"
    assert search(site, q="marcket").suggestion == "market"
    assert search(site, q="chemcal").suggestion == "chemical"  # three edits from its stem "chemic"
    assert search(site, q="quinceberry chemcal").suggestion == "quinceberry chemical"
    assert search(site, q="market").suggestion is None


@pytest.mark.parametrize("query", ["zorblx", "Redactedwrd", "Hiddennam", "Realnam", "embargowrd", "draftwrd"])
def test_did_you_mean_never_offers_a_hidden_word(site, query):
    assert search(site, q=query).suggestion is None


def test_related_shares_places_themes_and_words_never_itself_or_hidden(site):
    related = [h.id for h in site[1].related("market-strike")]
    assert "market-strike" not in related
    assert "urem-strike" in related and "zorblax-restricted" not in related
    assert site[1].related("zorblax-restricted") == ()
    assert site[1].related("no-such-id") == ()


def test_ids_lists_every_result_in_order(site):
    assert site[1].ids(parse_query({"q": "market", "sort": "date"})) == ["market-strike", "urem-strike"]


def test_unknown_place_or_theme_filter_is_a_query_error(site):
    with pytest.raises(QueryError) as error:
        search(site, place="atlantis")
    assert error.value.param == "place"
    with pytest.raises(QueryError) as error:
        search(site, theme="nothing")
    assert error.value.param == "theme"


def test_an_empty_query_lists_everything_newest_first(site):
    results = site[1].search(Query())
    assert results.total == 8 and results.hits[0].id == "idlib-school"


def test_searcher_is_opened_once_and_kept(site):
    index = SearchIndex(site[0])
    index.search(Query())
    (opened,) = index._idle
    index.search(Query(q="market"))
    assert index._idle == [opened] and index._idle[0] is opened


def test_threads_share_a_few_opened_generations_not_one_each(site):
    """The pool holds as many opened generations as searches ran at once, never one per thread."""
    import threading

    index = SearchIndex(site[0])
    index.search(Query())
    threads = [threading.Thread(target=index.search, args=(Query(q="market"),)) for _ in range(12)]
    for thread in threads:  # one after another: each thread takes the one idle generation and gives it back
        thread.start()
        thread.join()
    assert len(index._idle) == 1
    gate, inside = threading.Barrier(6), threading.Event()

    def held() -> None:
        with index._current():
            gate.wait(timeout=10)  # six calls at once hold six generations
            inside.wait(timeout=10)

    threads = [threading.Thread(target=held) for _ in range(6)]
    for thread in threads:
        thread.start()
    inside.set()
    for thread in threads:
        thread.join()
    assert len(index._idle) == 3  # given back: at most three are kept; the rest are closed
    assert index.search(Query(q="market")).total == search(site, q="market").total


def test_exact_phrases_match_what_whoosh_phrases_match(tmp_path, monkeypatch):
    from whoosh import query as wq

    from search.analysis import analyze
    from search.phrases import ExactPhrase

    monkeypatch.setattr("search.build.SEGMENT_DOCS", (10, 4000))
    config = Config(synthetic_collection(tmp_path / "content", 60, words=60), tmp_path / "instance")
    update_index(config, dt.date(2024, 6, 1), procs=1)
    searcher = SearchIndex(config)
    searcher.search(Query())
    whoosh_searcher = searcher._idle[0].searcher
    matched = 0
    for text in ["the bombing", "children and bread", "shelter under the school", "حملت العائلات", "dust glass",
                 "no such words", "market market"]:
        for field in ("body", "title"):
            words = analyze(text)
            ours = whoosh_searcher.search(ExactPhrase(field, words), limit=None)
            theirs = whoosh_searcher.search(wq.Phrase(field, words), limit=None)
            assert [(round(s, 6), d) for s, d in ours.top_n] == [(round(s, 6), d) for s, d in theirs.top_n], text
            matched += len(ours.top_n)
    assert matched > 20


def test_results_are_cached_per_generation_and_can_be_forgotten(site):
    index = site[1]
    first = search(site, q="market")
    assert index._idle[0].cache and search(site, q="market") == first
    index.clear_cache()
    assert not index._idle[0].cache and search(site, q="market") == first
