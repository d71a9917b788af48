"""Reporting periods: which status notat is which period, in what order, and one status notat
per period. The one place that picks periods: reconciliation, history and the change list go
through them in ``period_order``; the report stands on the last of ``dated_periods`` and
compares it with the one before.

Competing notats of one date are settled, never chosen silently, and a date no status on the
strategy can carry is never a period.

A status notat dated after the end of next year, or before the strategy it reports on began, has
a date that was typed wrong ("3. juni 2201"): it is set aside (its ingest_log row says why) with
an error finding in *Kontrol*, so it does not become the latest period, and the report is built
from the other notats. Correcting the date in the notat and running again brings it in.

Two status notats can carry the same date: a copy saved again (other bytes, the same goal rows),
or a draft beside the final (different content). A copy is read once: the other is marked as
the same notat. Of notats that differ, the report uses the one whose file was changed last
(its modification time; equal times: the name that sorts last); the others are set aside (their
ingest_log row says so) and an error finding in *Kontrol* names every file of the period, so a
person can remove the one that is not valid. Reconciliation, history and the change list then
see one notat per period: they compare distinct periods only.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from pipeline.codes import Cause
from pipeline.dates import format_danish_date
from pipeline.model import ExtractedDocument, Finding, IngestEntry, IngestStatus
from pipeline.transform.forms import merge_forms

# The strategy the notats report on, "Strategier og handleplaner for sundhedspolitikken i Ringsted
# Kommune 2017-2021" (adopted by the council on 15 January 2018): no status on it is older.
STRATEGY_START = dt.date(2017, 1, 1)
_DATELESS = "9999-12-31"  # a notat without a date sorts after every dated one


def period_order(docs: Iterable[ExtractedDocument]) -> list[ExtractedDocument]:
    """The status notats oldest first (by ISO date, a notat without a date last); ties by
    doc_id, so the order of the files never matters."""
    status = [d for d in docs if d.document.kind == "status"]
    return sorted(status, key=lambda d: (d.document.date or _DATELESS, d.document.doc_id))


def period_of(doc: ExtractedDocument) -> dt.date | None:
    """The period of a status notat, its date; None for another kind or a date not readable."""
    if doc.document.kind != "status" or not doc.document.date:
        return None
    try:
        return dt.date.fromisoformat(doc.document.date)
    except ValueError:
        return None


def dated_periods(docs: Iterable[ExtractedDocument]) -> list[tuple[dt.date, ExtractedDocument]]:
    """The periods a report can stand on, oldest first: the status notats with a readable date
    and goal rows, one per date (the first in ``period_order``; after ``settle_periods`` there
    is one). The last is the report's period, the one before it the period it is compared with."""
    by_date: dict[dt.date, ExtractedDocument] = {}
    for doc in period_order(docs):
        day = period_of(doc)
        if day is not None and doc.goal_rows:
            by_date.setdefault(day, doc)
    return sorted(by_date.items())


@dataclass(frozen=True)
class SettledPeriods:
    documents: list[ExtractedDocument]  # what goes on to reconciliation
    set_aside: list[ExtractedDocument] = field(default_factory=list)  # read, not used
    # file → (status, cause, reason) of the documents set aside
    decisions: dict[str, tuple[IngestStatus, Cause | Literal[""], str]] = field(
        default_factory=dict
    )

    def entries_by_file(self, entries: list[IngestEntry]) -> dict[str, IngestEntry]:
        """The ingest_log entries these decisions change, by file."""
        changed = {}
        for e in entries:
            if e.file in self.decisions:
                status, cause, reason = self.decisions[e.file]
                changed[e.file] = dataclasses.replace(e, status=status, cause=cause, reason=reason)
        return changed


def _content(doc: ExtractedDocument) -> tuple:
    """What a reader of the report sees of a status notat: its rows, marks and wordings."""
    return tuple(
        (r.theme_no, r.row_no, r.status, r.remark, r.proposal, r.proposed_text,
         tuple((s.text, s.bilag) for s in r.statements))
        for r in doc.goal_rows
    )  # fmt: skip


