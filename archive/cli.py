"""The `archive` command: parses arguments and prints; every rule lives in the library.

Commands from other packages of the archive (`index`, `search`, `serve`, ...) are
found through the `archive.commands` entry point group, so this package imports
none of them.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from importlib.metadata import entry_points
from typing import Any

import click

from . import consent
from .cli_curator import curator
from .cli_import import import_
from .cli_new import new
from .cli_support import collection_or_fail, config_options, fail
from .config import Config
from .errors import ArchiveError, Gone, InvalidFile, NotFound
from .schemas import SCHEMAS, schema_path

__all__ = ["main", "cli"]


class ArchiveGroup(click.Group):
    """The command group, with commands contributed by the archive's other packages."""

    def _plugins(self) -> dict[str, Any]:
        return {ep.name: ep for ep in entry_points(group="archive.commands")}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(self._plugins()))

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        command = super().get_command(ctx, name)
        if command is not None:
            return command
        plugin = self._plugins().get(name)
        if plugin is None:
            return None
        try:
            return plugin.load()
        except ImportError as exc:  # listed in --help all the same; fails only when run
            message = f"The '{name}' command cannot start: {exc}; run 'make install' again."

            @click.command(name, help=f"(unavailable: {exc})", context_settings={"ignore_unknown_options": True})
            @click.argument("args", nargs=-1, type=click.UNPROCESSED)
            def unavailable(args: tuple[str, ...]) -> None:
                raise fail(message)

            return unavailable


@click.group(cls=ArchiveGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="idlib-testimony-archive", prog_name="archive")
def cli() -> None:
    """The testimony archive: check, index, search, cite and serve a collection of testimonies."""


@cli.command()
@config_options
def check(config: Config) -> None:
    """Validate the whole content directory; print one line per problem (path:line: field: message)."""
    collection = collection_or_fail(config)
    problems = sorted(collection.problems, key=lambda p: (p.path, p.line or 0, p.field))
    for problem in problems:
        click.echo(str(problem))
    errors = [p for p in problems if not p.warning]
    if errors:
        files = len({p.path for p in errors})
        click.echo(f"{len(errors)} problem{'s' * (len(errors) != 1)} in {files} file{'s' * (files != 1)}.", err=True)
        sys.exit(1)
    click.echo(f"{config.content}: {len(collection.testimonies)} testimonies, {len(collection.places)} places, "
               f"{len(collection.themes)} themes: no problems.", err=True)


@cli.command()
@click.argument("testimony_id", metavar="ID")
@click.option("--format", "fmt", type=click.Choice(["text", "bibtex", "ris", "csl-json"]), default="text",
              show_default=True, help="Citation format.")
@click.option("--accessed", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Access date to print (default: today).")
@config_options
def cite(testimony_id: str, fmt: str, accessed: dt.datetime | None, config: Config) -> None:
    """Print a citation of a public testimony."""
    from .citation import cite as make_citation

    collection = collection_or_fail(config)
    if collection.info is None:
        raise fail(f"{config.content}/collection.yaml is missing or invalid; run 'archive check'.")
    today = dt.date.today()
    try:
        view = collection.view(testimony_id, consent.Audience.PUBLIC, today)
    except NotFound:
        raise fail(f"No public testimony has the id '{testimony_id}'.") from None
    except Gone:
        raise fail(f"Testimony '{testimony_id}' was withdrawn at the narrator's request; it cannot be cited.") from None
    citation = make_citation(view, collection.info, accessed.date() if accessed else today)
    click.echo(citation.as_format(fmt))


cli.add_command(new)
cli.add_command(curator)
cli.add_command(import_)


@cli.command()
@click.argument("name", type=click.Choice(SCHEMAS), default="testimony")
@click.option("--path", "show_path", is_flag=True, help="Print where the schema file is instead of its text.")
def schema(name: str, show_path: bool) -> None:
    """Print a JSON Schema of the format (testimony front matter, places, themes, collection) for editors."""
    location = schema_path(name)
    click.echo(location if show_path else open(location, encoding="utf-8").read().rstrip())


def main(argv: list[str] | None = None) -> None:
    """Entry point: never a traceback, unless ARCHIVE_DEBUG is set."""
    try:
        cli.main(args=argv, prog_name="archive", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except InvalidFile as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        sys.exit(1)
    except ArchiveError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:  # a bug: say so in one sentence, keep the traceback for ARCHIVE_DEBUG
        if os.environ.get("ARCHIVE_DEBUG"):
            raise
        click.echo(f"Error: unexpected {type(exc).__name__}: {exc} (set ARCHIVE_DEBUG=1 for details and please report it).",
                   err=True)
        sys.exit(2)
    except SystemExit:
        raise
