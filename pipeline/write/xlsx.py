"""The tables as one Excel workbook for people: a sheet per table, safe against formula injection.

A cell that starts with ``=``, ``+``, ``-`` or ``@`` is a formula to Excel; text from a PDF must
never become one, so such strings get a leading apostrophe and are stored as plain text.
"""

from __future__ import annotations

import math
import os
import re
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from pipeline.errors import WriteError
from pipeline.write.text import xml_safe

__all__ = ["excel_safe", "write_workbook"]

_FORMULA_START = ("=", "+", "-", "@")
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_MAX_WIDTH = 60


def excel_safe(value: object) -> object:
    """A value openpyxl stores as data, never as a formula; text stripped of XML-illegal chars."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if value is pd.NA or value is pd.NaT:
        return None
    if hasattr(value, "item") and not isinstance(value, str):  # numpy scalars
        value = value.item()
    if isinstance(value, bool | int | float):
        return value
    text = xml_safe(str(value))
    if text.startswith(_FORMULA_START):
        return "'" + text
    return text


def _sheet_title(name: str, taken: set[str]) -> str:
    base = _SHEET_FORBIDDEN.sub("_", xml_safe(name)).strip("'") or "Ark"
    base = base[:31]
    title, n = base, 2
    while title.lower() in taken:
        suffix = f" ({n})"
        title, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(title.lower())
    return title


def write_workbook(frames: dict[str, pd.DataFrame], path: Path) -> Path:
    """One sheet per frame (sheet named by its key), header bold and frozen, filter on."""
    wb = Workbook()
    wb.remove(wb.active)
    taken: set[str] = set()
    for name, frame in frames.items():
        ws = wb.create_sheet(_sheet_title(name, taken))
        columns = [str(c) for c in frame.columns]
        ws.append([excel_safe(c) for c in columns])
        for record in frame.itertuples(index=False, name=None):
            ws.append([excel_safe(v) for v in record])
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # belt and braces: text is never a formula
                    cell.alignment = Alignment(
                        wrap_text=len(cell.value) > _MAX_WIDTH, vertical="top"
                    )
        for i, col in enumerate(columns, start=1):
            longest = max([len(col)] + [len(str(v)) for v in frame.iloc[:, i - 1].tolist()])
            ws.column_dimensions[get_column_letter(i)].width = min(_MAX_WIDTH, longest + 2)
        ws.freeze_panes = "A2"
        if columns:
            ws.auto_filter.ref = ws.dimensions
    if not frames:
        wb.create_sheet("Tom")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        wb.save(tmp)
        os.replace(tmp, path)
    except OSError as e:
        tmp.unlink(missing_ok=True)
        raise WriteError(f"could not write {path}: {e}") from e
    return path
