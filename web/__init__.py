"""The public site and JSON API: `create_app(config=None)` builds the Flask application."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, Mapping

from flask import Flask
from flask_compress import Compress
from werkzeug.middleware.proxy_fix import ProxyFix

from archive.config import resolve_config

from . import api, curate, errors, headers, i18n, oai, templating, views
from .site import Site, stamp_path

__all__ = ["create_app"]

STATIC = Path(__file__).parent / "static"


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """The application: defaults, then `<instance>/config.py`, then `config`.

    `ARCHIVE_CONTENT` and `ARCHIVE_INSTANCE` come from `config`, else the environment,
    else ./testimonies and ./instance (see archive.config).
    """
    config = dict(config or {})
    paths = resolve_config(config.get("ARCHIVE_CONTENT"), config.get("ARCHIVE_INSTANCE"))
    app = Flask(__name__, instance_path=str(paths.instance.resolve()), instance_relative_config=True)
    app.config.from_mapping(
        ARCHIVE_CONTENT=str(paths.content),
        ARCHIVE_INSTANCE=str(paths.instance),
        ARCHIVE_RELOAD_SECONDS=2.0,  # how often a worker looks for changed content files
        ARCHIVE_SEARCH_SLOTS=3,  # searches one worker runs at once
        ARCHIVE_SEARCH_QUEUE=4,  # searches that may wait for a slot; beyond that a 503 (slots + queue < threads)
        ARCHIVE_SEARCH_WAIT=10.0,  # seconds a search waits for a slot before a 503
        ARCHIVE_TODAY=None,  # a datetime.date to judge embargoes on, for tests; None is today
        COMPRESS_ALGORITHM=["br", "gzip"],
        COMPRESS_MIMETYPES=["text/html", "text/css", "text/plain", "text/xml", "application/json",
                            "application/javascript", "text/javascript", "application/atom+xml",
                            "application/xml", "text/csv", "application/x-bibtex",
                            "application/x-research-info-systems", "application/vnd.citationstyles.csl+json",
                            "application/vnd.oai.openapi+json"],
        JSON_AS_ASCII=False,
        MAX_CONTENT_LENGTH=64 * 1024,
        ARCHIVE_TRUSTED_PROXIES=0,  # reverse proxies in front of the site whose X-Forwarded-* are believed
    )
    app.config.from_pyfile("config.py", silent=True)  # <instance>/config.py (instance_relative_config)
    app.config.from_mapping(config)
    proxies = int(app.config["ARCHIVE_TRUSTED_PROXIES"])
    if proxies > 0:  # otherwise X-Forwarded-For is ignored: anyone can send it
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)  # type: ignore[method-assign]
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.json.sort_keys = False  # type: ignore[attr-defined]

    app.extensions["archive_site"] = Site(Path(app.config["ARCHIVE_CONTENT"]),
                                          reload_seconds=float(app.config["ARCHIVE_RELOAD_SECONDS"]),
                                          stamp=stamp_path(Path(app.config["ARCHIVE_INSTANCE"])),
                                          instance=Path(app.config["ARCHIVE_INSTANCE"]))
    app.extensions["archive_assets"] = {path.name: hashlib.sha256(path.read_bytes()).hexdigest()[:10]
                                        for path in STATIC.iterdir() if path.is_file()}
    i18n.init_app(app)

    Compress(app)  # registered first, so it runs after the handlers below and compresses their result
    templating.init_app(app)
    headers.init_app(app)
    errors.init_app(app)
    app.register_blueprint(views.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(oai.bp)
    curate.init_app(app)  # secret key, session cookie, CSRF, sign-in throttle
    app.register_blueprint(curate.bp)
    return app
