"""The one language fallback: a text in the reader's language where one is given, else the default one.

Places (`names`), themes (`labels`) and the collection (`titles`, `descriptions`, `publishers`)
give texts per language beside the text written in the collection's default language. Every
page, feed, export and picker asks `in_language` (or `localised`, which also says which language
the text it returns is in, for a `lang` attribute); none writes its own `.get(lang) or default`.
"""

from __future__ import annotations

from typing import Mapping, NamedTuple, TypeVar

__all__ = ["Localised", "localised", "in_language"]

T = TypeVar("T", str, str | None)


class Localised(NamedTuple):
    """A text and the language it is in."""

    text: str | None
    lang: str


def localised(variants: Mapping[str, str], default: str | None, language: str | None,
              default_language: str = "") -> Localised:
    """The text in `language` when `variants` gives a non-empty one, else `default` in `default_language`."""
    text = variants.get(language or "")
    return Localised(text, language or "") if text else Localised(default, default_language)


def in_language(variants: Mapping[str, str], default: T, language: str | None) -> T:
    """The text in `language` when `variants` gives a non-empty one, else `default`."""
    return localised(variants, default, language).text  # type: ignore[return-value]
