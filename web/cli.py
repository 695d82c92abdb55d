"""`archive serve`: index if needed, then serve the site with gunicorn."""

from __future__ import annotations

import datetime as dt
import os
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context

import click

from archive.cli.support import config_options, fail
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
    from .server import run

    problems, summaries = _prepared(config)
    if problems:
        click.echo(f"warning: {problems} file{'s' * (problems != 1)} in {config.content} "
                   f"{'have' if problems != 1 else 'has'} problems; testimony files with problems are not "
                   f"published (run 'archive check').", err=True)
    for summary in summaries:
        click.echo(summary, err=True)
    count = workers or os.cpu_count() or 1
    click.echo(f"Serving {config.content} at http://{host}:{port}/ with {count} worker"
               f"{'s' * (count != 1)}; press Ctrl-C to stop.", err=True)
    run(config, host, port, count)


def _prepared(config: Config) -> tuple[int, list[str]]:
    """How many files have problems, and the index runs' summaries, worked out in a child process: the master,
    whose memory every worker is forked from, never reads the collection (docs/serving.md)."""
    with ProcessPoolExecutor(1, mp_context=get_context("fork")) as child:
        return child.submit(_prepare, config).result()


def _prepare(config: Config) -> tuple[int, list[str]]:
    """Bring both indexes up to date, then count the files with problems; a failure is one sentence.

    No testimony is read to count them beyond those the index runs read because they changed: the runs
    report the files they leave out (invalid, or an id that several files share) from the manifest, which
    holds every file's state; the collection's own three files are read again (archive.collection)."""
    from archive.collection import load_collection
    from archive.consent import Audience
    from archive.scanning import ContentScan
    from search.indexer import update_index

    try:  # the collection's own files alone: a scan with no testimony file in it
        own = load_collection(config.content, listing=ContentScan(config.content, ()))
    except ArchiveError as exc:
        raise fail(str(exc)) from None
    try:
        reports = [update_index(config, dt.date.today(), procs=os.cpu_count() or 1, audience=audience)
                   for audience in (Audience.PUBLIC, Audience.CURATOR)]
    except ArchiveError as exc:
        raise fail(f"The search index could not be brought up to date: {exc}") from None
    problems = len({p.path for p in own.problems if not p.warning}) + len(reports[0].warnings)
    return problems, [report.summary() for report in reports]
