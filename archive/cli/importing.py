"""`archive import FILE [--dry-run]`: testimonies from a CSV or XLSX sheet, as drafts, all or nothing."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..collection import display_path
from ..config import Config
from ..errors import ArchiveError
from ..store import importing
from .support import collection_or_fail, config_options, fail, os_user


@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check every row and say what would be imported; write nothing.")
@config_options
def import_(file: Path, dry_run: bool, config: Config) -> None:
    """Import a CSV or XLSX of testimonies as drafts; columns are the format's field names (docs/format.md) (dotted for nested
    ones, ';' between list items, the account in 'body'). Nothing is written unless every row is valid."""
    collection = collection_or_fail(config)
    try:
        table = importing.read_table(file.read_bytes(), str(file))
    except OSError as error:
        raise fail(f"{file} cannot be read: {(error.strerror or str(error)).lower()}.") from None
    result = importing.plan(table, importing.default_mapping(table.columns), collection)
    for column in result.ignored:
        click.echo(f"{file}: column '{column}' is not a field of the format (see docs/format.md); it is ignored.", err=True)
    if result.problems:
        for problem in result.problems:
            click.echo(f"{file}: {problem}")
        rows = len({p.row for p in result.problems})
        click.echo(f"{len(result.problems)} problem{'s' * (len(result.problems) != 1)} in {rows} "
                   f"row{'s' * (rows != 1)}; nothing was imported.", err=True)
        sys.exit(1)
    if dry_run:
        for planned in result.planned:
            click.echo(f"would add {display_path(planned.path)} (row {planned.row})")
        click.echo(f"{len(result.planned)} rows are valid; nothing was written (--dry-run).", err=True)
        return
    try:
        paths = importing.write(result, collection.root)
    except ArchiveError as error:
        raise fail(str(error)) from None
    importing.record(paths, result, instance=config.instance, curator=os_user())
    commit, warning = importing.commit(paths, result, root=collection.root, instance=config.instance,
                                       curator=os_user())
    for path in paths:
        click.echo(f"+ {display_path(path)}")
    if warning:
        click.echo(f"The files were written, but git could not record them: {warning}", err=True)
    note = f"; commit {commit[:12]}" if commit else ""
    click.echo(f"Imported {len(paths)} testimonies as drafts{note}; run 'archive index' to make them searchable "
               "for curators.", err=True)
