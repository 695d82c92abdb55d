"""Interface languages (English and Arabic): every string a person reads passes through `gettext`.

The language of a response is chosen, in this order, by `?lang=` in its URL (which also
sets the `lang` cookie for a year), the `lang` cookie, the browser's Accept-Language,
and English. The messages live in web/translations/<language>/LC_MESSAGES/messages.po,
compiled to messages.mo (`make translations`). Numbers and dates are formatted by
Babel for the interface's locale.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import quote, urlencode

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_decimal
from flask import Flask, Response, has_request_context, request
from flask_babel import Babel, get_locale, get_translations
from flask_babel import gettext as _babel_gettext
from flask_babel import lazy_gettext as _babel_lazy_gettext

__all__ = ["gettext", "ngettext", "_", "N_", "lazy_gettext", "init_app", "LANGUAGES", "DEFAULT_LANGUAGE",
           "COOKIE", "current_language", "format_number", "format_day", "format_month", "language_name",
           "switch_url"]

LANGUAGES = ("en", "ar")
DEFAULT_LANGUAGE = "en"
COOKIE = "lang"
COOKIE_SECONDS = 365 * 24 * 3600
# The locale dates are written in: Syrian readers name the months as in the Levant (أيلول, not سبتمبر).
DATE_LOCALES = {"ar": "ar_SY"}


def gettext(message: str, **variables: Any) -> str:
    """The message in the reader's language, with %(name)s variables filled in."""
    return _babel_gettext(message, **variables)


def ngettext(singular: str, plural: str, num: int, **variables: Any) -> str:
    """The plural form of the message for `num` in the reader's language; %(num)s is `num` formatted for it."""
    variables.setdefault("num", format_number(num))
    return get_translations().ungettext(singular, plural, num) % variables


_ = gettext


def lazy_gettext(message: str, **variables: Any) -> Any:
    """A message translated only when it is shown (for strings defined when a module loads)."""
    return _babel_lazy_gettext(message, **variables)


def N_(message: str) -> str:
    """Marks a string for translation where it is defined; `gettext` translates it where it is shown."""
    return message


def current_language() -> str:
    """The interface language of this request ('en' or 'ar'); English outside a request."""
    locale = get_locale() if has_request_context() else None
    return locale.language if locale is not None and locale.language in LANGUAGES else DEFAULT_LANGUAGE


def choose_language() -> str:
    """`?lang=`, else the cookie, else the best of Accept-Language, else English (outside a request too)."""
    if not has_request_context():
        return DEFAULT_LANGUAGE
    asked = request.args.get("lang")
    if asked in LANGUAGES:
        return asked  # type: ignore[return-value]
    kept = request.cookies.get(COOKIE)
    if kept in LANGUAGES:
        return kept  # type: ignore[return-value]
    return request.accept_languages.best_match(LANGUAGES, default=DEFAULT_LANGUAGE) or DEFAULT_LANGUAGE


def format_number(number: int | float) -> str:
    """A number as the reader's locale writes it (grouping, digits)."""
    return format_decimal(number, locale=current_language())


def format_day(day: dt.date) -> str:
    """'12 September 2018', or '12 أيلول 2018'."""
    return format_date(day, "d MMMM y", locale=_date_locale())


def format_month(year: int, month: int) -> str:
    """'September 2018', or 'أيلول 2018'."""
    return format_date(dt.date(year, month, 1), "MMMM y", locale=_date_locale())


def _date_locale() -> str:
    language = current_language()
    return DATE_LOCALES.get(language, language)


def language_name(code: str | None) -> str:
    """A language's name in the reader's language ('Arabic', 'العربية'); the code when Babel has no name."""
    if not code:
        return ""
    try:
        names = Locale.parse(current_language()).languages
    except (ValueError, TypeError):  # pragma: no cover - the interface locales always parse
        return code
    return names.get(code) or names.get(code.split("-")[0].lower()) or code


def switch_url(language: str, relative: bool = False) -> str:
    """The current URL (path and query) with `lang` set to `language`: the language switch's link.

    `relative` leaves the path out ("?lang=ar" resolves to the same path): an error page must
    be the same bytes whatever address was asked for, so a hidden id reads as an unknown one.
    """
    args = request.args.copy()
    args.setlist("lang", [language])
    query = "?" + urlencode(list(args.items(multi=True)))
    if relative:
        return query
    return quote(request.script_root + request.path, safe="/:@!$&'()*+,;=-._~") + query


def _remember(response: Response) -> Response:
    """Keep a chosen `?lang=` in the cookie; tell caches that the language depends on these headers."""
    if request.endpoint == "static":
        return response
    asked = request.args.get("lang")
    if asked in LANGUAGES and request.cookies.get(COOKIE) != asked:
        response.set_cookie(COOKIE, asked, max_age=COOKIE_SECONDS, path="/", samesite="Lax",
                            secure=request.is_secure)
    response.vary.add("Cookie")
    response.vary.add("Accept-Language")
    return response


def init_app(app: Flask) -> None:
    """Flask-Babel with our language choice; templates get `_()`, `gettext()` and `ngettext()` (new style)."""
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LANGUAGE)
    Babel(app, configure_jinja=False, locale_selector=choose_language,
          default_translation_directories="translations")
    app.jinja_env.add_extension("jinja2.ext.i18n")
    app.jinja_env.install_gettext_callables(gettext, _template_ngettext, newstyle=True)  # type: ignore[attr-defined]
    app.after_request(_remember)


def _template_ngettext(singular: str, plural: str, num: int) -> str:
    """Jinja's new-style ngettext fills variables itself; %(num)s is filled here, formatted for the locale."""
    text = get_translations().ungettext(singular, plural, num)
    return text.replace("%(num)s", format_number(num).replace("%", "%%")).replace("%(num)d", format_number(num))
