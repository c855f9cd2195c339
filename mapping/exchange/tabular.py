"""CSV and XLSX tables: reading rows from an upload, and writing tables people open in a
spreadsheet. Cells that a spreadsheet would run as a formula are neutralised on the way
out."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time
from itertools import chain, islice
from xml.etree import ElementTree

from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils.cell import coordinate_to_tuple
from openpyxl.utils.exceptions import InvalidFileException

from mapping.exchange.problems import UnreadableFile
from standards.text import printable

# The columns of each kind of table, as the templates name them, and the field of the
# payload (standards/schemas.py, mapping/exchange/schemas.py) each one is: reading and writing a
# table go through the same payloads, so the two cannot drift apart.
FRAMEWORK_FIELDS = {
    "code": "code", "title": "title", "description": "description", "parent code": "parent",
    "level label": "level_label", "position": "position",
}  # fmt: skip
FRAMEWORK_COLUMNS = tuple(FRAMEWORK_FIELDS)
FRAMEWORK_REQUIRED = ("code", "title", "level label")
LINK_FIELDS = {
    "source code": "source", "target code": "target", "relation": "relation",
    "rationale": "rationale", "example": "example",
}  # fmt: skip
LINK_COLUMNS = tuple(LINK_FIELDS)
LINK_REQUIRED = ("source code", "target code", "relation", "rationale")
# The names columns had when every register was behaviours → standards: files made then
# still read (for one release).
ALIASES = {"behaviour code": "source code", "standard code": "target code",
           "behaviour": "source", "standard": "target"}  # fmt: skip
# Columns Weave's own exports add for reading, which an import passes over.
READ_ONLY = ("reference", "source", "target", "status", "last changed", "wording")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
ZIP_START = b"PK\x03\x04"  # an .xlsx workbook is a zip file
# What an upload may hold, whatever its size on disk: rows (a 5 MB CSV holds some 50,000
# links), columns read (a sheet's far columns are passed over) and a workbook unpacked
# (a few megabytes can unpack to gigabytes).
BOM = "\ufeff"
MOST_ROWS = 100_000
MOST_COLUMNS = 64
MOST_UNPACKED = 100 * 1024 * 1024


def column_name(header: str) -> str:
    """A header as Weave names it: "Parent_Code " and "parent code" are the same column, and
    "Behaviour code" is the "source code" it was once called."""
    # Without invisible characters (a byte order mark a second save put in, a zero-width
    # space): a header shown as "code" is the column "code".
    visible = "".join(c for c in str(header or "") if unicodedata.category(c) != "Cf")
    name = " ".join(visible.replace("_", " ").split()).casefold()
    return ALIASES.get(name, name)


# The most unknown columns a message names (a file may have thousands).
SAID_AT_MOST = 10


def read_rows(
    content: bytes, file_format: str, *, columns: Sequence[str], required: Sequence[str]
) -> list[tuple[int, dict[str, str]]]:
    """The rows of a CSV or XLSX upload as (row number, {column: text}), blank rows left
    out. The header must name every required column and no unknown one."""
    table = _csv_table(content) if file_format == "csv" else _xlsx_table(content)
    if not table:
        raise UnreadableFile("The file is empty: it needs a header row and at least one row.")
    header = [column_name(cell) for cell in table[0]]
    unknown = list(
        dict.fromkeys(name for name in header if name and name not in (*columns, *READ_ONLY))
    )  # each once, in the file's order
    missing = [name for name in required if name not in header]
    if missing or unknown:
        said = []
        if missing:
            said.append(f"it has no {', '.join(f'“{m}”' for m in missing)} column")
        if unknown:
            named = ", ".join(f"“{u[:40]}”" for u in unknown[:SAID_AT_MOST])
            more = len(unknown) - SAID_AT_MOST
            named += f" and {more} more" if more > 0 else ""
            verb = "is not a column" if len(unknown) == 1 else "are not columns"
            said.append(f"{named} {verb} Weave knows")
        raise UnreadableFile(
            f"The columns are not right: {'; '.join(said)}. The columns are: "
            f"{', '.join(columns)} (download the template to start from)."
        )
    duplicated = {name for name in header if name and header.count(name) > 1}
    if duplicated:
        raise UnreadableFile(f"The column “{sorted(duplicated)[0]}” appears twice.")
    rows = []
    for number, cells in enumerate(table[1:], start=2):
        _refuse_unsaved_formulas(number, header, cells, columns)
        values = {name: _text(cell) for name, cell in zip(header, cells, strict=False)
                  if name in columns or name in READ_ONLY}  # fmt: skip
        if any(values[name] for name in values if name in columns):
            # The columns for reading come along, for the dry run to say that an edit made
            # there is not read (mapping/importing/shown.py).
            shown = {name: values[name] for name in READ_ONLY if name in values}
            # A column the file does not have is left out, not read as empty: a file without
            # descriptions says nothing of them (mapping/importing/frameworks.py).
            rows.append((number, {name: values.get(name, "") for name in columns
                                  if name in header} | shown))  # fmt: skip
    if not rows:
        raise UnreadableFile("The file has a header row but no rows under it.")
    return rows


def _refuse_unsaved_formulas(number: int, header: list[str], cells: list,
                             columns: Sequence[str]) -> None:  # fmt: skip
    """Say where a formula saved without its value stands in a column that is read (in the
    others, such as an export's "last changed", it is passed over like their text)."""
    for name, cell in zip(header, cells, strict=False):
        if isinstance(cell, UnsavedFormula) and name in columns:
            raise UnreadableFile(
                f"Row {number}, column “{name}” holds a formula ({cell[:40]}) with no value "
                "saved with it, so Weave cannot read what it shows. Type the text instead, "
                "or open the file in your spreadsheet and save it again (that saves each "
                "formula's value)."
            )


def _text(cell) -> str:
    if cell is None or isinstance(cell, UnsavedFormula):
        return ""
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    if isinstance(cell, datetime):  # a date a spreadsheet recognised, as it showed it
        return cell.date().isoformat() if cell.time() == time() else f"{cell:%Y-%m-%d %H:%M}"
    if isinstance(cell, date | time):
        return cell.isoformat()
    # A byte order mark inside a cell (files joined together) is nothing anyone wrote.
    return str(cell).replace(BOM, "").strip()


def _guarded(text: str) -> bool:
    """Whether text begins like a formula, after any apostrophes that guard it."""
    first = text.lstrip("'")[:1]
    return bool(first) and first in FORMULA_STARTS


def _unguarded(cell: str) -> str:
    """Weave's CSV writes "'=…" for a cell that begins like a formula (and "''=…" for one
    that began "'=…"); read it back as written: one apostrophe fewer."""
    return cell[1:] if cell[:1] == "'" and _guarded(cell) else cell


def _csv_table(content: bytes) -> list[list[str]]:
    if content.startswith(ZIP_START):  # a workbook with a .csv name: read as what it is
        return _xlsx_table(content)
    try:
        text = content.decode("utf-8-sig").lstrip(BOM)  # saved twice, a file may have two
    except UnicodeDecodeError as error:
        row = content[: error.start].count(b"\n") + 1
        raise UnreadableFile(
            f"The file is not UTF-8 text: row {row} has a character in another encoding (such "
            "as Windows' own). In your spreadsheet, save it as “CSV UTF-8” and upload it again."
        ) from error
    if "\x00" in text:
        raise UnreadableFile("The file has NUL characters: it is not a CSV table.")
    # A cell as long as the file may be (its size is checked on upload): an over-long
    # rationale gets the row's own message, not the reader's "field larger than field limit".
    csv.field_size_limit(max(csv.field_size_limit(), len(text) + 1))
    # Only the delimiter is guessed (from the header: a spreadsheet set to a European
    # locale writes semicolons); quoting is always the spreadsheets' own.
    try:
        delimiter = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=",;\t").delimiter
    except csv.Error:
        delimiter = ","
    try:
        rows = csv.reader(io.StringIO(text, newline=""), csv.excel, delimiter=delimiter)
        table = _at_most([_unguarded(cell) for cell in row] for row in rows)
    except csv.Error as error:
        raise UnreadableFile(f"The file is not a readable CSV table: {error}.") from error
    _check_quotes_close(text, delimiter, len(table))
    return table


