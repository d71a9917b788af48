"""The normalized tables: build DataFrames from the model, validate them, write them as CSV.

This is the one place that knows the column order of CONTRACT.md. It is shared plumbing, not a
stage: extraction, transform and the writers all hand their rows here.
"""

from __future__ import annotations

import csv
import dataclasses
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from pipeline.model import ExtractedDocument, IngestEntry
from pipeline.rows import COLUMNS, EXTRACT_TABLES, csv_safe, extraction_sources
from schemas import validate_table

__all__ = [
    "COLUMNS",
    "EXTRACT_TABLES",
    "csv_safe",
    "extraction_frames",
    "frame_from_dataclasses",
    "ingest_frame",
    "periods_of",
    "read_csv",
    "with_period",
    "write_csv",
]


def _records(items: Iterable[object], columns: list[str]) -> pd.DataFrame:
    rows = [{c: getattr(item, c) for c in columns} for item in items]
    return pd.DataFrame(rows, columns=columns)


def extraction_frames(
    docs: Iterable[ExtractedDocument], unread: Iterable[ExtractedDocument] = ()
) -> dict[str, pd.DataFrame]:
    """The extraction tables of many documents, validated against their schemas; of documents
    read but not usable (``unread``) only their findings."""
    sources = extraction_sources(docs, unread)
    return {
        name: validate_table(name, _records(items, COLUMNS[name]))
        for name, items in sources.items()
    }


def ingest_frame(entries: Iterable[IngestEntry]) -> pd.DataFrame:
    return validate_table("ingest_log", _records(entries, COLUMNS["ingest_log"]))


def frame_from_dataclasses(
    items: Iterable[object], columns: list[str] | None = None
) -> pd.DataFrame:
    """A frame from any list of dataclass instances (for tables without a contract schema)."""
    items = list(items)
    if columns is None:
        if not items:
            return pd.DataFrame()
        columns = [f.name for f in dataclasses.fields(items[0])]
    return _records(items, columns)


def periods_of(documents: pd.DataFrame | None) -> dict[str, str]:
    """Each document's reporting period (its ISO date, "" if none), by doc_id."""
    if documents is None or documents.empty:
        return {}
    return dict(zip(documents["doc_id"].astype(str), documents["date"].astype(str), strict=True))


def with_period(name: str, frame: pd.DataFrame, period_of: dict[str, str]) -> pd.DataFrame:
    """``frame`` with the period of the document(s) it names: ``period`` after ``doc_id``; for
    ingest_log by the file's sha256 (doc_id is its first 16 hex digits); for links
    ``left_period`` and ``right_period``. A frame that has ``period`` already is left as it is."""
    if "period" in frame.columns:
        return frame
    frame = frame.copy()
    if "doc_id" in frame.columns:
        at = list(frame.columns).index("doc_id") + 1
        frame.insert(at, "period", frame["doc_id"].astype(str).map(period_of).fillna(""))
    elif name == "ingest_log" and "sha256" in frame.columns:
        # doc_id is the first 16 hex digits of the file's sha256 (pipeline.extract.doc_id_for)
        frame["period"] = frame["sha256"].astype(str).str[:16].map(period_of).fillna("")
    else:
        for side in ("left", "right"):
            col = f"{side}_doc_id"
            if col in frame.columns:
                frame[f"{side}_period"] = frame[col].astype(str).map(period_of).fillna("")
    return frame


def write_csv(frame: pd.DataFrame, path: Path, *, formula_safe: bool = False) -> None:
    """UTF-8 CSV with one header row; missing values as empty strings."""
    path.parent.mkdir(parents=True, exist_ok=True)
    out = frame.astype(object).where(frame.notna(), "")
    if formula_safe:
        out = out.map(csv_safe)
    out.to_csv(path, index=False, encoding="utf-8", quoting=csv.QUOTE_MINIMAL, lineterminator="\n")


def read_csv(path: Path) -> pd.DataFrame:
    """Read a table back as strings, empty cells as empty strings (what a user's script sees)."""
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
