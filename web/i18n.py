"""Translatable interface strings: every string a person reads passes through `gettext`.

For now the functions are the identity (English); the Arabic interface replaces them
with Flask-Babel's, so templates and views need no change.
"""

from __future__ import annotations

from typing import Any

from flask import Flask

__all__ = ["gettext", "ngettext", "_", "N_", "init_app"]


def gettext(message: str, **variables: Any) -> str:
    """The message in the reader's language, with %(name)s variables filled in."""
    return message % variables if variables else message


def ngettext(singular: str, plural: str, num: int, **variables: Any) -> str:
    """The singular or plural message for `num`, with %(num)s and other variables filled in."""
    variables.setdefault("num", num)
    return (singular if num == 1 else plural) % variables


_ = gettext


def N_(message: str) -> str:
    """Marks a string for translation where it is defined; `gettext` translates it where it is shown."""
    return message


def init_app(app: Flask) -> None:
    """Give templates `_()`, `gettext()` and `ngettext()` (Jinja's i18n extension, new style)."""
    app.jinja_env.add_extension("jinja2.ext.i18n")
    app.jinja_env.install_gettext_callables(gettext, ngettext, newstyle=True)  # type: ignore[attr-defined]
