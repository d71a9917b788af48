"""The tables as one Excel workbook for people: a sheet per table, safe against formula injection.

Written with XlsxWriter, column by column, with every automatic conversion off: a string is never
turned into a formula, number or link. (Its constant-memory mode is not used: it writes every
string inline, which makes the file twice as large and the writing slower, and the tables of even
a large folder are a few tens of MB in memory.) A cell
that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return may still be read as a
formula by another spreadsheet program after a copy and paste, so such text gets a leading
apostrophe, and text from a PDF is stripped of the characters XML cannot hold. Text that looks
like a number (a phone number "+45 57 62 80 10", "-1", "0045") is no formula: it is stored as
Excel stores text typed with a leading apostrophe, marked text by its format (quote prefix), with
no apostrophe to see, and Excel's "number stored as text" flag is off for it.

Each sheet prints as a secretary sets it up: landscape A4, fitted to the page width, the header
row repeated on every page, the sheet's name and "Side N af M" in the footer.

Each sheet has a bold, frozen header row, an autofilter, column widths from the content (at most
60 characters) and top-aligned text; longer text wraps; dates are Excel dates (dd-mm-yyyy). The
workbook carries a title, subject and author. The sheets carry Danish names (the
workbook is for Danish readers; Excel also reserves the name "History"): a table the workbook
does not know keeps its key, made a valid sheet name.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
from pathlib import Path

import pandas as pd
from xlsxwriter import Workbook
from xlsxwriter.exceptions import XlsxFileError

from pipeline.errors import WriteError
from pipeline.write.text import xml_safe

__all__ = ["SHEET_NAMES", "excel_safe", "looks_like_number", "print_setup", "write_workbook"]

# The sheet of each table the pipeline writes.
SHEET_NAMES = {
    "documents": "Dokumenter",
    "goal_rows": "Målrækker",
    "goal_statements": "Målformuleringer",
    "theme_totals": "I alt pr. tema",
    "initiatives": "Indsatser",
    "findings": "Fund",
    "ingest_log": "Indlæste filer",
    "goals": "Mål",
    "links": "Koblinger",
    "history": "Historik",
    "changes": "Ændringer",
    "decisions": "Afgørelser",
}

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# text made only of digits and the signs a phone number, an amount or a code is written with
_NUMBER_LIKE = re.compile(r"[+-]?[\d\s.,()/+-]*\d[\d\s.,()/-]*")
_FOOTER = "&L&A&RSide &P af &N"  # the sheet's name left, "Side 2 af 5" right
_A4 = 9
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_RESERVED_SHEETS = {"history"}
_MAX_WIDTH = 60
_DATE_FORMAT = "dd-mm-yyyy"
_DATE_WIDTH = len(_DATE_FORMAT)
PROPERTIES = {
    "title": "Statusdata: mål i strategi og handleplan for Sundhedspolitikken",
    "subject": "Tabellerne bag statusrapporten",
    "author": "Ringsted Kommune",
    "company": "Ringsted Kommune",
    "keywords": "Sundhedspolitik, status, mål",
    "comments": "Dannet af statuspipelinen; samme tabeller som CSV-filerne og databasen.",
}
_OPTIONS = {
    "strings_to_formulas": False,
    "strings_to_numbers": False,
    "strings_to_urls": False,
}


def excel_safe(value: object) -> object:
    """A value stored as data, never as a formula; text stripped of XML-illegal chars.

    ``None`` for missing values and for NaN/infinity (Excel has no cell value for those).
    """
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if hasattr(value, "item") and not isinstance(value, str):  # numpy scalars
        value = value.item()
    if isinstance(value, bool | int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value  # stored as an Excel date, shown as 28-05-2020
    return _safe_text(str(value))


def _safe_text(text: str) -> str:
    """Text without XML-illegal characters that cannot start a formula (a number-like text is
    none: it is written as text by its format, see ``looks_like_number``)."""
    text = xml_safe(text)
    if text.startswith(_FORMULA_START) and not looks_like_number(text):
        return "'" + text
    return text


def looks_like_number(text: str) -> bool:
    """Whether Excel would read ``text`` as a number or a sum: it is then marked as text."""
    return bool(_NUMBER_LIKE.fullmatch(text))


def print_setup(ws, columns: int, *, header_rows: int = 1) -> None:
    """Landscape A4 fitted to the page width, the header row on every page, the sheet's name
    and the page number in the footer; "number stored as text" not flagged."""
    ws.set_landscape()
    ws.set_paper(_A4)
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(0, header_rows - 1)
    ws.set_footer(_FOOTER)
    ws.ignore_errors({"number_stored_as_text": f"A1:{_column_letter(max(columns, 1))}1048576"})


def _column_letter(n: int) -> str:
    letters = ""
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _sheet_title(name: str, taken: set[str]) -> str:
    """The table's Danish sheet name, or its key made valid (≤ 31 chars, no ``[]:*?/\\``)."""
    base = SHEET_NAMES.get(name) or _SHEET_FORBIDDEN.sub("_", xml_safe(name)).strip("'") or "Ark"
    base = base[:31]
    title, n = base, 2
    while title.lower() in taken or title.lower() in _RESERVED_SHEETS:
        suffix = f" ({n})"
        title, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(title.lower())
    return title


