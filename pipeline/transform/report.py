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
    DECISIONS_LISTED,
    FINDING_TEXTS,
    FORM_INTRO,
    INGEST_CAUSE_TEXTS,
    REPORT_SUBTITLE,
    ROW_MARKERS,
    SENDER_LABELS,
    STATUS_LABELS,
    WORDING_NONE_AFTER,
    WORDING_NONE_BEFORE,
    change_summary,
    decision_text,
    format_count_change,
    more_decisions_text,
)
from pipeline.model import (
    SENDER_FIELDS,
    Change,
    Document,
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
# A title read as the document-type label alone is no title ("NOTAT / NOTAT" on page 1).
_NOT_A_TITLE = frozenset({"", "notat"})


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

    iso = latest_date.isoformat()
    period_changes = [c for c in reconciled.changes if c.period == iso]
    dropped = _proposed(previous[1], "drop") if previous else set()
    themes = _themes(latest, previous[1] if previous else None, period_changes)
    review = review_pairs(reconciled)
    # Kontrol shows the findings of what this report stands on; an older period's are in the tables.
    # (a status notat whose date cannot be read is never older)
    oldest_shown = previous_date or latest_date
    shown, older = [], []
    for doc in reconciled.documents:
        day = _status_date(doc)
        (older if day is not None and day < oldest_shown else shown).append(doc)
    title = latest.document.title
    if title.strip().lower() in _NOT_A_TITLE:
        title = DEFAULT_TITLE
    changes = _changes(period_changes)
    overview = _overview(themes, period_changes, dropped, has_previous=previous is not None)
    report = StatusReport(
        title=title,
        period=latest_date,
        previous_period=previous_date,
        intro=BILAG_INTRO,
        themes=themes,
        changes=tuple(c for c in changes if c.kind != "wording_changed"),
        proposals=_proposals(latest),
        reconciliation=_reconciliation(latest, review),
        findings=(*_findings([*shown, *unread]), *_decision_findings(reconciled, ingest_log)),
        skipped_files=_skipped_files(ingest_log, reconciled),
        subtitle=REPORT_SUBTITLE,
        overview=overview,
        earlier_findings=sum(len(d.findings) for d in older),
        review=review,
        sender=sender_lines(latest.document),
        summary=_summary(previous_date, overview, themes, changes),
        wording_fixes=tuple(c for c in changes if c.kind == "wording_changed"),
    )
    return report, _form(latest, latest_date, report.title, report.sender)


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


def _proposed(doc: ExtractedDocument, proposal: str) -> set[str]:
    """The goal_ids of the rows of ``doc`` that carry ``proposal``."""
    return {s.goal_id for r in doc.goal_rows if r.proposal == proposal for s in r.statements}


def sender_lines(document: Document) -> tuple[str, ...]:
    """The sender block as the notat prints it, one line per field ("Amtstue Allé 71, 4100
    Ringsted" on two lines, the phone after "Tel.:"); empty fields are left out."""
    lines: list[str] = []
    for name in SENDER_FIELDS:
        value = getattr(document, name).strip()
        if not value:
            continue
        if name == "sender_address":
            lines += [part.strip() for part in value.split(",") if part.strip()]
        else:
            lines.append(SENDER_LABELS.get(name, "") + value)
    return tuple(lines)


# --------------------------------------------------------------------------- themes, overview


def _report_row(row: GoalRow, kinds_of: dict[str, set[str]] | None = None) -> ReportRow:
    stmts = sorted(row.statements, key=lambda s: s.stmt_no)
    goal_ids = tuple(dict.fromkeys(s.goal_id for s in stmts if s.goal_id))
    kinds = set().union(*((kinds_of or {}).get(g, set()) for g in goal_ids))
    return ReportRow(
        goal_ids=goal_ids,
        wordings=tuple(ReportWording(s.text, s.bilag) for s in stmts),
        proposed_text=row.proposed_text if row.proposal == "reword" else "",
        status=row.status,
        remark=row.remark,
        marker=", ".join(text for kind, text in ROW_MARKERS.items() if kind in kinds),
    )


def _themes(
    latest: ExtractedDocument, previous: ExtractedDocument | None, changes: list[Change]
) -> tuple[ReportTheme, ...]:
    before = _rows_by_theme(previous) if previous else {}
    kinds_of: dict[str, set[str]] = {}
    for c in changes:
        kinds_of.setdefault(c.goal_id, set()).add(c.kind)
    themes = []
    for theme_no, rows in _rows_by_theme(latest).items():
        prev_rows = before.get(theme_no)
        themes.append(
            ReportTheme(
                theme_no=theme_no,
                title=rows[0].theme_title,
                rows=tuple(_report_row(r, kinds_of) for r in rows),
                started=_count(rows, "started"),
                not_started=_count(rows, "not_started"),
                unmarked=_count(rows, ""),
                previous_started=_count(prev_rows, "started") if prev_rows else None,
                previous_not_started=_count(prev_rows, "not_started") if prev_rows else None,
            )
        )
    return tuple(themes)


def _moves(changes: list[Change], dropped: set[str]) -> dict[str, int]:
    """The changes counted apart: marks moved, new, gone (as proposed or not), reworded."""
    counts = dict.fromkeys(
        ("started", "not_started", "unmarked", "new", "gone", "gone_as_proposed", "reworded"), 0
    )
    for c in changes:
        if c.kind == "status_changed":
            counts[
                {"started": "started", "not_started": "not_started"}.get(c.after, "unmarked")
            ] += 1
        elif c.kind == "new_goal":
            counts["new"] += 1
        elif c.kind == "goal_gone":
            counts["gone"] += 1
            counts["gone_as_proposed"] += c.goal_id in dropped
        elif c.kind == "reworded_as_proposed":
            counts["reworded"] += 1
    return counts


def _overview_line(label, short_label, rows, moves, *, new_theme=False, is_total=False, **counts):
    started, not_started, unmarked = counts["started"], counts["not_started"], counts["unmarked"]
    compared = moves is not None
    return OverviewLine(
        label=label,
        short_label=short_label,
        started=started,
        not_started=not_started,
        unmarked=unmarked,
        total=started + not_started + unmarked,
        started_change="nyt tema" if new_theme else format_count_change(started, rows[0]),
        not_started_change="nyt tema" if new_theme else format_count_change(not_started, rows[1]),
        is_total=is_total,
        newly_started=moves["started"] if compared and not new_theme else None,
        newly_not_started=moves["not_started"] if compared and not new_theme else None,
        new_goals=moves["new"] if compared else None,
        gone=moves["gone"] if compared and not new_theme else None,
        gone_as_proposed=moves["gone_as_proposed"] if compared and not new_theme else None,
        reworded=moves["reworded"] if compared and not new_theme else None,
    )


def _overview(
    themes: tuple[ReportTheme, ...],
    changes: list[Change],
    dropped: set[str],
    *,
    has_previous: bool,
) -> tuple[OverviewLine, ...]:
    lines = []
    for t in themes:
        new_theme = has_previous and t.previous_started is None
        moves = _moves([c for c in changes if c.theme_no == t.theme_no], dropped)
        lines.append(
            _overview_line(
                f"Tema {t.theme_no} – {t.title}",
                f"Tema {t.theme_no}",
                (t.previous_started, t.previous_not_started),
                moves if has_previous else None,
                new_theme=new_theme,
                started=t.started,
                not_started=t.not_started,
                unmarked=t.unmarked,
            )
        )
    previous = (
        (
            sum(t.previous_started or 0 for t in themes),
            sum(t.previous_not_started or 0 for t in themes),
        )
        if has_previous
        else (None, None)
    )
    lines.append(
        _overview_line(
            "I alt",
            "I alt",
            previous,
            _moves(changes, dropped) if has_previous else None,
            is_total=True,
            started=sum(t.started for t in themes),
            not_started=sum(t.not_started for t in themes),
            unmarked=sum(t.unmarked for t in themes),
        )
    )
    return tuple(lines)


def _summary(
    previous: dt.date | None,
    overview: tuple[OverviewLine, ...],
    themes: tuple[ReportTheme, ...],
    changes: tuple[ReportChange, ...],
) -> tuple[str, ...]:
    """What changed since the previous status, in Danish sentences (empty without one)."""
    total = overview[-1]
    if previous is None:
        return (
            f"Dette er den første status. Af i alt {total.total} mål er {total.started} "
            f"gennemført/igangsat og {total.not_started} ikke igangsat.",
        )
    gone_as_proposed = total.gone_as_proposed or 0
    return change_summary(
        previous,
        started=total.newly_started or 0,
        not_started=total.newly_not_started or 0,
        unmarked=sum(1 for c in changes if c.kind == "status_changed")
        - (total.newly_started or 0)
        - (total.newly_not_started or 0),
        gone_as_proposed=gone_as_proposed,
        gone_otherwise=(total.gone or 0) - gone_as_proposed,
        reworded=total.reworded or 0,
        new_goals=total.new_goals or 0,
        new_themes=[f"Tema {t.theme_no} »{t.title}«" for t in themes if t.previous_started is None],
        wording_fixes=sum(1 for c in changes if c.kind == "wording_changed"),
        now_started=total.started,
        now_not_started=total.not_started,
        now_total=total.total,
    )


# --------------------------------------------------------------------------- changes, proposals


def _danish_value(kind: str, value: str, *, side: str) -> str:
    if kind == "status_changed" or value in ("started", "not_started"):
        return STATUS_LABELS.get(value, value)
    if kind in ("wording_changed", "reworded_as_proposed") and not value:
        return WORDING_NONE_AFTER if side == "after" else WORDING_NONE_BEFORE
    return value


def _changes(period_changes: list[Change]) -> tuple[ReportChange, ...]:
    return tuple(
        ReportChange(
            kind=c.kind,
            theme_no=c.theme_no,
            wording=c.wording,
            before=_danish_value(c.kind, c.before, side="before"),
            after=_danish_value(c.kind, c.after, side="after"),
        )
        for c in sorted(period_changes, key=lambda c: (c.theme_no, c.kind, c.wording))
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
            decision=decision_text(r.proposal, r.proposed_text),
        )
        for rows in _rows_by_theme(latest).values()
        for r in rows
        if r.proposal
    )


