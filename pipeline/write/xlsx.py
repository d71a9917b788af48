"""The tables as one Excel workbook for people: a sheet per table, safe against formula injection.

Written with XlsxWriter in its constant-memory mode (each row goes to disk as it is written), with
every automatic conversion off: a string is never turned into a formula, number or link. A cell
that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return may still be read as a
formula by another spreadsheet program after a copy and paste, so such text gets a leading
apostrophe, and text from a PDF is stripped of the characters XML cannot hold.

Each sheet has a bold, frozen header row, an autofilter, column widths from the content (at most
60 characters) and top-aligned text; longer text wraps. The sheets carry Danish names (the
workbook is for Danish readers; Excel also reserves the name "History"): a table the workbook
does not know keeps its key, made a valid sheet name.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Callable
from pathlib import Path

import pandas as pd
from pandas.api.types import is_bool_dtype, is_numeric_dtype
from xlsxwriter import Workbook
from xlsxwriter.exceptions import XlsxFileError

from pipeline.errors import WriteError
from pipeline.write.text import xml_safe

__all__ = ["SHEET_NAMES", "excel_safe", "write_workbook"]

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
}

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_RESERVED_SHEETS = {"history"}
_MAX_WIDTH = 60
_OPTIONS = {
    "constant_memory": True,
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
    text = xml_safe(str(value))
    if text.startswith(_FORMULA_START):
        return "'" + text
    return text


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
    longest = max([len(str(header))] + [len(str(v)) for v in values if v is not None])
    return min(_MAX_WIDTH, longest + 2)


def _cell_writer(ws, dtype, wrapped, top) -> Callable[[int, int, object], object]:
    """How a (safe, non-empty) value of a column of this dtype is written."""
    if is_bool_dtype(dtype):
        return ws.write_boolean
    if is_numeric_dtype(dtype):
        return ws.write_number

    def write_any(row: int, col: int, value: object) -> object:
        if isinstance(value, str):
            return ws.write_string(row, col, value, wrapped if len(value) > _MAX_WIDTH else top)
        if isinstance(value, bool):
            return ws.write_boolean(row, col, value)
        return ws.write_number(row, col, value)

    return write_any


def _write_sheet(book: Workbook, title: str, frame: pd.DataFrame, formats: dict) -> None:
    ws = book.add_worksheet(title)
    ws.freeze_panes(1, 0)
    if not frame.shape[1]:
        return
    header = [excel_safe(str(c)) for c in frame.columns]
    columns = [[excel_safe(v) for v in frame.iloc[:, i].tolist()] for i in range(frame.shape[1])]
    for i, (name, values) in enumerate(zip(header, columns, strict=True)):
        ws.set_column(i, i, _width(name, values))
        ws.write_string(0, i, name, formats["header"])
    writers = [
        _cell_writer(ws, dtype, formats["wrapped"], formats["top"]) for dtype in frame.dtypes
    ]
    for row, record in enumerate(zip(*columns, strict=True), start=1):
        for col, value in enumerate(record):
            if value is not None and value != "":  # an empty cell is left unwritten
                writers[col](row, col, value)
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
        book = Workbook(str(tmp), _OPTIONS)
        formats = {
            "header": book.add_format({"bold": True}),
            "wrapped": book.add_format({"text_wrap": True, "valign": "top"}),
            "top": book.add_format({"valign": "top"}),
        }
        for title, frame in sheets:
            _write_sheet(book, title, frame, formats)
        book.close()
        os.replace(tmp, path)
    except (OSError, XlsxFileError) as e:
        tmp.unlink(missing_ok=True)
        raise WriteError(f"could not write {path}: {e}") from e
    return path
