"""The reconciliation's own tables (goals, links, history, changes) as DataFrames.

List columns of goals are joined with `` | `` (wordings) or ``;`` (theme numbers). links carry
the two wordings' texts beside their keys so a person can audit a link from the CSV alone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from pipeline.model import Change, Goal, GoalPeriodStatus, Link
from pipeline.tables import frame_from_dataclasses

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
    texts: dict[tuple, tuple[str, str]] = {}
    for doc in rec.documents:
        for st in doc.statements:
            texts[(st.doc_id, st.theme_no, st.row_no, st.stmt_no)] = (st.text, st.goal_id)
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
    }


def workbook_frames(frames: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The tables as the Excel workbook shows them to people: all of them, except that links
    holds only the decisions worth a look, every refused pair and every link between two
    different wordings. A link between two identical wordings (the same goal printed again in
    the next period, or twice in one notat) is left out there; links.csv and the database keep
    every link."""
    out = dict(frames)
    links = frames.get("links")
    if links is not None and {"decision", "left_text", "right_text"} <= set(links.columns):
        worth_a_look = (links["decision"] != "linked") | (links["left_text"] != links["right_text"])
        out["links"] = links[worth_a_look].reset_index(drop=True)
    return out


def _fields(cls: type) -> list[str]:
    import dataclasses

    return [f.name for f in dataclasses.fields(cls)]