def _check_quotes_close(text: str, delimiter: str, rows: int) -> None:
    """A quote never closed would make the rest of the file one cell (the reader's lenient
    reading): say where it opened instead."""
    try:
        for _row in csv.reader(io.StringIO(text, newline=""), csv.excel, delimiter=delimiter,
                               strict=True):  # fmt: skip
            pass
    except csv.Error as error:
        if "unexpected end of data" in str(error):
            raise UnreadableFile(
                f'A quote (") opened on row {rows} is never closed, so the rest of the file '
                "would be one cell: close it (a quote inside a quoted cell is written twice, "
                '"").'
            ) from error


def _xlsx_table(content: bytes) -> list[list]:
    """The first sheet's rows as the spreadsheet showed them. A formula saved without its
    value (as a program writes one) is refused where it is read (read_rows): its cell
    would read as empty."""
    _refuse_unpacking_too_far(content)
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError,
            SyntaxError) as error:  # fmt: skip
        # A zip file (checked above) that is no workbook Weave reads: damaged, or holding
        # XML it refuses (a DOCTYPE, which a spreadsheet never writes).
        raise UnreadableFile(
            "The workbook cannot be read: it is damaged, or holds what a spreadsheet does not "
            "write. Open it in your spreadsheet and save it again as an .xlsx workbook, or "
            "as CSV UTF-8."
        ) from error
    try:
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True, max_col=MOST_COLUMNS)
        # As wide as the header: openpyxl pads each row with empty cells out to max_col.
        header = _trimmed(next(rows, ()))
        table = _at_most(chain([header], (list(row[: len(header)]) for row in rows)))
        if any(cell is None for row in table for cell in row):
            for row, column, formula in _unsaved_formulas(content, sheet._worksheet_path):
                if row <= len(table) and column <= len(table[row - 1]):
                    table[row - 1][column - 1] = UnsavedFormula(formula)
        return table
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, SyntaxError) as error:
        # SyntaxError: XML the parser refuses (xml.etree's ParseError), such as a sheet
        # declaring entities that expand without end.
        raise UnreadableFile("The workbook's first sheet cannot be read.") from error
    finally:
        workbook.close()


