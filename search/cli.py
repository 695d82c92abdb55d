"""The `archive index` and `archive search` commands (found through the `archive.commands` entry points)."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import sys
from typing import Any

import click

from archive.cli.support import config_options, fail
from archive.config import Config
from archive.consent import Audience
from archive.errors import ArchiveError

from .buckets import keep_last
from .indexer import IndexReport, index_status, update_index
from .sources import Scan, scan_content
from .query import MAX_PER_PAGE, SORTS, QueryError, parse_query
from .results import Results
from .searcher import SearchIndex

__all__ = ["index", "search"]

PROGRESS_FROM = 100  # files: fewer than this finish before a bar is worth drawing
_MARK = re.compile(r"<mark>(.*?)</mark>", re.DOTALL)


class _Progress:
    """A progress bar on stderr, drawn only once the run turns out to be long."""

    def __init__(self, label: str = "Indexing") -> None:
        self.bar: Any = None
        self.shown = 0
        self.label = label

    def __call__(self, done: int, total: int) -> None:
        if self.bar is None:
            if total < PROGRESS_FROM:
                return
            self.bar = click.progressbar(length=total, label=self.label, file=sys.stderr)
            self.bar.__enter__()
        self.bar.update(done - self.shown)
        self.shown = done

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


def _report(report: IndexReport) -> None:
    for warning in report.warnings:
        click.echo(warning, err=True)
    if not report.rebuilt and len(report.added) + len(report.updated) + len(report.removed) <= 50:
        for sign, ids in (("+", report.added), ("~", report.updated), ("-", report.removed)):
            for testimony_id in ids:
                click.echo(f"{sign} {testimony_id}")
    click.echo(report.summary())


@click.command()
@click.option("--rebuild", is_flag=True, help="Start afresh: build a new index, then swap it in.")
@click.option("--wait", type=click.FloatRange(0), default=60.0, show_default=True,
              help="Seconds to wait for another index run to finish.")
@click.option("--procs", type=click.IntRange(1, 64), default=2, show_default=True,
              help="Processes for a full build.")
@click.option("--public-only", is_flag=True,
              help="Leave the curator index (every testimony, for the curator dashboard) as it is.")
@config_options
def index(config: Config, rebuild: bool, wait: float, procs: int, public_only: bool) -> None:
    """Bring the search index up to date with the files, touching only what changed.

    Builds the public index, then the curator index (every testimony in every consent state,
    searched only from the curator dashboard); the curator index's line goes to stderr.
    """
    today = dt.date.today()
    scan = None if public_only else _scan(config)  # one scan (and one fill of its buckets) decides for both
    _report(_run(config, today, rebuild, wait, procs, Audience.PUBLIC, scan))
    if not public_only:
        curator = _run(config, today, rebuild, wait, procs, Audience.CURATOR, scan)
        click.echo(curator.summary(), err=True)  # counts only: never a hidden testimony's id


def _scan(config: Config) -> Scan | None:
    if not config.content.is_dir():
        return None  # update_index says so
    keep_last()
    return scan_content(config.content)


def _run(config: Config, today: dt.date, rebuild: bool, wait: float, procs: int, audience: Audience,
         scan: Scan | None = None) -> IndexReport:
    progress = _Progress("Indexing" if audience is Audience.PUBLIC else "Indexing for curators")
    try:
        return update_index(config, today, rebuild=rebuild, wait=wait, procs=procs, progress=progress,
                            audience=audience, scan=scan)
    except ArchiveError as exc:
        raise fail(str(exc)) from None
    except OSError as exc:
        raise fail(f"The index could not be written in {config.instance}: {exc.strerror or exc}.") from None
    finally:
        progress.close()


def _terminal_snippet(snippet: str) -> str:
    text = _MARK.sub(lambda m: click.style(html.unescape(m.group(1)), bold=True), snippet)
    return html.unescape(re.sub(r"<[^>]+>", "", text)) if "<" in text else html.unescape(text)


def _print(results: Results) -> None:
    first = (results.page - 1) * results.per_page + 1
    shown = f", showing {first}-{first + len(results.hits) - 1}" if results.hits else ""
    click.echo(f"{results.total} result{'s' * (results.total != 1)}{shown}.")
    if results.correction:
        click.echo(f"Showing results for: {results.correction} (search instead for: {results.query.q} --as-typed)")
    elif results.suggestion:
        click.echo(f"Did you mean: {results.suggestion}")
    if results.understood:
        click.echo("Understood: " + " · ".join(f"{u.words} ({u.kind} {u.id})" for u in results.understood))
    if results.relaxed:
        click.echo("No testimony matches all of the words; these match some of them, the most words first.")
    for hit in results.hits:
        places = ", ".join(p.name for p in hit.places)
        click.echo(f"\n{hit.id}  {hit.title}")
        click.echo(f"  {hit.event_date} · {places} · {hit.narrator} · {hit.language}")
        click.echo(f"  {_terminal_snippet(hit.snippet)}")


@click.command()
@click.argument("query", required=False, default="")
@click.option("--place", multiple=True, help="Only testimonies about this place (id or name) or inside it.")
@click.option("--theme", multiple=True, help="Only testimonies with this theme or a narrower one.")
@click.option("--language", default=None, help="Only testimonies in this language (en, ar, ...).")
@click.option("--from", "date_from", default=None, help="Events on or after this date (YYYY, YYYY-MM, YYYY-MM-DD).")
@click.option("--to", "date_to", default=None, help="Events on or before this date.")
@click.option("--sort", type=click.Choice(SORTS), default="relevance", show_default=True)
@click.option("--page", type=int, default=1, show_default=True)
@click.option("--per-page", type=int, default=20, show_default=True, help=f"At most {MAX_PER_PAGE}.")
@click.option("--as-typed", is_flag=True, help="Search the words as typed, never a spelling correction.")
@click.option("--json", "as_json", is_flag=True, help="Print the /api/search JSON.")
@config_options
def search(config: Config, query: str, place: tuple[str, ...], theme: tuple[str, ...], language: str | None,
           date_from: str | None, date_to: str | None, sort: str, page: int, per_page: int, as_typed: bool, as_json: bool) -> None:
    """Search the testimonies exactly as the public sees them."""
    params = {"q": query, "place": list(place), "theme": list(theme), "language": language, "from": date_from,
              "to": date_to, "sort": sort, "page": str(page), "per_page": str(per_page),
              "correct": "0" if as_typed else None}
    try:
        parsed = parse_query({k: v for k, v in params.items() if v is not None})
        today = dt.date.today()
        status = index_status(config, today)
        if not status.fresh:
            click.echo(f"Updating the search index first: {status.reason}.", err=True)
            _report_warnings(update_index(config, today))
        results = SearchIndex(config).search(parsed)
    except QueryError as exc:
        raise fail(exc.message) from None
    except ArchiveError as exc:
        raise fail(str(exc)) from None
    if as_json:
        click.echo(json.dumps(results.to_json(), ensure_ascii=False, indent=2))
    else:
        _print(results)


def _report_warnings(report: IndexReport) -> None:
    for warning in report.warnings:
        click.echo(warning, err=True)
