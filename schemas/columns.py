"""The normalized tables' column rules in plain Python: the one place they are written.

``schemas.tables`` builds the pandera schemas from these rules (checked where DataFrames are
built: `report`, the writers); ``check_rows`` checks plain rows against the same rules without
pandas, where `extract` writes its CSV files (its start-up does not pay for pandas and pandera).
Columns and meanings are fixed by CONTRACT.md.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from pipeline.errors import ContractError

__all__ = ["RULES", "UNIQUE", "ColumnRule", "check_rows"]

_ISO_DATE = r"^(\d{4}-\d{2}-\d{2})?$"
_NORMALIZED = r"^(\S(.*\S)?)?$"  # no leading/trailing white space
_NON_EMPTY_TEXT = r"^\S(.*\S)?$"


@dataclass(frozen=True)
class ColumnRule:
    """One column: ``str`` or ``int``; an int column may be ``nullable`` (empty in the CSV)."""

    kind: type = str
    nullable: bool = False
    pattern: str | None = None
    isin: tuple[str, ...] | None = None
    ge: int | None = None
    unique: bool = False
    min_length: int | None = None


def _text() -> ColumnRule:
    return ColumnRule(pattern=_NORMALIZED)


_STR = ColumnRule()
_POSITIVE = ColumnRule(int, ge=1)
_COUNT = ColumnRule(int, ge=0)

RULES: dict[str, dict[str, ColumnRule]] = {
    "documents": {
        "doc_id": ColumnRule(unique=True, min_length=1),
        "file": _STR,
        "sha256": ColumnRule(pattern=r"^[0-9a-f]{64}$"),
        "kind": ColumnRule(isin=("status", "concept", "unknown")),
        "title": _text(),
        "date": ColumnRule(pattern=_ISO_DATE),
        "pages": _COUNT,
        "sender_centre": _text(),
        "sender_unit": _text(),
        "sender_address": _text(),
        "sender_phone": _text(),
        "sender_email": _text(),
        "sender_web": _text(),
        "sender_ean": ColumnRule(pattern=r"^(\d{13})?$"),
    },
    "goal_rows": {
        "doc_id": _STR,
        "theme_no": _POSITIVE,
        "theme_title": _text(),
        "row_no": _POSITIVE,
        "status": ColumnRule(isin=("started", "not_started", "")),
        "remark": _text(),
        "proposal": ColumnRule(isin=("drop", "reword", "")),
        "proposed_text": _text(),
        "page_first": _POSITIVE,
        "page_last": _POSITIVE,
        "goal_no": ColumnRule(pattern=r"^(\d{1,2}(\.\d{1,2}){0,2})?$"),
    },
    "goal_statements": {
        "doc_id": _STR,
        "theme_no": _POSITIVE,
        "row_no": _POSITIVE,
        "stmt_no": _POSITIVE,
        "text": ColumnRule(pattern=_NON_EMPTY_TEXT),
        "bilag": ColumnRule(isin=("1", "2", "")),
        "goal_id": _STR,
    },
    "theme_totals": {
        "doc_id": _STR,
        "theme_no": _POSITIVE,
        "reported_started": ColumnRule(int, nullable=True, ge=0),
        "reported_not_started": ColumnRule(int, nullable=True, ge=0),
        "counted_started": _COUNT,
        "counted_not_started": _COUNT,
    },
    "initiatives": {
        "doc_id": _STR,
        "area_no": _POSITIVE,
        "area_title": _text(),
        "group_title": _text(),
        "item_no": ColumnRule(pattern=r"^(\d+)?$"),
        "sub": ColumnRule(pattern=r"^([a-z])?$"),
        "text": ColumnRule(pattern=_NON_EMPTY_TEXT),
    },
    "findings": {
        "doc_id": _STR,
        "theme_no": ColumnRule(int, nullable=True),
        "row_no": ColumnRule(int, nullable=True),
        "severity": ColumnRule(isin=("error", "warning", "info")),
        "code": ColumnRule(pattern=r"^[a-z_]+$"),
        "message": _text(),
    },
    "ingest_log": {
        "file": _STR,
        "sha256": ColumnRule(pattern=r"^([0-9a-f]{64})?$"),
        "status": ColumnRule(isin=("ok", "duplicate", "skipped", "failed")),
        # "decisions": the link decisions (goal_overrides.csv) a run applies (CONTRACT.md)
        "kind": ColumnRule(isin=("status", "concept", "unknown", "decisions", "")),
        "reason": _STR,
        "cause": ColumnRule(pattern=r"^[a-z_]*$"),
    },
}

# Column sets that identify a row of the table: no two rows may share them.
UNIQUE: dict[str, tuple[str, ...]] = {
    "goal_rows": ("doc_id", "theme_no", "row_no"),
    "goal_statements": ("doc_id", "theme_no", "row_no", "stmt_no"),
    "theme_totals": ("doc_id", "theme_no"),
}

_MAX_LISTED = 20


def _problem(rule: ColumnRule, value: object) -> str | None:
    """Why ``value`` breaks ``rule``; None when it does not."""
    if value is None or value == "":
        if rule.kind is int and not rule.nullable:
            return "missing"
        value = "" if rule.kind is str else None
    if rule.kind is int:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            return f"not an integer: {value!r}"
        if rule.ge is not None and value < rule.ge:
            return f"less than {rule.ge}: {value}"
        return None
    if not isinstance(value, str):
        return f"not text: {value!r}"
    if rule.isin is not None and value not in rule.isin:
        return f"not one of {list(rule.isin)}: {value!r}"
    if rule.pattern is not None and not re.match(rule.pattern, value):
        return f"does not match {rule.pattern}: {value[:60]!r}"
    if rule.min_length is not None and len(value) < rule.min_length:
        return f"shorter than {rule.min_length}: {value!r}"
    return None


def check_rows(table: str, rows: Iterable[Mapping[str, object]]) -> None:
    """Check plain rows of ``table`` against its rules; a ContractError lists every failing
    column (with up to 20 failing values in all) at once."""
    rules = RULES[table]
    failures: list[str] = []
    seen_unique: dict[str, set] = {c: set() for c, r in rules.items() if r.unique}
    keys = UNIQUE.get(table)
    seen_keys: set[tuple] = set()
    for n, row in enumerate(rows, start=1):
        missing = [c for c in rules if c not in row]
        if missing:
            failures.append(f"row {n}: columns missing: {', '.join(missing)}")
        for column, rule in rules.items():
            if column not in row:
                continue
            why = _problem(rule, row[column])
            if why:
                failures.append(f"row {n}, {column}: {why}")
            elif column in seen_unique:
                if row[column] in seen_unique[column]:
                    failures.append(f"row {n}, {column}: not unique: {row[column]!r}")
                seen_unique[column].add(row[column])
        if keys and all(k in row for k in keys):
            key = tuple(row[k] for k in keys)
            if key in seen_keys:
                failures.append(f"row {n}: {', '.join(keys)} not unique: {key}")
            seen_keys.add(key)
    if failures:
        listed = "\n".join(failures[:_MAX_LISTED])
        more = f"\n… and {len(failures) - _MAX_LISTED} more" if len(failures) > _MAX_LISTED else ""
        raise ContractError(f"table {table} breaks its schema:\n{listed}{more}")
