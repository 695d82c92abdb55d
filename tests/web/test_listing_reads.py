"""A place or theme page reads only the views it lists; its timeline and counts come from the catalogue's listing
facts (an event's first and last day among them), so a page costs the same at 100 or 100,000 testimonies."""

from __future__ import annotations

import pytest

from tests.support import builder, consent_table
from tests.web.test_web_glance import SPREAD, bars, svg, text
from web.public_set import CatalogueViews

LATER = ("later-2017", "2017-01")


@pytest.fixture
def asked(monkeypatch) -> list[str]:
    """The ids whose views are read from the public set, in order."""
    found: list[str] = []
    read = CatalogueViews.__getitem__

    def counted(self: CatalogueViews, testimony_id: str):  # type: ignore[no-untyped-def]
        found.append(testimony_id)
        return read(self, testimony_id)

    monkeypatch.setattr(CatalogueViews, "__getitem__", counted)
    return found


@pytest.fixture
def spread(web_fresh_site, monkeypatch):
    later = consent_table.Row("e", LATER[0], builder.fields(LATER[0], "consent", event_date=LATER[1]))
    app, _, _ = web_fresh_site(rows=(*SPREAD, later))
    monkeypatch.setattr("web.views.LISTED", 2)
    return app.test_client()


def test_a_theme_page_reads_only_the_views_it_lists_and_counts_the_rest_from_the_catalogue(spread, asked):
    page = text(spread.get("/themes/airstrikes"))
    assert asked == ["year-2012", "span-2014-2016"]  # the first two by event date, of three
    assert 'href="/t/year-2012"' in page and 'href="/t/span-2014-2016"' in page and "/t/later-2017" not in page
    assert "And 1 more: search them" in page
    assert [name for _, name in bars(svg(page, "timeline"))] == [  # the interval's last day is in the catalogue
        "2012: 1 public testimony", "2014: 1 public testimony", "2015: 1 public testimony",
        "2016: 1 public testimony", "2017: 1 public testimony"]  # not the restricted one of 2013


def test_a_place_page_reads_only_the_views_it_lists(spread, asked):
    page = text(spread.get("/places/saraqib"))
    assert asked == ["year-2012", "span-2014-2016"]
    assert "And 2 more: search them" in page and "/t/march-2015" not in page


def test_a_monthly_search_timeline_reads_only_the_views_of_the_results_shown(spread, asked):
    page = text(spread.get("/search?from=2015-02-10&to=2016&per_page=1"))
    assert ("/search?from=2015-03&to=2015-03&per_page=1", "March 2015: 2 public testimonies") in bars(svg(page, "timeline"))
    assert len(set(asked)) == 1 and f'href="/t/{asked[0]}"' in page  # the one result on the page


def test_a_search_page_decodes_each_hit_once(spread, monkeypatch):
    """The snippets and the results shown both ask for a hit's view; the catalogue decodes it once."""
    from search.catalogue import CatalogueReader
    decoded: list[str] = []
    read = CatalogueReader.view

    def counted(self: CatalogueReader, testimony_id: str):  # type: ignore[no-untyped-def]
        decoded.append(testimony_id)
        return read(self, testimony_id)

    monkeypatch.setattr(CatalogueReader, "view", counted)
    page = text(spread.get("/search?place=saraqib"))
    assert decoded and len(decoded) == len(set(decoded))  # each at most once
    assert all(f'href="/t/{testimony_id}"' in page for testimony_id in decoded)
