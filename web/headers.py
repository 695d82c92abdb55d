"""Headers on every response: a strict Content-Security-Policy and friends, ETags, caching."""

from __future__ import annotations

from flask import Flask, Response, request

__all__ = ["CSP", "SECURITY_HEADERS", "init_app"]

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "font-src 'self'; connect-src 'self'; object-src 'none'; frame-ancestors 'none'; "
       "base-uri 'none'; form-action 'self'")
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
}


def _finish(response: Response) -> Response:
    response.headers.update(SECURITY_HEADERS)
    if request.endpoint == "static" and response.direct_passthrough and response.status_code == 200:
        # Flask-Compress (whose hook runs after this one) streams a file response without ever
        # closing the file; read the small file and close it now, so it is sent compressed.
        wrapper = response.response
        try:
            response.set_data(b"".join(wrapper))
        finally:
            getattr(wrapper, "close", lambda: None)()
        response.direct_passthrough = False
    if request.path.startswith("/api/"):
        response.headers["Access-Control-Allow-Origin"] = "*"  # a public, read-only API
    if request.blueprint == "curate":  # curator forms send a same-origin Referer, for Flask-WTF's HTTPS check
        response.headers["Referrer-Policy"] = "same-origin"
    if "no-store" in response.headers.get("Cache-Control", ""):
        return response  # curator pages: never cached, never validated
    if request.method in ("GET", "HEAD") and response.status_code == 200 and not response.is_streamed:
        if request.endpoint == "static":
            response.headers["Cache-Control"] = ("public, max-age=31536000, immutable"
                                                 if request.args.get("v") else "public, max-age=3600")
        else:
            response.headers.setdefault("Cache-Control", "public, no-cache")
        if "ETag" not in response.headers:
            response.add_etag()
        response.make_conditional(request)
    return response


def init_app(app: Flask) -> None:
    app.after_request(_finish)
