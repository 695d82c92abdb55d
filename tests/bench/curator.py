"""The curator of `make load`: signs in at /curate and withdraws and edits testimonies through the forms.

    curator = WebCurator(base, name, password); curator.sign_in()
    curator.withdraw("some-id", "The narrator asked us to.")   # the moment the POST's response returned
    curator.edit("other-id", lambda body: body + "\\nA later line.")

Each action GETs its form (for the CSRF token and the file's version), fills it in as a
browser would (every field with its current value) and POSTs it, without following the
redirect: the time returned is when the curator's own response arrived. `FileCurator` does
the same to the files directly (an editor outside the site), the fallback while the curator
interface is not available.
"""

from __future__ import annotations

import http.client
import os
import subprocess
import time
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Callable
from urllib.parse import urlencode, urlsplit

from .serving import ARCHIVE

__all__ = ["CuratorUnavailable", "WebCurator", "FileCurator", "add_account"]


class CuratorUnavailable(Exception):
    """The curator interface did not do what was asked (the message says what went wrong)."""


class _Forms(HTMLParser):
    """Every form of a page: its action and fields as a browser would submit them unchanged."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[dict[str, object]] = []
        self._select: str | None = None
        self._textarea: str | None = None
        self._first_option: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append({"action": a.get("action", ""), "fields": {}})
            return
        if not self.forms:
            return
        fields: dict[str, str] = self.forms[-1]["fields"]  # type: ignore[assignment]
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind in ("radio", "checkbox"):
                if "checked" in a:
                    fields[name] = a.get("value", "on")
            elif kind not in ("submit", "button", "file"):
                fields[name] = a.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            fields[name] = ""
        elif tag == "select" and name:
            self._select, self._first_option = name, None
        elif tag == "option" and self._select:
            value = a.get("value", "")
            if self._first_option is None:
                self._first_option = value
                fields.setdefault(self._select, value)
            if "selected" in a:
                fields[self._select] = value

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data: str) -> None:
        if self._textarea and self.forms:
            fields: dict[str, str] = self.forms[-1]["fields"]  # type: ignore[assignment]
            fields[self._textarea] += data


def forms_of(html: str) -> list[dict[str, object]]:
    parser = _Forms()
    parser.feed(html)
    for form in parser.forms:  # a textarea's first newline is not part of its value (HTML parsing rule)
        fields: dict[str, str] = form["fields"]  # type: ignore[assignment]
        for name, value in fields.items():
            if value.startswith("\n"):
                fields[name] = value[1:]
    return parser.forms


class WebCurator:
    """A signed-in curator session over one keep-alive-less HTTP connection per request."""

    via = "the curator interface (sign-in, CSRF, consent and edit forms)"

    def __init__(self, base: str, name: str, password: str, timeout: float = 120.0):
        parts = urlsplit(base)
        self.host, self.port, self.timeout = parts.hostname or "127.0.0.1", parts.port or 80, timeout
        self.name, self.password = name, password
        self.cookies: dict[str, str] = {}

    def _request(self, method: str, path: str, form: dict[str, str] | None = None) -> tuple[int, str, str]:
        connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        headers = {"Accept-Encoding": "identity"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", errors="replace")
            for header in response.headers.get_all("Set-Cookie") or []:
                cookie = SimpleCookie()
                cookie.load(header)
                for key, morsel in cookie.items():
                    self.cookies[key] = morsel.value
            return response.status, response.headers.get("Location", ""), text
        except (OSError, http.client.HTTPException) as exc:
            raise CuratorUnavailable(f"{method} {path}: no answer ({exc})") from None
        finally:
            connection.close()

    def _form(self, path: str, marker: str) -> tuple[str, dict[str, str]]:
        status, _, html = self._request("GET", path)
        if status != 200:
            raise CuratorUnavailable(f"GET {path} answered {status}")
        for form in forms_of(html):
            if marker in str(form["action"]):
                return str(form["action"]) or path, dict(form["fields"])  # type: ignore[arg-type]
        raise CuratorUnavailable(f"GET {path}: no form posting to *{marker}*")

    def sign_in(self) -> None:
        action, fields = self._form("/curate/sign-in", "sign-in")
        if "csrf_token" not in fields:
            raise CuratorUnavailable("the sign-in form has no csrf_token")
        status, location, _ = self._request("POST", action, {**fields, "name": self.name,
                                                                 "password": self.password})
        if status not in (302, 303):
            raise CuratorUnavailable(f"signing in answered {status}")
        status, _, _ = self._request("GET", "/curate/")
        if status != 200:
            raise CuratorUnavailable(f"the dashboard answered {status} after signing in")

    def withdraw(self, testimony_id: str, reason: str) -> float:
        action, fields = self._form(f"/curate/t/{testimony_id}/consent", "/consent")
        status, _, html = self._request("POST", action, {**fields, "action": "withdraw", "reason": reason,
                                                                 "confirmed": "1"})
        returned = time.monotonic()
        if status not in (302, 303):
            raise CuratorUnavailable(f"withdrawing {testimony_id} answered {status}: {_gist(html)}")
        return returned

    def edit(self, testimony_id: str, change: Callable[[str], str]) -> float:
        action, fields = self._form(f"/curate/t/{testimony_id}/edit", "/edit")
        if "body" not in fields:
            raise CuratorUnavailable("the edit form has no body field")
        fields["body"] = change(fields["body"])
        status, _, html = self._request("POST", action, fields)
        returned = time.monotonic()
        if status not in (302, 303):
            raise CuratorUnavailable(f"editing {testimony_id} answered {status}: {_gist(html)}")
        return returned


def _gist(html: str) -> str:
    """The first error message on a page, for the report."""
    for marker in ('class="errors"', 'class="error"', "<li>"):
        at = html.find(marker)
        if at >= 0:
            text = html[at:at + 400]
            return " ".join(part.split(">", 1)[-1] for part in text.split("<") if ">" in part).strip()[:200]
    return html[:120]


class FileCurator:
    """The fallback: the same changes made to the files, atomically, as an editor outside the site saves them."""

    via = "direct file edits (fallback: the curator interface was not usable)"

    def __init__(self, content: Path, paths: dict[str, str]):
        self.content, self.paths = content, paths

    def _replace(self, testimony_id: str, change: Callable[[str], str]) -> float:
        path = self.content / self.paths[testimony_id]
        text = change(path.read_text("utf-8"))
        temporary = path.with_name(f".{path.name}.load-tmp")
        temporary.write_text(text, "utf-8")
        os.replace(temporary, path)
        return time.monotonic()

    def withdraw(self, testimony_id: str, reason: str) -> float:
        return self._replace(testimony_id, lambda t: t.replace("\n  access: public\n", "\n  access: withdrawn\n", 1))

    def edit(self, testimony_id: str, change: Callable[[str], str]) -> float:
        return self._replace(testimony_id, change)


def add_account(content: Path, instance: Path, name: str, password: str) -> str:
    """`archive curator add NAME` with the password on stdin (or `passwd` when it exists); '' or the error."""
    for action in ("add", "passwd"):
        done = subprocess.run([str(ARCHIVE), "curator", action, name, "--content", str(content),
                               "--instance", str(instance)], input=password + "\n", capture_output=True, text=True)
        if done.returncode == 0:
            return ""
        if "already exists" not in done.stderr:
            return done.stderr.strip() or f"archive curator {action} exited with {done.returncode}"
    return "archive curator passwd failed"
