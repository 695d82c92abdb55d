"""Error responses: one JSON shape under /api, plain pages elsewhere.

A hidden testimony and an unknown id meet the same 404, byte for byte; a withdrawn
one meets a 410 tombstone that names only its id.
"""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError

from .gate import Withdrawn
from .i18n import gettext as _
from .searching import SearchBusy, SearchUnavailable

__all__ = ["init_app", "json_error", "message_for"]

log = logging.getLogger(__name__)


def message_for(status: int, description: str | None = None) -> str:
    """The sentence a person reads for an error status."""
    if status == 404:
        return _("There is nothing public at this address.")
    if status == 405:
        return _("This address does not accept %(method)s requests.", method=request.method)
    if status == 410:
        return _("This testimony was withdrawn at the narrator's request.")
    if status == 400 and description:
        return description
    if status >= 500:
        return _("Something went wrong on our side; please try again later.")
    return description or _("The request could not be handled.")


def json_error(status: int, message: str) -> tuple[Response, int]:
    return jsonify({"ok": False, "error": message, "status": status}), status


def _wants_json() -> bool:
    return request.path == "/api" or request.path.startswith("/api/")


def _handle_http(error: HTTPException) -> tuple[Response | str, int] | Response:
    status = error.code or 500
    if isinstance(error, Withdrawn):
        if _wants_json():
            return json_error(410, _("Testimony '%(id)s' was withdrawn at the narrator's request.",
                                     id=error.testimony_id))
        return render_template("gone.html", testimony_id=error.testimony_id, error_page=True), 410
    # Werkzeug's own descriptions are English and meant for developers; ours are already translated.
    own = error.description if error.description != type(error).description else None
    description = own if status == 400 else None
    message = message_for(status, description)
    if _wants_json():
        response, code = json_error(status, message)
    else:
        response = Response(render_template("error.html", status=status, message=message, error_page=True),
                            mimetype="text/html")
        code = status
    if status == 405 and getattr(error, "valid_methods", None):  # RFC 9110: a 405 names what is allowed
        response.headers["Allow"] = ", ".join(error.valid_methods or ())
    return response, code


RETRY_AFTER = 5  # seconds: about how long an index update or catching up takes


def unavailable_message(busy: bool = False) -> str:
    """The sentence of a 503 from search: the index is missing or lags the files, or search is busy."""
    if busy:
        return _("Search is busy with other requests; please try again in a moment.")
    return _("Search is not available yet: the search index is being built. Please try again shortly.")


def _handle_unavailable(error: Exception) -> tuple[Response | str, int, dict[str, str]]:
    headers = {"Retry-After": str(1 if isinstance(error, SearchBusy) else RETRY_AFTER)}
    message = unavailable_message(isinstance(error, SearchBusy))
    if _wants_json():
        return (*json_error(503, message), headers)
    return render_template("error.html", status=503, message=message, error_page=True), 503, headers


def _handle_unexpected(error: Exception) -> tuple[Response | str, int]:
    log.exception("unexpected error on %s", request.path)
    return _handle_http(InternalServerError())  # type: ignore[return-value]


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, _handle_http)
    app.register_error_handler(SearchUnavailable, _handle_unavailable)
    app.register_error_handler(Exception, _handle_unexpected)