def _refuse_unpacking_too_far(content: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(item.file_size for item in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise UnreadableFile("The file is not an Excel workbook (.xlsx): save it as an .xlsx "
                             "workbook, or as CSV UTF-8.") from error  # fmt: skip
    if unpacked > MOST_UNPACKED:
        raise UnreadableFile(
            f"The workbook unpacks to {unpacked / 1024 / 1024:,.0f} MB, more than the "
            f"{MOST_UNPACKED // 1024 // 1024} MB Weave reads: save its first sheet alone, "
            "without formatting, or as CSV UTF-8."
        )


def _trimmed(row: tuple) -> list:
    """A row without the empty cells openpyxl pads it with out to max_col."""
    cells = list(row)
    while cells and cells[-1] is None:
        cells.pop()
    return cells


def _at_most(rows: Iterable[list]) -> list[list]:
    """The rows, refused past MOST_ROWS (read no further than one past it)."""
    table = list(islice(rows, MOST_ROWS + 1))
    if len(table) > MOST_ROWS:
        raise UnreadableFile(f"The file has more than {MOST_ROWS:,} rows, the most Weave reads "
                             "at once: split it into smaller files.")  # fmt: skip
    return table


class UnsavedFormula(str):
    """A formula's cell saved without the value it works out to: what it shows is unknown."""


SHEET = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
# Cell types whose value is saved as the text itself, empty included: an empty <v> in a
# cell of one of these is the empty text a formula gave ("" from an IF, say).
TEXT_TYPES = {"str", "s", "inlineStr", "e"}


def _unsaved_formulas(content: bytes, path: str) -> Iterable[tuple[int, int, str]]:
    """(row, column, formula) of each formula cell of the sheet at path saved with no value:
    no <v>, or an empty one in a cell that is not text."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive, archive.open(path) as xml:
        for _event, cell in ElementTree.iterparse(xml):
            if cell.tag != f"{SHEET}c":
                continue
            formula, value = cell.find(f"{SHEET}f"), cell.find(f"{SHEET}v")
            saved = value is not None and (value.text or cell.get("t") in TEXT_TYPES)
            if formula is not None and not saved and cell.get("r"):
                row, column = coordinate_to_tuple(cell.get("r"))
                yield row, column, f"={formula.text or ''}"
            cell.clear()


def safe_cell(value) -> str:
    """A value that a spreadsheet will show as text, never run as a formula."""
    text = "" if value is None else str(value)
    return f"'{text}" if _guarded(text) else text


def _text_cell(sheet, value):
    if not isinstance(value, str):
        return value
    # A workbook cannot hold a control character an older install may have saved.
    cell = WriteOnlyCell(sheet, value=printable(value))
    cell.data_type = "s"  # openpyxl would otherwise take "=…" for a formula
    return cell


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows([safe_cell(value) for value in row] for row in rows)
    # A byte-order mark, so that Excel opens the file as UTF-8.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


SHEET_NAME = 31  # the most characters a spreadsheet allows a sheet's name


def sheet_name(title: str) -> str:
    """A sheet's name: none of the characters \\/*?:[] nor a control, and at most 31
    characters, a longer one cut between words with "…" ("Our Behaviours and Our Inductio"
    would read as a typing slip)."""
    name = " ".join(re.sub(r"[\\/*?:\[\]]+", "-", printable(title)).split()).strip("'")
    if len(name) > SHEET_NAME:
        cut = name[: SHEET_NAME - 1]
        name = (cut.rsplit(" ", 1)[0] if " " in cut else cut).rstrip(" -–,;'") + "…"
    return name or "Sheet"


def xlsx_bytes(header: Sequence[str], rows: Iterable[Sequence], *, title: str) -> bytes:
    """A workbook of one sheet. Every text cell is stored as text, so that none that begins
    like a formula can run as one."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_name(title))
    sheet.append(list(header))
    for row in rows:
        sheet.append([_text_cell(sheet, value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
