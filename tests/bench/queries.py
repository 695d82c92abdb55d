"""A fixed, seeded mix of searches, each as a reader types it and as an FTS5 MATCH expression.

The same `BenchQuery` list drives our engine (`params()`, what `/api/search` receives) and
the FTS5 reference (`match` plus the same place/theme/language filters), so a load test
can replay it over HTTP too.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

import yaml

from . import words as w
from .synth import SOURCE_VOCABULARY

__all__ = ["BenchQuery", "query_mix", "MIX"]

# kind -> how many of a mix of 200
MIX = {
    "word": 36, "phrase": 20, "and": 16, "or": 12, "not": 12,
    "place-filter": 16, "place-only": 6, "theme-filter": 14, "theme-only": 6,
    "arabic": 16, "arabic-vowelled": 16, "alias": 12, "arabic-place": 6, "language-filter": 12,
}


@dataclass(frozen=True)
class BenchQuery:
    """One search: `q` for us, `match` for FTS5 (None: filters only), and the filters both apply."""

    kind: str
    q: str = ""
    match: str | None = None
    place: str | None = None
    theme: str | None = None
    language: str | None = None

    def params(self) -> dict[str, str]:
        """The request parameters, as the web and `parse_query` take them."""
        found = {"q": self.q, "place": self.place, "theme": self.theme, "language": self.language}
        return {k: v for k, v in found.items() if v}


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def query_mix(seed: int = 7, count: int = 200, vocab_source: Path = SOURCE_VOCABULARY) -> list[BenchQuery]:
    """`count` queries in the proportions of `MIX`, in a fixed shuffled order."""
    rng = random.Random(seed)
    places = yaml.safe_load((vocab_source / "places.yaml").read_text(encoding="utf-8"))
    themes = [t["id"] for t in yaml.safe_load((vocab_source / "themes.yaml").read_text(encoding="utf-8"))]
    governorates = [p["id"] for p in places if p["type"] == "governorate"]
    aliases = [a for p in places if p["type"] in ("city", "town", "village", "camp") for a in p.get("aliases", ())]
    arabic_places = [p["names"]["ar"] for p in places if p["type"] in ("city", "town") and p.get("names")]
    english = [word for words in w.ENGLISH_TOPICS.values() for word in words]
    arabic = [word for words in w.ARABIC_TOPICS.values() for word in words]
    vowelled = list(w.ARABIC_VOWELLED.items())
    phrases = [p for ps in w.ENGLISH_PHRASES.values() for p in ps]

    def one(kind: str) -> BenchQuery:
        a, b = rng.sample(english, 2)
        if kind == "word":
            return BenchQuery(kind, a, a)
        if kind == "phrase":
            phrase = rng.choice(phrases)
            return BenchQuery(kind, f'"{phrase}"', _quoted(phrase))
        if kind in ("and", "or", "not"):
            op = kind.upper()
            return BenchQuery(kind, f"{a} {op} {b}", f"{a} {op} {b}")
        if kind == "place-filter":
            return BenchQuery(kind, a, a, place=rng.choice(governorates))
        if kind == "place-only":
            return BenchQuery(kind, place=rng.choice(governorates))
        if kind == "theme-filter":
            return BenchQuery(kind, a, a, theme=rng.choice(themes))
        if kind == "theme-only":
            return BenchQuery(kind, theme=rng.choice(themes))
        if kind == "arabic":
            word = rng.choice(arabic)
            return BenchQuery(kind, word, _quoted(word))
        if kind == "arabic-vowelled":
            word = rng.choice(vowelled)[1]
            return BenchQuery(kind, word, _quoted(word))
        if kind == "alias":
            alias = rng.choice(aliases)
            return BenchQuery(kind, alias, _quoted(alias))
        if kind == "arabic-place":
            name = rng.choice(arabic_places)
            return BenchQuery(kind, name, _quoted(name))
        if kind == "language-filter":
            if rng.random() < 0.5:
                return BenchQuery(kind, a, a, language="en")
            word = rng.choice(arabic)
            return BenchQuery(kind, word, _quoted(word), language="ar")
        raise ValueError(kind)

    total = sum(MIX.values())
    kinds = [kind for kind, share in MIX.items() for _ in range(round(share * count / total))]
    mix = [one(kind) for kind in kinds]
    rng.shuffle(mix)
    return mix
