"""Writers: lay out what transform hands them. Public entry points: ``write_reports`` and
``write_workbook``.

Each document is described once (``layout``: blocks built from the report model) and that
description is rendered by the Word and the PDF writer. python-docx is imported only in ``docx_report``, reportlab only in ``pdf_report``, openpyxl only in
``xlsx``. Files are written to a temporary name first and then renamed, so a crash never leaves
half a report under the final name.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from pathlib import Path

from pipeline.errors import WriteError
from pipeline.model import StatusForm, StatusReport
from pipeline.vocabulary import REVIEW_FILE_PREFIX
from pipeline.write.text import safe_filename
from pipeline.write.xlsx import write_workbook

__all__ = ["report_file_names", "write_reports", "write_review_workbook", "write_workbook"]


def report_file_names(report: StatusReport, form: StatusForm) -> dict[str, str]:
    """The output file names, carrying the period's ISO date (CONTRACT.md)."""
    period = report.period.isoformat()
    return {
        "report_docx": safe_filename(f"statusrapport_{period}.docx"),
        "report_pdf": safe_filename(f"statusrapport_{period}.pdf"),
        "form_docx": safe_filename(f"statusskema_{form.based_on_period.isoformat()}.docx"),
        "review_docx": safe_filename(f"{REVIEW_FILE_PREFIX}{period}.docx"),
    }


def _write_atomically(path: Path, render: Callable[[Path], None]) -> Path:
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        render(tmp)
        os.replace(tmp, path)
    except OSError as e:
        tmp.unlink(missing_ok=True)
        raise WriteError(f"could not write {path}: {e}") from e
    return path


def write_review_workbook(report: StatusReport, out_dir: Path) -> Path:
    """Write afstemning_<date>.xlsx, the doubtful pairs for the secretary (review_xlsx)."""
    from pipeline.write import review_xlsx

    return review_xlsx.write_review_workbook(report, out_dir)


def write_reports(
    report: StatusReport, form: StatusForm, out_dir: Path, made_on: dt.date | None = None
) -> list[Path]:
    """Write statusrapport_<date>.docx/.pdf (the council's report), afstemning_<date>.docx (the
    administration's working paper on the goals' wordings) and statusskema_<date>.docx (next
    period's form); return their paths. ``made_on`` (default today) is the files' creation date."""
    from pipeline.write import docx_report, pdf_report  # heavy imports, only when writing
    from pipeline.write.layout import form_layout, report_layout, review_layout

    day = made_on or dt.date.today()
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise WriteError(f"could not create the output folder {out_dir}: {e}") from e
    names = report_file_names(report, form)
    council, review, blank = report_layout(report), review_layout(report), form_layout(form)
    return [
        _write_atomically(
            out_dir / names["report_docx"], lambda p: docx_report.write_docx(council, p, day)
        ),
        _write_atomically(
            out_dir / names["report_pdf"], lambda p: pdf_report.write_pdf(council, p, day)
        ),
        _write_atomically(
            out_dir / names["form_docx"], lambda p: docx_report.write_docx(blank, p, day)
        ),
        _write_atomically(
            out_dir / names["review_docx"], lambda p: docx_report.write_docx(review, p, day)
        ),
    ]
