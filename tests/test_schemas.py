"""The tables' rules are written once (schemas.columns): the plain check `extract` uses and the
pandera schemas `report` uses must accept and refuse the same rows."""

from __future__ import annotations

import pandas as pd
import pytest

from pipeline.errors import ContractError
from schemas import validate_table
from schemas.columns import check_rows

_GOOD_ROW = {
    "doc_id": "abc", "theme_no": 1, "theme_title": "Sundhedstilbud", "row_no": 2,
    "status": "started", "remark": "", "proposal": "", "proposed_text": "",
    "page_first": 1, "page_last": 2, "goal_no": "",
}  # fmt: skip

_BAD_VALUES = [
    ("theme_no", 0),  # ge 1
    ("theme_no", None),  # not nullable
    ("status", "done"),  # not one of
    ("remark", " lead space"),  # not normalized
    ("page_last", "2"),  # a string where an int belongs (plain rows only: pandas coerces)
]


def _both(table: str, rows: list[dict]) -> tuple[bool, bool]:
    plain = frame = True
    try:
        check_rows(table, rows)
    except ContractError:
        plain = False
    try:
        validate_table(table, pd.DataFrame(rows))
    except ContractError:
        frame = False
    return plain, frame


def test_a_good_row_passes_both_checks():
    assert _both("goal_rows", [_GOOD_ROW]) == (True, True)


@pytest.mark.parametrize(("column", "value"), _BAD_VALUES[:4])
def test_a_bad_value_fails_both_checks(column, value):
    assert _both("goal_rows", [{**_GOOD_ROW, column: value}]) == (False, False)


def test_plain_rows_must_carry_ints_as_ints():
    with pytest.raises(ContractError, match="page_last: not an integer"):
        check_rows("goal_rows", [{**_GOOD_ROW, "page_last": "2"}])


def test_duplicate_keys_fail_both_checks():
    assert _both("goal_rows", [_GOOD_ROW, dict(_GOOD_ROW)]) == (False, False)


def test_every_failing_column_is_listed_at_once():
    bad = {**_GOOD_ROW, "status": "done", "remark": " x", "theme_no": 0}
    with pytest.raises(ContractError) as e:
        check_rows("goal_rows", [bad])
    message = str(e.value)
    assert "status" in message and "remark" in message and "theme_no" in message


def test_nullable_ints_may_be_empty():
    row = {"doc_id": "a", "theme_no": None, "row_no": "", "severity": "error",
           "code": "no_table", "message": "Ingen tabel"}  # fmt: skip
    check_rows("findings", [row])


def test_extract_rows_write_the_bytes_report_frames_write(tmp_path):
    """`extract` (plain rows) and `report` (DataFrames) write the same CSV for a notat."""
    from pipeline.extract import extract_pdf
    from pipeline.rows import COLUMNS, extraction_rows, write_rows_csv
    from pipeline.tables import extraction_frames, write_csv
    from tests.fixtures.render import fixture_pdf

    doc = extract_pdf(fixture_pdf("reportlab", "status_2020", "ruled"))
    rows, frames = extraction_rows([doc]), extraction_frames([doc])
    assert rows["goal_rows"] and rows["findings"] is not None
    for name in rows:
        write_rows_csv(COLUMNS[name], rows[name], tmp_path / f"{name}.rows.csv")
        write_csv(frames[name], tmp_path / f"{name}.frame.csv")
        plain = (tmp_path / f"{name}.rows.csv").read_bytes()
        assert plain == (tmp_path / f"{name}.frame.csv").read_bytes(), name