def _width(header: object, values: list[object]) -> float:
    shown = [
        _DATE_WIDTH if isinstance(v, dt.date) else len(str(v)) for v in values if v is not None
    ]
    longest = max([len(str(header)), *shown])
    return min(_MAX_WIDTH, longest + 2)


def _column_values(series: pd.Series) -> list[object]:
    """The column's cell values made safe, as ``excel_safe`` makes them; text, the common
    case, goes straight to ``_safe_text``."""
    return [_safe_text(v) if type(v) is str else excel_safe(v) for v in series.tolist()]


def _write_column(ws, col: int, values: list[object], formats: dict) -> None:
    write_string, wrapped, top = ws.write_string, formats["wrapped"], formats["top"]
    for row, value in enumerate(values, start=1):
        if value is None or value == "":
            continue  # an empty cell is left unwritten
        if type(value) is str:
            if len(value) > _MAX_WIDTH:
                write_string(row, col, value, wrapped)
            else:
                write_string(row, col, value, formats["text"] if looks_like_number(value) else top)
        elif isinstance(value, bool):
            ws.write_boolean(row, col, value)
        elif isinstance(value, dt.date):
            ws.write_datetime(row, col, value, formats["date"])
        else:
            ws.write_number(row, col, value)


def _write_sheet(book: Workbook, title: str, frame: pd.DataFrame, formats: dict) -> None:
    ws = book.add_worksheet(title)
    ws.freeze_panes(1, 0)
    print_setup(ws, frame.shape[1])
    if not frame.shape[1]:
        return
    for col in range(frame.shape[1]):
        name = excel_safe(str(frame.columns[col]))
        values = _column_values(frame.iloc[:, col])
        ws.set_column(col, col, _width(name, values))
        ws.write_string(0, col, name, formats["header"])
        _write_column(ws, col, values, formats)
    ws.autofilter(0, 0, len(frame), frame.shape[1] - 1)


def write_workbook(frames: dict[str, pd.DataFrame], path: Path) -> Path:
    """One sheet per frame (Danish sheet name, see ``SHEET_NAMES``), header bold and frozen,
    filter on; a workbook without tables gets one empty sheet "Tom". Written to a temporary file
    that replaces ``path`` only when complete; ``WriteError`` if that cannot be done."""
    taken: set[str] = set()
    sheets = [(_sheet_title(name, taken), frame) for name, frame in frames.items()] or [
        ("Tom", pd.DataFrame())
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        # its parts beside the file (the staging folder), never in the temp folder
        book = Workbook(str(tmp), {**_OPTIONS, "tmpdir": str(path.parent)})
        formats = {
            "header": book.add_format({"bold": True}),
            "wrapped": book.add_format({"text_wrap": True, "valign": "top"}),
            "top": book.add_format({"valign": "top"}),
            "text": book.add_format({"valign": "top", "quote_prefix": True}),
            "date": book.add_format({"num_format": _DATE_FORMAT, "valign": "top"}),
        }
        book.set_properties({**PROPERTIES, "created": dt.datetime.now()})
        for title, frame in sheets:
            _write_sheet(book, title, frame, formats)
        book.close()
        os.replace(tmp, path)
    except (OSError, XlsxFileError) as e:
        tmp.unlink(missing_ok=True)
        raise WriteError(f"could not write {path}: {e}") from e
    return path
