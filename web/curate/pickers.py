"""The place and theme pickers of the testimony form: a `<datalist>` of every entry, by any of its names.

A browser offers the list as the curator types (matching what is typed against the option's
value and its label); without one, the inputs are plain text boxes, and any id, name, alias or
Arabic name typed still resolves when the form is checked. An option reads
"Kafr Nabl — كفرنبل (town, Idlib Governorate)"; its value is the name in the reader's language.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..i18n import N_, gettext as _
from ..present import local_name

__all__ = ["Option", "place_options", "theme_options"]

PLACE_TYPES = {"country": N_("country"), "governorate": N_("governorate"), "district": N_("district"),
               "subdistrict": N_("subdistrict"), "city": N_("city"), "town": N_("town"), "village": N_("village"),
               "camp": N_("camp"), "site": N_("site")}


@dataclass(frozen=True)
class Option:
    value: str
    label: str


def _both(default: str, translated: Any) -> str:
    arabic = (translated or {}).get("ar")
    return f"{default} — {arabic}" if arabic and arabic != default else default


def place_options(places: Any) -> list[Option]:
    """Every place: its name in the reader's language, labelled with both names, its kind and governorate."""
    options = []
    for place in places:
        where = [places[a] for a in places.ancestors(place.id) if places[a].type == "governorate"]
        kind = _(PLACE_TYPES[place.type]) if place.type in PLACE_TYPES else place.type
        detail = ", ".join([kind, *(local_name(p.name, p.names) for p in where[:1])])
        options.append(Option(local_name(place.name, place.names), f"{_both(place.name, place.names)} ({detail})"))
    return sorted(options, key=lambda o: o.value)


def theme_options(themes: Any) -> list[Option]:
    """Every theme: its label in the reader's language, labelled with both labels and its broader theme."""
    options = []
    for theme in themes:
        broader = themes.get(theme.broader) if theme.broader else None
        suffix = f" ({local_name(broader.label, broader.labels)})" if broader else ""
        options.append(Option(local_name(theme.label, theme.labels), _both(theme.label, theme.labels) + suffix))
    return sorted(options, key=lambda o: o.value)
