"""What templates may call: escaping helpers, language attributes, asset URLs, dates, names, numbers."""

from __future__ import annotations

import datetime as dt
from typing import Any, Mapping

from flask import Flask, current_app, url_for
from markupsafe import Markup, escape

from archive.consent import ANONYMOUS
from archive.dates import DateError, DateRange, parse_date
from archive.languages import Localised, localised
from archive.model import CollectionInfo

from .gate import site
from .i18n import (DEFAULT_LANGUAGE, LANGUAGES, N_, current_language, format_day, format_month, format_number,
                   gettext as _, language_name, switch_url)
from .metadata import coins_span
from .present import direction, text_language, vocabulary_name
from .messages import isolate, shown
from .render import REDACTED_HTML, clean_snippet, inline

__all__ = ["init_app", "lang_attrs", "date_text", "page_language", "collection_texts"]

METHODS = {"written": N_("Written"), "interview": N_("Interview"), "audio": N_("Audio recording"),
           "video": N_("Video recording")}
ROLES = {"interviewer": N_("Interviewer"), "translator": N_("Translator"), "transcriber": N_("Transcriber"),
         "editor": N_("Editor")}
PLACE_TYPES = {"country": N_("Country"), "governorate": N_("Governorate"), "district": N_("District"),
               "subdistrict": N_("Subdistrict"), "city": N_("City"), "town": N_("Town"), "village": N_("Village"),
               "camp": N_("Camp"), "site": N_("Site")}
LANGUAGE_SELF_NAMES = {"en": "English", "ar": "العربية"}  # the switch names each language in itself


def page_language() -> str:
    """The interface language of this page (the `lang` of <html>)."""
    return current_language()


def lang_attrs(language: str | None = None, text: str | None = None, always: bool = False) -> Markup:
    """` lang=".." dir=".."` for text in another language than the page's.

    Arabic is detected when the language is unsaid; other text unsaid is taken to be in the
    collection's default language (names, titles of the collection), which an Arabic page marks.
    A language said for a text written in the other script (an English summary of an Arabic
    testimony) gives way to what the text is.
    """
    written = text_language(text or "") or (DEFAULT_LANGUAGE if any(c.isalpha() for c in text or "") else None)
    if language is None or (written is not None and direction(written) != direction(language)):
        language = written  # no language said, or the text's script plainly says another one
    if not language or (language == page_language() and not always):
        return Markup("")
    return Markup(' lang="%s" dir="%s"') % (language, direction(language))


def static_url(filename: str) -> str:
    """A static file's URL with a content hash, so it can be cached for a year."""
    version = current_app.extensions["archive_assets"].get(filename, "")
    return url_for("static", filename=filename, v=version)


def _date_part(text: str) -> Markup:
    """One date (docs/format.md) ('2018', '2018-09', '2018-09-12') in words, in a <time> element."""
    parts = [int(p) for p in text.split("-")]
    if len(parts) == 1:
        words = str(parts[0])
    elif len(parts) == 2:
        words = format_month(parts[0], parts[1])
    else:
        words = format_day(dt.date(parts[0], parts[1], parts[2]))
    return Markup('<time datetime="%s">%s</time>') % (text, words)


def date_text(date: DateRange | Mapping[str, str] | dt.date | str | None) -> Markup:
    """A date (docs/format.md) in the reader's words ('September 2018', 'أيلول 2018'), ranges joined by a dash."""
    if date is None or date == "":
        return Markup("")
    if isinstance(date, dt.date):
        date = date.isoformat()
    if not isinstance(date, DateRange):
        try:
            date = parse_date(date["text"] if isinstance(date, Mapping) else date)
        except DateError:
            return escape(str(date))
    return Markup("\u2013").join(_date_part(part) for part in date.text.split("/"))


def place_type_label(kind: str) -> str:
    return _(PLACE_TYPES[kind]) if kind in PLACE_TYPES else kind


def method_label(method: str) -> str:
    return _(METHODS[method]) if method in METHODS else method


def role_label(role: str) -> str:
    return _(ROLES[role]) if role in ROLES else role


def narrator_text(narrator: str | None, identity: str | None = None) -> Markup:
    """The narrator as consent allows; "Anonymous" (decided by archive.consent) in the reader's language."""
    if identity == "anonymous" or (identity is None and narrator == ANONYMOUS):
        return Markup('<span class="narrator">%s</span>') % _("Anonymous")
    return Markup('<span class="narrator"%s>%s</span>') % (lang_attrs(text=narrator or ""), public_text(narrator))


def foreign(text: str | None) -> Markup:
    """A name or a title from the content, in a span that says its language when it is not the page's."""
    return Markup("<span%s>%s</span>") % (lang_attrs(text=text or ""), text or "")


def localise_redactions(html: Markup | str) -> Markup:
    """Our own "[redacted]" mark (added after sanitising, so a text cannot forge it) in the reader's language."""
    html = Markup(html)
    if page_language() == DEFAULT_LANGUAGE or REDACTED_HTML not in html:
        return html
    mark = Markup('<span class="redacted" lang="%s" dir="%s">%s</span>') % (
        page_language(), direction(page_language()), _("[redacted]"))
    return Markup(str(html).replace(REDACTED_HTML, str(mark)))


def public_text(text: str | None) -> Markup:
    return localise_redactions(inline(text))


def snippet(text: str) -> Markup:
    return localise_redactions(clean_snippet(text))


def filter_label(item: Mapping[str, str]) -> str:
    """A search filter's label in the reader's language (names from the vocabularies, language names)."""
    name, value = item["name"], item["value"]
    if name in ("place", "theme"):
        return vocabulary_name(name, value)
    if name == "language":
        return _("Language: %(value)s", value=language_name(value))
    return item["label"]


def number(value: int | float) -> str:
    return format_number(value)


def collection_texts(info: CollectionInfo, language: str, content_lang: str) -> dict[str, Localised]:
    """The collection's title, description and publisher in the reader's language where collection.yaml
    gives one (`titles`, `descriptions`, `publishers`), else as written in the default language."""
    return {"site_title": localised(info.titles, info.title, language, content_lang),
            "site_description": localised(info.descriptions, info.description, language, content_lang),
            "site_publisher": localised(info.publishers, info.publisher, language, content_lang)}


def _context() -> dict[str, Any]:
    language = page_language()
    other = next(code for code in LANGUAGES if code != language)
    info = site().info
    content_lang = info.languages[0] if info.languages else DEFAULT_LANGUAGE
    return {"info": info, "page_lang": language, "error_page": False, "page_dir": direction(language),
            "other_lang": other, "other_lang_name": LANGUAGE_SELF_NAMES[other], "content_lang": content_lang,
            **collection_texts(info, language, content_lang)}


def init_app(app: Flask) -> None:
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.globals.update(format_day=format_day, lang_attrs=lang_attrs, static_url=static_url, date_text=date_text,
                                 method_label=method_label, role_label=role_label,
                                 place_type_label=place_type_label, language_name=language_name,
                                 narrator_text=narrator_text, foreign=foreign, filter_label=filter_label,
                                 vocabulary_name=vocabulary_name, switch_url=switch_url, coins=coins_span)
    app.jinja_env.filters.update(message=shown, bdi=isolate, public_text=public_text, snippet=snippet, e_=escape, number=number,
                                 redactions=localise_redactions)
    app.context_processor(_context)
