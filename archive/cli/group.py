"""The `archive` command group: its own commands (archive/cli/) plus those the other layers contribute
through the `archive.commands` entry-point group; and `main`, which turns every error into a sentence."""

from __future__ import annotations

import os
import sys
from importlib.metadata import entry_points
from typing import Any

import click

from ..errors import ArchiveError, InvalidFile
from .support import fail

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
