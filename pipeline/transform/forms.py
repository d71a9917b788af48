"""Returned forms: the filled-in statusskema of one period, from one unit or several, as one
status notat of that period.

Next period's form goes out to the units, and each unit may fill in only its own themes or rows
and send its copy back; a unit may also save its copy as PDF. Every returned form names the
status it was made from ("Udarbejdet på grundlag af status af …": ``Document.form_based_on``),
so the forms of one period are the forms made from one status. They become one notat:

- a PDF of a form and its Word twin (the same rows, marks and remarks) count once;
- each goal is the row that filled it in (a mark or a remark); its row is recognised by the goal
  ids the Word form carries (``GoalRow.form_goal_id``), else by its Tema and wording;
- a goal marked differently in two forms is an error finding naming both files, and its status
  stays unknown (never a guess); two different remarks are both kept, and said so;
- a goal no form filled in is a warning in *Kontrol*; a row without a goal id in a Word form is
  a row a unit added (a new goal), and said so;
- the period's date is the date the forms give; forms of one status with different dates are an
  error finding (the latest is used); forms with no date at all cannot be placed in time and
  are failed with that reason;
- each theme's *I alt* is counted again from the merged rows and checked against the sum of the
  counts the forms printed for it.

The merged notat is carried by one of the forms (its file and doc id: the one that sorts
first); the others are listed ``ok`` in the ingest log, naming the form they were merged into.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

from pipeline.codes import Cause, FindingCode
from pipeline.dates import format_danish_date
from pipeline.model import ExtractedDocument, Finding, GoalRow, IngestStatus, ThemeTotal
from pipeline.wording import STATUS_LABELS

__all__ = ["FormMerge", "merge_forms", "note_deleted_form_rows"]

# Findings that concern one form's rows or totals: the merged notat's own replace them.
_ROW_CODES: frozenset[FindingCode] = frozenset(
    {"no_mark", "two_marks", "totals_mismatch", "totals_missing"}
)


@dataclass
class FormMerge:
    documents: list[ExtractedDocument]  # one notat per period of forms
    set_aside: list[ExtractedDocument] = field(default_factory=list)  # merged into another
    failed: list[ExtractedDocument] = field(default_factory=list)  # forms with no date
    # file → (status, cause, reason) of its ingest_log entry
    decisions: dict[str, tuple[IngestStatus, Cause | Literal[""], str]] = field(
        default_factory=dict
    )


def is_form(doc: ExtractedDocument) -> bool:
    return doc.document.kind == "status" and bool(doc.document.form_based_on)


def _content(doc: ExtractedDocument) -> tuple:
    return tuple(
        (r.theme_no, r.status, r.remark, tuple((s.text, s.bilag) for s in r.statements))
        for r in doc.goal_rows
    )


def _wording(row: GoalRow) -> str:
    return row.statements[0].text if row.statements else ""


def _danish_list(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " og " + names[-1]


def merge_forms(docs: list[ExtractedDocument]) -> FormMerge:
    """The returned forms among ``docs`` as one notat per period; other documents untouched."""
    groups: dict[str, list[ExtractedDocument]] = {}
    for doc in docs:
        if is_form(doc) and doc.goal_rows:
            groups.setdefault(doc.document.form_based_on, []).append(doc)
    if not groups:
        return FormMerge(list(docs))
    out = FormMerge([d for d in docs if not (is_form(d) and d.goal_rows)])
    for based_on, group in sorted(groups.items()):
        _merge_group(based_on, group, out)
    return out


def _merge_group(based_on: str, group: list[ExtractedDocument], out: FormMerge) -> None:
    # A Word form before its PDF twin (the Word form carries the goal ids), then by name.
    group = sorted(group, key=lambda d: (not _has_ids(d), d.document.file))
    distinct: dict[tuple, ExtractedDocument] = {}
    for doc in group:
        first = distinct.setdefault(_content(doc), doc)
        if first is not doc:
            out.decisions[doc.document.file] = (
                "duplicate", "same_content",
                f"{doc.document.file}: the same filled form as {first.document.file} (the same "
                "marks and remarks); read once",
            )  # fmt: skip
            out.set_aside.append(doc)
    forms = list(distinct.values())
    carrier = forms[0]
    names = [d.document.file for d in forms]
    day = format_danish_date(dt.date.fromisoformat(based_on))
    findings: list[Finding] = []
    dates = sorted({d.document.date for d in forms if d.document.date})
    if not dates:
        why = (
            f"a filled form (made from the status of {based_on}) with no date: write the date "
            "in its Dato field and run again"
        )
        for doc in forms:
            finding = Finding.of(
                "form_without_date", doc.document.doc_id, file=doc.document.file, based_on=day
            )
            out.failed.append(dataclasses.replace(doc, findings=[*doc.findings, finding]))
            out.decisions[doc.document.file] = ("failed", "no_date", f"{doc.document.file}: {why}")
        return
    period = dates[-1]
    doc_id = carrier.document.doc_id
    if len(dates) > 1:
        findings.append(Finding.of(
            "form_dates", doc_id, based_on=day,
            dates=_danish_list([format_danish_date(dt.date.fromisoformat(d)) for d in dates]),
            period=format_danish_date(dt.date.fromisoformat(period)),
        ))  # fmt: skip
    rows, row_findings = _merged_rows(forms, doc_id)
    findings += row_findings
    totals, total_findings = _totals(forms, rows, doc_id)
    findings += total_findings
    for doc in forms:  # each form's own findings, but those of its rows and totals
        findings += [
            dataclasses.replace(f, doc_id=doc_id)
            for f in doc.findings
            if f.code not in _ROW_CODES and f.row_no is None
        ]
    if len(forms) > 1:
        findings.append(Finding.of(
            "forms_merged", doc_id, period=format_danish_date(dt.date.fromisoformat(period)),
            count=len(forms), files=_danish_list(names),
        ))  # fmt: skip
    document = dataclasses.replace(carrier.document, date=period)
    out.documents.append(
        dataclasses.replace(
            carrier, document=document, goal_rows=rows, theme_totals=totals, findings=findings
        )
    )
    for doc in forms[1:]:
        out.decisions[doc.document.file] = (
            "ok", "",
            f"{doc.document.file}: one of {len(forms)} filled forms of the status of {period}; "
            f"merged with {_danish_list([n for n in names if n != doc.document.file])} into "
            f"the period's status (carried by {carrier.document.file})",
        )  # fmt: skip
        out.set_aside.append(dataclasses.replace(doc, findings=[]))  # now the carrier's


def _has_ids(doc: ExtractedDocument) -> bool:
    return any(r.form_goal_id for r in doc.goal_rows)


def _filled(row: GoalRow) -> bool:
    return bool(row.status or row.remark)


def _merged_rows(
    forms: list[ExtractedDocument], doc_id: str
) -> tuple[list[GoalRow], list[Finding]]:
    """One row per goal of the forms, in the forms' order, with the findings of merging."""
    identity: dict[tuple, tuple] = {}  # text key → identity of a row with goal ids
    order: list[tuple] = []
    found: dict[tuple, list[tuple[ExtractedDocument, GoalRow]]] = {}
    for doc in forms:
        seen: dict[tuple, int] = {}  # a goal written in two rows of a theme: two rows
        for row in doc.goal_rows:
            text_key = ("text", row.theme_no, tuple(s.text for s in row.statements))
            if row.form_goal_id:
                nth = seen[row.theme_no, row.form_goal_id] = (
                    seen.get((row.theme_no, row.form_goal_id), -1) + 1
                )
                key = ("id", row.theme_no, row.form_goal_id, nth)
                identity.setdefault(text_key, key)
            else:
                key = identity.get(text_key, text_key)
            if key not in found:
                order.append((row.theme_no, len(order), key))
                found[key] = []
            found[key].append((doc, row))
    findings: list[Finding] = []
    rows: list[GoalRow] = []
    numbers: dict[int, int] = {}
    for theme_no, _, key in sorted(order, key=lambda o: (o[0], o[1])):
        copies = found[key]
        filled = [(d, r) for d, r in copies if _filled(r)]
        base_doc, base = filled[0] if filled else copies[0]
        row_no = numbers[theme_no] = numbers.get(theme_no, 0) + 1
        wording = _wording(base)
        statuses = {r.status for _, r in filled if r.status}
        status = base.status
        if len(statuses) > 1:
            marked = [
                f"{STATUS_LABELS[r.status]} i {d.document.file}" for d, r in filled if r.status
            ]
            findings.append(Finding.of(
                "form_conflict", doc_id, theme_no, row_no, wording=wording,
                marks=_danish_list(marked),
            ))  # fmt: skip
            status = ""
        elif statuses:
            status = statuses.pop()
        remarks = list(dict.fromkeys(r.remark for _, r in filled if r.remark))
        if len(remarks) > 1:
            findings.append(Finding.of("form_remarks", doc_id, theme_no, row_no, wording=wording))
        if not filled:
            files = _danish_list(sorted({d.document.file for d, _ in copies}))
            findings.append(
                Finding.of("form_unfilled", doc_id, theme_no, row_no, wording=wording, files=files)
            )
        if _has_ids(base_doc) and not base.form_goal_id:
            findings.append(Finding.of(
                "form_row_added", doc_id, theme_no, row_no, wording=wording,
                file=base_doc.document.file,
            ))  # fmt: skip
        row = dataclasses.replace(
            base, doc_id=doc_id, row_no=row_no, status=status, remark=" ".join(remarks),
            statements=[
                dataclasses.replace(s, doc_id=doc_id, row_no=row_no) for s in base.statements
            ],
        )  # fmt: skip
        findings += [
            dataclasses.replace(f, doc_id=doc_id, row_no=row_no)
            for f in base_doc.findings
            if f.theme_no == base.theme_no and f.row_no == base.row_no and f.code not in _ROW_CODES
        ]
        rows.append(row)
    return rows, findings


