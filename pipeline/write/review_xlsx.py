"""The secretary's review workbook, ``afstemning_<date>.xlsx``: the doubtful pairs of goals with
an empty *Afgørelse* column to fill in.

One sheet *Afstemning*: a row per review pair of the report model (likeliest misses first), with
both wordings, where each stands (theme, row, notat and file), the evidence in words and the
likeness; the *Afgørelse* cells offer a drop-down (*samme mål* / *forskellige mål*) through
Excel's data validation. A sheet *Vejledning* says what to do. The headings are those
pipeline.transform.overrides reads back (pipeline.vocabulary), so the filled-in workbook saved in
input_pdfs/ is applied on the next run. Written with XlsxWriter like the tables' workbook, every
text cell as a string that cannot become a formula.
"""

from __future__ import annotations

from pathlib import Path

from xlsxwriter import Workbook

from pipeline.model import ReviewPair, StatusReport
from pipeline.vocabulary import (
    REVIEW_COLUMNS,
    REVIEW_DECISION,
    REVIEW_DECISIONS,
    REVIEW_FILE_PREFIX,
    REVIEW_SHEET,
    REVIEW_WORDING_A,
    REVIEW_WORDING_B,
)
from pipeline.wording import REVIEW_INSTRUCTIONS, REVIEW_KIND_LABELS, REVIEW_NONE
from pipeline.write.text import safe_filename
from pipeline.write.xlsx import excel_safe, print_setup

__all__ = ["review_file_name", "write_review_workbook"]

_WIDTHS = {
    "Nr.": 5,
    "Bud": 5,
    "Slags": 18,
    "Lighed": 8,
    REVIEW_DECISION: 16,
    "Mål-id A": 13,
    "Mål-id B": 13,
}
_TEXT_WIDTH = 45
_ROWS_OFFERED = 200  # the drop-down also stands under the last pair, for rows a person adds


def review_file_name(report: StatusReport) -> str:
    return safe_filename(f"{REVIEW_FILE_PREFIX}{report.period.isoformat()}.xlsx")


def _cells(no: int, pair: ReviewPair) -> list[object]:
    by_heading = {
        "Nr.": pair.question_no or no,
        "Bud": pair.rank,
        "Slags": REVIEW_KIND_LABELS[pair.kind],
        REVIEW_WORDING_A: pair.text_a,
        "Hvor A står": pair.where_a,
        REVIEW_WORDING_B: pair.text_b,
        "Hvor B står": pair.where_b,
        "Hvorfor spørges der": pair.evidence,
        "Lighed": round(pair.score, 2),
        REVIEW_DECISION: "",
        "Mål-id A": pair.goal_a,
        "Mål-id B": pair.goal_b,
    }
    return [excel_safe(by_heading[h]) for h in REVIEW_COLUMNS]


def write_review_workbook(report: StatusReport, out_dir: Path) -> Path:
    """Write ``afstemning_<period>.xlsx`` into ``out_dir`` (to a temporary name, then renamed
    by the caller's atomic write) and return its path."""
    from pipeline.write import _write_atomically  # the writers' one way to write a file

    path = out_dir / review_file_name(report)
    return _write_atomically(path, lambda tmp: _render(report.review, tmp))


def _render(pairs: tuple[ReviewPair, ...], path: Path) -> None:
    book = Workbook(
        str(path),
        {
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
            "tmpdir": str(path.parent),  # its parts in the staging folder, not the temp folder
        },
    )
    try:
        head = book.add_format({"bold": True, "text_wrap": True, "valign": "top"})
        text = book.add_format({"text_wrap": True, "valign": "top"})
        decide = book.add_format({"bg_color": "#FFF2CC", "valign": "top", "locked": False})
        ws = book.add_worksheet(REVIEW_SHEET)
        for col, heading in enumerate(REVIEW_COLUMNS):
            ws.write_string(0, col, heading, head)
            ws.set_column(col, col, _WIDTHS.get(heading, _TEXT_WIDTH))
        decision_col = REVIEW_COLUMNS.index(REVIEW_DECISION)
        for row, pair in enumerate(pairs, start=1):
            for col, value in enumerate(_cells(row, pair)):
                if col == decision_col:
                    ws.write_blank(row, col, None, decide)
                elif isinstance(value, str):
                    ws.write_string(row, col, value, text)
                elif value is not None:
                    ws.write_number(row, col, value, text)
        if not pairs:
            ws.write_string(1, REVIEW_COLUMNS.index("Slags"), REVIEW_NONE, text)
        last = max(len(pairs), 1) + _ROWS_OFFERED
        ws.data_validation(
            1,
            decision_col,
            last,
            decision_col,
            {
                "validate": "list",
                "source": list(REVIEW_DECISIONS),
                "input_title": REVIEW_DECISION,
                "input_message": "Vælg samme mål eller forskellige mål.",
                "error_title": REVIEW_DECISION,
                "error_message": "Vælg »samme mål« eller »forskellige mål« på listen.",
            },
        )
        ws.freeze_panes(1, 0)
        ws.autofilter(0, 0, max(len(pairs), 1), len(REVIEW_COLUMNS) - 1)
        print_setup(ws, len(REVIEW_COLUMNS))
        guide = book.add_worksheet("Vejledning")
        guide.set_column(0, 0, 100)
        guide.write_string(0, 0, REVIEW_INSTRUCTIONS, text)
        print_setup(guide, 1)
    finally:
        book.close()
