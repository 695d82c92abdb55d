"""The audit log in the browser (`curate.audit`) and its exports as JSON lines and CSV.

All three take the same filters: curator, action, testimony, since and until (days,
inclusive). The page lists the newest entries first, a page at a time.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from typing import Any

from flask import Response, current_app, render_template, request, url_for

from archive.store import audit

from ..exports import csv_cell
from ..i18n import gettext as _
from .blueprint import bp, instance
from .labels import ACTION_LABELS

__all__ = ["audit_log", "audit_jsonl", "audit_csv", "ACTION_LABELS", "PER_PAGE"]

PER_PAGE = 50


@dataclass
class Filters:
    """The filters of a request, or the errors that stop them being used."""

    values: dict[str, str]
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def query(self) -> dict[str, str]:
        return {key: value for key, value in self.values.items() if value}


def _filters() -> Filters:
    values = {key: request.args.get(key, "").strip()[:200]
              for key in ("curator", "action", "testimony", "since", "until")}
    filters = Filters(values)
    for key in ("since", "until"):
        if values[key]:
            try:
                audit.parse_day(values[key])
            except ValueError:
                filters.errors[key] = _("Write the day as YYYY-MM-DD, for example 2024-03-31.")
    if values["action"] and values["action"] not in audit.ACTIONS:
        filters.errors["action"] = _("Choose an action from the list.")
    return filters


def _entries(filters: Filters) -> list[dict[str, Any]]:
    """The matching entries, newest first."""
    entries = audit.read(instance(), **{key: value or None for key, value in filters.values.items()})
    entries.reverse()
    return entries


def _page_number() -> int:
    try:
        return max(1, int(request.args.get("page", "1")))
    except ValueError:
        return 1


@bp.get("/audit", endpoint="audit")
def audit_log() -> tuple[str, int]:
    """The log, filtered and paginated, with links to export what is shown."""
    filters = _filters()
    entries = [] if filters.errors else _entries(filters)
    pages = max(1, -(-len(entries) // PER_PAGE))
    page = min(_page_number(), pages)
    curators = sorted({str(e["curator"]) for e in audit.read(instance()) if e.get("curator")})
    return render_template(
        "curate/audit.html", entries=entries[(page - 1) * PER_PAGE:page * PER_PAGE], total=len(entries),
        page=page, pages=pages, filters=filters, curators=curators,
        actions=[(action, _(ACTION_LABELS[action])) for action in audit.ACTIONS],
        action_labels={action: _(label) for action, label in ACTION_LABELS.items()},
        testimony_links="curate.testimony" in current_app.view_functions,
        page_url=lambda number: url_for("curate.audit", **filters.query, page=number),
    ), 400 if filters.errors else 200


def _refused(filters: Filters) -> Response:
    message = " ".join(f"{key}: {error}" for key, error in filters.errors.items())
    return Response(message + "\n", status=400, mimetype="text/plain")


@bp.get("/audit.jsonl")
def audit_jsonl() -> Response:
    """The filtered log as JSON lines, newest first."""
    filters = _filters()
    if filters.errors:
        return _refused(filters)
    text = "".join(json.dumps(entry, ensure_ascii=False) + "\n" for entry in _entries(filters))
    return _download(text, "application/x-ndjson", "audit.jsonl")


@bp.get("/audit.csv")
def audit_csv() -> Response:
    """The filtered log as CSV (one header row, the fields of the JSON lines), newest first."""
    filters = _filters()
    if filters.errors:
        return _refused(filters)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(audit.FIELDS)
    for entry in _entries(filters):
        writer.writerow([csv_cell(entry.get(name)) for name in audit.FIELDS])
    return _download(out.getvalue(), "text/csv", "audit.csv")


def _download(text: str, mimetype: str, filename: str) -> Response:
    response = Response(text, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
