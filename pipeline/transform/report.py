"""Build the report model of the latest status period from the reconciled documents.

Everything the reports print is decided here, in Danish, so the Word and the PDF writer only lay
it out: counts and their change since the previous period, the changes, the proposals, the
bilag 1/bilag 2 reconciliation, the findings, and next period's form (statusskema).
"""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pipeline.codes import cause_text
from pipeline.dates import format_danish_date
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
    ReportQuestion,
    ReportReconciliation,
    ReportRow,
    ReportSkippedFile,
    ReportTheme,
    ReportWording,
    ReviewPair,
    StatusForm,
    StatusReport,
)
from pipeline.transform.accounting import Accounting, ThemeCounts, account
from pipeline.transform.periods import dated_periods, period_of
from pipeline.transform.review import review_pairs
from pipeline.transform.similarity import likeness
from pipeline.vocabulary import REVIEW_FILE_PREFIX, TOTALS_LABEL
from pipeline.wording import (
    BILAG_INTRO,
    DECISIONS_LISTED,
    DECISIONS_NAME,
    FORM_INTRO,
    NO_REASON_GIVEN,
    NOT_PROPOSED,
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
    notat_name,
)

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
    periods = dated_periods(reconciled.documents)
    if not periods:
        return None
    latest_date, latest = periods[-1]
    previous = periods[-2] if len(periods) > 1 else None
    previous_date = previous[0] if previous else None

    iso = latest_date.isoformat()
    period_changes = [c for c in reconciled.changes if c.period == iso]
    accounting = (
        account(latest, previous[1], period_changes, reconciled.questions, reconciled.merged_into)
        if previous
        else None
    )
    themes = _themes(latest, previous[1] if previous else None, accounting)
    review = review_pairs(reconciled)
    # Kontrol shows the findings of what this report stands on; an older period's are in the tables.
    # (a status notat whose date cannot be read is never older)
    oldest_shown = previous_date or latest_date
    shown, older = [], []
    for doc in reconciled.documents:
        day = period_of(doc)
        (older if day is not None and day < oldest_shown else shown).append(doc)
    title = latest.document.title
    if title.strip().lower() in _NOT_A_TITLE:
        title = DEFAULT_TITLE
    old_titles = {r.theme_no: r.theme_title for r in previous[1].goal_rows} if previous else {}
    changes = _changes(
        period_changes,
        old_titles,
        {t.theme_no: t.title for t in themes},
        _proposed(previous[1], "drop") if previous else set(),
        _remarks(previous[1]) if previous else {},
    )
    overview = _overview(themes, accounting, old_titles)
    questions = _report_questions(review)
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
        summary=_summary(
            previous_date,
            overview,
            themes,
            changes,
            accounting,
            questions=sum(1 for q in questions if q.kind == "likely_miss" and q.period == iso),
        ),
        wording_fixes=tuple(c for c in changes if c.kind == "wording_changed"),
        questions=tuple(q.question for q in questions),
        review_workbook=f"{REVIEW_FILE_PREFIX}{iso}.xlsx",
    )
    return report, _form(latest, latest_date, report.title, report.sender)


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


def _report_row(row: GoalRow, markers: Sequence[str] = ()) -> ReportRow:
    stmts = sorted(row.statements, key=lambda s: s.stmt_no)
    goal_ids = tuple(dict.fromkeys(s.goal_id for s in stmts if s.goal_id))
    shown = tuple(text for kind, text in ROW_MARKERS.items() if kind in markers)
    return ReportRow(
        goal_ids=goal_ids,
        wordings=tuple(ReportWording(s.text, s.bilag) for s in stmts),
        proposed_text=row.proposed_text if row.proposal == "reword" else "",
        status=row.status,
        remark=row.remark,
        marker=", ".join(shown),
        markers=shown,
    )


