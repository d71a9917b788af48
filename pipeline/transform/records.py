"""What reconciliation reads of the status notats: frozen records, each statement under its key.

Reconciliation takes these records in and gives a mapping out, ``StatementKey`` -> goal_id; it
never writes into the documents it is given and keys nothing by an object's identity. The
records are made once, in period order (``pipeline.transform.periods.period_order``), each
notat's statements in (theme_no, row_no, stmt_no) order, so nothing depends on the order of the
files. ``with_goal_ids`` then gives a document back with the goal ids of the mapping set.

A statement's key (doc_id, theme_no, row_no, stmt_no) names one statement: the contract of
goal_statements (and of goal_rows: doc_id, theme_no, row_no) says so, and the run fails a
document that breaks it before reconciliation. Records of documents that break it anyway are
refused with a ValueError naming the key, never reconciled into a wrong mapping.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal, NamedTuple

from pipeline.model import (
    Bilag,
    ExtractedDocument,
    GoalRow,
    GoalStatement,
    Link,
    OpenQuestion,
    Partner,
    Proposal,
)
from pipeline.transform.periods import period_order

__all__ = [
    "NotatRecord",
    "RowRecord",
    "StatementKey",
    "StatementRecord",
    "notat_records",
    "with_goal_ids",
]


class StatementKey(NamedTuple):
    """Where a statement stands: its notat, theme, row and place in the row."""

    doc_id: str
    theme_no: int
    row_no: int
    stmt_no: int

    @classmethod
    def of(cls, st: GoalStatement | OpenQuestion | Partner) -> StatementKey:
        return cls(st.doc_id, st.theme_no, st.row_no, st.stmt_no)

    @classmethod
    def of_link(cls, link: Link, side: Literal["left", "right"]) -> StatementKey:
        return cls(*(getattr(link, f"{side}_{name}") for name in cls._fields))


@dataclass(frozen=True, slots=True)
class RowRecord:
    """What reconciliation reads of a goal row."""

    doc_id: str
    theme_no: int
    row_no: int
    theme_title: str
    remark: str
    proposal: Proposal
    proposed_text: str
    goal_no: str
    form_goal_id: str

    @classmethod
    def of(cls, row: GoalRow) -> RowRecord:
        return cls(
            row.doc_id,
            row.theme_no,
            row.row_no,
            row.theme_title,
            row.remark,
            row.proposal,
            row.proposed_text,
            row.goal_no,
            row.form_goal_id,
        )


@dataclass(frozen=True, slots=True)
class StatementRecord:
    """One goal wording, where it stands (``key``) and the row it stands in."""

    doc_id: str
    theme_no: int
    row_no: int
    stmt_no: int
    text: str
    bilag: Bilag
    row: RowRecord

    @property
    def key(self) -> StatementKey:
        return StatementKey(self.doc_id, self.theme_no, self.row_no, self.stmt_no)


@dataclass(frozen=True, slots=True)
class NotatRecord:
    """One status notat (one period) as reconciliation reads it."""

    doc_id: str
    date: str  # ISO, "" when the notat prints none
    rows: tuple[RowRecord, ...]  # in the notat's own order
    statements: tuple[StatementRecord, ...]  # by (theme_no, row_no, stmt_no)


def notat_records(docs: Iterable[ExtractedDocument]) -> list[NotatRecord]:
    """The status notats among ``docs``, oldest first, as records. Raises ValueError when two
    statements, or two goal rows, share a key (a document that breaks its contract)."""
    out: list[NotatRecord] = []
    rows_seen: set[tuple[str, int, int]] = set()
    keys_seen: set[StatementKey] = set()
    for doc in period_order(docs):
        rows = tuple(RowRecord.of(r) for r in doc.goal_rows)
        statements: list[StatementRecord] = []
        for row, record in sorted(
            zip(doc.goal_rows, rows, strict=True), key=lambda rr: (rr[0].theme_no, rr[0].row_no)
        ):
            row_key = (record.doc_id, record.theme_no, record.row_no)
            if row_key in rows_seen:
                raise ValueError(f"two goal rows share the key {row_key} ({doc.document.file})")
            rows_seen.add(row_key)
            for st in sorted(row.statements, key=lambda s: s.stmt_no):
                key = StatementKey.of(st)
                if key in keys_seen:
                    raise ValueError(f"two statements share the key {key} ({doc.document.file})")
                keys_seen.add(key)
                statements.append(StatementRecord(*key, st.text, st.bilag, record))
        out.append(NotatRecord(doc.document.doc_id, doc.document.date, rows, tuple(statements)))
    return out


def with_goal_ids(
    doc: ExtractedDocument, goal_ids: Mapping[StatementKey, str]
) -> ExtractedDocument:
    """A copy of ``doc`` whose statements carry their goal ids from ``goal_ids``; ``doc`` is
    not changed, and the copy shares no list with it."""
    rows = [
        dataclasses.replace(
            row,
            statements=[
                dataclasses.replace(st, goal_id=goal_ids[StatementKey.of(st)])
                for st in row.statements
            ],
        )
        for row in doc.goal_rows
    ]
    return dataclasses.replace(
        doc,
        goal_rows=rows,
        theme_totals=list(doc.theme_totals),
        initiatives=list(doc.initiatives),
        findings=list(doc.findings),
    )
