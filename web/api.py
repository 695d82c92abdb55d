"""The JSON API under /api: every response has "ok"; errors are {"ok": false, "error", "status"}.

Error sentences, place names and theme labels follow the interface language (`?lang=`, the
`lang` cookie, Accept-Language); keys and ids never change.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request, url_for

from . import openapi, searching
from .caching import not_modified, testimony_etag
from .errors import json_error
from .gate import get_public_testimony_or_404, site
from .present import local_name, public_counts, testimony_json

__all__ = ["bp"]

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.get("/search")
def search() -> Response | tuple[Response, int]:
    try:
        outcome = searching.run(request.args)
    except searching.BadSearch as error:
        return json_error(400, error.message)
    return jsonify({"ok": True, **outcome.data})


@bp.get("/t/<testimony_id>")
def testimony(testimony_id: str) -> Response:
    view = get_public_testimony_or_404(testimony_id)
    etag = testimony_etag(view.version)
    if (cached := not_modified(etag)) is not None:
        return cached
    response = jsonify({"ok": True, "testimony": testimony_json(view)})
    response.set_etag(etag)
    return response


@bp.get("/places")
def places() -> Response:
    counts, _ = public_counts()
    entries: list[dict[str, Any]] = []
    for place in site().vocabularies.places:
        entries.append({
            "id": place.id, "name": local_name(place.name, place.names), "names": dict(place.names),
            "aliases": list(place.aliases),
            "type": place.type, "parent": site().vocabularies.places.parent(place.id),
            "coordinates": list(place.coordinates) if place.coordinates else None,
            "count": counts.get(place.id, 0),
            "url": url_for("pages.place", place_id=place.id),
        })
    return jsonify({"ok": True, "places": entries})


@bp.get("/themes")
def themes() -> Response:
    _, counts = public_counts()
    entries: list[dict[str, Any]] = []
    for theme in site().vocabularies.themes:
        entries.append({
            "id": theme.id, "label": local_name(theme.label, theme.labels), "labels": dict(theme.labels),
            "aliases": {language: list(names) for language, names in theme.aliases.items()},
            "broader": site().vocabularies.themes.parent(theme.id), "description": theme.description,
            "count": counts.get(theme.id, 0),
            "url": url_for("pages.theme", theme_id=theme.id),
        })
    return jsonify({"ok": True, "themes": entries})


@bp.get("/openapi.json")
def openapi_document() -> Response:
    response = jsonify(openapi.document())
    return response
