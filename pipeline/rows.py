"""The normalized tables as plain rows, without pandas: the contract's column order, the rows
of extracted documents checked against the tables' rules (``schemas.columns``), and CSV files
written from them.

`extract` writes its tables through here, so its start-up pays for neither pandas nor pandera;
``pipeline.tables`` builds the same tables as DataFrames for `report` and the writers, and the
CSV files both write are the same bytes.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from pathlib import Path

from pipeline.model import SENDER_FIELDS, ExtractedDocument, IngestEntry
from schemas.columns import check_rows

__all__ = [
    "COLUMNS",
    "EXTRACT_TABLES",
    "csv_safe",
    "extraction_rows",
    "extraction_sources",
    "ingest_rows",
    "write_rows_csv",
    "write_tables",
]

# The contract's column order of every table (CONTRACT.md; columns may be added at the end).
COLUMNS: dict[str, list[str]] = {
    "documents": [
        "doc_id",
        "file",
        "sha256",
        "kind",
        "title",
        "date",
        "pages",
        *SENDER_FIELDS,
        "form_based_on",
    ],
    "goal_rows": [
        "doc_id",
        "theme_no",
        "theme_title",
        "row_no",
        "status",
        "remark",
        "proposal",
        "proposed_text",
        "page_first",
        "page_last",
        "goal_no",
        "form_goal_id",
    ],
    "goal_statements": ["doc_id", "theme_no", "row_no", "stmt_no", "text", "bilag", "goal_id"],
    "theme_totals": [
        "doc_id",
        "theme_no",
        "reported_started",
        "reported_not_started",
        "counted_started",
        "counted_not_started",
    ],
    "initiatives": ["doc_id", "area_no", "area_title", "group_title", "item_no", "sub", "text"],
    "findings": ["doc_id", "theme_no", "row_no", "severity", "code", "message"],
    "ingest_log": ["file", "sha256", "status", "kind", "reason", "cause"],
}

EXTRACT_TABLES = (
    "documents",
    "goal_rows",
    "goal_statements",
    "theme_totals",
    "initiatives",
    "findings",
)


def _rows(items: Iterable[object], columns: list[str]) -> list[dict[str, object]]:
    return [{c: getattr(item, c) for c in columns} for item in items]


def extraction_sources(
    docs: Iterable[ExtractedDocument], unread: Iterable[ExtractedDocument] = ()
) -> dict[str, list[object]]:
    """The model objects of each extraction table; of documents read but not usable
    (``unread``) only their findings."""
    docs = list(docs)
    unread = list(unread)
    return {
        "documents": [d.document for d in docs],
        "goal_rows": [r for d in docs for r in d.goal_rows],
        "goal_statements": [s for d in docs for s in d.statements],
        "theme_totals": [t for d in docs for t in d.theme_totals],
        "initiatives": [i for d in docs for i in d.initiatives],
        "findings": [f for d in (*docs, *unread) for f in d.findings],
    }


def extraction_rows(
    docs: Iterable[ExtractedDocument], unread: Iterable[ExtractedDocument] = ()
) -> dict[str, list[dict[str, object]]]:
    """The extraction tables of many documents as rows, checked against their rules."""
    out = {}
    for name, items in extraction_sources(docs, unread).items():
        rows = _rows(items, COLUMNS[name])
        check_rows(name, rows)
        out[name] = rows
    return out


def ingest_rows(entries: Iterable[IngestEntry]) -> list[dict[str, object]]:
    rows = _rows(entries, COLUMNS["ingest_log"])
    check_rows("ingest_log", rows)
    return rows


def csv_safe(value: object) -> object:
    """Keep a cell from starting a spreadsheet formula (=, +, -, @, tab, CR) when opened in Excel."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def write_rows_csv(
    columns: list[str], rows: Iterable[Mapping[str, object]], path: Path, *, formula_safe=False
) -> None:
    """UTF-8 CSV with one header row, missing values as empty strings: the bytes
    ``pipeline.tables.write_csv`` writes for the same table."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            cells = ["" if row.get(c) is None else row.get(c) for c in columns]
            writer.writerow([csv_safe(c) for c in cells] if formula_safe else cells)


def write_tables(tables: Mapping[str, Iterable[Mapping[str, object]]], out_dir: Path) -> None:
    """`extract`'s tables by name, each as ``out_dir/<name>.csv``, the text exactly as read
    (for scripts: not made formula-safe)."""
    for name, rows in tables.items():
        write_rows_csv(COLUMNS[name], rows, out_dir / f"{name}.csv")
