"""`archive schema [NAME]`: the format's JSON Schemas, for editors."""

from __future__ import annotations

import click

from ..schemas import SCHEMAS, schema_path

__all__ = ["schema"]


@click.command()
@click.argument("name", type=click.Choice(SCHEMAS), default="testimony")
@click.option("--path", "show_path", is_flag=True, help="Print where the schema file is instead of its text.")
def schema(name: str, show_path: bool) -> None:
    """Print a JSON Schema of the format (testimony front matter, places, themes, collection) for editors."""
    location = schema_path(name)
    click.echo(location if show_path else open(location, encoding="utf-8").read().rstrip())
