"""The output database: every table of a run in one SQLite file, the reporting period a column.

This is the only module that writes the output database with sqlite3. It lays out the frames it
is given, with

- ``period`` (the notat's ISO date, looked up from ``documents``) on every table that names a
  document, so a query can select a period without a join;
- primary keys where a table has a natural key (``documents.doc_id``, a goal row's
  ``doc_id, theme_no, row_no``, …) and foreign keys to the tables they name, declared in the
  schema (SQLite checks them when a connection turns ``PRAGMA foreign_keys`` on);
- NULL, not ``''``, for a missing value;
- views a person can query directly: ``goal_status_by_period`` (each goal's status in every
  period) and ``latest_report_rows`` (the goal rows of the latest status notat, with their
  wordings).

A table whose rows do not hold its key uniquely (a notat printing one Tema twice) is written
without that primary key rather than not at all.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from pathlib import Path

import pandas as pd

from pipeline.tables import periods_of, with_period

__all__ = ["FOREIGN_KEYS", "PRIMARY_KEYS", "VIEWS", "write_database"]

log = logging.getLogger(__name__)

PRIMARY_KEYS: dict[str, tuple[str, ...]] = {
    "documents": ("doc_id",),
    "goal_rows": ("doc_id", "theme_no", "row_no"),
    "goal_statements": ("doc_id", "theme_no", "row_no", "stmt_no"),
    "theme_totals": ("doc_id", "theme_no"),
    "ingest_log": ("file",),
    "goals": ("goal_id",),
    "history": ("goal_id", "doc_id", "theme_no", "row_no"),
    "changes": ("period", "goal_id", "kind"),
}
# table: [(columns, parent table, parent columns)]
FOREIGN_KEYS: dict[str, list[tuple[tuple[str, ...], str, tuple[str, ...]]]] = {
    "goal_rows": [(("doc_id",), "documents", ("doc_id",))],
    "goal_statements": [
        (("doc_id", "theme_no", "row_no"), "goal_rows", ("doc_id", "theme_no", "row_no")),
        (("goal_id",), "goals", ("goal_id",)),
    ],
    "theme_totals": [(("doc_id",), "documents", ("doc_id",))],
    "initiatives": [(("doc_id",), "documents", ("doc_id",))],
    "history": [
        (("goal_id",), "goals", ("goal_id",)),
        (("doc_id", "theme_no", "row_no"), "goal_rows", ("doc_id", "theme_no", "row_no")),
    ],
    "changes": [(("goal_id",), "goals", ("goal_id",))],
    "links": [
        (
            (f"{side}_doc_id", f"{side}_theme_no", f"{side}_row_no", f"{side}_stmt_no"),
            "goal_statements",
            ("doc_id", "theme_no", "row_no", "stmt_no"),
        )
        for side in ("left", "right")
    ],
}
VIEWS: dict[str, tuple[set[str], str]] = {
    # name: (tables it needs, its SELECT)
    "goal_status_by_period": (
        {"history", "goals"},
        """SELECT h.goal_id, g.wording, h.period, h.theme_no, h.row_no, h.status, h.remark
           FROM history AS h LEFT JOIN goals AS g ON g.goal_id = h.goal_id
           ORDER BY h.goal_id, h.period, h.theme_no, h.row_no""",
    ),
    "latest_report_rows": (
        {"documents", "goal_rows", "goal_statements"},
        """SELECT r.period, r.theme_no, r.theme_title, r.row_no,
                  (SELECT group_concat(s.text || coalesce(' (bilag ' || s.bilag || ')', ''), ' / ')
                     FROM (SELECT * FROM goal_statements AS s
                            WHERE s.doc_id = r.doc_id AND s.theme_no = r.theme_no
                              AND s.row_no = r.row_no
                            ORDER BY s.stmt_no) AS s) AS goal,
                  r.status, r.remark, r.proposal, r.proposed_text, r.doc_id
           FROM goal_rows AS r
           WHERE r.doc_id = (SELECT doc_id FROM documents
                              WHERE kind = 'status' AND date IS NOT NULL
                              ORDER BY date DESC LIMIT 1)
           ORDER BY r.theme_no, r.row_no""",
    ),
}


def write_database(
    frames: dict[str, pd.DataFrame], path: Path, *, meta: dict[str, str] | None = None
) -> Path:
    """Write ``frames`` as tables of a fresh SQLite file at ``path`` (replaced if present)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    period_of = periods_of(frames.get("documents"))
    columns_of = {name: [str(c) for c in frame.columns] for name, frame in frames.items()}
    con = sqlite3.connect(path)
    try:
        with con:
            for name, frame in frames.items():
                frame = with_period(name, frame, period_of)
                columns_of[name] = [str(c) for c in frame.columns]
                _write_table(con, name, frame, columns_of)
            con.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
            con.executemany("INSERT INTO meta VALUES (?, ?)", sorted((meta or {}).items()))
            for view, (needs, select) in VIEWS.items():
                if needs <= set(frames):
                    con.execute(f"CREATE VIEW {_quote(view)} AS {select}")
    finally:
        con.close()
    return path


