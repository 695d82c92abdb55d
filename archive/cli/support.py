"""What every `archive` command shares: --content/--instance, errors as sentences, who runs it."""

from __future__ import annotations

import functools
import getpass
from typing import Any, Callable

import click

from ..collection import Collection, load_collection
from ..config import Config, resolve_config
from ..errors import ArchiveError

__all__ = ["config_options", "fail", "collection_or_fail", "os_user"]


def config_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Give a command --content and --instance; it receives a resolved `config`."""

    @click.option("--content", type=click.Path(file_okay=False), default=None,
                  help="Content directory (default: $ARCHIVE_CONTENT or ./testimonies).")
    @click.option("--instance", type=click.Path(file_okay=False), default=None,
                  help="Instance directory: index, curator data (default: $ARCHIVE_INSTANCE or ./instance).")
    @functools.wraps(command)
    def wrapper(*args: Any, content: str | None, instance: str | None, **kwargs: Any) -> Any:
        return command(*args, config=resolve_config(content, instance), **kwargs)

    return wrapper


def fail(message: str) -> click.ClickException:
    """An error for the person at the terminal: one sentence, exit 1."""
    return click.ClickException(message)


def collection_or_fail(config: Config) -> Collection:
    """The content directory, read; a missing directory is one sentence, not a traceback."""
    try:
        return load_collection(config.content)
    except ArchiveError as exc:
        raise fail(str(exc)) from None


def os_user() -> str | None:
    """The user running the command, as the audit log names them; None where the system cannot say."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return None