def _totals(
    forms: list[ExtractedDocument], rows: list[GoalRow], doc_id: str
) -> tuple[list[ThemeTotal], list[Finding]]:
    """Each theme's I alt: counted from the merged rows, printed as the forms' counts summed.
    Each form that printed a count is checked against its own marks (a unit counts its own
    rows; a conflict between two forms is a finding of its own, not a miscount)."""
    themes = sorted({r.theme_no for r in rows})
    totals, findings = [], []
    for theme in themes:
        counted = (
            sum(r.status == "started" for r in rows if r.theme_no == theme),
            sum(r.status == "not_started" for r in rows if r.theme_no == theme),
        )
        printed = [
            (doc.document.file, t)
            for doc in forms
            for t in doc.theme_totals
            if t.theme_no == theme and t.reported_started is not None
        ]
        reported = (
            (sum(t.reported_started for _, t in printed),
             sum(t.reported_not_started or 0 for _, t in printed))
            if printed else (None, None)
        )  # fmt: skip
        totals.append(ThemeTotal(doc_id, theme, *reported, *counted))
        for file, t in printed:
            own = (t.counted_started, t.counted_not_started)
            if (t.reported_started, t.reported_not_started) != own:
                findings.append(Finding.of(
                    "totals_mismatch", doc_id, theme, variant="form", file=file,
                    reported_started=t.reported_started,
                    reported_not_started=t.reported_not_started,
                    started=own[0], not_started=own[1],
                ))  # fmt: skip
    return totals, findings


