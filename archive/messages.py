"""Every error the archive reports, by stable code: the one registry of codes and their English sentences.

An error carries a `Message` (a code and its parameters) beside its English sentence. The CLI
prints the English; the web translates the template by code through its Babel catalogues
(web/translations) and fills in the parameters, so no layer ever parses a sentence.
Templates use `%(name)s`; a parameter may itself be a `Message` (a reason inside a reason).
Add a code here, run `make translations`, and translate it: a test proves every code has Arabic.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

__all__ = ["MESSAGES", "Message", "english", "render"]


def N_(text: str) -> str:
    """Marks a template for `make translations` (pybabel's N_ keyword); returns it unchanged."""
    return text


MESSAGES: dict[str, str] = {
    # dates (archive/dates.py)
    "date.form": N_("'%(text)s' is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD"),
    "date.year-zero": N_("'%(text)s' has no year 0"),
    "date.month": N_("'%(text)s' has no month %(month)s"),
    "date.calendar": N_("'%(text)s' is not a real calendar date"),
    "date.not-date": N_("'%(text)s' is not a date"),
    "date.time": N_("'%(text)s' has a time; write only the date"),
    "date.kind": N_("%(kind)s is not a date"),
    "date.slashes": N_("'%(text)s' has more than one '/'; an interval is START/END"),
    "date.order": N_("the interval '%(text)s' ends before it starts"),
    # search parameters (search/query.py, search/searcher.py, search/textquery.py, web/searching.py)
    "query.number": N_("%(name)s must be a whole number from %(low)s to %(high)s, not '%(value)s'."),
    "query.date": N_("%(name)s: %(reason)s."),
    "query.repeated": N_("%(name)s may be given at most %(count)s times."),
    "query.vocabulary": N_("%(name)s must name a %(name)s (an id from the vocabulary)."),
    "query.too-long": N_("The query q is %(length)s characters long; the limit is %(limit)s."),
    "query.language": N_("language must be a language code such as en or ar, not '%(value)s'."),
    "query.sort": N_("sort must be one of relevance, date or -date, not '%(value)s'."),
    "query.sort-public": N_("sort must be one of relevance, date or -date."),
    "query.order": N_("to (%(to)s) is before from (%(from)s)."),
    "query.correct": N_("correct must be 0 or 1, not '%(value)s'."),
    "query.state-public": N_("state: only the curator index knows consent states."),
    "query.state": N_("state must be one of %(states)s, not '%(value)s'."),
    "query.place": N_("place: no place in the gazetteer has the id or name '%(value)s'."),
    "query.theme": N_("theme: no theme has the id or label '%(value)s'."),
    "query.field": N_("'%(value)s:' is not a field you can search; the fields are %(fields)s."),
    "query.wildcard": N_("'%(value)s' cannot be searched: a * may only end a word of at least three letters, "
                         "as in bomb*."),
    "query.depth": N_("The query nests parentheses more than %(count)s deep; simplify it."),
    "query.words": N_("The query has more than %(count)s words; shorten it."),
    "query.unknown-place": N_("'%(value)s' is not a place the archive knows; check the spelling."),
    "query.unknown-theme": N_("'%(value)s' is not a theme the archive knows; check the spelling."),
    "query.unknown-year": N_("'%(value)s' is not a year (four digits) the archive knows; check the spelling."),
    "query.unknown-language": N_("'%(value)s' is not a language code the archive knows; check the spelling."),
    "query.expands": N_("'%(value)s*' stands for more than %(count)s words; type more letters."),
    "query.syntax": N_("The query could not be understood; leave out the operators and punctuation and try again."),
    "query.once": N_("The parameter %(name)s may be given only once."),
    # reading files (archive/yamlfile.py, archive/loader.py)
    "file.unreadable": N_("cannot be read: %(reason)s"),
    "file.not-utf8": N_("is not UTF-8 text (byte 0x%(byte)s); save it as UTF-8"),
    "file.missing": N_("is missing: every collection needs a %(name)s (see docs/format.md)"),
    "file.unclosed": N_("front matter is not closed: end the fields with a '---' line before the account"),
    "file.no-front-matter": N_("has no front matter: the file must begin with a '---' line, then the YAML fields, "
                               "then another '---' line"),
    "file.front-matter-empty": N_("front matter is empty: write one 'field: value' per line"),
    "file.front-matter-kind": N_("front matter is a %(kind)s, not a mapping: write one 'field: value' per line"),
    "yaml.too-deep": N_("YAML nested more than %(depth)s levels deep, or aliases (*name) that expand past "
                        "%(nodes)s values or into themselves; write the values out plainly"),
    "yaml.syntax": N_("YAML syntax error: %(reason)s"),
    "yaml.character": N_("YAML does not allow the character U+%(code)s; remove it"),
    "yaml.error": N_("YAML error: %(reason)s"),
    "yaml.duplicate": N_("appears twice; only one value may be given"),
    "collection.info": N_("must be a mapping with title, publisher and base_url"),
    # fields (archive/schemas.py, archive/loader.py)
    "field.required": N_("is required but missing"),
    "field.required-when": N_("is required when consent.identity is %(identity)s"),
    "field.enum": N_("%(value)s is not one of: %(allowed)s"),
    "field.type": N_("must be %(kinds)s, not %(value)s"),
    "field.slug": N_("'%(value)s' must be a slug: lower-case a-z, 0-9 and single hyphens"),
    "field.blank": N_("'%(value)s' must not be empty"),
    "field.day": N_("'%(value)s' must be a full date, YYYY-MM-DD"),
    "field.url": N_("'%(value)s' must be a web address starting with http:// or https://"),
    "field.date": N_("'%(value)s' must be a date: YYYY, YYYY-MM, YYYY-MM-DD, or an interval START/END of those"),
    "field.date-value": N_("%(value)s must be a date: YYYY, YYYY-MM, YYYY-MM-DD, or an interval START/END of those"),
    "field.language": N_("'%(value)s' must be a language tag such as en, ar or ar-SY"),
    "field.license": N_("'%(value)s' must be an SPDX licence id such as CC-BY-NC-4.0"),
    "field.pattern": N_("'%(value)s' is not in the expected form"),
    "field.min-one": N_("must list at least one entry"),
    "field.min-items": N_("must have at least %(count)s entries"),
    "field.max-items": N_("must have at most %(count)s entries"),
    "field.max-length": N_("is longer than %(count)s characters"),
    "field.empty": N_("must not be empty"),
    "field.range": N_("%(value)s is out of range"),
    "field.unknown": N_("is not a known field here"),
    "field.near-miss": N_("is not a field of the format (see docs/format.md; kept as an extension); "
                          "did you mean '%(close)s'?"),
    "field.control-character": N_("contains a control character (a line break, tab or similar); "
                                  "write it on one line of plain text"),
    "field.invalid": N_("is not valid: %(detail)s"),
    "field.at": N_("%(field)s: %(message)s"),
    # words inside other messages
    "value.quoted": N_("'%(value)s'"),
    "value.nothing": N_("nothing"),
    "value.mapping": N_("a mapping"),
    "value.list": N_("a list"),
    "kind.object": N_("a mapping (key: value lines)"),
    "kind.array": N_("a list"),
    "kind.string": N_("text"),
    "kind.integer": N_("a whole number"),
    "kind.number": N_("a number"),
    "join.or": N_("%(first)s or %(second)s"),
    # a testimony and the collection (archive/loader.py, archive/collection.py)
    "body.unclosed-redaction": N_("a '[[redact:' passage is not closed with ']]'"),
    "id.stem": N_("'%(id)s' must equal the file name's stem '%(stem)s'"),
    "id.duplicate": N_("'%(id)s' is also the id of %(others)s; ids must be unique, and neither copy is published "
                       "until one is removed or renamed"),
    "id.taken": N_("'%(id)s' is already the id of a testimony (ids are never reused); choose another"),
    # what consent cannot hide (archive/exposure.py)
    "exposure.name": N_("the narrator's name is hidden by consent.identity: %(identity)s, but it appears in "
                        "%(field)s; remove it or mark it [[redact: ...]]"),
    "exposure.name-or-pseudonym": N_("the narrator's name or pseudonym is hidden by consent.identity: %(identity)s, "
                                     "but it appears in %(field)s; remove it or mark it [[redact: ...]]"),
    "exposure.name-id": N_("the narrator's name is hidden by consent.identity: %(identity)s, but it appears in "
                           "the id; rename the file and its id"),
    "exposure.name-or-pseudonym-id": N_("the narrator's name or pseudonym is hidden by consent.identity: "
                                        "%(identity)s, but it appears in the id; rename the file and its id"),
    "exposure.place": N_("names '%(place)s', one of this testimony's places that consent.place_detail: %(detail)s "
                         "hides; remove it or mark it [[redact: ...]]"),
    "exposure.place-id": N_("names '%(place)s', one of this testimony's places that consent.place_detail: "
                            "%(detail)s hides; rename the file and its id"),
    "place.unknown": N_("unknown place '%(name)s'"),
    "place.unknown-hint": N_("unknown place '%(name)s'; did you mean '%(hint)s'?"),
    "place.no-enclosing": N_("'%(place)s' has no enclosing %(detail)s in the gazetteer, so "
                             "consent.place_detail: %(detail)s cannot hide it"),
    "place.duplicate-id": N_("'%(id)s' is already the id of the place on line %(line)s"),
    "place.name-clash": N_("the name '%(name)s' of '%(second)s' already names '%(first)s'; a name must find one place"),
    "place.unknown-choices": N_("unknown place '%(name)s'; did you mean one of: %(hints)s?"),
    "theme.unknown": N_("unknown theme '%(name)s'"),
    "theme.unknown-choices": N_("unknown theme '%(name)s'; did you mean one of: %(hints)s?"),
    "theme.unknown-hint": N_("unknown theme '%(name)s'; did you mean '%(hint)s'?"),
    "theme.duplicate-id": N_("'%(id)s' is already the id of the theme on line %(line)s"),
    "theme.name-clash": N_("the name '%(name)s' of '%(second)s' already names '%(first)s'; a name must find one theme"),
    "vocabulary.cycle": N_("forms a cycle: %(chain)s"),
    "vocabulary.ambiguous": N_("'%(name)s' names both '%(first)s' and '%(second)s'; type the id of the one you mean"),
    "translation.self": N_("'%(id)s': a testimony cannot translate itself"),
    "translation.unknown": N_("'%(id)s': no testimony has that id"),
    # consent actions (archive/store/editing.py)
    "consent.embargo-future": N_("must be a day after today, written YYYY-MM-DD"),
    "consent.embargo-form": N_("'%(value)s' is not a date written YYYY-MM-DD"),
    "consent.action": N_("'%(action)s' is not a consent action; choose one of: %(actions)s"),
    "consent.unchanged": N_("this changes nothing: the testimony's consent is already so"),
    "language.arabic-script": N_("the account is written in Arabic script, but the language is '%(language)s'; "
                                "is the language right?"),
    "language.latin-script": N_("the account is written in Latin script, but the language is '%(language)s'; "
                               "is the language right?"),
}


@dataclass(frozen=True, eq=False)
class Message:
    """One error as data: a code from `MESSAGES` and the values that fill its template."""

    code: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.code not in MESSAGES:
            raise KeyError(f"unknown message code {self.code!r}; add it to archive/messages.py")

    def __str__(self) -> str:
        return english(self)


def render(message: Message, translate: Callable[[str], str], value: Callable[[str, Any], Any]) -> Any:
    """The message's template as `translate` gives it, filled with each parameter as `value` shows it
    (a parameter that is itself a `Message` is rendered the same way first)."""
    params = {name: render(v, translate, value) if isinstance(v, Message) else value(name, v)
              for name, v in message.params.items()}
    template = translate(MESSAGES[message.code])
    return template % params if params else template


def _english_value(name: str, value: Any) -> str:
    return f"{value:,}" if isinstance(value, int) and not isinstance(value, bool) else str(value)


def english(message: Message) -> str:
    """The English sentence, as `archive check` and the CLI print it."""
    return str(render(message, lambda template: template, _english_value))
