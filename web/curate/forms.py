"""The curator forms (WTForms): a testimony's every field (docs/format.md), and a consent action.

The forms only carry text: `archive.store.editing` turns it into front matter and validates it
with the same checks as `archive check`, whose problems are shown next to these fields.
CSRF is checked by the blueprint's guard on every POST (a hidden `csrf_token` in each
template), so the forms here have no token of their own.
"""

from __future__ import annotations

from typing import Any, Mapping

from werkzeug.datastructures import MultiDict
from wtforms import Form, HiddenField, RadioField, SelectChoice, SelectField, StringField, TextAreaField

from archive.store.editing import CONSENT_ACTIONS, DEFAULTS, FIELD_NAMES, FIELDS

from ..i18n import lazy_gettext as _l

__all__ = ["TestimonyForm", "ConsentForm", "testimony_form", "consent_form", "REQUIRED", "GROUPS"]

REQUIRED = frozenset(f.name for f in FIELDS if f.required) | {"body"}


def _choices(*pairs: tuple[str, Any]) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


_ACCESS = _choices(("public", _l("Public")), ("restricted", _l("Restricted: curators only")),
           ("withdrawn", _l("Withdrawn at the narrator's request")))
_IDENTITY = _choices(("named", _l("Named: the narrator's name is shown")),
             ("pseudonymous", _l("Pseudonymous: only the pseudonym is shown")),
             ("anonymous", _l("Anonymous: shown as \u201cAnonymous\u201d")))
_DETAIL = _choices(("exact", _l("Exact")), ("district", _l("District")),
           ("governorate", _l("Governorate")), ("country", _l("Country")))
_METHOD = _choices(("written", _l("Written")), ("interview", _l("Interview")), ("audio", _l("Audio recording")),
           ("video", _l("Video recording")))
_STATUS = _choices(("published", _l("Published")), ("draft", _l("Draft: not public yet")))
_DATE_HINT = _l("YYYY, YYYY-MM or YYYY-MM-DD, or an interval START/END such as 2019-12/2020-02.")
_DAY_HINT = _l("A full date, YYYY-MM-DD.")


class TestimonyForm(Form):
    """Every field of a testimony file; names match `archive.store.editing.FIELDS` (and `body`)."""

    __test__ = False

    id = StringField(_l("Id"), description=_l("Made from the title when left empty (Arabic is transliterated); "
                                              "you may change it before the first save, never after. It becomes "
                                              "the file name and the permalink, and is never reused."))
    title = StringField(_l("Title"))
    language = StringField(_l("Language of the account"), description=_l("A BCP 47 tag such as en, ar or ar-SY; "
                                                                         "when left empty, guessed from the script "
                                                                         "of the account."))
    translation_of = StringField(_l("Translation of"),
                                 description=_l("The id of the testimony this one translates, if it is a translation."))
    narrator_name = StringField(_l("Narrator's name"),
                                description=_l("Required when the identity is named; never shown otherwise."))
    narrator_pseudonym = StringField(_l("Pseudonym"), description=_l("Required when the identity is pseudonymous."))
    narrator_description = TextAreaField(_l("Who the narrator is"),
                                         description=_l("In the archive's words; shown to the public."))
    consent_access = SelectField(_l("Access"), choices=_ACCESS)
    consent_identity = SelectField(_l("Identity"), choices=_IDENTITY)
    consent_date = StringField(_l("Consent given or last changed on"), description=_DAY_HINT)
    consent_recorded_by = StringField(_l("Consent recorded by"))
    consent_embargo_until = StringField(_l("Embargo until"),
                                        description=_l("Optional, YYYY-MM-DD: until this day the testimony is "
                                                       "treated as restricted."))
    consent_place_detail = SelectField(_l("Place detail shown to the public"), choices=_DETAIL)
    consent_note = TextAreaField(_l("Consent note"), description=_l("For curators only; never public."))
    consent_reason = TextAreaField(_l("Reason for the consent change"),
                                   description=_l("Asked only when you change access, identity, embargo, place "
                                                  "detail or the narrator's names; kept in the audit log."))
    event_date = StringField(_l("When the events happened"), description=_DATE_HINT)
    places = TextAreaField(_l("Places"), description=_l("One per line: a place's id, name, alias or Arabic name."))
    themes = TextAreaField(_l("Themes"), description=_l("One per line: a theme's id, label or Arabic label."))
    recorded_date = StringField(_l("When the account was given"), description=_DATE_HINT)
    recorded_by = StringField(_l("Recorded by"), description=_l("The interviewer or organisation."))
    recorded_method = SelectField(_l("How it was recorded"), choices=_METHOD)
    contributors = TextAreaField(_l("Contributors"),
                                 description=_l("One per line: name | role, the role one of interviewer, "
                                                "translator, transcriber, editor."))
    source_title = StringField(_l("Source title"), description=_l("Where the account was first published, if it was."))
    source_publisher = StringField(_l("Source publisher"))
    source_url = StringField(_l("Source web address"), description=_l("Starting with https:// or http://."))
    source_date = StringField(_l("Source date"), description=_DATE_HINT)
    license = StringField(_l("Licence"), description=_l("An SPDX id such as CC-BY-NC-4.0; empty for the "
                                                         "collection's licence."))
    content_warnings = TextAreaField(_l("Content warnings"), description=_l("One per line; shown before the text."))
    summary = TextAreaField(_l("Summary"), description=_l("One paragraph, shown in search results."))
    status = SelectField(_l("Status"), choices=_STATUS)
    updated = StringField(_l("Last substantive revision"), description=_DAY_HINT)
    body = TextAreaField(_l("The account"), description=_l("Markdown. Mark anything the public must not see as "
                                                           "[[redact: like this]]."))
    version = HiddenField()


