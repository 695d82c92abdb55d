"""Bulk import in the browser: `/curate/import`, the same import as `archive import` (archive.store.importing).

1. The curator uploads a CSV or XLSX file; it is kept in `<instance>/imports/` (mode 0600) under a
   random name that only this curator's session knows, and the columns are shown with the field
   each maps to (a field name of the format maps without asking; any column can be mapped or ignored).
2. "Check" runs every row through the checks of `archive check` and lists every problem by row
   and column, writing nothing. "Import" does the same and, only when every row is valid, writes
   every file as a draft, makes them take effect at once, then makes one git commit and one audit
   entry; the uploaded file is deleted.
"""

from __future__ import annotations

import os
import re
import secrets
import time
from pathlib import Path
from typing import Any

from flask import current_app, flash, redirect, render_template, request, session, url_for
from werkzeug.wrappers import Response

from archive.store import importing
from archive.errors import ArchiveError

from ..i18n import gettext as _, ngettext
from .blueprint import bp, current_curator, instance
from .publish import PublishIncomplete, publish_change
from .reading import repeats, vocabularies

__all__ = ["import_sheet", "import_run"]

UPLOAD_LIMIT = 16 * 1024 * 1024
FOLDER = "imports"
KEEP_SECONDS = 24 * 3600
SESSION_KEY = "import_upload"
_TOKEN = re.compile(r"[A-Za-z0-9_-]{22}")
_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm")


@bp.before_app_request
def _allow_sheets() -> None:
    """An uploaded sheet may be larger than the site's small default limit (set before CSRF reads the form)."""
    if request.endpoint in ("curate.import_sheet", "curate.import_run"):
        request.max_content_length = int(current_app.config.get("ARCHIVE_IMPORT_MAX_CONTENT_LENGTH", UPLOAD_LIMIT))


def _folder() -> Path:
    folder = instance() / FOLDER
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def _tidy(folder: Path) -> None:
    """Uploads left behind (a curator who never pressed Import) go after a day."""
    for path in folder.iterdir():
        try:
            if time.time() - path.stat().st_mtime > KEEP_SECONDS:
                path.unlink()
        except OSError:
            continue


def _stored() -> tuple[Path, str] | None:
    """This session's uploaded file and its original name, if it is still there."""
    upload = session.get(SESSION_KEY)
    if not isinstance(upload, dict) or not _TOKEN.fullmatch(str(upload.get("token", ""))):
        return None
    path = _folder() / str(upload["token"])
    return (path, str(upload.get("name") or "sheet.csv")) if path.is_file() else None


def _page(status: int = 200, **context: Any) -> tuple[str, int]:
    context.setdefault("targets", list(importing.TARGETS))
    return render_template("curate/import.html", **context), status


def _mapping_rows(table: importing.Table, mapping: dict[str, str | None]) -> list[dict[str, Any]]:
    sample = table.rows[0][1] if table.rows else [""] * len(table.columns)
    return [{"index": i, "column": column, "target": mapping.get(column), "sample": sample[i][:80]}
            for i, column in enumerate(table.columns)]


@bp.route("/import", methods=["GET", "POST"], endpoint="import_sheet")
def import_sheet() -> tuple[str, int]:
    """Upload a sheet; see its columns and the fields they map to."""
    if request.method == "GET":
        return _page()
    upload = request.files.get("sheet")
    name = os.path.basename((upload.filename or "") if upload else "")
    if upload is None or not name:
        return _page(400, upload_error=_("Choose a CSV or XLSX file to import."))
    if not name.lower().endswith(_SUFFIXES):
        return _page(400, upload_error=_("%(name)s is neither a CSV nor an XLSX file; import a .csv or .xlsx file.",
                                         name=name))
    data = upload.read()
    try:
        table = importing.read_table(data, name)
    except ArchiveError as error:
        return _page(400, upload_error=str(error))
    folder = _folder()
    _tidy(folder)
    previous = _stored()
    if previous:
        previous[0].unlink(missing_ok=True)
    token = secrets.token_urlsafe(16)
    descriptor = os.open(folder / token, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
    session[SESSION_KEY] = {"token": token, "name": name}
    mapping = importing.default_mapping(table.columns)
    return _page(table=table, name=name, rows=_mapping_rows(table, mapping))


@bp.post("/import/run", endpoint="import_run")
def import_run() -> Response | tuple[str, int]:
    """Check (write nothing) or import the uploaded sheet with the chosen mapping."""
    stored = _stored()
    if stored is None:
        return _page(400, upload_error=_("The uploaded file is no longer here; upload it again."))
    path, name = stored
    try:
        table = importing.read_table(path.read_bytes(), name)
    except (ArchiveError, OSError) as error:
        return _page(400, upload_error=str(error))
    mapping: dict[str, str | None] = {}
    for index, column in enumerate(table.columns):
        chosen = request.form.get(f"map-{index}", "")
        mapping[column] = chosen if chosen in importing.TARGETS else None
    words = vocabularies()  # the root, places and themes; what rows may not repeat from the curator catalogue
    result = importing.plan(table, mapping, words, repeats())
    context = {"table": table, "name": name, "rows": _mapping_rows(table, mapping), "result": result}
    if not result.ok:
        return _page(400, **context)
    if request.form.get("action") != "import":
        return _page(**context, checked=True)
    try:
        paths = importing.write(result, words.root)
    except ArchiveError as error:
        return _page(409, **context, upload_error=str(error))
    importing.record(paths, result, instance=instance(), curator=current_curator(), address=request.remote_addr)
    warnings = []
    try:
        publish_change(paths)
    except PublishIncomplete as error:
        warnings.append(str(error))
    warning = importing.commit(paths, result, root=words.root, instance=instance(),
                               curator=current_curator(), address=request.remote_addr)[1]
    if warning:
        warnings.append(_("The files were saved, but git could not record them: %(error)s", error=warning))
    path.unlink(missing_ok=True)
    session.pop(SESSION_KEY, None)
    flash(ngettext("%(num)s testimony was imported as a draft; publish it after review.",
                   "%(num)s testimonies were imported as drafts; publish each after review.", len(paths)))
    for message in warnings:
        flash(message)
    return redirect(url_for("curate.dashboard"), 303)
