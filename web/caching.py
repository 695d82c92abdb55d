"""Validators for conditional requests: a testimony's ETag starts with its version."""

from __future__ import annotations

from flask import Response, request

from .gate import public_views
from .i18n import current_language

__all__ = ["testimony_etag", "not_modified"]


def testimony_etag(version: str) -> str:
    """The testimony's version, qualified by the public set, the day and the interface language.

    The page also shows related testimonies, translations and an access date: when any of
    those change (a withdrawal elsewhere, midnight), a cached copy must not be confirmed;
    nor may an English copy be confirmed to a reader of the Arabic interface.
    """
    return f"{version}-{public_views().fingerprint}-{current_language()}"


def not_modified(etag: str) -> Response | None:
    """A 304 when the client already holds this version, so nothing is rendered again.

    Compression marks the ETag of what it sends ("<etag>:gzip"), so those count too.
    """
    for tag in (etag, f"{etag}:gzip", f"{etag}:br"):
        if request.if_none_match.contains(tag):
            response = Response(status=304)
            response.set_etag(tag)
            return response
    return None