GROUPS: tuple[tuple[Any, tuple[str, ...]], ...] = (
    (_l("The testimony"), ("id", "title", "language", "translation_of", "summary")),
    (_l("Narrator"), ("narrator_name", "narrator_pseudonym", "narrator_description")),
    (_l("Consent"), ("consent_access", "consent_identity", "consent_date", "consent_recorded_by",
                     "consent_embargo_until", "consent_place_detail", "consent_note", "consent_reason")),
    (_l("When and where"), ("event_date", "places", "themes")),
    (_l("Recording"), ("recorded_date", "recorded_by", "recorded_method", "contributors")),
    (_l("First published"), ("source_title", "source_publisher", "source_url", "source_date")),
    (_l("Publishing"), ("license", "content_warnings", "status", "updated")),
    (_l("Account"), ("body",)),
)
assert sorted(n for _, names in GROUPS for n in names) == sorted((*FIELD_NAMES, "consent_reason")), \
    "every field is in one group"


def _keep_current(select: SelectField) -> None:
    """A value the file holds that is not a choice stays selectable, so opening the form changes nothing."""
    if select.data not in {choice.value for choice in select.choices}:  # type: ignore[union-attr]
        select.choices = [SelectChoice(select.data), *select.choices]  # type: ignore[misc]


def testimony_form(values: Mapping[str, str], version: str = "") -> TestimonyForm:
    """The form filled with these values (from a file, or as the curator typed them)."""
    shown = {n: values.get(n, "") or DEFAULTS.get(n, "") for n in FIELD_NAMES}  # a field left out: its default
    form = TestimonyForm(MultiDict({**shown, "version": version, "consent_reason": values.get("consent_reason", "")}))
    for name in ("consent_access", "consent_identity", "consent_place_detail", "recorded_method", "status"):
        _keep_current(form[name])
    return form


class ConsentForm(Form):
    """A consent action and its required reason."""

    action = RadioField(_l("Action"), choices=_choices(
        ("withdraw", _l("Withdraw: the public gets \u201cwithdrawn at the narrator's request\u201d (410) and "
                        "the testimony leaves search at once")),
        ("restrict", _l("Restrict: curators only; to the public it does not exist (404)")),
        ("embargo", _l("Embargo until a date: treated as restricted until that day")),
        ("publish", _l("Publish: make it public again (lifts a restriction, withdrawal, embargo or draft)")),
        ("identity", _l("Change how the narrator is identified")),
        ("place-detail", _l("Change how precisely places are shown")),
    ))
    embargo_until = StringField(_l("Embargo until"), description=_DAY_HINT)
    identity = SelectField(_l("New identity"), choices=_IDENTITY)
    narrator_name = StringField(_l("Narrator's name"), description=_l("Needed for a named identity."))
    narrator_pseudonym = StringField(_l("Pseudonym"), description=_l("Needed for a pseudonymous identity."))
    place_detail = SelectField(_l("New place detail"), choices=_DETAIL)
    reason = TextAreaField(_l("Reason"), description=_l("Required. Kept in the curators' audit log, not in the "
                                                        "file or its history."))
    version = HiddenField()


assert {c.value for c in ConsentForm.action.kwargs["choices"]} == set(CONSENT_ACTIONS)


def consent_form(data: Mapping[str, str]) -> ConsentForm:
    return ConsentForm(MultiDict(dict(data)))
