"""`archive check`: validate the whole content directory, one line per problem."""

from __future__ import annotations

import sys

import click

from ..config import Config
from .support import collection_or_fail, config_options

__all__ = ["check"]


@click.command()
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
