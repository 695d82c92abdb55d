"""`archive cite ID`: a citation of a public testimony, in text, BibTeX, RIS or CSL-JSON."""

from __future__ import annotations

import datetime as dt

import click

from .. import consent
from ..config import Config
from ..errors import Gone, NotFound
from .support import collection_or_fail, config_options, fail

__all__ = ["cite"]


@click.command()
@click.argument("testimony_id", metavar="ID")
@click.option("--format", "fmt", type=click.Choice(["text", "bibtex", "ris", "csl-json"]), default="text",
              show_default=True, help="Citation format.")
@click.option("--accessed", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Access date to print (default: today).")
@config_options
def cite(testimony_id: str, fmt: str, accessed: dt.datetime | None, config: Config) -> None:
    """Print a citation of a public testimony."""
    from ..citation import cite as make_citation

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
