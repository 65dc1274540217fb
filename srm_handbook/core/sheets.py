"""Reading spreadsheets for ``srm import``: ``.xlsx`` (openpyxl, read-only) and CSV.

A sheet becomes a :class:`Table`: its non-blank rows, each cell's text and where it is
(``SSRM!F14``). Nothing is evaluated: a formula or an error value in a cell the import
uses is a problem of that cell, never a value. Files over :data:`MAX_FILE_BYTES`, zip
archives that unpack to more than :data:`MAX_UNPACKED_BYTES` or compress better than
:data:`MAX_RATIO` to one (zip bombs), and sheets over the row and column limits are
refused before or while reading, so memory stays bounded.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from srm_handbook.core.diagnostics import Diagnostic, SrmDataError, SrmInputError
from srm_handbook.core.schema import MAX_COLUMNS, MAX_ROWS

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_RATIO = 100
MAX_SHEET_ROWS = MAX_ROWS * 20 + 100  # a duties sheet has several rows per responsibility
MAX_SHEET_COLUMNS = MAX_COLUMNS + 100


def column_letter(col: int) -> str:
    """1 -> A, 27 -> AA."""
    letters = ""
    while col > 0:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


@dataclass(frozen=True, order=True)
class CellDiagnostic(Diagnostic):
    """A problem at a cell: ``matrix.xlsx:SSRM!F14: error: ...`` (``matrix.csv:F14`` for
    a CSV file). ``path`` holds the prefix up to the cell (``matrix.xlsx:SSRM!``); column
    0 means the whole row, row 0 the whole sheet."""

    def format(self) -> str:
        where = self.path
        if self.line and self.column:
            where += f"{column_letter(self.column)}{self.line}"
        elif self.line and where.endswith("!"):
            where += f"{self.line}:{self.line}"  # a whole row, as Excel writes it
        elif self.line:
            where += f"row {self.line}"
        else:
            where = where.rstrip("!:")
        plain = Diagnostic(where, 0, 0, self.message, self.severity).format()
        return plain.replace(":0:0:", ":", 1)


@dataclass
class Cell:
    text: str
    problem: str | None = None
    """Why the cell has no usable text (a formula, an error value)."""


@dataclass
class Table:
    """One sheet: ``rows`` maps a 1-based row number to its cells by 1-based column."""

    source: str
    """The file as shown in messages."""
    sheet: str | None
    rows: dict[int, dict[int, Cell]] = field(default_factory=dict)

    @property
    def prefix(self) -> str:
        return f"{self.source}:{self.sheet}!" if self.sheet is not None else f"{self.source}:"

    def at(self, row: int, col: int = 0) -> str:
        """The cell's name in messages and comments: ``F14`` (or ``row 14``)."""
        return f"{column_letter(col)}{row}" if col else f"row {row}"

    def error(self, row: int, col: int, message: str) -> CellDiagnostic:
        return CellDiagnostic(self.prefix, row, col, message)

    def text(self, row: int, col: int) -> str:
        cell = self.rows.get(row, {}).get(col)
        return cell.text if cell else ""


@dataclass
class Workbook:
    source: str
    tables: dict[str, Table]
    """Sheet name -> table, in the workbook's order (one unnamed table for a CSV file)."""
    is_csv: bool = False


def _refuse(source: str, message: str) -> SrmDataError:
    return SrmDataError([CellDiagnostic(f"{source}:", 0, 0, message)])


def _read_bytes(path: Path, source: str) -> bytes:
    try:
        with open(path, "rb") as fh:
            raw = fh.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise SrmInputError(
            [Diagnostic(source, 1, 1, f"cannot read the file: {exc.strerror or exc}")]
        ) from None
    if len(raw) > MAX_FILE_BYTES:
        raise _refuse(source, f"the file is over {MAX_FILE_BYTES // (1024 * 1024)} MiB")
    return raw


def read(path: str | Path, source: str | None = None, delimiter: str | None = None) -> Workbook:
    """The sheets of an ``.xlsx`` or ``.csv`` file. Raises :class:`SrmDataError`."""
    path = Path(path)
    shown = source or str(path)
    raw = _read_bytes(path, shown)
    if raw.startswith(b"PK\x03\x04"):
        return _read_xlsx(raw, shown)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        raise _refuse(shown, "not an .xlsx workbook (it is not a zip archive)")
    return _read_csv(raw, shown, delimiter)


# -- CSV ----------------------------------------------------------------------------------


def sniff_delimiter(text: str) -> str:
    """``;`` when the first non-blank line has more semicolons than commas, else ``,``."""
    for line in text.splitlines():
        if line.strip():
            return ";" if line.count(";") > line.count(",") else ","
    return ","