# --------------------------------------------------------------------------- reconciliation


# Why a pair of goals is shown to a person, in words (no similarity scores).
_REVIEW_NOTES = {
    "likely_miss": (
        "Måske samme mål som »{other}« ({where}): det ene forsvandt, da det andet kom til. "
        "Tjek, om det er samme mål."
    ),
    "written_twice": (
        "Måske samme mål som »{other}« ({where}), skrevet to gange med næsten samme ord. "
        "Tjek, om det er samme mål."
    ),
    "uncertain_link": (
        "Regnet for samme mål som »{other}« ({where}), selv om formuleringerne kun ligner "
        "hinanden delvist. Tjek, at det er samme mål."
    ),
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
            note = _REVIEW_NOTES[pair.kind].format(other=other, where=where)
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
            goal_notes.append(f"Målet står {occurrences} steder i notatet ({where}).")
        result.append(
            ReportReconciliation(
                goal_id=goal_id,
                bilag1=tuple(g["1"]),
                bilag2=tuple(g["2"]),
                untagged=tuple(g[""]),
                theme_nos=tuple(g["themes"]),
                occurrences=occurrences,
                needs_review=goal_id in notes,
                note=" ".join(goal_notes),
                notes=tuple(goal_notes),
            )
        )
    return tuple(result)


# --------------------------------------------------------------------------- findings, form


def _skipped_files(
    ingest_log: list[IngestEntry], reconciled: Reconciled
) -> tuple[ReportSkippedFile, ...]:
    """The files not read, each with why in Danish; a decision file in the words of its own
    reading (``DecisionFile``), not a notat's."""
    unread_decisions = {d.file: d.message for d in reconciled.decision_log if d.row_no == 0}
    return tuple(
        ReportSkippedFile(
            e.file,
            e.status,
            (unread_decisions.get(e.file) if e.kind == "decisions" else None)
            or INGEST_CAUSE_TEXTS.get(e.cause)
            or e.reason
            or STATUS_LABELS[""],
        )
        for e in ingest_log
        if e.status != "ok"
    )


def _decision_findings(
    reconciled: Reconciled, ingest_log: list[IngestEntry]
) -> tuple[ReportFinding, ...]:
    """The decisions a person made (goal_overrides.csv, a filled-in afstemning workbook): those
    applied, and the rows not used with why; at most ``DECISIONS_LISTED`` of each one by one,
    the rest counted (every one is in decisions.csv). A decision file that could not be read at
    all is here too, unless it is among the files not read (one of the input folder)."""
    listed = {e.file for e in ingest_log if e.kind == "decisions" and e.status != "ok"}
    out: list[ReportFinding] = []
    for applied, severity in ((True, "info"), (False, "warning")):
        rows = [
            d
            for d in reconciled.decision_log
            if (d.outcome == "applied") == applied and not (d.row_no == 0 and d.file in listed)
        ]
        out += [
            ReportFinding(file=d.file, theme_no=None, row_no=None, severity=severity,
                          message=d.message)
            for d in rows[:DECISIONS_LISTED]
        ]  # fmt: skip
        if len(rows) > DECISIONS_LISTED:
            message = more_decisions_text(len(rows) - DECISIONS_LISTED, applied=applied)
            out.append(ReportFinding("", None, None, severity, message))
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


def _form(
    latest: ExtractedDocument, period: dt.date, title: str, sender: tuple[str, ...]
) -> StatusForm:
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
        sender=sender,
    )
