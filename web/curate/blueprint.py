"""The `curate` blueprint and the guard every one of its routes passes through.

`init_app` sets up what curator pages need: the secret key (generated into the
instance directory on first run), the session cookie (HttpOnly, SameSite=Lax, Secure
over HTTPS, limited to /curate, bounded lifetime), Flask-WTF CSRF protection (checked
on every POST of this blueprint only, so public routes are unaffected) and the
sign-in throttle.
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import Any

from flask import (Blueprint, Flask, Response, current_app, g, redirect, render_template, request, session,
                   url_for)
from flask.sessions import SecureCookieSessionInterface
from flask_wtf.csrf import CSRFError, CSRFProtect

from archive.store import audit, curators
from archive.store.secret import SECRET_FILE, load_secret

from ..i18n import gettext as _
from .throttle import FILE as THROTTLE_FILE, Throttle

__all__ = ["bp", "init_app", "csrf", "current_curator", "log", "instance", "signed_in_curator",
           "SECRET_FILE", "load_secret_key"]

bp = Blueprint("curate", __name__, url_prefix="/curate")
csrf = CSRFProtect()

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
OPEN_ENDPOINTS = frozenset({"curate.sign_in"})


class CuratorSessionInterface(SecureCookieSessionInterface):
    """Flask's signed cookie, marked Secure whenever the request came over HTTPS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config.get("SESSION_COOKIE_SECURE")) or request.is_secure


def load_secret_key(instance: Path) -> bytes:
    """`<instance>/secret_key`, created on first run (archive.store.secret)."""
    return load_secret(instance)


def init_app(app: Flask) -> None:
    """Secret key, CSRF protection, session cookie settings and the sign-in throttle."""
    from .labels import init_app as labels_init

    labels_init(app)
    instance_dir = Path(app.config["ARCHIVE_INSTANCE"])
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = load_secret_key(instance_dir)
    ours = {
        "SESSION_COOKIE_NAME": "archive_curator",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_PATH": "/curate",  # the cookie never travels with a public request
        "PERMANENT_SESSION_LIFETIME": dt.timedelta(hours=8),
        "WTF_CSRF_CHECK_DEFAULT": False,  # checked by the guard below, on curator routes only
        "WTF_CSRF_TIME_LIMIT": None,  # a token lives as long as the session that holds it
        "ARCHIVE_SIGNIN_ACCOUNT_LIMIT": 5,
        "ARCHIVE_SIGNIN_ADDRESS_LIMIT": 20,
        "ARCHIVE_SIGNIN_TOTAL_LIMIT": 50,
        "ARCHIVE_SIGNIN_WINDOW_SECONDS": 15 * 60,
    }
    for key, value in ours.items():  # unless the instance's config.py or the caller chose otherwise
        if key not in app.config or app.config[key] == Flask.default_config.get(key, object()):
            app.config[key] = value
    app.session_interface = CuratorSessionInterface()
    csrf.init_app(app)
    app.extensions["archive_signin_throttle"] = Throttle(
        instance_dir / THROTTLE_FILE, account_limit=int(app.config["ARCHIVE_SIGNIN_ACCOUNT_LIMIT"]),
        address_limit=int(app.config["ARCHIVE_SIGNIN_ADDRESS_LIMIT"]),
        total_limit=int(app.config["ARCHIVE_SIGNIN_TOTAL_LIMIT"]),
        window=float(app.config["ARCHIVE_SIGNIN_WINDOW_SECONDS"]), secret=_bytes(app.config["SECRET_KEY"]))


def _bytes(key: str | bytes) -> bytes:
    return key.encode("utf-8") if isinstance(key, str) else key


def instance() -> Path:
    return Path(current_app.config["ARCHIVE_INSTANCE"])


def signed_in_curator() -> str | None:
    """The curator this request's session belongs to, if it is still valid.

    A removed account, a changed password (new epoch) or a session older than the
    lifetime ends it: the session is cleared and None returned.
    """
    name, epoch, since = session.get("curator"), session.get("epoch"), session.get("since")
    if not isinstance(name, str):
        return None
    account = curators.get(instance(), name)
    lifetime = current_app.permanent_session_lifetime.total_seconds()
    if (account is None or not curators.same_epoch(account, epoch) or not isinstance(since, (int, float))
            or not 0 <= time.time() - since <= lifetime):
        session.clear()
        return None
    return account.name


def current_curator() -> str:
    """The signed-in curator's name (the guard has checked it)."""
    return g.curator


def log(action: str, **fields: Any) -> None:
    """Append to the audit log, with the curator and the address filled in."""
    fields.setdefault("curator", g.get("curator"))
    fields.setdefault("address", request.remote_addr)
    audit.append(instance(), action=action, **fields)


def _here() -> str:
    return request.full_path.rstrip("?") if request.query_string else request.path


@bp.before_request
def _guard() -> Any:
    if request.endpoint not in OPEN_ENDPOINTS:
        name = signed_in_curator()
        if name is None:
            if request.method in ("GET", "HEAD"):
                return redirect(url_for("curate.sign_in", next=_here()), 303)
            message = _("Only a signed-in curator can do this; please sign in and try again.")
            return render_template("error.html", status=403, message=message), 403
        g.curator = name
    if request.method not in SAFE_METHODS and current_app.config.get("WTF_CSRF_ENABLED", True):
        csrf.protect()
    return None


@bp.context_processor
def _navigation() -> dict[str, Any]:
    links = []
    for endpoint, label in (("curate.dashboard", _("Dashboard")), ("curate.new", _("Add testimony")),
                            ("curate.import_sheet", _("Import")), ("curate.vocabulary", _("Places and themes")),
                            ("curate.audit", _("Audit log"))):
        if endpoint in current_app.view_functions:
            links.append({"url": url_for(endpoint), "label": label, "current": request.endpoint == endpoint})
    return {"curate_nav": links, "curator": g.get("curator")}


@bp.errorhandler(CSRFError)
def _csrf_failed(error: CSRFError) -> tuple[str, int]:
    message = _("This form could not be accepted: it has expired or did not come from this site. "
                "Go back, reload the page and try again.")
    return render_template("error.html", status=400, message=message), 400


@bp.after_request
def _private(response: Response) -> Response:
    """Curator pages are never cached, never validated by ETag, never indexed."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    response.headers.pop("ETag", None)
    response.headers.pop("Last-Modified", None)
    return response
