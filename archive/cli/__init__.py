"""The `archive` command, all of it: every command, and the module where it lives.

    command          lives in                      does
    archive check    archive/cli/check.py          validate the content directory
    archive cite     archive/cli/cite.py           print a citation of a public testimony
    archive schema   archive/cli/schema.py         print a JSON Schema of the format
    archive new      archive/cli/new.py            scaffold a testimony file
    archive import   archive/cli/importing.py      testimonies from a CSV or XLSX sheet, as drafts
    archive curator  archive/cli/curator.py        curator accounts: add, passwd, remove, list
    archive index    search/cli.py                 bring the search indexes up to date
    archive search   search/cli.py                 search from the terminal
    archive serve    web/cli.py                    index if needed, then serve the site

The group and its error handling are in `group.py`, what every command shares (--content,
--instance, one-sentence errors) in `support.py`. `index`, `search` and `serve` belong to the
layers above `archive/` (imports run web -> search -> archive), so they join the group through
the `archive.commands` entry-point group in pyproject.toml, never by an import from here.
`COMMANDS` is this table as data; tests/test_cli_commands.py holds it to the real group.
"""

from __future__ import annotations

from . import check, cite, curator, importing, new, schema
from .group import cli, main

__all__ = ["main", "cli", "COMMANDS"]

# Every `archive` command: name -> "module:function" of the click command.
COMMANDS = {
    "check": "archive.cli.check:check",
    "cite": "archive.cli.cite:cite",
    "schema": "archive.cli.schema:schema",
    "new": "archive.cli.new:new",
    "import": "archive.cli.importing:import_",
    "curator": "archive.cli.curator:curator",
    "index": "search.cli:index",  # entry point, archive.commands
    "search": "search.cli:search",  # entry point, archive.commands
    "serve": "web.cli:serve",  # entry point, archive.commands
}

for _command in (check.check, cite.cite, schema.schema, new.new, importing.import_, curator.curator):
    cli.add_command(_command)
