"""`archive new`: scaffold a testimony from flags, prompting for what is missing."""

from __future__ import annotations

import datetime as dt
import sys

import click

from ..collection import display_path
from ..config import Config
from ..store.scaffold import PLACEHOLDER_BODY, Draft, create
from ..text import id_from_title
from .support import collection_or_fail, config_options

_ACCESS = click.Choice(["public", "restricted", "withdrawn"])
_IDENTITY = click.Choice(["named", "pseudonymous", "anonymous"])
_METHOD = click.Choice(["written", "interview", "audio", "video"])
_DETAIL = click.Choice(["exact", "district", "governorate", "country"])


def _ask(value: object, label: str, interactive: bool, missing: list[str], flag: str, **prompt: object) -> object:
    """The flag's value, or the answer to a prompt, or a note that it is missing."""
    if value not in (None, (), ""):
        return value
    if interactive:
        return click.prompt(label, **prompt)  # type: ignore[arg-type]
    if "default" in prompt:
        return prompt["default"]
    missing.append(flag)
    return None


def _split(values: object) -> list[str]:
    if isinstance(values, str):
        values = values.split(",")
    return [v.strip() for v in values or () if v.strip()]  # type: ignore[union-attr]


@click.command()
@click.option("--id", "testimony_id", help="Slug id (default: made from the title).")
@click.option("--title", help="Title of the account.")
@click.option("--language", help="BCP 47 tag of the body, e.g. en or ar.")
@click.option("--event-date", help="When the events happened: YYYY, YYYY-MM, YYYY-MM-DD or START/END.")
@click.option("--place", "places", multiple=True, help="A place id, name or alias (repeatable).")
@click.option("--theme", "themes", multiple=True, help="A theme id (repeatable).")
@click.option("--recorded-date", help="When the account was given.")
@click.option("--recorded-by", help="Interviewer or organisation that recorded it.")
@click.option("--method", type=_METHOD, help="How it was recorded.")
@click.option("--access", type=_ACCESS, help="consent.access (default: public).")
@click.option("--identity", type=_IDENTITY, help="consent.identity (default: anonymous).")
@click.option("--consent-date", help="When consent was given (default: today).")
@click.option("--consent-by", help="consent.recorded_by: who recorded the consent.")
@click.option("--embargo-until", help="Treat as restricted until this date (YYYY-MM-DD).")
@click.option("--place-detail", type=_DETAIL, help="Show places only at this level.")
@click.option("--narrator-name", help="The narrator's name (required when identity is named).")
@click.option("--pseudonym", help="The narrator's pseudonym (required when identity is pseudonymous).")
@click.option("--narrator-description", help="Who the narrator is, in the archive's words.")
@click.option("--translation-of", help="Id of the testimony this one translates.")
@click.option("--summary", help="One paragraph shown in results.")
@click.option("--content-warning", "content_warnings", multiple=True, help="A content warning (repeatable).")
@click.option("--license", "license_", help="SPDX licence id (default: the collection's).")
@click.option("--status", type=click.Choice(["draft", "published"]), default="draft", show_default=True,
              help="A new file starts as a draft: invisible to the public until published.")
@click.option("--body", type=click.File("r", encoding="utf-8"), help="A Markdown file with the account ('-' for stdin).")
@click.option("--folder", help="Sub-folder of the content directory to write into (default: the language).")
@click.option("--no-input", is_flag=True, help="Never prompt; fail if a required flag is missing.")
@config_options
def new(config: Config, no_input: bool, **options: object) -> None:
    """Scaffold a testimony file, valid from the start; never overwrites a file."""
    collection = collection_or_fail(config)
    interactive = not no_input and sys.stdin.isatty()
    draft, folder = _build(options, interactive)
    path = create(draft, collection, config.content / folder)
    click.echo(f"Created {display_path(path)} (status: {draft.status}); edit the account, then run 'archive check'.")


def _build(options: dict, interactive: bool) -> tuple[Draft, str]:  # type: ignore[type-arg]
    missing: list[str] = []
    o = options
    title = _ask(o["title"], "Title", interactive, missing, "--title")
    language = _ask(o["language"], "Language of the account (en, ar, ...)", interactive, missing, "--language", default="en")
    identity = _ask(o["identity"], "Narrator identity", interactive, missing, "--identity",
                    type=_IDENTITY, default="anonymous")
    name = o["narrator_name"]
    pseudonym = o["pseudonym"]
    if identity == "named":
        name = _ask(name, "Narrator's name", interactive, missing, "--narrator-name")
    if identity == "pseudonymous":
        pseudonym = _ask(pseudonym, "Narrator's pseudonym", interactive, missing, "--pseudonym")
    draft = Draft(
        id=str(o["testimony_id"] or (id_from_title(str(title)) if title else "")),
        title=str(title or ""), language=str(language or ""),
        event_date=str(_ask(o["event_date"], "When did the events happen (YYYY, YYYY-MM, YYYY-MM-DD or START/END)",
                            interactive, missing, "--event-date") or ""),
        places=_split(_ask(o["places"], "Places (ids or names, comma-separated)", interactive, missing, "--place")),
        themes=_split(_ask(o["themes"], "Themes (ids, comma-separated)", interactive, missing, "--theme")),
        recorded_date=str(_ask(o["recorded_date"], "When was the account given", interactive, missing,
                               "--recorded-date") or ""),
        recorded_by=str(_ask(o["recorded_by"], "Recorded by (interviewer or organisation)", interactive, missing,
                             "--recorded-by") or ""),
        method=str(_ask(o["method"], "Method", interactive, missing, "--method", type=_METHOD, default="written")),
        consent_access=str(_ask(o["access"], "Access", interactive, missing, "--access", type=_ACCESS, default="public")),
        consent_identity=str(identity),
        consent_date=str(o["consent_date"] or dt.date.today().isoformat()),
        consent_recorded_by=str(_ask(o["consent_by"], "Consent recorded by", interactive, missing, "--consent-by") or ""),
        embargo_until=o["embargo_until"], place_detail=o["place_detail"],  # type: ignore[arg-type]
        narrator_name=name, pseudonym=pseudonym,  # type: ignore[arg-type]
        narrator_description=o["narrator_description"], translation_of=o["translation_of"],  # type: ignore[arg-type]
        summary=o["summary"], content_warnings=list(o["content_warnings"] or ()),  # type: ignore[arg-type]
        license=o["license_"], status=str(o["status"]),  # type: ignore[arg-type]
        body=o["body"].read() if o["body"] else PLACEHOLDER_BODY,  # type: ignore[union-attr]
    )
    if missing:
        raise click.UsageError(f"Missing {', '.join(missing)}; give the flags or run without --no-input to be asked.")
    return draft, str(o["folder"] or draft.language)
