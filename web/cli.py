"""`archive serve`: index if needed, then serve the site with gunicorn."""

from __future__ import annotations

import datetime as dt
import os

import click

from archive.cli.support import collection_or_fail, config_options, fail
from archive.config import Config
from archive.errors import ArchiveError

__all__ = ["serve"]


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on.")
@click.option("--workers", type=click.IntRange(1, 256), default=None,
              help="Worker processes (default: one per CPU core).")
@config_options
def serve(host: str, port: int, workers: int | None, config: Config) -> None:
    """Bring the search indexes up to date, then serve the public site, JSON API and curator pages (gunicorn)."""
    from archive.consent import Audience
    from search.indexer import update_index

    from .server import run

    collection = collection_or_fail(config)
    if collection.errors:
        click.echo(f"warning: {len(collection.errors)} problems in {config.content}; the files with problems "
                   f"are not published (run 'archive check').", err=True)
    try:
        reports = [update_index(config, dt.date.today(), procs=os.cpu_count() or 1, audience=audience)
                   for audience in (Audience.PUBLIC, Audience.CURATOR)]
    except ArchiveError as exc:
        raise fail(f"The search index could not be brought up to date: {exc}") from None
    for report in reports:
        click.echo(report.summary(), err=True)
    count = workers or os.cpu_count() or 1
    click.echo(f"Serving {config.content} at http://{host}:{port}/ with {count} worker"
               f"{'s' * (count != 1)}; press Ctrl-C to stop.", err=True)
    run(config, host, port, count)