def note_deleted_form_rows(docs: list[ExtractedDocument]) -> list[ExtractedDocument]:
    """A goal of the status a returned form was made from, not proposed dropped there, that
    the form holds no row of: its row was deleted in the form. Said in the form's findings
    (the goal is then gone from the period, and the change list tells it as gone). Works on
    reconciled documents (goal ids set); returns them with these findings added to the forms
    they concern (the documents given are not changed)."""
    status_of = {d.document.date: d for d in docs if d.document.kind == "status" and not is_form(d)}
    out: list[ExtractedDocument] = []
    for doc in docs:
        base = status_of.get(doc.document.form_based_on) if is_form(doc) else None
        # (a form whose status is not in the folder has nothing to be compared with)
        deleted = _deleted_rows(doc, base) if base is not None else []
        out.append(dataclasses.replace(doc, findings=[*doc.findings, *deleted]) if deleted else doc)
    return out


def _deleted_rows(form: ExtractedDocument, base: ExtractedDocument) -> list[Finding]:
    """The findings of ``note_deleted_form_rows`` for one form and the status it was made from."""
    kept = {s.goal_id for r in form.goal_rows for s in r.statements}
    day = format_danish_date(dt.date.fromisoformat(base.document.date))
    told: set[str] = set()
    found: list[Finding] = []
    for row in base.goal_rows:
        ids = {s.goal_id for s in row.statements}
        if row.proposal == "drop" or ids & kept or ids <= told or not row.statements:
            continue
        told |= ids
        found.append(Finding.of(
            "form_row_deleted", form.document.doc_id, row.theme_no, wording=_wording(row),
            based_on=day, file=form.document.file,
        ))  # fmt: skip
    return found