def _sql_type(series: pd.Series) -> str:
    if pd.api.types.is_bool_dtype(series):
        return "INTEGER"
    if pd.api.types.is_integer_dtype(series):
        return "INTEGER"
    if pd.api.types.is_float_dtype(series):
        return "REAL"
    if series.dtype == object:
        kinds = {type(v) for v in series if v is not None and v == v and v != ""}
        if kinds and kinds <= {int}:
            return "INTEGER"
    return "TEXT"


_AS_IS = frozenset({int, bool})


def _cell(value: object) -> object:
    if type(value) in _AS_IS:  # most cells: stored as they are
        return value
    if type(value) is str:
        return value or None  # a missing value is NULL, not ''
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


def _names(columns: tuple[str, ...]) -> str:
    return ", ".join(_quote(c) for c in columns)


def _key_holds(frame: pd.DataFrame, key: tuple[str, ...]) -> bool:
    """Every row has the key, and no two rows the same."""
    part = frame[list(key)]
    missing = part.isna() | part.astype(str).eq("")
    return not missing.to_numpy().any() and not part.duplicated().any()


def _constraints(name: str, frame: pd.DataFrame, columns_of: dict[str, list[str]]) -> list[str]:
    columns = set(map(str, frame.columns))
    out = []
    key = PRIMARY_KEYS.get(name)
    if key and set(key) <= columns:
        if _key_holds(frame, key):
            out.append(f"PRIMARY KEY ({_names(key)})")
        else:
            log.warning("table %s: rows do not hold the key %s; written without it", name, key)
    for cols, parent, parent_cols in FOREIGN_KEYS.get(name, []):
        if set(cols) <= columns and set(parent_cols) <= set(columns_of.get(parent, ())):
            out.append(
                f"FOREIGN KEY ({_names(cols)}) REFERENCES {_quote(parent)} ({_names(parent_cols)})"
            )
    return out


def _write_table(
    con: sqlite3.Connection, name: str, frame: pd.DataFrame, columns_of: dict[str, list[str]]
) -> None:
    columns = [str(c) for c in frame.columns]
    if not columns:
        return
    decl = [f"{_quote(c)} {_sql_type(frame[c])}" for c in columns]
    decl += _constraints(name, frame, columns_of)
    con.execute(f"CREATE TABLE {_quote(name)} ({', '.join(decl)})")
    marks = ", ".join("?" for _ in columns)
    rows = ([_cell(v) for v in row] for row in frame.itertuples(index=False, name=None))
    con.executemany(f"INSERT INTO {_quote(name)} VALUES ({marks})", rows)
    for key in ("doc_id", "goal_id", "period"):
        if key in columns:
            con.execute(f"CREATE INDEX {_quote(f'{name}_{key}')} ON {_quote(name)} ({_quote(key)})")
