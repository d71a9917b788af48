"""Build the report model of the latest status period from the reconciled documents.

Everything the reports print is decided here, in Danish, so the Word and the PDF writer only lay
it out: counts and their change since the previous period, the changes, the proposals, the
bilag 1/bilag 2 reconciliation, the findings, and next period's form (statusskema).
"""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from collections.abc import Sequence
from typing import TYPE_CHECKING

from pipeline.danish import (
    BILAG_INTRO,
    FINDING_TEXTS,
    FORM_INTRO,
    INGEST_CAUSE_TEXTS,
    REPORT_SUBTITLE,
    STATUS_LABELS,
    WORDING_NONE_AFTER,
    WORDING_NONE_BEFORE,
    format_count_change,
)
from pipeline.model import (
    ExtractedDocument,
    FormRow,
    FormTheme,
    GoalRow,
    IngestEntry,
    OverviewLine,
    ReportChange,
    ReportFinding,
    ReportProposal,
    ReportReconciliation,
    ReportRow,
    ReportSkippedFile,
    ReportTheme,
    ReportWording,
    ReviewPair,
    StatusForm,
    StatusReport,
)
from pipeline.transform.review import review_pairs

if TYPE_CHECKING:
    from pipeline.transform import Reconciled

__all__ = ["build_report"]

DEFAULT_TITLE = "Status på mål i strategi og handleplan for Sundhedspolitikken"


def build_report(
    reconciled: Reconciled,
    ingest_log: list[IngestEntry],
    unread: Sequence[ExtractedDocument] = (),
) -> tuple[StatusReport, StatusForm] | None:
    """The report model of the latest status period, or None when there is no dated status notat."""
    periods = _status_periods(reconciled.documents)
    if not periods:
        return None
    latest_date, latest = periods[-1]
    previous = periods[-2] if len(periods) > 1 else None
    previous_date = previous[0] if previous else None

    themes = _themes(latest, previous[1] if previous else None)
    review = review_pairs(reconciled)
    # Kontrol shows the findings of what this report stands on; an older period's are in the tables.
    # (a status notat whose date cannot be read is never older)
    oldest_shown = previous_date or latest_date
    shown, older = [], []
    for doc in reconciled.documents:
        day = _status_date(doc)
        (older if day is not None and day < oldest_shown else shown).append(doc)
    report = StatusReport(
        title=latest.document.title or DEFAULT_TITLE,
        period=latest_date,
        previous_period=previous_date,
        intro=BILAG_INTRO,
        themes=themes,
        changes=_changes(reconciled, latest_date),
        proposals=_proposals(latest),
        reconciliation=_reconciliation(latest, review),
        findings=(*_findings([*shown, *unread]), *_decision_findings(reconciled)),
        skipped_files=tuple(
            ReportSkippedFile(
                e.file, e.status, INGEST_CAUSE_TEXTS.get(e.cause) or e.reason or STATUS_LABELS[""]
            )
            for e in ingest_log
            if e.status != "ok"
        ),
        subtitle=REPORT_SUBTITLE,
        overview=_overview(themes, has_previous=previous is not None),
        earlier_findings=sum(len(d.findings) for d in older),
        review=review,
    )
    return report, _form(latest, latest_date, report.title)


# --------------------------------------------------------------------------- periods


def _status_date(doc: ExtractedDocument) -> dt.date | None:
    """The period of a status notat; None for another kind or a date that cannot be read."""
    if doc.document.kind != "status" or not doc.document.date:
        return None
    try:
        return dt.date.fromisoformat(doc.document.date)
    except ValueError:
        return None


def _status_periods(docs: list[ExtractedDocument]) -> list[tuple[dt.date, ExtractedDocument]]:
    """Status notats with a date and goal rows, oldest first; one per date (the first read)."""
    by_date: dict[dt.date, ExtractedDocument] = {}
    for doc in docs:
        day = _status_date(doc)
        if day is not None and doc.goal_rows:
            by_date.setdefault(day, doc)
    return sorted(by_date.items())


def _rows_by_theme(doc: ExtractedDocument) -> OrderedDict[int, list[GoalRow]]:
    themes: OrderedDict[int, list[GoalRow]] = OrderedDict()
    for row in sorted(doc.goal_rows, key=lambda r: (r.theme_no, r.row_no)):
        themes.setdefault(row.theme_no, []).append(row)
    return themes


def _count(rows: list[GoalRow], status: str) -> int:
    return sum(1 for r in rows if r.status == status)


# --------------------------------------------------------------------------- themes, overview


def _report_row(row: GoalRow) -> ReportRow:
    stmts = sorted(row.statements, key=lambda s: s.stmt_no)
    return ReportRow(
        goal_ids=tuple(dict.fromkeys(s.goal_id for s in stmts if s.goal_id)),
        wordings=tuple(ReportWording(s.text, s.bilag) for s in stmts),
        proposed_text=row.proposed_text if row.proposal == "reword" else "",
        status=row.status,
        remark=row.remark,
    )