def _themes(
    latest: ExtractedDocument, previous: ExtractedDocument | None, accounting: Accounting | None
) -> tuple[ReportTheme, ...]:
    before = _rows_by_theme(previous) if previous else {}
    themes = []
    for theme_no, rows in _rows_by_theme(latest).items():
        old_no = accounting.continued.get(theme_no) if accounting else None
        prev_rows = before.get(old_no) if old_no is not None else None
        marks = accounting.markers if accounting else {}
        themes.append(
            ReportTheme(
                theme_no=theme_no,
                title=rows[0].theme_title,
                rows=tuple(_report_row(r, marks.get((r.theme_no, r.row_no), ())) for r in rows),
                started=_count(rows, "started"),
                not_started=_count(rows, "not_started"),
                unmarked=_count(rows, ""),
                previous_started=_count(prev_rows, "started") if prev_rows else None,
                previous_not_started=_count(prev_rows, "not_started") if prev_rows else None,
            )
        )
    return tuple(themes)


def _overview(
    themes: tuple[ReportTheme, ...],
    accounting: Accounting | None,
    old_titles: dict[int, str],
) -> tuple[OverviewLine, ...]:
    """One line per theme of the latest notat (and per earlier theme that ended), and the
    total; with a previous period each line adds up in rows (pipeline.transform.accounting)."""
    lines = []
    for t in themes:
        counts = accounting.themes[t.theme_no] if accounting else None
        old_no = accounting.continued.get(t.theme_no) if accounting else None
        formerly = ""
        if old_no is not None and (
            old_no != t.theme_no or old_titles.get(old_no, t.title) != t.title
        ):
            same_title = old_titles.get(old_no, t.title) == t.title
            formerly = f"Tema {old_no}" + ("" if same_title else f" – {old_titles[old_no]}")
        lines.append(
            _line(
                f"Tema {t.theme_no} – {t.title}",
                f"Tema {t.theme_no}",
                counts,
                (t.previous_started, t.previous_not_started),
                new_theme=accounting is not None and old_no is None,
                formerly=formerly,
                started=t.started,
                not_started=t.not_started,
                unmarked=t.unmarked,
            )
        )
    if accounting:
        for k, counts in accounting.themes.items():
            if isinstance(k, tuple):  # a theme of the previous notat that ended
                lines.append(
                    _line(
                        f"Tema {k[1]} – {old_titles.get(k[1], '')} (ophørt)",
                        f"Tema {k[1]} (ophørt)",
                        counts,
                        (None, None),
                        started=0,
                        not_started=0,
                        unmarked=0,
                    )
                )
    total = ThemeCounts()
    if accounting:
        for counts in accounting.themes.values():
            for name in vars(total):
                setattr(total, name, getattr(total, name) + getattr(counts, name))
    previous = (
        (
            sum(t.previous_started or 0 for t in themes),
            sum(t.previous_not_started or 0 for t in themes),
        )
        if accounting
        else (None, None)
    )
    lines.append(
        _line(
            TOTALS_LABEL,
            TOTALS_LABEL,
            total if accounting else None,
            previous,
            is_total=True,
            started=sum(t.started for t in themes),
            not_started=sum(t.not_started for t in themes),
            unmarked=sum(t.unmarked for t in themes),
        )
    )
    return tuple(lines)


def _line(
    label, short_label, counts: ThemeCounts | None, before, *, new_theme=False, is_total=False,
    formerly="", **now
) -> OverviewLine:  # fmt: skip
    started, not_started, unmarked = now["started"], now["not_started"], now["unmarked"]
    c = counts
    return OverviewLine(
        label=label,
        short_label=short_label,
        started=started,
        not_started=not_started,
        unmarked=unmarked,
        total=started + not_started + unmarked,
        started_change="nyt tema" if new_theme else format_count_change(started, before[0]),
        not_started_change="nyt tema" if new_theme else format_count_change(not_started, before[1]),
        is_total=is_total,
        newly_started=c.newly_started if c else None,
        newly_not_started=c.newly_not_started if c else None,
        new_goals=c.new if c else None,
        gone=c.gone if c else None,
        gone_as_proposed=c.gone_as_proposed if c else None,
        reworded=c.reworded if c else None,
        previous_total=c.previous_total if c else None,
        moved_in=c.moved_in if c else None,
        moved_out=c.moved_out if c else None,
        regrouped=c.regrouped if c else None,
        revived=c.revived if c else None,
        pending=c.pending if c else None,
        formerly=formerly,
    )


