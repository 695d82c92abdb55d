"""The OpenAPI 3.1 description of the JSON API, served at /api/openapi.json."""

from __future__ import annotations

from typing import Any

from search.query import MAX_PAGE, MAX_PER_PAGE, MAX_Q, SORTS

from .gate import site
from .i18n import LANGUAGES

__all__ = ["document"]


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _error(description: str) -> dict[str, Any]:
    return _json(_ref("Error"), description)


NULLABLE_STRING = {"type": ["string", "null"]}
DATE = {"type": "object", "required": ["text", "start", "end"],
        "properties": {"text": {"type": "string", "description": "As written: YYYY, YYYY-MM, YYYY-MM-DD or START/END"},
                       "start": {"type": "string", "format": "date"},
                       "end": {"type": "string", "format": "date"}}}

SCHEMAS: dict[str, Any] = {
    "Error": {
        "type": "object", "required": ["ok", "error", "status"],
        "properties": {"ok": {"const": False}, "error": {"type": "string"}, "status": {"type": "integer"}},
    },
    "PlaceRef": {"type": "object", "required": ["id", "name"],
                 "properties": {"id": {"type": "string"}, "name": {"type": "string"},
                                "names": {"type": "object", "additionalProperties": {"type": "string"}}}},
    "ThemeRef": {"type": "object", "required": ["id", "label"],
                 "properties": {"id": {"type": "string"}, "label": {"type": "string"},
                                "labels": {"type": "object", "additionalProperties": {"type": "string"}}}},
    "Result": {
        "type": "object",
        "required": ["id", "title", "url", "snippet", "summary", "narrator", "places", "themes", "event_date", "language"],
        "properties": {
            "id": {"type": "string"}, "title": {"type": "string"}, "url": {"type": "string"},
            "snippet": {"type": "string", "description": "HTML-escaped text; matches wrapped in <mark>"},
            "summary": NULLABLE_STRING, "narrator": {"type": "string", "description": "As consent allows"},
            "places": {"type": "array", "items": _ref("PlaceRef")},
            "themes": {"type": "array", "items": _ref("ThemeRef")},
            "event_date": {"type": "string"}, "language": {"type": "string"},
        },
    },
    "FacetItem": {"type": "object", "required": ["value", "label", "count", "selected"],
                  "properties": {"value": {"type": ["string", "integer"]}, "label": {"type": "string"},
                                 "count": {"type": "integer", "minimum": 0}, "selected": {"type": "boolean"}}},
    "SearchResponse": {
        "type": "object", "required": ["ok", "total", "page", "per_page", "results", "facets", "suggestion"],
        "properties": {
            "ok": {"const": True}, "total": {"type": "integer", "minimum": 0},
            "page": {"type": "integer", "minimum": 1}, "per_page": {"type": "integer", "minimum": 1, "maximum": 100},
            "results": {"type": "array", "items": _ref("Result")},
            "facets": {"type": "object", "required": ["place", "theme", "language", "year"],
                       "properties": {k: {"type": "array", "items": _ref("FacetItem")}
                                      for k in ("place", "theme", "language", "year")}},
            "suggestion": NULLABLE_STRING,
            "understood": {"type": "array", "items": _ref("Understood"),
                           "description": "Themes, places and dates the words of q name, each with its filter"},
            "relaxed": {"type": "boolean", "description": "No result has every word; these match some of them"},
            "matched": {"enum": ["all words", "some words"]},
            "correction": {**NULLABLE_STRING, "description": "The corrected q that was run instead of the one typed"},
            "corrected_from": {**NULLABLE_STRING, "description": "The q as typed, when a correction was run"},
        },
    },
    "Understood": {
        "type": "object", "required": ["kind", "id", "words", "label", "filter", "filter_url"],
        "properties": {
            "kind": {"enum": ["theme", "place", "date"]}, "id": {"type": "string"},
            "words": {"type": "string", "description": "The words of q that name it"},
            "label": {"type": "string"},
            "filter": {"type": "object", "additionalProperties": {"type": "string"},
                       "description": "The search parameters that filter by it, e.g. {\"theme\": \"airstrikes\"}"},
            "filter_url": {"type": "string", "description": "The search page with this filter instead of its words"},
        },
    },
    "Testimony": {
        "type": "object",
        "required": ["id", "title", "language", "url", "version", "narrator", "places", "themes", "event_date",
                     "recorded", "license", "body_html", "citation"],
        "properties": {
            "id": {"type": "string"}, "title": {"type": "string"}, "language": {"type": "string"},
            "url": {"type": "string", "description": "The permalink: base_url/t/<id>"},
            "version": {"type": "string", "pattern": "^[0-9a-f]{12}$",
                        "description": "The first 12 hex digits of the SHA-256 of the testimony's public form "
                                       "(docs/format.md): it changes when, and only when, what a reader sees changes"},
            "narrator": {"type": "string", "description": "The name, pseudonym or 'Anonymous', as consent allows"},
            "narrator_description": NULLABLE_STRING,
            "identity": {"enum": ["named", "pseudonymous", "anonymous"]},
            "summary": NULLABLE_STRING,
            "content_warnings": {"type": "array", "items": {"type": "string"}},
            "event_date": DATE,
            "places": {"type": "array", "items": _ref("PlaceRef")},
            "themes": {"type": "array", "items": _ref("ThemeRef")},
            "recorded": {"type": "object", "required": ["date", "by", "method"],
                         "properties": {"date": DATE, "by": {"type": "string"},
                                        "method": {"enum": ["written", "interview", "audio", "video"]}}},
            "contributors": {"type": "array", "items": {"type": "object", "required": ["name", "role"],
                                                         "properties": {"name": {"type": "string"},
                                                                        "role": {"type": "string"}}}},
            "source": {"type": ["object", "null"]},
            "license": NULLABLE_STRING,
            "updated": {"type": ["string", "null"], "format": "date"},
            "translation_of": {"type": ["string", "null"], "description": "The original, when it is public"},
            "translations": {"type": "array", "items": {"type": "string"}, "description": "Public translations"},
            "body_html": {"type": "string", "description": "Sanitised HTML; numbered blocks carry id=\"pN\""},
            "citation": {"type": "object", "required": ["text", "bibtex", "ris", "csl"],
                         "properties": {"text": {"type": "string"}, "bibtex": {"type": "string"},
                                        "ris": {"type": "string"}, "csl": {"type": "object"}}},
        },
    },
    "Place": {"type": "object", "required": ["id", "name", "type", "parent", "count", "url"],
              "properties": {"id": {"type": "string"}, "name": {"type": "string"},
                             "names": {"type": "object", "additionalProperties": {"type": "string"}},
                             "aliases": {"type": "array", "items": {"type": "string"}},
                             "type": {"type": "string"}, "parent": NULLABLE_STRING,
                             "coordinates": {"type": ["array", "null"], "items": {"type": "number"},
                                             "minItems": 2, "maxItems": 2,
                                             "description": "[latitude, longitude], WGS 84"},
                             "count": {"type": "integer", "minimum": 0, "description": "Public testimonies, narrower places included"},
                             "url": {"type": "string"}}},
    "Theme": {"type": "object", "required": ["id", "label", "broader", "count", "url"],
              "properties": {"id": {"type": "string"}, "label": {"type": "string"},
                             "labels": {"type": "object", "additionalProperties": {"type": "string"}},
                             "aliases": {"type": "object", "description": "Other names a reader may type, per language",
                                         "additionalProperties": {"type": "array", "items": {"type": "string"}}},
                             "broader": NULLABLE_STRING, "description": NULLABLE_STRING,
                             "count": {"type": "integer", "minimum": 0, "description": "Public testimonies, narrower themes included"},
                             "url": {"type": "string"}}},
}


