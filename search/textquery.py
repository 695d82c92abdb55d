"""The `q` parameter as a Whoosh query: words, "phrases", AND / OR / NOT, public fields, bomb*.

Users type anything. What reaches Whoosh's parser has balanced quotes, no field
but the public ones (renamed to the index's), no wildcard but a trailing `*`
after three letters, and shallow parentheses; anything else is a `QueryError`
with a sentence, never an exception from deep inside the engine. A phrase of
one to four words that names a place in the gazetteer also finds the
testimonies about that place (and, through the ancestor-expanded field, the
places inside it), however the text spells it.
"""

from __future__ import annotations

import re
from itertools import islice
from typing import Any, Callable

from whoosh import query as wq
from whoosh.qparser import MultifieldParser, plugins, syntax

from archive.text import fold, is_arabic
from archive.vocabulary import Gazetteer, Themes

from .analysis import analyze
from .phrases import ExactPhrase
from .query import QueryError
from .schema import FIELD_BOOSTS, TEXT_FIELDS, USER_FIELDS, public_schema
from .understanding import THEME_BOOST, ConceptNode, ThemeNames, Understood, date_of, date_query

__all__ = ["QueryCompiler", "prepare", "check_expansion"]

MAX_DEPTH = 8
MAX_WORDS = 64
MAX_SLOP = 20
MAX_EXPANSION = 512
MAX_RUN = 5  # the most words a place, theme or date name may have
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


_PROCLITICS = ("و", "ف")
_PREPOSITIONS = ("ب", "ل", "ك")


def _arabic_variants(word: str) -> list[str]:
    """The word without a leading conjunction, preposition and article, in every combination."""
    variants = [fold(word)]
    for strip in (_PROCLITICS, _PREPOSITIONS, ("ال",)):
        for variant in list(variants):
            for clitic in strip:
                if variant.startswith(clitic) and len(variant) - len(clitic) >= 3:
                    variants.append(variant[len(clitic):])
    return variants


def _word(text: str, field: str, first: Any, last: Any) -> Any:
    """A word node searching one field, placed where the nodes it stands for were."""
    node = syntax.WordNode(text)
    node.set_fieldname(field)
    node.startchar = getattr(first, "startchar", 0)
    node.endchar = getattr(last, "endchar", node.startchar)
    return node


class _VocabularyPlugin(plugins.Plugin):
    """Parser filter: vocabulary fields get ids, and place names in the text also search `places`."""

    def __init__(self, places: Gazetteer, themes: Themes):
        self.places, self.themes = places, themes
        self.theme_names = ThemeNames(themes)
        self.understood: list[Understood] = []  # what the last parse recognised

    def filters(self, parser: Any) -> list[tuple[Callable[..., Any], int]]:
        return [(self.apply, 105)]  # after field names are applied (100), before multifield (110)

    def place_of(self, words: list[str]) -> str | None:
        """The id of the place these words name, if any (Arabic also without proclitics)."""
        name = " ".join(words)
        if len(fold(name).replace(" ", "")) < 3:
            return None
        if not is_arabic(words[0]):
            return self.places.resolve(name)
        for first in _arabic_variants(words[0]):
            found = self.places.resolve(" ".join([first, *words[1:]]))
            if found:
                return found
        return None

    def apply(self, parser: Any, group: Any) -> Any:
        nodes = list(group)
        for k, node in enumerate(nodes):
            if isinstance(node, syntax.GroupNode):
                nodes[k] = self.apply(parser, node)
            elif node.has_fieldname and node.fieldname in ("places", "themes", "years", "language"):
                nodes[k] = self._vocabulary_term(node)
        nodes = [n for n in nodes if not self._stop_word(n)]
        result = group.empty_copy()
        i = 0
        while i < len(nodes):
            run = self._word_run(nodes, i)
            found = None
            for size in range(min(MAX_RUN, len(run)), 0, -1):
                found = self._concept([nodes[j] for j in run[:size]])
                if found:
                    break
            if found is None:
                result.append(nodes[i])
                i += 1
                continue
            matched = [nodes[j] for j in run[:size]]
            text = matched[0] if len(matched) == 1 else syntax.AndGroup(matched)
            result.append(syntax.OrGroup([text, found]))
            i = run[size - 1] + 1
        return result

    def _concept(self, matched: list[Any]) -> Any:
        """The node of the place, theme or date these words name (a phrase: only a place), or None."""
        words = [w for node in matched for w in node.text.split()]
        if not words:
            return None
        place = self.place_of(words)
        phrase = isinstance(matched[0], plugins.PhrasePlugin.PhraseNode)
        understood = None
        if place:
            node = _word(place, "places", matched[0], matched[-1])
            understood = Understood("place", place, " ".join(words))
        elif phrase:
            return None
        elif theme := self.theme_names.theme_of(words):
            node = _word(theme, "themes", matched[0], matched[-1])
            node.set_boost(THEME_BOOST)
            understood = Understood("theme", theme, " ".join(words))
        elif date := date_of(words):
            node = ConceptNode(date_query(date[1], date[2]), matched[0], matched[-1])
            understood = Understood("date", date[0], " ".join(words))
        else:
            return None
        if understood not in self.understood:
            self.understood.append(understood)
        return node

    @staticmethod
    def _stop_word(node: Any) -> bool:
        """A plain word that the text fields ignore (a stop word, a symbol): it must not be required
        of the name fields either, or "bombs and market" would look for a narrator called "and"."""
        return (isinstance(node, syntax.WordNode) and node.fieldname is None
                and type(node) is syntax.WordNode and not analyze(node.text))

    @staticmethod
    def _word_run(nodes: list[Any], start: int) -> list[int]:
        """Indexes of consecutive unfielded words (or one phrase) from `start`, skipping spaces."""
        run, i = [], start
        while i < len(nodes) and len(run) < MAX_RUN:
            node = nodes[i]
            if isinstance(node, plugins.PhrasePlugin.PhraseNode) and node.fieldname is None and not run:
                return [i] if node.text.split() else []
            if isinstance(node, syntax.WordNode) and node.fieldname is None:
                run.append(i)
            elif not isinstance(node, syntax.Whitespace) or not run:
                break
            i += 1
        return run

    def _vocabulary_term(self, node: Any) -> Any:
        text = getattr(node, "text", "")
        field = node.fieldname
        if field == "places":
            found = self.place_of(text.split())
            what = "place"
        elif field == "themes":
            found = self.themes.resolve(text)
            what = "theme"
        elif field == "years":
            found = text if re.fullmatch(r"\d{4}", text) else None
            what = "year"
        else:
            found = text.lower() if re.fullmatch(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*", text) else None
            what = "language"
        if found is None:
            raise QueryError.coded("q", f"query.unknown-{what}", value=text)
        return _word(found, field, node, node)  # one id, even when it was written as a "phrase"


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
        self._vocabulary = _VocabularyPlugin(places, themes)
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
        return parsed
