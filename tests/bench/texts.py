"""The words of the synthetic testimonies: the vocabularies, per-topic sentence pools, bodies.

Sentences are drawn once per seed into pools (per language and topic); a body is a run
of Markdown paragraphs of pool sentences, naming the testimony's places by any of their
names, with the odd heading, list, bold name and `[[redact: ...]]` passage.
"""

from __future__ import annotations

import bisect
import itertools
import json
import random
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Sequence

import yaml

from . import words as w

__all__ = ["Vocabulary", "vocabulary", "body", "place_name", "date_text", "quoted"]

POOL_SENTENCES = 1200  # per language and topic
TESTIMONY_PLACE_TYPES = ("city", "town", "village", "camp", "site")


class _Weighted:
    """Draw from a list with Zipf weights by rank (the first items are the most frequent)."""

    def __init__(self, items: Sequence[str], exponent: float = 1.0):
        self.items = list(items)
        self.cum = list(itertools.accumulate(1.0 / (rank + 1) ** exponent for rank in range(len(self.items))))

    def draw(self, rng: random.Random) -> str:
        return self.items[bisect.bisect(self.cum, rng.random() * self.cum[-1])]


@dataclass
class Vocabulary:
    """The gazetteer and themes as the generator uses them, and the sentence pools of one seed."""

    by_id: dict[str, dict[str, Any]]
    testimony_places: list[str]  # the places a testimony is about (towns, camps, ...)
    themes: list[str]
    pools: dict[tuple[str, str], list[str]]  # (language, topic) -> sentences, "{place}" still in them
    topics: list[str]

    def governorate_of(self, place_id: str) -> str | None:
        current: str | None = place_id
        while current is not None:
            place = self.by_id[current]
            if place["type"] == "governorate":
                return current
            current = place.get("parent")
        return None


def _arabic_surface(rng: random.Random, word: str) -> str:
    """An Arabic noun as written: sometimes with the article, short vowels, a proclitic و ب ف ل."""
    if not word.startswith("ال") and rng.random() < 0.25:
        word = "ال" + (w.ARABIC_VOWELLED[word] if word in w.ARABIC_VOWELLED and rng.random() < 0.2 else word)
    elif word in w.ARABIC_VOWELLED and rng.random() < 0.3:
        word = w.ARABIC_VOWELLED[word]
    if rng.random() < 0.12:
        word = rng.choice("وبف" if word.startswith("ال") else "وبفل") + word
    return word


def _sentence(rng: random.Random, template: str, common: _Weighted, topic: _Weighted, every: _Weighted,
              phrases: list[str], arabic: bool) -> str:
    out = []
    for part in template.split(" "):
        token = part.rstrip(".")
        if token == "{w}":
            roll = rng.random()
            word = common.draw(rng) if roll < 0.45 else (topic if roll < 0.9 else every).draw(rng)
            if arabic and roll >= 0.45:
                word = _arabic_surface(rng, word)
        elif token == "{p}":
            word = rng.choice(phrases)
        else:
            word = token
        out.append(word + part[len(token):])
    return " ".join(out)


@lru_cache(maxsize=4)
def vocabulary(seed: int, source: Path) -> Vocabulary:
    """The vocabularies of `source` (places.yaml, themes.yaml) and the sentence pools of this seed."""
    places = yaml.safe_load((source / "places.yaml").read_text(encoding="utf-8"))
    themes = [t["id"] for t in yaml.safe_load((source / "themes.yaml").read_text(encoding="utf-8"))]
    rng = random.Random(seed)
    pools: dict[tuple[str, str], list[str]] = {}
    for language, common, topics, phrases, templates in (
            ("en", w.ENGLISH_COMMON, w.ENGLISH_TOPICS, w.ENGLISH_PHRASES, w.ENGLISH_TEMPLATES),
            ("ar", w.ARABIC_COMMON, w.ARABIC_TOPICS, w.ARABIC_PHRASES, w.ARABIC_TEMPLATES)):
        every = _Weighted([word for words in topics.values() for word in words], 0.5)
        frequent = _Weighted(common)
        for topic, topic_words in topics.items():
            drawn = _Weighted(topic_words, 0.8)
            pool = []
            for _ in range(POOL_SENTENCES):
                text = _sentence(rng, rng.choice(templates), frequent, drawn, every, phrases[topic], language == "ar")
                pool.append(text if language == "ar" else text[0].upper() + text[1:])
            pools[(language, topic)] = pool
    return Vocabulary({p["id"]: p for p in places}, [p["id"] for p in places if p["type"] in TESTIMONY_PLACE_TYPES],
                      themes, pools, sorted(w.ENGLISH_TOPICS))


def quoted(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def date_text(rng: random.Random, year: int) -> str:
    """A date (docs/format.md) in that year: YYYY, YYYY-MM, YYYY-MM-DD or an interval of months."""
    month, day = rng.randint(1, 12), rng.randint(1, 28)
    form = rng.random()
    if form < 0.15:
        return f"{year}"
    if form < 0.5:
        return f"{year}-{month:02d}"
    if form < 0.85:
        return f"{year}-{month:02d}-{day:02d}"
    end_year = year + rng.choice((0, 0, 1))
    end_month = rng.randint(month, 12) if end_year == year else rng.randint(1, 12)
    return f"{year}-{month:02d}/{end_year}-{end_month:02d}"


def place_name(rng: random.Random, place: dict[str, Any], language: str) -> str:
    """A place as a text in that language names it: an Arabic name (sometimes with a proclitic), else the
    name or one of its aliases."""
    if language == "ar" and place.get("names", {}).get("ar"):
        name = place["names"]["ar"]
        return rng.choice(("ب", "و", "")) + name if rng.random() < 0.3 else name
    aliases = place.get("aliases") or []
    return rng.choice(aliases) if aliases and rng.random() < 0.4 else place["name"]


def body(rng: random.Random, vocab: Vocabulary, size: int, language: str, topics: list[str],
         place_names: list[str], hidden: list[str]) -> str:
    """About `size` UTF-8 bytes of Markdown paragraphs; each of `hidden` only ever inside [[redact: ...]]."""
    paragraphs: list[str] = []
    written = 0
    redactions = rng.randint(1, 2) if hidden else 0
    while written < size:
        sentences = []
        for _ in range(rng.randint(3, 8)):
            text = rng.choice(vocab.pools[(language, rng.choice(topics))])
            if "{place}" in text:
                text = text.replace("{place}", rng.choice(place_names))
            sentences.append(text)
        roll = rng.random()
        if redactions and rng.random() < 0.3:
            sentences.insert(rng.randrange(len(sentences) + 1), f"[[redact: {rng.choice(hidden)}]]")
            redactions -= 1
            roll = 1.0  # a plain paragraph, so the passage is kept whole
        paragraph = " ".join(sentences)
        if roll < 0.04:
            paragraph = "## " + sentences[0].rstrip(".")
        elif roll < 0.08:
            paragraph = "\n".join(f"- {s}" for s in sentences[:4])
        elif roll < 0.2 and language == "en":
            name = rng.choice(place_names)
            paragraph = paragraph.replace(name, f"**{name}**", 1)
        paragraphs.append(paragraph)
        written += len(paragraph.encode("utf-8")) + 2
    if redactions:
        paragraphs.append(f"[[redact: {hidden[0]}]]")
    return "\n\n".join(paragraphs) + "\n"
