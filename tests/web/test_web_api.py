"""The JSON API: the shapes of INTERFACES.md, one error shape, and the OpenAPI document held to the truth."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import positive_data_acceptance

from tests.support import builder
from tests.support.consent_table import VISIBLE


RESULT_KEYS = {"id", "title", "url", "snippet", "summary", "narrator", "places", "themes", "event_date", "language"}
FACETS = {"place", "theme", "language", "year"}


def test_search_shape(web_client):
    data = web_client.get("/api/search?q=bakery&per_page=2").get_json()
    assert set(data) >= {"ok", "total", "page", "per_page", "results", "facets", "suggestion"}
    assert data["ok"] is True and data["page"] == 1 and data["per_page"] == 2
    assert data["total"] >= len(data["results"]) == 2
    for result in data["results"]:
        assert set(result) >= RESULT_KEYS
        assert all(set(p) >= {"id", "name"} for p in result["places"])
        assert all(set(t) >= {"id", "label"} for t in result["themes"])
    assert set(data["facets"]) == FACETS
    for items in data["facets"].values():
        for item in items:
            assert set(item) >= {"value", "label", "count", "selected"}


def test_search_page_is_a_view_of_the_api(web_client):
    data = web_client.get("/api/search?q=bakery&per_page=3&sort=date").get_json()
    page = web_client.get("/search?q=bakery&per_page=3&sort=date").get_data(as_text=True)
    for result in data["results"]:
        assert f'href="{result["url"]}"' in page
    assert f"{data['total']} testimonies found" in page


def test_testimony_shape(web_client):
    data = web_client.get("/api/t/open-account").get_json()
    assert data["ok"] is True
    t = data["testimony"]
    for key in ("id", "title", "language", "url", "version", "narrator", "places", "themes", "event_date",
                "recorded", "contributors", "license", "content_warnings", "summary", "body_html", "citation"):
        assert key in t, key
    assert t["url"] == "https://archive.example.org/t/open-account"
    assert len(t["version"]) == 12
    assert set(t["citation"]) == {"text", "bibtex", "ris", "csl"}
    assert t["citation"]["csl"]["URL"] == t["url"]
    assert '<p id="p1">' in t["body_html"]
    assert "consent" not in t


def test_vocabularies_with_public_counts(web_client):
    places = web_client.get("/api/places").get_json()
    assert places["ok"] is True
    by_id = {p["id"]: p for p in places["places"]}
    assert by_id["syria"]["count"] == len(VISIBLE) and by_id["aleppo-governorate"]["count"] == 0
    assert by_id["saraqib"]["coordinates"] == [35.8625, 36.8039] and by_id["saraqib"]["parent"] == "idlib-district"
    themes = web_client.get("/api/themes").get_json()
    assert {t["id"]: t["count"] for t in themes["themes"]}["violence"] == len(VISIBLE)


@pytest.mark.parametrize("path, status", [("/api/t/no-such-id", 404), ("/api/nothing", 404),
                                          ("/api/t/gone-zqwithdrawnid", 410), ("/api/search?page=0", 400),
                                          ("/api/search?per_page=101", 400), ("/api/search?sort=up", 400)])
def test_one_error_shape(web_client, path, status):
    response = web_client.get(path)
    assert response.status_code == status
    data = response.get_json()
    assert set(data) == {"ok", "error", "status"}
    assert data["ok"] is False and data["status"] == status
    assert not data["error"][0].islower() and data["error"].endswith(".")


def test_openapi_document_describes_every_route(web_client):
    document = web_client.get("/api/openapi.json").get_json()
    assert document["openapi"].startswith("3.")
    assert set(document["paths"]) == {"/api/search", "/api/t/{id}", "/api/places", "/api/themes", "/api/openapi.json",
                                      "/oai"}
    names = {p["name"] for p in document["paths"]["/api/search"]["get"]["parameters"]}
    assert names == {"q", "place", "theme", "language", "from", "to", "sort", "page", "per_page", "correct", "lang"}


def _schema_app():
    """An app of its own for schemathesis, built at import: its pytest loader needs the schema then.

    (schemathesis.pytest.from_fixture would be the lazy way, but it does not run on pytest 9.)
    """
    import atexit
    import shutil
    import tempfile
    from pathlib import Path

    from tests.support import consent_table
    from web import create_app

    base = Path(tempfile.mkdtemp(prefix="web-openapi-"))
    atexit.register(shutil.rmtree, base, True)
    content = consent_table.write(base / "content")
    builder.build_index(content, base / "instance")
    return create_app({"ARCHIVE_CONTENT": str(content), "ARCHIVE_INSTANCE": str(base / "instance"),
                       "TESTING": True})


schema = schemathesis.openapi.from_wsgi("/api/openapi.json", _schema_app())


@schema.parametrize()
@settings(max_examples=25, deadline=5000, database=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
def test_api_matches_its_openapi_document(case):
    """Schemathesis: no 500s, every status, header and body as the document says.

    A query language has inputs of the right type that still cannot be run (a stray "note:" field,
    "*a*"): the document says these are 400s, so for /api/search the check that every
    schema-valid request succeeds is left out; every other check runs.
    """
    excluded = [positive_data_acceptance] if case.operation.path == "/api/search" else []
    case.call_and_validate(headers={"Accept-Encoding": "identity"}, excluded_checks=excluded)


def test_without_an_index_search_is_503_and_reading_still_works(web_fresh_site):
    app, _, _ = web_fresh_site(index=False)
    client = app.test_client()
    response = client.get("/api/search?q=bakery")
    assert response.status_code == 503
    assert response.get_json()["ok"] is False and response.get_json()["status"] == 503
    assert client.get("/search?q=bakery").status_code == 503
    assert client.get("/search.csv").status_code == 503
    assert client.get("/t/open-account").status_code == 200
    assert client.get("/api/t/open-account").status_code == 200


def test_openapi_document_lists_the_language_parameter(web_client):
    paths = web_client.get("/api/openapi.json").get_json()["paths"]
    for path in ("/api/search", "/api/t/{id}", "/api/places", "/api/themes"):
        names = {p["name"]: p for p in paths[path]["get"]["parameters"]}
        assert names["lang"]["schema"]["examples"] == ["en", "ar"], path