def _summary(
    previous: dt.date | None,
    overview: tuple[OverviewLine, ...],
    themes: tuple[ReportTheme, ...],
    changes: tuple[ReportChange, ...],
    accounting: Accounting | None,
    *,
    questions: int = 0,
) -> tuple[str, ...]:
    """What changed since the previous status, in Danish sentences; every count is of rows."""
    total = overview[-1]
    if previous is None or accounting is None:
        return (
            f"Dette er den første status. Af i alt {total.total} mål er {total.started} "
            f"gennemført/igangsat og {total.not_started} ikke igangsat.",
        )
    gone_as_proposed = total.gone_as_proposed or 0
    rows = {(t.theme_no, i): r for t in themes for i, r in enumerate(t.rows, start=1)}
    targets, scopes = [], []
    for at, kind in sorted(accounting.changed_rows.items()):
        row = rows.get(at)
        if row is None:
            continue
        wording = _changed_wording(row, changes)
        if kind == "target_changed":
            numbers = _revised_numbers(changes, row)
            targets.append(f"»{wording}«" + (f" ({numbers})" if numbers else ""))
        else:
            scopes.append(f"»{wording}«")
    renamed = [
        f"Tema {line.short_label.removeprefix('Tema ')} hed før {line.formerly}"
        for line in overview
        if line.formerly
    ]
    return change_summary(
        previous,
        started=total.newly_started or 0,
        not_started=total.newly_not_started or 0,
        unmarked=sum(c.newly_unmarked for c in accounting.themes.values()),
        gone_as_proposed=gone_as_proposed,
        gone_otherwise=(total.gone or 0) - gone_as_proposed,
        reworded=total.reworded or 0,
        new_goals=total.new_goals or 0,
        revived=total.revived or 0,
        new_themes=[
            f"Tema {t.theme_no} »{t.title}«"
            for t, line in zip(themes, overview, strict=False)
            if line.started_change == "nyt tema"
        ],
        renamed_themes=renamed,
        target_changes=targets,
        scope_changes=scopes,
        moved=total.moved_in or 0,
        questions=questions,
        pending=total.pending or 0,
        wording_fixes=sum(1 for c in changes if c.kind == "wording_changed"),
        now_started=total.started,
        now_not_started=total.not_started,
        now_total=total.total,
    )


def _changed_wording(row: ReportRow, changes: tuple[ReportChange, ...]) -> str:
    """The row's wording that changed (as the change list has it), else its first."""
    came = {t for c in changes for t in c.after.split(" | ")}
    return next((w.text for w in row.wordings if w.text in came), row.wordings[0].text)


def _revised_numbers(changes: tuple[ReportChange, ...], row: ReportRow) -> str:
    """ "5 → 4" for a row whose wording revised a target, from the change list's wordings."""
    texts = {w.text for w in row.wordings}
    for c in changes:
        if c.kind != "target_changed":
            continue
        for after in c.after.split(" | "):
            if after not in texts:
                continue
            for before in c.before.split(" | "):
                revised = likeness(before, after).revised
                if revised:
                    return ", ".join(f"{a} → {b}" for a, b in revised)
    return ""


# --------------------------------------------------------------------------- changes, proposals


def _danish_value(kind: str, value: str, *, side: str, themes: dict[int, str]) -> str:
    if kind == "status_changed" or value in ("started", "not_started"):
        return STATUS_LABELS.get(value, value)
    if kind == "moved" and value.isdigit():
        return f"Tema {value} – {themes.get(int(value), '')}".rstrip(" –")
    if kind == "split" and value.isdigit():
        return f"{value} {'række' if value == '1' else 'rækker'}"
    rewordings = ("wording_changed", "reworded_as_proposed", "target_changed", "scope_changed")
    if kind in rewordings and not value:
        return WORDING_NONE_AFTER if side == "after" else WORDING_NONE_BEFORE
    return value


