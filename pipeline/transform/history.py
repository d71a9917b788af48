"""The goal register, each goal's status per period, and what changed since the previous period.

Choices, stated once:
- A goal's report wording is from the latest period it appears in: its first bilag 2 wording
  (bilag 2 is the council's "Oversigt over mål", the goals as goals), else its first untagged
  one, else its first bilag 1 wording.
- A goal's status in a period, when it stands in several rows: ``started`` if any row says so,
  else ``not_started`` if any row says so, else empty.
- ``Change.before``/``after`` hold status codes for ``status_changed`` (``started``,
  ``not_started``, empty); for ``wording_changed``/``reworded_as_proposed`` the wordings that
  went and came (several joined by `` | ``); the status
  code on the side where the goal stands for ``new_goal``/``goal_gone``.
- A goal absent from the previous period but present in an earlier one is ``revived``
  (*genoptaget*), not new; a goal that went on inside another goal's row (merged) is ``merged``
  in the period it went, not gone (``before`` its status, ``after`` the wording it went on in).
- A wording counts as changed when its normalized form changed (pipeline.transform.normalize):
  edits of case, spacing or punctuation alone are not reported; they are mostly extraction noise.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from pipeline.model import Change, ExtractedDocument, Goal, GoalPeriodStatus, GoalRow, Status
from pipeline.transform.normalize import normalize_wording
from pipeline.transform.similarity import DEFAULT_SETTINGS, ReconcileSettings, likeness

_BILAG_PREFERENCE = {"2": 0, "": 1, "1": 2}


@dataclass
class _Appearance:
    """One goal in one notat: its rows and wordings there."""

    rows: list[GoalRow] = field(default_factory=list)
    wordings: list[tuple[str, str]] = field(default_factory=list)  # (text, bilag), in order

    @property
    def status(self) -> Status:
        statuses = {r.status for r in self.rows}
        if "started" in statuses:
            return "started"
        return "not_started" if "not_started" in statuses else ""

    @property
    def wording(self) -> str:
        order = sorted(
            range(len(self.wordings)), key=lambda i: (_BILAG_PREFERENCE[self.wordings[i][1]], i)
        )
        return self.wordings[order[0]][0]

    @property
    def norms(self) -> set[str]:
        return {normalize_wording(t) for t, _ in self.wordings}


def _appearances(ordered: list[ExtractedDocument]) -> list[dict[str, _Appearance]]:
    out: list[dict[str, _Appearance]] = []
    for doc in ordered:
        seen: dict[str, _Appearance] = defaultdict(_Appearance)
        for row in sorted(doc.goal_rows, key=lambda r: (r.theme_no, r.row_no)):
            for st in sorted(row.statements, key=lambda s: s.stmt_no):
                app = seen[st.goal_id]
                if not app.rows or app.rows[-1] is not row:
                    app.rows.append(row)
                app.wordings.append((st.text, st.bilag))
        out.append(dict(seen))
    return out


def goal_register(
    ordered: list[ExtractedDocument], merged_into: dict[str, str] | None = None
) -> list[Goal]:
    """One Goal per goal_id, in order of first appearance; ``merged_into`` from reconcile."""
    merged_into = merged_into or {}
    per_doc = _appearances(ordered)
    # each goal's appearances in period order; dict order is the order of first appearance
    appears: dict[str, list[tuple[ExtractedDocument, _Appearance]]] = defaultdict(list)
    for doc, apps in zip(ordered, per_doc, strict=True):
        for goal_id, app in apps.items():
            appears[goal_id].append((doc, app))
    goals: list[Goal] = []
    for goal_id, present in appears.items():
        bilag: dict[str, list[str]] = {"1": [], "2": [], "": []}
        themes: set[int] = set()
        for _, app in present:
            themes.update(r.theme_no for r in app.rows)
            for text, b in app.wordings:
                if text not in bilag[b]:
                    bilag[b].append(text)
        last_doc, last = present[-1]
        goals.append(
            Goal(
                goal_id=goal_id,
                wording=last.wording,
                bilag1_wordings=bilag["1"],
                bilag2_wordings=bilag["2"],
                theme_nos=sorted(themes),
                first_period=present[0][0].document.date,
                last_period=last_doc.document.date,
                latest_status=last.status,
                merged_into=merged_into.get(goal_id, ""),
            )
        )
    return goals


def period_history(ordered: list[ExtractedDocument]) -> list[GoalPeriodStatus]:
    """Each goal's status in every row it stands in, period by period."""
    history: list[GoalPeriodStatus] = []
    for doc, apps in zip(ordered, _appearances(ordered), strict=True):
        for goal_id, app in apps.items():
            for row in app.rows:
                history.append(
                    GoalPeriodStatus(
                        goal_id,
                        doc.document.date,
                        doc.document.doc_id,
                        row.theme_no,
                        row.row_no,
                        row.status,
                        row.remark,
                    )
                )
    return history


def period_changes(
    ordered: list[ExtractedDocument],
    settings: ReconcileSettings = DEFAULT_SETTINGS,
    merged_into: dict[str, str] | None = None,
) -> list[Change]:
    """What changed in each period against the one before it (see module doc)."""
    merged_into = merged_into or {}
    per_doc = _appearances(ordered)
    changes: list[Change] = []
    for k in range(1, len(ordered)):
        period, previous = ordered[k].document.date, ordered[k - 1].document.date
        before, now = per_doc[k - 1], per_doc[k]
        for goal_id, app in now.items():
            theme_no = app.rows[0].theme_no
            old = before.get(goal_id)
            if old is None:
                earlier = any(goal_id in apps for apps in per_doc[: k - 1])
                kind = "revived" if earlier else "new_goal"
                changes.append(
                    Change(period, previous, goal_id, kind, theme_no, app.wording, "", app.status)
                )
                continue
            if old.status != app.status:
                changes.append(
                    Change(
                        period,
                        previous,
                        goal_id,
                        "status_changed",
                        theme_no,
                        app.wording,
                        old.status,
                        app.status,
                    )
                )
            if old.norms != app.norms:
                kind = "wording_changed"
                proposals = [r.proposed_text for r in old.rows if r.proposed_text]
                if any(
                    likeness(p, text, settings).score >= settings.across_min_score
                    for p in proposals
                    for text, _ in app.wordings
                ):
                    kind = "reworded_as_proposed"
                gone = [t for t, _ in old.wordings if normalize_wording(t) not in app.norms]
                came = [t for t, _ in app.wordings if normalize_wording(t) not in old.norms]
                changes.append(
                    Change(
                        period,
                        previous,
                        goal_id,
                        kind,
                        theme_no,
                        app.wording,
                        " | ".join(gone),
                        " | ".join(came),
                    )
                )  # type: ignore[arg-type]
        for goal_id, old in before.items():
            if goal_id not in now:
                into = now.get(merged_into.get(goal_id, ""))
                changes.append(
                    Change(
                        period,
                        previous,
                        goal_id,
                        "merged" if into is not None else "goal_gone",
                        old.rows[0].theme_no,
                        old.wording,
                        old.status,
                        into.wording if into is not None else "",
                    )
                )
    return changes
