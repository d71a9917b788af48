"""pandera models of the normalized tables. Columns and meanings are fixed by CONTRACT.md.

All columns are strings in the CSV; numbers that may be empty (``theme_no`` of a document-level
finding, a printed total that is missing) are nullable integers here and empty in the CSV.
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors
from pandera.typing import Series

from pipeline.errors import ContractError

_ISO_DATE = r"^(\d{4}-\d{2}-\d{2})?$"
_NORMALIZED = r"^(\S(.*\S)?)?$"  # no leading/trailing white space
_INT = "Int64"


def _text(**kw) -> pa.Field:
    return pa.Field(str_matches=_NORMALIZED, **kw)


class Documents(pa.DataFrameModel):
    doc_id: Series[str] = pa.Field(unique=True, str_length={"min_value": 1})
    file: Series[str]
    sha256: Series[str] = pa.Field(str_matches=r"^[0-9a-f]{64}$")
    kind: Series[str] = pa.Field(isin=["status", "concept", "unknown"])
    title: Series[str] = _text()
    date: Series[str] = pa.Field(str_matches=_ISO_DATE)
    pages: Series[int] = pa.Field(ge=0)
    sender_centre: Series[str] = _text()
    sender_unit: Series[str] = _text()
    sender_address: Series[str] = _text()
    sender_phone: Series[str] = _text()
    sender_email: Series[str] = _text()
    sender_web: Series[str] = _text()
    sender_ean: Series[str] = pa.Field(str_matches=r"^(\d{13})?$")

    class Config:
        strict = False
        coerce = True


class GoalRows(pa.DataFrameModel):
    doc_id: Series[str]
    theme_no: Series[int] = pa.Field(ge=1)
    theme_title: Series[str] = _text()
    row_no: Series[int] = pa.Field(ge=1)
    status: Series[str] = pa.Field(isin=["started", "not_started", ""])
    remark: Series[str] = _text()
    proposal: Series[str] = pa.Field(isin=["drop", "reword", ""])
    proposed_text: Series[str] = _text()
    page_first: Series[int] = pa.Field(ge=1)
    page_last: Series[int] = pa.Field(ge=1)

    class Config:
        strict = False
        coerce = True
        unique = ["doc_id", "theme_no", "row_no"]


class GoalStatements(pa.DataFrameModel):
    doc_id: Series[str]
    theme_no: Series[int] = pa.Field(ge=1)
    row_no: Series[int] = pa.Field(ge=1)
    stmt_no: Series[int] = pa.Field(ge=1)
    text: Series[str] = pa.Field(str_matches=r"^\S(.*\S)?$")
    bilag: Series[str] = pa.Field(isin=["1", "2", ""])
    goal_id: Series[str]

    class Config:
        strict = False
        coerce = True
        unique = ["doc_id", "theme_no", "row_no", "stmt_no"]


class ThemeTotals(pa.DataFrameModel):
    doc_id: Series[str]
    theme_no: Series[int] = pa.Field(ge=1)
    reported_started: Series[_INT] = pa.Field(nullable=True, ge=0)
    reported_not_started: Series[_INT] = pa.Field(nullable=True, ge=0)
    counted_started: Series[int] = pa.Field(ge=0)
    counted_not_started: Series[int] = pa.Field(ge=0)

    class Config:
        strict = False
        coerce = True
        unique = ["doc_id", "theme_no"]


class Initiatives(pa.DataFrameModel):
    doc_id: Series[str]
    area_no: Series[int] = pa.Field(ge=1)
    area_title: Series[str] = _text()
    group_title: Series[str] = _text()
    item_no: Series[str] = pa.Field(str_matches=r"^(\d+)?$")
    sub: Series[str] = pa.Field(str_matches=r"^([a-z])?$")
    text: Series[str] = pa.Field(str_matches=r"^\S(.*\S)?$")

    class Config:
        strict = False
        coerce = True


class Findings(pa.DataFrameModel):
    doc_id: Series[str]
    theme_no: Series[_INT] = pa.Field(nullable=True)
    row_no: Series[_INT] = pa.Field(nullable=True)
    severity: Series[str] = pa.Field(isin=["error", "warning", "info"])
    code: Series[str] = pa.Field(str_matches=r"^[a-z_]+$")
    message: Series[str] = _text()

    class Config:
        strict = False
        coerce = True


class IngestLog(pa.DataFrameModel):
    file: Series[str]
    sha256: Series[str] = pa.Field(str_matches=r"^([0-9a-f]{64})?$")
    status: Series[str] = pa.Field(isin=["ok", "duplicate", "skipped", "failed"])
    # "decisions": the link decisions (goal_overrides.csv) a run applies (CONTRACT.md)
    kind: Series[str] = pa.Field(isin=["status", "concept", "unknown", "decisions", ""])
    reason: Series[str]
    cause: Series[str] = pa.Field(str_matches=r"^[a-z_]*$")

    class Config:
        strict = False
        coerce = True


SCHEMAS: dict[str, type[pa.DataFrameModel]] = {
    "documents": Documents,
    "goal_rows": GoalRows,
    "goal_statements": GoalStatements,
    "theme_totals": ThemeTotals,
    "initiatives": Initiatives,
    "findings": Findings,
    "ingest_log": IngestLog,
}


def validate_table(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Check ``frame`` against the named table's schema, listing every failing column at once."""
    try:
        return SCHEMAS[name].validate(frame, lazy=True)
    except SchemaErrors as e:
        failures = e.failure_cases[["column", "check", "failure_case"]].drop_duplicates().head(20)
        raise ContractError(
            f"table {name} breaks its schema:\n{failures.to_string(index=False)}"
        ) from e
