"""The output database: every table of a run in one SQLite file, the reporting period a column.

This is the only module that writes the output database with sqlite3. It lays out the frames it
is given; the one thing it adds is ``period`` (the notat's ISO date, looked up from ``documents``)
on every table that names a document, so a query can select a period without a join.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pandas as pd

__all__ = ["write_database"]


def write_database(
    frames: dict[str, pd.DataFrame], path: Path, *, meta: dict[str, str] | None = None
) -> Path:
    """Write ``frames`` as tables of a fresh SQLite file at ``path`` (replaced if present)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    period_of = _periods(frames.get("documents"))
    con = sqlite3.connect(path)
    try:
        with con:
            for name, frame in frames.items():
                _write_table(con, name, _with_period(name, frame, period_of))
            con.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
            con.executemany("INSERT INTO meta VALUES (?, ?)", sorted((meta or {}).items()))
    finally:
        con.close()
    return path


def _periods(documents: pd.DataFrame | None) -> dict[str, str]:
    if documents is None or documents.empty:
        return {}
    return dict(zip(documents["doc_id"].astype(str), documents["date"].astype(str), strict=True))


def _with_period(name: str, frame: pd.DataFrame, period_of: dict[str, str]) -> pd.DataFrame:
    if "period" in frame.columns:
        return frame
    frame = frame.copy()
    if "doc_id" in frame.columns:
        frame.insert(1, "period", frame["doc_id"].astype(str).map(period_of).fillna(""))
    elif name == "ingest_log" and "sha256" in frame.columns:
        # doc_id is the first 16 hex digits of the file's sha256 (pipeline.extract.doc_id_for)
        frame["period"] = frame["sha256"].astype(str).str[:16].map(period_of).fillna("")
    else:
        for side in ("left", "right"):
            col = f"{side}_doc_id"
            if col in frame.columns:
                frame[f"{side}_period"] = frame[col].astype(str).map(period_of).fillna("")
    return frame


def _sql_type(series: pd.Series) -> str:
    if pd.api.types.is_bool_dtype(series):
        return "INTEGER"
    if pd.api.types.is_integer_dtype(series):
        return "INTEGER"
    if pd.api.types.is_float_dtype(series):
        return "REAL"
    return "TEXT"


_AS_IS = frozenset({str, int, bool})


def _cell(value: object) -> object:
    if type(value) in _AS_IS:  # most cells: stored as they are
        return value
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float) and value != value:  # NaN
        return None
    if isinstance(value, list | tuple | dict | set):
        return json.dumps(list(value) if isinstance(value, set) else value, ensure_ascii=False)
    if hasattr(value, "item"):  # numpy scalar
        return value.item()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _write_table(con: sqlite3.Connection, name: str, frame: pd.DataFrame) -> None:
    columns = [str(c) for c in frame.columns]
    if not columns:
        return
    decl = ", ".join(f"{_quote(c)} {_sql_type(frame[c])}" for c in columns)
    con.execute(f"CREATE TABLE {_quote(name)} ({decl})")
    marks = ", ".join("?" for _ in columns)
    rows = ([_cell(v) for v in row] for row in frame.itertuples(index=False, name=None))
    con.executemany(f"INSERT INTO {_quote(name)} VALUES ({marks})", rows)
    for key in ("doc_id", "goal_id", "period"):
        if key in columns:
            con.execute(f"CREATE INDEX {_quote(f'{name}_{key}')} ON {_quote(name)} ({_quote(key)})")