def _themes(
    latest: ExtractedDocument, previous: ExtractedDocument | None
) -> tuple[ReportTheme, ...]:
    before = _rows_by_theme(previous) if previous else {}
    themes = []
    for theme_no, rows in _rows_by_theme(latest).items():
        prev_rows = before.get(theme_no)
        themes.append(
            ReportTheme(
                theme_no=theme_no,
                title=rows[0].theme_title,
                rows=tuple(_report_row(r) for r in rows),
                started=_count(rows, "started"),
                not_started=_count(rows, "not_started"),
                unmarked=_count(rows, ""),
                previous_started=_count(prev_rows, "started") if prev_rows else None,
                previous_not_started=_count(prev_rows, "not_started") if prev_rows else None,
            )
        )
    return tuple(themes)


def _overview(themes: tuple[ReportTheme, ...], *, has_previous: bool) -> tuple[OverviewLine, ...]:
    lines = []
    for t in themes:
        new_theme = has_previous and t.previous_started is None
        lines.append(
            OverviewLine(
                label=f"Tema {t.theme_no} – {t.title}",
                short_label=f"Tema {t.theme_no}",
                started=t.started,
                not_started=t.not_started,
                unmarked=t.unmarked,
                total=t.started + t.not_started + t.unmarked,
                started_change="nyt tema"
                if new_theme
                else format_count_change(t.started, t.previous_started),
                not_started_change="nyt tema"
                if new_theme
                else format_count_change(t.not_started, t.previous_not_started),
            )
        )
    prev_started = sum(t.previous_started or 0 for t in themes)
    prev_not_started = sum(t.previous_not_started or 0 for t in themes)
    started = sum(t.started for t in themes)
    not_started = sum(t.not_started for t in themes)
    unmarked = sum(t.unmarked for t in themes)
    lines.append(
        OverviewLine(
            label="I alt",
            short_label="I alt",
            started=started,
            not_started=not_started,
            unmarked=unmarked,
            total=started + not_started + unmarked,
            started_change=format_count_change(started, prev_started if has_previous else None),
            not_started_change=format_count_change(
                not_started, prev_not_started if has_previous else None
            ),
            is_total=True,
        )
    )
    return tuple(lines)


# --------------------------------------------------------------------------- changes, proposals


def _danish_value(kind: str, value: str, *, side: str) -> str:
    if kind == "status_changed" or value in ("started", "not_started"):
        return STATUS_LABELS.get(value, value)
    if kind in ("wording_changed", "reworded_as_proposed") and not value:
        return WORDING_NONE_AFTER if side == "after" else WORDING_NONE_BEFORE
    return value


def _changes(reconciled: Reconciled, period: dt.date) -> tuple[ReportChange, ...]:
    iso = period.isoformat()
    return tuple(
        ReportChange(
            kind=c.kind,
            theme_no=c.theme_no,
            wording=c.wording,
            before=_danish_value(c.kind, c.before, side="before"),
            after=_danish_value(c.kind, c.after, side="after"),
        )
        for c in sorted(
            (c for c in reconciled.changes if c.period == iso),
            key=lambda c: (c.theme_no, c.kind, c.wording),
        )
    )


def _row_wording(row: GoalRow) -> str:
    """The row's goal as one line: its wordings joined, each with its bilag."""
    parts = []
    for s in sorted(row.statements, key=lambda s: s.stmt_no):
        parts.append(f"{s.text} (bilag {s.bilag})" if s.bilag else s.text)
    return " / ".join(parts)


def _proposals(latest: ExtractedDocument) -> tuple[ReportProposal, ...]:
    return tuple(
        ReportProposal(
            theme_no=r.theme_no,
            wording=_row_wording(r),
            proposal=r.proposal,
            proposed_text=r.proposed_text,
            remark=r.remark,
        )
        for rows in _rows_by_theme(latest).values()
        for r in rows
        if r.proposal
    )


# --------------------------------------------------------------------------- reconciliation


def _score_text(score: float) -> str:
    return f"{score:.2f}".replace(".", ",")


_REVIEW_NOTES = {
    "likely_miss": "Måske samme mål som »{other}« ({where}); lighed {score}",
    "written_twice": "Måske samme mål som »{other}« ({where}), skrevet to gange; lighed {score}",
    "uncertain_link": "Usikker sammenkobling med »{other}« ({where}); lighed {score}",
}


