"""Downloads of a whole result set (not just one page): CSV, JSON and a BibTeX bibliography.

The search index gives the ids; every row is then built from the testimony's public
view, through the gate, so an export holds nothing a page would not show.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any, Iterable, Mapping

from flask import Response

from archive.consent import TestimonyView

from . import searching
from .errors import RETRY_AFTER, json_error, unavailable_message
from .gate import public_view, site
from .present import citation_for, place_ref, theme_ref

__all__ = ["respond", "rows", "csv_cell", "CSV_COLUMNS"]

CSV_COLUMNS = ("id", "title", "url", "version", "narrator", "event_date", "places", "place_ids", "themes",
               "theme_ids", "language", "summary", "recorded", "license")
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def rows(views: Iterable[TestimonyView]) -> list[dict[str, Any]]:
    """One record per testimony, as the JSON export and the CSV columns give it."""
    info = site().info
    collection = site().vocabularies
    found = []
    for view in views:
        found.append({
            "id": view.id, "title": view.title, "url": info.permalink(view.id), "version": view.version,
            "narrator": view.narrator, "event_date": view.event_date.text,
            "places": [place_ref(p, collection.places) for p in view.places],
            "themes": [theme_ref(t, collection.themes) for t in view.themes],
            "language": view.language, "summary": view.summary,
            "recorded": view.recorded.date.text, "license": view.license or info.license,
        })
    return found


def csv_cell(value: Any) -> str:
    """A CSV cell; text that a spreadsheet would run as a formula starts with a quote instead."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA) else text


def _csv(records: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for record in records:
        flat = {**record,
                "places": "; ".join(p["name"] for p in record["places"]),
                "place_ids": " ".join(p["id"] for p in record["places"]),
                "themes": "; ".join(t["label"] for t in record["themes"]),
                "theme_ids": " ".join(t["id"] for t in record["themes"])}
        writer.writerow([csv_cell(flat[column]) for column in CSV_COLUMNS])
    return "\ufeff" + out.getvalue()  # the BOM makes spreadsheets read UTF-8 (Arabic) correctly


def _error(fmt: str, status: int, message: str) -> Response:
    """An export's error in the export's own kind: JSON for the JSON export, else a line of text."""
    if fmt == "json":
        response, _ = json_error(status, message)
        response.status_code = status
        return response
    return Response(message + "\n", status=status, content_type="text/plain; charset=utf-8")


def respond(args: Mapping[str, Any], fmt: str) -> Response:
    """The export of every result of the search in `args`, in `fmt` (csv, json or bib)."""
    try:
        ids = searching.all_ids(args)
    except searching.BadSearch as error:
        return _error(fmt, 400, error.message)
    except searching.SearchUnavailable as error:  # the index lags the files: nothing is exported from it meanwhile
        busy = isinstance(error, searching.SearchBusy)
        response = _error(fmt, 503, unavailable_message(busy))
        response.headers["Retry-After"] = str(1 if busy else RETRY_AFTER)
        return response
    views = [v for v in (public_view(i) for i in ids) if v is not None]
    if fmt == "csv":
        body, content_type = _csv(rows(views)), "text/csv; charset=utf-8"
    elif fmt == "json":
        body = json.dumps({"ok": True, "total": len(views), "results": rows(views)}, ensure_ascii=False, indent=1)
        content_type = "application/json; charset=utf-8"
    else:
        body = "\n".join(citation_for(v).bibtex for v in views)
        content_type = "application/x-bibtex; charset=utf-8"
    response = Response(body, content_type=content_type)
    response.headers["Content-Disposition"] = f'attachment; filename="testimonies.{fmt}"'
    return response
