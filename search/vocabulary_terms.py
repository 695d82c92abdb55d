"""Words of the query that name the vocabulary: a place, a theme or a date, however it is spelt.

`VocabularyPlugin` is a filter of Whoosh's query parser (search.textquery): vocabulary fields
get ids, and a run of one to five words that names a place, a theme or a date also searches
the place (with the places inside it), the theme or the date. What it recognised is kept in
`understood` for the page to say.
"""

from __future__ import annotations

import re
from typing import Any, Callable

from whoosh.qparser import plugins, syntax

from archive.text import fold, is_arabic
from archive.vocabulary import Gazetteer, Themes

from .analysis import analyze
from .query import QueryError
from .understanding import THEME_BOOST, ConceptNode, ThemeNames, Understood, date_of, date_query

__all__ = ["VocabularyPlugin", "MAX_RUN"]

MAX_RUN = 5  # the most words a place, theme or date name may have
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


class VocabularyPlugin(plugins.Plugin):
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
