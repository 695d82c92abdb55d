"""Errors by code (archive/messages.py) in the reader's language: plain text for the API, marked up for pages.

The template of a `Message` is translated through the Babel catalogues (web/translations), then
filled with its parameters. On a page each parameter is what somebody typed or a name from the
files, so it is wrapped in `<bdi>` (with `lang="ar"` when it is Arabic): a right-to-left sentence
never scrambles a left-to-right value, nor the other way round.
"""

from __future__ import annotations

from typing import Any

from flask_babel import get_translations
from markupsafe import Markup, escape

from archive.messages import Message, english, render
from archive.text import script_language

from .i18n import DEFAULT_LANGUAGE, current_language, format_number

__all__ = ["message_text", "message_html", "shown", "isolate"]


def _translate(template: str) -> str:
    return str(get_translations().ugettext(template))


def _plain(name: str, value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        return format_number(value)
    return str(value)


def _marked(name: str, value: Any) -> Markup:
    text = _plain(name, value)
    if isinstance(value, int) and not isinstance(value, bool):
        return Markup("<bdi>%s</bdi>") % text
    lang = ' lang="ar"' if script_language(text) == "ar" else ""
    return Markup("<bdi%s>%s</bdi>") % (Markup(lang), text)


def isolate(value: Any) -> Markup:
    """A Jinja filter: a value someone typed, in `<bdi>` (with `lang="ar"` when it is Arabic)."""
    return _marked("", "" if value is None else value)


def message_text(message: Message) -> str:
    """The message as a sentence in the reader's language (the English one for English readers)."""
    if current_language() == DEFAULT_LANGUAGE:
        return english(message)
    return str(render(message, _translate, _plain))


def message_html(message: Message) -> Markup:
    """The message for a page: translated, every value escaped and wrapped in `<bdi>`."""
    return Markup(render(message, lambda template: Markup(escape(_translate(template))), _marked))


def shown(value: Any) -> Markup:
    """A Jinja filter: a `Message` as `message_html`, anything else (an already translated sentence) escaped."""
    if isinstance(value, Message):
        return message_html(value)
    return Markup(escape(value))
