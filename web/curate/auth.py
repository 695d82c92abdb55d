"""Sign-in and sign-out for curators (`curate.sign_in`, `curate.sign_out`).

Sign-ins are throttled (web/curate/throttle.py: per account from one address, per address,
and per account from addresses it never used), shared by every worker; an unknown name and
a wrong password meet the same message and the same scrypt work.
"""

from __future__ import annotations

import time
from urllib.parse import urlsplit

from flask import Response, current_app, flash, g, redirect, render_template, request, session, url_for

from archive.store import curators

from ..i18n import gettext as _
from .blueprint import bp, instance, log, signed_in_curator
from .throttle import Throttle

__all__ = ["sign_in", "sign_out", "safe_next"]


def safe_next(target: str | None) -> str | None:
    """`target` when it is a local curator address (no scheme, no host, no tricks), else None."""
    if not target or "\\" in target or any(ord(c) < 32 or ord(c) == 127 for c in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not (parts.path == "/curate" or parts.path.startswith("/curate/")):
        return None
    return target


def _form(status: int = 200, error: str | None = None, name: str = "",
          retry_minutes: int = 0) -> tuple[str, int]:
    return render_template("curate/signin.html", error=error, name=name, retry_minutes=retry_minutes,
                           next=safe_next(request.values.get("next"))), status


def _throttle() -> Throttle:
    return current_app.extensions["archive_signin_throttle"]


def _locked(wait: int, name: str) -> Response:
    """429, with the wait in Retry-After (seconds) and in words (minutes) on the form."""
    response = current_app.make_response(_form(429, None, name, retry_minutes=max(1, -(-wait // 60))))
    response.headers["Retry-After"] = str(wait)
    return response


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in() -> Response | tuple[str, int]:
    """The sign-in form; on success a 303 to the page asked for, or the dashboard."""
    if request.method == "GET":
        if signed_in_curator() is not None:
            return redirect(safe_next(request.args.get("next")) or url_for("curate.dashboard"), 303)
        return _form()
    typed = request.form.get("name", "")
    name, password = curators.normalise_name(typed)[:4 * curators.MAX_NAME], request.form.get("password", "")
    address = request.remote_addr or "unknown"
    known = curators.get(instance(), name) is not None if name else False
    wait, attempt = _throttle().begin(name, address)  # checked and counted in one step
    if attempt is None:
        log("sign-in-failed", curator=None, detail=name if known else "unknown", reason="rate limited")
        return _locked(wait, typed)
    account = curators.verify(instance(), name, password)  # the same scrypt work for an unknown name
    if account is None:
        log("sign-in-failed", curator=None, detail=name if known else "unknown")
        return _form(401, _("The name or the password is not right. Please try again."), typed)
    _throttle().succeeded(attempt, name, address)
    session.clear()
    session.permanent = True
    session.update(curator=account.name, epoch=account.epoch, since=time.time())
    g.curator = account.name
    log("sign-in")
    return redirect(safe_next(request.form.get("next")) or url_for("curate.dashboard"), 303)


@bp.post("/sign-out")
def sign_out() -> Response:
    """End this curator's sessions (on every device: a copied cookie is dead too)."""
    log("sign-out")
    curators.end_sessions(instance(), g.curator)
    session.clear()
    flash(_("You are signed out."))
    return redirect(url_for("curate.sign_in"), 303)
