"""The one gate: every testimony a page, the API, a citation or an export shows comes through here.

It asks `archive.consent` and nothing else: a single testimony via `Site.view` (consent.view on its one
file as it is now, or the answer for an id that several files share), and lists via the site's set of
public views: the catalogue's rows, each made by `consent.view` and still agreeing with the files.
"""

from __future__ import annotations

import datetime as dt

from flask import abort, current_app
from werkzeug.exceptions import HTTPException

from archive.consent import Audience, TestimonyView
from archive.errors import Gone, NotFound

from .site import PublicSet, Site

__all__ = ["Withdrawn", "today", "site", "get_public_testimony_or_404", "public_views", "public_view",
           "withdrawn_ids"]


class Withdrawn(HTTPException):
    """410 Gone: the narrator withdrew the testimony; the response names only its id."""

    code = 410
    description = "This testimony was withdrawn at the narrator's request."

    def __init__(self, testimony_id: str):
        super().__init__()
        self.testimony_id = testimony_id


def today() -> dt.date:
    """The day consent is judged on (embargoes end at its start); tests may fix it."""
    fixed = current_app.config.get("ARCHIVE_TODAY")
    return fixed if isinstance(fixed, dt.date) else dt.date.today()


def site() -> Site:
    return current_app.extensions["archive_site"]


def _public_answer(testimony_id: str) -> TestimonyView:
    """The public view of an id; raises NotFound (404) or Gone (410) as archive.consent decides
    (an id that several files share answers as its most restrictive copy)."""
    return site().view(testimony_id, Audience.PUBLIC, today())


def get_public_testimony_or_404(testimony_id: str) -> TestimonyView:
    """The public view of a testimony; 404 when it is hidden or unknown, 410 when withdrawn (or any copy of a
    duplicated id is)."""
    try:
        return _public_answer(testimony_id)
    except NotFound:
        abort(404)
    except Gone:
        raise Withdrawn(testimony_id) from None


def public_views() -> PublicSet:
    """Every testimony the public may see today, for listings, counts, feeds and links."""
    return site().public(today())


def public_view(testimony_id: str | None) -> TestimonyView | None:
    """The public view of a testimony to link to, or None when the public may not see it."""
    if testimony_id is None:
        return None
    return public_views().views.get(testimony_id)


def withdrawn_ids() -> list[str]:
    """Every id the public is told was withdrawn (the 410 answer), for OAI-PMH's deleted records."""
    return public_views().memo("withdrawn", public_views().withdrawn)