def settle_periods(
    docs: list[ExtractedDocument],
    modified: Mapping[str, int] | None = None,
    today: dt.date | None = None,
) -> SettledPeriods:
    """One status notat per plausible date; ``modified``: each file's modification time (ns) by
    name; ``today``: the day of the run (default: today), which bounds a plausible date.
    Returned forms of one period are first merged into one notat (``transform.forms``)."""
    modified = modified or {}
    forms = merge_forms(docs)
    docs = forms.documents
    # each notat by its place in ``docs``: what is decided about it is kept under that number
    by_date: dict[str, list[int]] = {}
    replaced: dict[int, ExtractedDocument] = {}
    aside: list[ExtractedDocument] = []  # notats not used: their findings stay
    dropped: set[int] = set()  # not used as read: copies, misdated and competing notats
    decisions: dict[str, tuple[IngestStatus, Cause | Literal[""], str]] = {}
    for i, doc in enumerate(docs):
        if doc.document.kind == "status" and doc.document.date and doc.goal_rows:
            implausible = _implausible(doc, today or dt.date.today())
            if implausible is None:
                by_date.setdefault(doc.document.date, []).append(i)
                continue
            reason, finding = implausible
            decisions[doc.document.file] = ("skipped", "implausible_date", reason)
            aside.append(dataclasses.replace(doc, findings=[*doc.findings, finding]))
            dropped.add(i)
    for date, group in by_date.items():
        if len(group) < 2:
            continue
        # the latest changed first; a copy of the same content is the same notat
        group = sorted(
            group,
            key=lambda i: (modified.get(docs[i].document.file, 0), docs[i].document.file),
            reverse=True,
        )
        distinct: dict[tuple, int] = {}
        for i in group:
            first = distinct.setdefault(_content(docs[i]), i)
            if first != i:
                doc, kept = docs[i], docs[first]
                decisions[doc.document.file] = (
                    "duplicate", "same_content",
                    f"{doc.document.file}: the same status notat as {kept.document.file} "
                    f"(same date {date}, same goal rows; the files' bytes differ); read once",
                )  # fmt: skip
                dropped.add(i)
        if len(distinct) < 2:
            continue
        used_at, *others = distinct.values()
        used = docs[used_at]
        names = [used.document.file, *(docs[i].document.file for i in others)]
        finding = Finding.of(
            "competing_notats", used.document.doc_id,
            day=format_danish_date(dt.date.fromisoformat(date)), files=_danish_list(names),
            used=used.document.file,
        )  # fmt: skip
        replaced[used_at] = dataclasses.replace(used, findings=[*used.findings, finding])
        for i in others:
            doc = docs[i]
            decisions[doc.document.file] = (
                "skipped", "competing",
                f"{doc.document.file}: another status notat, {used.document.file}, has the same "
                f"date ({date}) and different content; the report uses {used.document.file} "
                "(changed last). Remove the one that is not valid",
            )  # fmt: skip
            aside.append(doc)
            dropped.add(i)
    kept = [replaced.get(i, d) for i, d in enumerate(docs) if i not in dropped]
    return SettledPeriods(
        kept, [*forms.failed, *forms.set_aside, *aside], {**forms.decisions, **decisions}
    )


def _implausible(doc: ExtractedDocument, today: dt.date) -> tuple[str, Finding] | None:
    """Why the notat's date cannot be its period (ingest_log reason, Kontrol finding), or None."""
    try:
        day = dt.date.fromisoformat(doc.document.date)
    except ValueError:
        return None
    latest = dt.date(today.year + 1, 12, 31)
    if STRATEGY_START <= day <= latest:
        return None
    late = day > latest
    if late:
        why = f"after the end of next year ({latest.year})"
    else:
        why = f"before the strategy it reports on began ({STRATEGY_START.year})"
    reason = (
        f"{doc.document.file}: dated {day.isoformat()}, {why}: the year is likely mistyped; not "
        "used as a reporting period. Correct the date in the notat and run again"
    )
    finding = Finding.of(
        "implausible_date", doc.document.doc_id, variant="late" if late else "early",
        file=doc.document.file, day=format_danish_date(day),
        year=latest.year if late else STRATEGY_START.year,
    )  # fmt: skip
    return reason, finding


def _danish_list(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " og " + names[-1]