def _review_notes(review: tuple[ReviewPair, ...], latest_goals: set[str]) -> dict[str, list[str]]:
    """Danish notes per goal of the latest period from the review pairs (pipeline.transform.
    review): each pair is a question to a person, shown at both of its goals."""
    notes: dict[str, list[str]] = {}
    for pair in review:
        ends = [(pair.goal_b, pair.text_a, pair.where_a)]  # at the later wording's goal
        if pair.kind != "uncertain_link":  # two goals: the question stands at both
            ends.append((pair.goal_a, pair.text_b, pair.where_b))
        for goal_id, other, where in ends:
            if goal_id not in latest_goals:
                continue
            note = _REVIEW_NOTES[pair.kind].format(
                other=other, where=where, score=_score_text(pair.score)
            )
            if note not in notes.setdefault(goal_id, []):
                notes[goal_id].append(note)
    return notes


def _reconciliation(
    latest: ExtractedDocument, review: tuple[ReviewPair, ...]
) -> tuple[ReportReconciliation, ...]:
    notes = _review_notes(review, {s.goal_id for s in latest.statements})
    goals: OrderedDict[str, dict] = OrderedDict()
    for row in sorted(latest.goal_rows, key=lambda r: (r.theme_no, r.row_no)):
        for s in sorted(row.statements, key=lambda s: s.stmt_no):
            goal_id = s.goal_id or f"{row.theme_no}.{row.row_no}.{s.stmt_no}"
            g = goals.setdefault(goal_id, {"1": [], "2": [], "": [], "themes": [], "rows": set()})
            if s.text not in g[s.bilag]:
                g[s.bilag].append(s.text)
            if row.theme_no not in g["themes"]:
                g["themes"].append(row.theme_no)
            g["rows"].add((row.theme_no, row.row_no))
    result = []
    for goal_id, g in goals.items():
        goal_notes = list(notes.get(goal_id, []))
        occurrences = len(g["rows"])
        if occurrences > 1:
            where = ", ".join(f"tema {t}" for t in g["themes"])
            goal_notes.append(f"Skrevet {occurrences} gange ({where})")
        result.append(
            ReportReconciliation(
                goal_id=goal_id,
                bilag1=tuple(g["1"]),
                bilag2=tuple(g["2"]),
                untagged=tuple(g[""]),
                theme_nos=tuple(g["themes"]),
                occurrences=occurrences,
                needs_review=goal_id in notes,
                note="; ".join(goal_notes),
            )
        )
    return tuple(result)


# --------------------------------------------------------------------------- findings, form


_DECISION_TEXTS = {"same": "samme mål", "different": "forskellige mål"}


def _decision_findings(reconciled: Reconciled) -> tuple[ReportFinding, ...]:
    """Every decision a person made that this run applied (goal_overrides.csv, a filled-in
    afstemning workbook), and the lines of a decision file that could not be used."""
    out = [
        ReportFinding(
            file=o.source,
            theme_no=None,
            row_no=None,
            severity="info",
            message=f"Afgørelse anvendt (række {o.line_no}): »{o.text_a or o.wording_a}« og "
            f"»{o.text_b or o.wording_b}« er {_DECISION_TEXTS[o.action]}.",
        )
        for o in reconciled.decisions
    ]
    out += [
        ReportFinding(file=file, theme_no=None, row_no=None, severity="warning", message=message)
        for file, message in reconciled.decision_problems
    ]
    return tuple(out)


def _findings(docs: list[ExtractedDocument]) -> tuple[ReportFinding, ...]:
    found = []
    for doc in sorted(docs, key=lambda d: (d.document.date, d.document.file)):
        for f in doc.findings:
            found.append(
                ReportFinding(
                    file=doc.document.file,
                    theme_no=f.theme_no,
                    row_no=f.row_no,
                    severity=f.severity,
                    message=f.message or FINDING_TEXTS.get(f.code, f.code),
                )
            )
    return tuple(found)


def _form(latest: ExtractedDocument, period: dt.date, title: str) -> StatusForm:
    """Next period's form: dropped goals left out, reworded goals in their new wording."""
    themes = []
    for theme_no, rows in _rows_by_theme(latest).items():
        form_rows = []
        for r in rows:
            if r.proposal == "drop":
                continue
            report_row = _report_row(r)
            wordings = report_row.wordings
            if r.proposal == "reword" and r.proposed_text:
                # The new wording replaces the row's wordings and keeps the first one's tag, as
                # the next notat prints a reworded goal.
                bilag = wordings[0].bilag if wordings else ""
                wordings = (ReportWording(r.proposed_text, bilag),)
            form_rows.append(
                FormRow(
                    goal_ids=report_row.goal_ids,
                    wordings=wordings,
                    last_status=r.status,
                    last_remark=r.remark,
                )
            )
        if form_rows:
            themes.append(FormTheme(theme_no, rows[0].theme_title, tuple(form_rows)))
    return StatusForm(
        title=title,
        based_on_period=period,
        intro=BILAG_INTRO,
        themes=tuple(themes),
        instructions=FORM_INTRO,
    )