def _changes(
    period_changes: list[Change],
    old_titles: dict[int, str],
    new_titles: dict[int, str],
    dropped: set[str] = frozenset(),  # type: ignore[assignment]
    remarks: dict[str, str] | None = None,
) -> tuple[ReportChange, ...]:
    out = []
    for c in sorted(period_changes, key=lambda c: (c.theme_no, c.kind, c.wording)):
        before = _danish_value(c.kind, c.before, side="before", themes=old_titles)
        after = _danish_value(c.kind, c.after, side="after", themes=new_titles)
        reason = c.reason
        if c.kind == "goal_gone" and not reason:
            reason = (remarks or {}).get(c.goal_id, "")
        if c.kind == "goal_gone":
            # the proposal's reason; a goal gone without one has only its last remark
            if c.goal_id in dropped:
                after = reason or NO_REASON_GIVEN
            else:
                after = NOT_PROPOSED + (f" Sidste bemærkning: »{reason}«" if reason else "")
        elif c.kind == "pending":
            # the goal it may be: the one gone (before) or the one new (after)
            before, after = (
                (f"Måske samme mål som »{c.before}«", "Afventer afklaring")
                if c.after in ("started", "not_started", "")
                else (STATUS_LABELS.get(c.before, c.before), f"Måske nu »{c.after}«")
            )
        out.append(ReportChange(c.kind, c.theme_no, c.wording, before, after, reason))
    return tuple(out)


def _remarks(doc: ExtractedDocument) -> dict[str, str]:
    """Each goal's remarks in ``doc``, joined: what its notat last said of it."""
    out: dict[str, list[str]] = {}
    for r in sorted(doc.goal_rows, key=lambda r: (r.theme_no, r.row_no)):
        for g in dict.fromkeys(s.goal_id for s in r.statements):
            if r.remark and r.remark not in out.setdefault(g, []):
                out[g].append(r.remark)
    return {g: " ".join(texts) for g, texts in out.items()}


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


# Why a question is asked, in words (no similarity scores): the working paper's column.
_QUESTION_WHY = {
    "likely_miss": (
        "Målet står ikke i notatet af {day}. Til højre står de nye mål, det måske er blevet "
        "til, det mest sandsynlige først. Indtil det er afgjort, tælles ingen af dem som udgået "
        "eller nyt."
    ),
    "written_twice": (
        "Måske samme mål skrevet to gange med næsten samme ord. Tjek, om det er samme mål."
    ),
    "uncertain_link": (
        "Regnet for samme mål, selv om formuleringerne kun ligner hinanden delvist. Tjek, at "
        "det er samme mål."
    ),
}


def _day_of(iso: str) -> str:
    try:
        return format_danish_date(dt.date.fromisoformat(iso))
    except ValueError:
        return "uden dato"


@dataclass(frozen=True)
class _Asked:
    question: ReportQuestion
    kind: str
    period: str


def _report_questions(review: tuple[ReviewPair, ...]) -> list[_Asked]:
    """The review pairs as numbered questions, each with its partners best first."""
    by_no: dict[int, list[ReviewPair]] = {}
    for pair in review:
        by_no.setdefault(pair.question_no, []).append(pair)
    out = []
    for no, pairs in sorted(by_no.items()):
        pairs.sort(key=lambda p: p.rank)
        first = pairs[0]
        out.append(
            _Asked(
                ReportQuestion(
                    no,
                    first.kind,
                    first.text_a,
                    first.where_a,
                    tuple((p.text_b, p.where_b) for p in pairs),
                    _QUESTION_WHY[first.kind].format(day=_day_of(first.period_b))
                    + (f" {first.not_offered}" if first.not_offered else ""),
                ),
                first.kind,
                first.period_b,
            )
        )
    return out


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
            note = f"Spørgsmål {pair.question_no}: " + _REVIEW_NOTES[pair.kind].format(
                other=other, where=where
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
            or cause_text(e.cause)
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
        # A decision applied is the administration's (no internal file named to the council);
        # one not used names its file: the administration must find it.
        out += [
            ReportFinding(file=DECISIONS_NAME if applied else d.file, theme_no=None, row_no=None,
                          severity=severity, message=d.message)
            for d in rows[:DECISIONS_LISTED]
        ]  # fmt: skip
        if len(rows) > DECISIONS_LISTED:
            message = more_decisions_text(len(rows) - DECISIONS_LISTED, applied=applied)
            out.append(ReportFinding(DECISIONS_NAME, None, None, severity, message))
    return tuple(out)


def _findings(docs: list[ExtractedDocument]) -> tuple[ReportFinding, ...]:
    found = []
    for doc in sorted(docs, key=lambda d: (d.document.date, d.document.file)):
        for f in doc.findings:
            d = doc.document
            found.append(
                ReportFinding(
                    file=notat_name(d.kind, d.date, d.title, d.file),
                    theme_no=f.theme_no,
                    row_no=f.row_no,
                    severity=f.severity,
                    message=f.message,
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
