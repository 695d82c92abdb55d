"""The `q` parameter as a Whoosh query: words, "phrases", AND / OR / NOT, public fields, bomb*.

Users type anything. What reaches Whoosh's parser has balanced quotes, no field
but the public ones (renamed to the index's), no wildcard but a trailing `*`
after three letters, and shallow parentheses; anything else is a `QueryError`
with a sentence, never an exception from deep inside the engine. A phrase of
one to four words that names a place in the gazetteer also finds the
testimonies about that place (and, through the ancestor-expanded field, the
places inside it), however the text spells it (search.vocabulary_terms).
"""

from __future__ import annotations

import re
from itertools import islice
from typing import Any, Callable

from whoosh import query as wq
from whoosh.qparser import MultifieldParser, plugins, syntax

from archive.vocabulary import Gazetteer, Themes

from .excluding import excluding
from .phrases import ExactPhrase
from .query import QueryError
from .schema import FIELD_BOOSTS, TEXT_FIELDS, USER_FIELDS, public_schema
from .understanding import Understood
from .vocabulary_terms import VocabularyPlugin

__all__ = ["QueryCompiler", "prepare", "check_expansion"]

MAX_DEPTH = 8
MAX_WORDS = 64
MAX_SLOP = 20
MAX_EXPANSION = 512
_QUOTES = str.maketrans({"\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"', "\u00bb": '"'})
_QUESTION_MARKS = re.compile("[?\u055e\u061f\u1367\uff1f]")
_QUOTED = re.compile(r'"[^"]*"(?:~\d+)?')
_FIELD = re.compile(r"(\w+):")
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_STAR_WORD = re.compile(r"[^\s()\"]*\*[^\s()\"]*")
_PREFIX = re.compile(r"(?:\w+:)?[^\W\d_]{3}\w*\*")
_SLOP = re.compile(r'"~(\d+)')
_OPERATOR_SYNTAX = re.compile(r'\b(?:AND|OR|NOT|ANDNOT|ANDMAYBE)\b|[()"]')
_ALLOWED = ", ".join(f"{name}:" for name in USER_FIELDS)


def _unquoted(text: str, fix: Callable[[str], str]) -> str:
    """Apply `fix` to the parts of the text outside "quoted phrases"."""
    parts, last = [], 0
    for match in _QUOTED.finditer(text):
        parts += [fix(text[last:match.start()]), match.group()]
        last = match.end()
    return "".join(parts + [fix(text[last:])])


def _fields(text: str) -> str:
    def field(match: re.Match[str]) -> str:
        name = match.group(1)
        if name.lower() in USER_FIELDS:
            return USER_FIELDS[name.lower()] + ":"
        if text.startswith("//", match.end()) or not _IDENTIFIER.fullmatch(name):
            return name + " "  # a web address or a word before a colon: not a field
        raise QueryError.coded("q", "query.field", value=name, fields=_ALLOWED)
    return _FIELD.sub(field, text)


def _wildcards(text: str) -> str:
    for word in _STAR_WORD.findall(text):
        if not _PREFIX.fullmatch(word):
            raise QueryError.coded("q", "query.wildcard", value=word)
    return text


_BINARY = r"(?:AND|OR|ANDNOT|ANDMAYBE)"
_DANGLING = re.compile(rf"^\s*{_BINARY}\b|\b(?:{_BINARY}|NOT)\s*$|(?<=\()\s*{_BINARY}\b|\b(?:{_BINARY}|NOT)\s*(?=\))"
                       rf"|\b{_BINARY}\s+(?={_BINARY}\b)")


def _operators(text: str) -> str:
    """Without operators that have nothing to join: at either end, inside brackets, or doubled."""
    while True:
        cleaned = _DANGLING.sub(" ", text)
        if cleaned == text:
            return text
        text = cleaned


def prepare(q: str) -> str:
    """The query text made safe for the parser, or a `QueryError` that says what to change."""
    text = _QUESTION_MARKS.sub(" ", q.translate(_QUOTES))
    if text.count('"') % 2:
        cut = text.rindex('"')
        text = text[:cut] + " " + text[cut + 1:]
    text = _SLOP.sub(lambda m: f'"~{min(int(m.group(1)), MAX_SLOP)}', text)
    text = _unquoted(text, lambda part: _operators(_wildcards(_fields(part))))
    depth = deepest = 0
    for char in _unquoted(text, lambda part: part):
        if char == "(":
            depth += 1
            deepest = max(deepest, depth)
        elif char == ")":
            depth = max(0, depth - 1)
    if deepest > MAX_DEPTH:
        raise QueryError.coded("q", "query.depth", count=MAX_DEPTH)
    if len(text.split()) > MAX_WORDS:
        raise QueryError.coded("q", "query.words", count=MAX_WORDS)
    return text


def check_expansion(query: wq.Query, reader: Any, limit: int = MAX_EXPANSION) -> None:
    """Refuse a prefix that stands for too many words (bounded time, as with `*a*` refused outright)."""
    for leaf in query.leaves() if not query.is_leaf() else [query]:
        if isinstance(leaf, wq.Prefix):
            count = sum(1 for _ in islice(reader.expand_prefix(leaf.fieldname, leaf.text), limit + 1))
            if count > limit:
                raise QueryError.coded("q", "query.expands", value=leaf.text, count=limit)


class QueryCompiler:
    """Turns `q` into a Whoosh query over the public fields; built once per index generation."""

    def __init__(self, places: Gazetteer, themes: Themes):
        self.parser = MultifieldParser(list(TEXT_FIELDS), public_schema(), fieldboosts=dict(FIELD_BOOSTS),
                                       group=syntax.AndGroup, phraseclass=ExactPhrase)
        for unsafe in (plugins.SingleQuotePlugin, plugins.RangePlugin, plugins.BoostPlugin, plugins.EveryPlugin):
            self.parser.remove_plugin_class(unsafe)
        self._vocabulary = VocabularyPlugin(places, themes)
        self.parser.add_plugin(self._vocabulary)

    @property
    def places(self) -> Gazetteer:
        return self._vocabulary.places

    @property
    def themes(self) -> Themes:
        return self._vocabulary.themes

    def understood(self) -> tuple[Understood, ...]:
        """The themes, places and dates that the last `compile` recognised in the words."""
        return tuple(self._vocabulary.understood)

    def compile(self, q: str) -> wq.Query | None:
        """The query for `q`, or None when it has nothing searchable (only stop words or symbols)."""
        text = prepare(q)
        self._vocabulary.understood = []
        try:
            parsed = self.parser.parse(text).normalize()
        except QueryError:
            raise
        except Exception:  # Whoosh's parser trips on some operator tangles ("NOT NOT x"): read them as words
            try:
                parsed = self.parser.parse(_OPERATOR_SYNTAX.sub(" ", text)).normalize()
            except QueryError:
                raise
            except Exception:
                raise QueryError.coded("q", "query.syntax") from None
        if parsed is wq.NullQuery or isinstance(parsed, type(wq.NullQuery)):
            return None
        return excluding(parsed)  # Whoosh's own ANDNOT can keep an excluded document (search.excluding)
