"""The reconciliation's own tables (goals, links, history, changes) as DataFrames.

List columns of goals are joined with `` | `` (wordings) or ``;`` (theme numbers). links carry
the two wordings' texts beside their keys so a person can audit a link from the CSV alone.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import pandas as pd

from pipeline.codes import cause_text
from pipeline.model import Change, DecisionOutcome, Goal, GoalPeriodStatus, Link
from pipeline.tables import frame_from_dataclasses, periods_of, with_period
from pipeline.transform.records import StatementKey
from pipeline.wording import (
    CHANGE_LABELS,
    DECISION_ACTION_LABELS,
    DECISION_OUTCOME_LABELS,
    DOCUMENT_KIND_LABELS,
    INGEST_STATUS_LABELS,
    LINK_DECISION_LABELS,
    LINK_RULE_LABELS,
    PROPOSAL_LABELS,
    SEVERITY_LABELS,
    STATUS_LABELS,
    WORKBOOK_HEADERS,
    WORKBOOK_SIDES,
    evidence_in_danish,
)

if TYPE_CHECKING:
    from pipeline.transform import Reconciled

GOAL_COLUMNS = [
    "goal_id",
    "wording",
    "bilag1_wordings",
    "bilag2_wordings",
    "theme_nos",
    "first_period",
    "last_period",
    "latest_status",
    "merged_into",
]


def _goals_frame(goals: list[Goal]) -> pd.DataFrame:
    rows = [
        {
            "goal_id": g.goal_id,
            "wording": g.wording,
            "bilag1_wordings": " | ".join(g.bilag1_wordings),
            "bilag2_wordings": " | ".join(g.bilag2_wordings),
            "theme_nos": ";".join(str(n) for n in g.theme_nos),
            "first_period": g.first_period,
            "last_period": g.last_period,
            "latest_status": g.latest_status,
            "merged_into": g.merged_into,
        }
        for g in goals
    ]
    return pd.DataFrame(rows, columns=GOAL_COLUMNS)


def reconciled_frames(rec: Reconciled) -> dict[str, pd.DataFrame]:
    texts: dict[StatementKey, tuple[str, str]] = {}
    for doc in rec.documents:
        for st in doc.statements:
            texts[StatementKey.of(st)] = (st.text, st.goal_id)
    links = frame_from_dataclasses(rec.links, _fields(Link))
    for side in ("left", "right"):
        keys = zip(
            links[f"{side}_doc_id"],
            links[f"{side}_theme_no"],
            links[f"{side}_row_no"],
            links[f"{side}_stmt_no"],
            strict=True,
        )
        found = [texts.get(k, ("", "")) for k in keys]
        links[f"{side}_text"] = [t for t, _ in found]
        links[f"{side}_goal_id"] = [g for _, g in found]
    return {
        "goals": _goals_frame(rec.goals),
        "links": links,
        "history": frame_from_dataclasses(rec.history, _fields(GoalPeriodStatus)),
        "changes": frame_from_dataclasses(rec.changes, _fields(Change)),
        # every decision row read from goal_overrides.csv and the workbooks, and its outcome
        "decisions": frame_from_dataclasses(
            getattr(rec, "decision_log", []), _fields(DecisionOutcome)
        ),
    }


def workbook_frames(frames: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The tables as the Excel workbook shows them to people, in Danish: Danish column headers
    and values (``started`` → *Gennemført/igangsat*), dates as dates, and a *Periode* column
    on every sheet of rows from a notat. links holds only the decisions worth a look, every
    refused pair and every link between two different wordings; a link between two identical
    wordings (the same goal printed again in the next period, or twice in one notat) is left out
    there; links.csv and the database keep every link."""
    out = dict(frames)
    links = frames.get("links")
    if links is not None and {"decision", "left_text", "right_text"} <= set(links.columns):
        worth_a_look = (links["decision"] != "linked") | (links["left_text"] != links["right_text"])
        out["links"] = links[worth_a_look].reset_index(drop=True)
    period_of = periods_of(frames.get("documents"))
    return {name: _in_danish(name, with_period(name, f, period_of)) for name, f in out.items()}


_DATE_COLUMNS = {"date", "period", "previous_period", "first_period", "last_period"}


def _values(table: str, column: str) -> dict[str, str] | None:
    """The Danish value of each code a column holds, or None for a column of plain text."""
    if column in ("status", "latest_status"):
        return INGEST_STATUS_LABELS if table == "ingest_log" else STATUS_LABELS
    if column == "kind":
        return CHANGE_LABELS if table == "changes" else DOCUMENT_KIND_LABELS
    if table == "decisions" and column == "action":
        return DECISION_ACTION_LABELS
    return {
        "proposal": PROPOSAL_LABELS,
        "severity": SEVERITY_LABELS,
        "decision": LINK_DECISION_LABELS,
        "rule": LINK_RULE_LABELS,
        "outcome": DECISION_OUTCOME_LABELS,
    }.get(column)


def _as_date(value: object) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def workbook_header(column: str) -> str:
    """The Danish header of a table column in the workbook (``left_text`` → *Tekst (A)*)."""
    for prefix, suffix in WORKBOOK_SIDES.items():
        if column.startswith(prefix) and column[len(prefix) :] in WORKBOOK_HEADERS:
            return WORKBOOK_HEADERS[column[len(prefix) :]] + suffix
    return WORKBOOK_HEADERS.get(column, column)


def _in_danish(table: str, frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    if table == "ingest_log" and {"cause", "reason"} <= set(frame.columns):
        # why a file was not read, in the Danish of the report's Kontrol section
        frame["reason"] = [
            (cause_text(c) or r) if r else r
            for c, r in zip(frame["cause"], frame["reason"], strict=True)
        ]
    if table == "links" and "evidence" in frame.columns:
        frame["evidence"] = frame["evidence"].map(
            lambda v: evidence_in_danish(v) if isinstance(v, str) else v
        )
    for column in frame.columns:
        name = str(column)
        base = name.split("_", 1)[1] if name.startswith(("left_", "right_")) else name
        labels = _values(table, name)
        if labels is not None:
            frame[column] = frame[column].map(lambda v, d=labels: d.get(v, v) if v == v else v)
        elif base in _DATE_COLUMNS:
            frame[column] = frame[column].map(_as_date).astype(object)
        elif table == "changes" and name in ("before", "after"):
            status = {k: v for k, v in STATUS_LABELS.items() if k}
            frame[column] = frame[column].map(lambda v, d=status: d.get(v, v))
    return frame.rename(columns={c: workbook_header(str(c)) for c in frame.columns})


def _fields(cls: type) -> list[str]:
    import dataclasses

    return [f.name for f in dataclasses.fields(cls)]
