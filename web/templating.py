"""What templates may call: escaping helpers, language attributes, asset URLs, dates."""

from __future__ import annotations

from typing import Any, Mapping

from flask import Flask, current_app, url_for
from markupsafe import Markup, escape

from archive.citation import human_date
from archive.dates import DateError, DateRange, parse_date

from .gate import site
from .i18n import N_, gettext as _
from .present import direction, text_language
from .render import clean_snippet, inline

__all__ = ["init_app", "lang_attrs", "PAGE_LANGUAGE"]

PAGE_LANGUAGE = "en"  # the interface language; the Arabic interface (issue 5) makes this per request

METHODS = {"written": N_("Written"), "interview": N_("Interview"), "audio": N_("Audio recording"),
           "video": N_("Video recording")}
ROLES = {"interviewer": N_("Interviewer"), "translator": N_("Translator"), "transcriber": N_("Transcriber"),
         "editor": N_("Editor")}


def lang_attrs(language: str | None = None, text: str | None = None, always: bool = False) -> Markup:
    """` lang=".." dir=".."` for text in another language than the page's (Arabic detected when unsaid)."""
    language = text_language(text or "", language)
    if not language or (language == PAGE_LANGUAGE and not always):
        return Markup("")
    return Markup(' lang="%s" dir="%s"') % (language, direction(language))


def static_url(filename: str) -> str:
    """A static file's URL with a content hash, so it can be cached for a year."""
    version = current_app.extensions["archive_assets"].get(filename, "")
    return url_for("static", filename=filename, v=version)


def date_text(date: DateRange | Mapping[str, str] | str | None) -> str:
    """A FORMAT.md date in words ('September 2018'), from a DateRange or its JSON form."""
    if date is None:
        return ""
    if not isinstance(date, DateRange):
        try:
            date = parse_date(date["text"] if isinstance(date, Mapping) else date)
        except DateError:
            return str(date)
    return human_date(date)


PLACE_TYPES = {"country": N_("Country"), "governorate": N_("Governorate"), "district": N_("District"),
               "subdistrict": N_("Subdistrict"), "city": N_("City"), "town": N_("Town"), "village": N_("Village"),
               "camp": N_("Camp"), "site": N_("Site")}


def place_type_label(kind: str) -> str:
    return _(PLACE_TYPES.get(kind, kind))


def method_label(method: str) -> str:
    return _(METHODS.get(method, method))


def role_label(role: str) -> str:
    return _(ROLES.get(role, role))


def _context() -> dict[str, Any]:
    return {"info": site().info, "page_lang": PAGE_LANGUAGE, "page_dir": direction(PAGE_LANGUAGE)}


def init_app(app: Flask) -> None:
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.globals.update(lang_attrs=lang_attrs, static_url=static_url, date_text=date_text,
                                 method_label=method_label, role_label=role_label,
                                 place_type_label=place_type_label)
    app.jinja_env.filters.update(public_text=inline, snippet=clean_snippet, e_=escape)
    app.context_processor(_context)