def _query(name: str, schema: dict[str, Any], description: str, repeat: bool = False) -> dict[str, Any]:
    parameter: dict[str, Any] = {"name": name, "in": "query", "required": False, "description": description,
                                 "schema": {"type": "array", "items": schema} if repeat else schema,
                                 "allowEmptyValue": True}  # an empty value is the same as none
    if repeat:
        parameter.update(style="form", explode=True)
    return parameter


DATE_PATTERN = r"^\d{4}(-\d{2}(-\d{2})?)?(/\d{4}(-\d{2}(-\d{2})?)?)?$"


def search_parameters(place_ids: list[str], theme_ids: list[str]) -> list[dict[str, Any]]:
    """The parameters of /api/search; place and theme ids are those of this collection's vocabularies."""
    return [
        _query("q", {"type": "string", "maxLength": MAX_Q},
               'Words, "phrases", AND / OR / NOT, field:value (title, summary, body, narrator, place, theme, '
               "language, year), a trailing * after three letters. A query that cannot be run is a 400."),
        _query("place", {"enum": place_ids} if place_ids else {"type": "string"},
               "Place id (a place's name is accepted too); repeatable; includes the places inside it",
               repeat=True),
        _query("theme", {"enum": theme_ids} if theme_ids else {"type": "string"},
               "Theme id (or label); repeatable; includes narrower themes", repeat=True),
        _query("language", {"type": "string", "pattern": r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$"},
               "Language of the testimony (BCP 47), such as en or ar"),
        _query("from", {"type": "string", "pattern": DATE_PATTERN},
               "Events overlapping the time from this date: YYYY, YYYY-MM or YYYY-MM-DD (a real date)"),
        _query("to", {"type": "string", "pattern": DATE_PATTERN},
               "Events overlapping the time up to this date: YYYY, YYYY-MM or YYYY-MM-DD; not before from"),
        _query("sort", {"enum": list(SORTS)}, "Order of the results: relevance (default), date, -date"),
        _query("page", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE}, "Page, from 1"),
        _query("per_page", {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
               f"Results per page (default 20, at most {MAX_PER_PAGE})"),
        _query("correct", {"enum": ["0", "1"]},
               "0: run q as typed, never a spelling correction of it (default 1: a misspelt q that finds "
               "little runs its correction, named in correction and corrected_from)"),
    ]


def language_parameter() -> dict[str, Any]:
    """`lang`: the language of error sentences and of place and theme names; keys and ids never change."""
    return _query("lang", {"type": "string", "examples": list(LANGUAGES)},
                  "Language of error sentences and of place and theme names: en or ar. Without it the lang "
                  "cookie, then Accept-Language, decides; any other value is ignored, never an error.")


OAI_ARGUMENTS: dict[str, tuple[dict[str, Any], str]] = {
    "verb": ({"type": "string", "examples": ["Identify", "ListMetadataFormats", "ListSets", "GetRecord",
                                             "ListIdentifiers", "ListRecords"]},
             "One of the six OAI-PMH verbs; any other is the OAI-PMH error badVerb (in a 200)"),
    "metadataPrefix": ({"type": "string", "examples": ["oai_dc"]}, "oai_dc"),
    "identifier": ({"type": "string"}, "oai:<host of base_url>:<testimony id>"),
    "from": ({"type": "string"}, "YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ (UTC)"),
    "until": ({"type": "string"}, "YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ (UTC)"),
    "set": ({"type": "string"}, "A setSpec from ListSets"),
    "resumptionToken": ({"type": "string"}, "From the previous response of a list"),
}


def oai_path() -> dict[str, Any]:
    """/oai: OAI-PMH 2.0 by GET (query) or POST (form), as the protocol allows both."""
    xml = {"200": {"description": "An OAI-PMH response (or an OAI-PMH error)",
                   "content": {"text/xml": {"schema": {"type": "string"}}}}}
    description = ("The six verbs of OAI-PMH 2.0 with oai_dc records, sets place:... and theme:... (parents "
                   "before children, joined by ':'), from/until by the date a record's public form last "
                   "changed, resumption tokens. A withdrawn testimony is a deleted record; nothing else hidden "
                   "ever appears. Errors are OAI-PMH error codes inside a 200 response, as the protocol says.")
    form = {"type": "object", "properties": {name: {**schema, "description": text}
                                             for name, (schema, text) in OAI_ARGUMENTS.items()}}
    return {
        "get": {"operationId": "oai", "summary": "OAI-PMH 2.0: the public testimonies as oai_dc",
                "description": description,
                "parameters": [_query(name, schema, text) for name, (schema, text) in OAI_ARGUMENTS.items()],
                "responses": xml},
        "post": {"operationId": "oaiPost", "summary": "OAI-PMH 2.0, the arguments in a form",
                 "description": description,
                 "requestBody": {"required": False,
                                 "content": {"application/x-www-form-urlencoded": {"schema": form}}},
                 "responses": xml},
    }


def document() -> dict[str, Any]:
    """The OpenAPI document; the collection's title names the API."""
    info = site().info
    collection = site().vocabularies
    id_parameter = {"name": "id", "in": "path", "required": True, "schema": {"type": "string"},
                    "description": "The testimony's id"}
    return {
        "openapi": "3.1.0",
        "info": {"title": f"{info.title} API", "version": "1",
                 "description": "Read-only access to the public testimonies. Only what consent allows is ever "
                                "returned: restricted, embargoed, draft and unknown ids are all 404; a withdrawn "
                                "testimony is 410."},
        "paths": {
            "/api/search": {"get": {
                "operationId": "search", "summary": "Search the public testimonies",
                "parameters": [*search_parameters([p.id for p in collection.places],
                                                  [t.id for t in collection.themes]), language_parameter()],
                "responses": {"200": _json(_ref("SearchResponse"), "One page of results, facets over all of them"),
                              "400": _error("A parameter or the query cannot be understood")}}},
            "/api/t/{id}": {"get": {
                "operationId": "testimony", "summary": "One public testimony",
                "parameters": [id_parameter, language_parameter()],
                "responses": {"200": _json({"type": "object", "required": ["ok", "testimony"],
                                            "properties": {"ok": {"const": True},
                                                           "testimony": _ref("Testimony")}},
                                           "The testimony; its ETag changes with its version"),
                              "304": {"description": "Not modified (If-None-Match)"},
                              "404": _error("No public testimony has this id"),
                              "410": _error("Withdrawn at the narrator's request")}}},
            "/api/places": {"get": {
                "operationId": "places", "summary": "The gazetteer, with public counts",
                "parameters": [language_parameter()],
                "responses": {"200": _json({"type": "object", "required": ["ok", "places"],
                                            "properties": {"ok": {"const": True},
                                                           "places": {"type": "array", "items": _ref("Place")}}},
                                           "Every place")}}},
            "/api/themes": {"get": {
                "operationId": "themes", "summary": "The theme vocabulary, with public counts",
                "parameters": [language_parameter()],
                "responses": {"200": _json({"type": "object", "required": ["ok", "themes"],
                                            "properties": {"ok": {"const": True},
                                                           "themes": {"type": "array", "items": _ref("Theme")}}},
                                           "Every theme")}}},
            "/oai": oai_path(),
            "/api/openapi.json": {"get": {
                "operationId": "openapi", "summary": "This document",
                "responses": {"200": _json({"type": "object", "required": ["openapi", "paths"]},
                                           "The OpenAPI document")}}},
        },
        "components": {"schemas": SCHEMAS},
    }