def _read_csv(raw: bytes, source: str, delimiter: str | None) -> Workbook:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        row = raw[: exc.start].count(b"\n") + 1
        raise SrmDataError(
            [
                CellDiagnostic(
                    f"{source}:",
                    row,
                    0,
                    f"not UTF-8 (byte 0x{raw[exc.start]:02X}): save the file as "
                    "'CSV UTF-8' and import it again",
                )
            ]
        ) from None
    table = Table(source, None)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter or sniff_delimiter(text))
    try:
        for number, record in enumerate(reader, start=1):
            _check_size(table, number, len(record))
            cells = {col: Cell(v) for col, v in enumerate(record, start=1) if v.strip()}
            if cells:
                table.rows[number] = cells
    except csv.Error as exc:
        raise _refuse(source, f"unreadable CSV near line {reader.line_num}: {exc}") from None
    return Workbook(source, {"": table}, is_csv=True)


def _check_size(table: Table, row: int, columns: int) -> None:
    if row > MAX_SHEET_ROWS:
        raise SrmDataError([table.error(row, 0, f"more than {MAX_SHEET_ROWS} rows")])
    if columns > MAX_SHEET_COLUMNS:
        raise SrmDataError([table.error(row, 0, f"more than {MAX_SHEET_COLUMNS} columns")])


# -- xlsx ---------------------------------------------------------------------------------


def _check_zip(raw: bytes, source: str) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            members = archive.infolist()
    except zipfile.BadZipFile as exc:
        raise _refuse(source, f"not a readable .xlsx workbook: {exc}") from None
    if len(members) > 10_000:
        raise _refuse(source, f"the workbook holds {len(members)} parts; refusing")
    total = 0
    for info in members:
        total += info.file_size
        if info.file_size > MAX_RATIO * max(info.compress_size, 1) and info.file_size > 1 << 20:
            raise _refuse(
                source,
                f"{info.filename} unpacks to {info.file_size} bytes from "
                f"{info.compress_size}: refusing a possible zip bomb",
            )
    if total > MAX_UNPACKED_BYTES:
        raise _refuse(
            source,
            f"the workbook unpacks to {total // (1024 * 1024)} MiB; the limit is "
            f"{MAX_UNPACKED_BYTES // (1024 * 1024)} MiB",
        )


_CONTROL_ESCAPE = re.compile(r"_x(00[01][0-9A-Fa-f])_")
"""How writers store a control character in a cell (openpyxl leaves it escaped); it comes
back as the character, which the validator then refuses at its cell."""


def _cell_text(value: object, data_type: str | None) -> Cell:
    if isinstance(value, str) and data_type not in ("f", "e"):  # nearly every cell
        if "_x" in value:
            value = _CONTROL_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), value)
        return Cell(value)
    if data_type == "f":
        return Cell("", f"holds a formula ({str(value)[:60]}): srm import reads only values")
    if data_type == "e":
        return Cell("", f"holds the error value {value}")
    if value is None:
        return Cell("")
    if isinstance(value, bool):
        return Cell("TRUE" if value else "FALSE")
    if isinstance(value, int):
        return Cell(str(value))
    if isinstance(value, float):
        return Cell(str(int(value)) if value.is_integer() else repr(value))
    if isinstance(value, dt.datetime):
        if value.time() == dt.time():
            return Cell(value.date().isoformat())
        return Cell(value.isoformat(sep=" "))
    if isinstance(value, dt.date | dt.time):
        return Cell(value.isoformat())
    return Cell("", f"holds an unreadable value of type {type(value).__name__}")


def _rows(sheet: object) -> Iterator[tuple[int, int, Cell]]:
    from openpyxl.cell.read_only import EmptyCell

    for row in sheet.iter_rows():  # type: ignore[attr-defined]
        for cell in row:
            if isinstance(cell, EmptyCell):
                continue
            yield cell.row, cell.column, _cell_text(cell.value, cell.data_type)


def _read_xlsx(raw: bytes, source: str) -> Workbook:
    _check_zip(raw, source)
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise _refuse(source, f"not a readable .xlsx workbook: {exc}") from None
    tables: dict[str, Table] = {}
    try:
        for sheet in book.worksheets:
            table = Table(source, sheet.title)
            if hasattr(sheet, "reset_dimensions"):
                sheet.reset_dimensions()  # the file's stated size may be wrong
            for row, col, cell in _rows(sheet):
                _check_size(table, row, col)
                if cell.text.strip() or cell.problem:
                    table.rows.setdefault(row, {})[col] = cell
            tables[sheet.title] = table
    except SrmDataError:
        raise
    except Exception as exc:
        raise _refuse(source, f"not a readable .xlsx workbook: {exc}") from None
    finally:
        book.close()
    return Workbook(source, tables)
