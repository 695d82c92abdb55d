"""Reading a spreadsheet as text: the first sheet of an XLSX workbook (openpyxl) or a CSV file.

Cells become the text a curator would have typed (a date cell is `YYYY-MM-DD`, a whole number has no
`.0`); empty rows are skipped but keep their numbers, so a problem can name the row the curator sees.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import ArchiveError

__all__ = ["Table", "read_table", "MAX_ROWS"]

MAX_ROWS = 5000


@dataclass(frozen=True)
class Table:
    """A sheet as text: the header's column names, and each row's cells with its row number (the header is 1)."""

    name: str
    columns: list[str]
    rows: list[tuple[int, list[str]]]


def _cell(value: Any) -> str:
    """A spreadsheet cell as the text a curator would have typed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _csv_rows(data: bytes, name: str) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ArchiveError(f"{name} is not UTF-8 text; save it as 'CSV UTF-8' and import it again.") from None
    header = text.split("\n", 1)[0]
    delimiter = max((",", "\t", ";"), key=header.count) if header else ","
    try:
        return [row for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    except csv.Error as error:
        raise ArchiveError(f"{name} cannot be read as CSV: {error}.") from None


def _xlsx_rows(data: bytes, name: str) -> list[list[str]]:
    import zipfile

    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise ArchiveError(f"{name} cannot be read as an XLSX workbook ({type(error).__name__}); "
                           "save it again as .xlsx or as CSV UTF-8.") from None
    try:
        rows = []
        for row in book.worksheets[0].iter_rows(values_only=True):
            rows.append([_cell(value) for value in row])
            if len(rows) > 4 * MAX_ROWS:  # far past the limit, empty rows included: stop reading, say so
                raise ArchiveError(f"{name} has more than {4 * MAX_ROWS} rows (empty ones included); import at "
                                   f"most {MAX_ROWS} at a time.")
        return rows
    finally:
        book.close()


def read_table(data: bytes, name: str) -> Table:
    """The first sheet of an XLSX workbook or a CSV file (comma, semicolon or tab separated), as text."""
    suffix = Path(name).suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        raw = _xlsx_rows(data, name)
    elif suffix in (".csv", ".tsv", ".txt"):
        raw = _csv_rows(data, name)
    else:
        raise ArchiveError(f"{name} is neither a CSV nor an XLSX file; import a .csv or .xlsx file.")
    if not raw or not any(cell.strip() for cell in raw[0]):
        raise ArchiveError(f"{name} has no header row: its first row must name the columns (title, body, ...).")
    columns = [cell.strip() for cell in raw[0]]
    while columns and not columns[-1]:
        columns.pop()
    seen: set[str] = set()
    for index, column in enumerate(columns):
        if not column:
            columns[index] = column = f"column {index + 1}"
        if column.casefold() in seen:
            raise ArchiveError(f"{name} names the column '{column}' twice; give every column its own name.")
        seen.add(column.casefold())
    rows = []
    for number, cells in enumerate(raw[1:], start=2):
        cells = [c.strip() if isinstance(c, str) else _cell(c) for c in cells]
        if not any(cells):
            continue
        rows.append((number, (cells + [""] * len(columns))[:len(columns)]))
    if len(rows) > MAX_ROWS:
        raise ArchiveError(f"{name} has {len(rows)} rows; import at most {MAX_ROWS} at a time.")
    return Table(name, columns, rows)
