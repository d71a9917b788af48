"""Transform stage: reconcile goal wordings across bilag, rows, themes and periods, and build the
report model. Public entry points: ``settle_periods`` (one status notat per period),
``reconcile`` and ``build_report`` (plus ``reconciled_frames``
for the tables goals.csv, links.csv, history.csv and changes.csv)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.decision_files import read_decision_file
from pipeline.model import (
    Change,
    DecisionFile,
    DecisionOutcome,
    ExtractedDocument,
    Goal,
    GoalPeriodStatus,
    IngestEntry,
    Link,
    OpenQuestion,
    StatusForm,
    StatusReport,
)
from pipeline.transform.forms import note_deleted_form_rows
from pipeline.transform.history import goal_register, period_changes, period_history
from pipeline.transform.normalize import normalize_wording
from pipeline.transform.overrides import Override, decisions_in, outcome_of
from pipeline.transform.periods import SettledPeriods, period_order, settle_periods
from pipeline.transform.reconcile import assign_goal_ids
from pipeline.transform.records import notat_records, with_goal_ids
from pipeline.transform.similarity import DEFAULT_SETTINGS, ReconcileSettings

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "ReconcileSettings",
    "Reconciled",
    "SettledPeriods",
    "build_report",
    "reconcile",
    "reconciled_frames",
    "settle_periods",
    "workbook_frames",
]


@dataclass
class Reconciled:
    """Status documents with every statement's goal_id set, plus the goal register."""

    documents: list[ExtractedDocument]  # every extracted document; status ones with goal_ids
    goals: list[Goal] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    history: list[GoalPeriodStatus] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    merged_into: dict[str, str] = field(default_factory=dict)  # goal_id -> goal it went on in
    # goals gone from a period that may be goals new in it: a person is asked (pending)
    questions: list[OpenQuestion] = field(default_factory=list)
    decisions: list[Override] = field(default_factory=list)  # a person's, as applied
    # every decision row read, with what was done with it (decisions.csv, Kontrol)
    decision_log: list[DecisionOutcome] = field(default_factory=list)

    @property
    def decision_problems(self) -> list[tuple[str, str]]:
        """(file, Danish text) of every decision not applied and every file not read."""
        return [(d.file, d.message) for d in self.decision_log if d.outcome != "applied"]


def reconcile(
    docs: list[ExtractedDocument],
    overrides: Path | DecisionFile | None = None,
    settings: ReconcileSettings = DEFAULT_SETTINGS,
    decision_workbooks: Sequence[Path | DecisionFile] = (),
) -> Reconciled:
    """Give every goal wording of the status notats its goal_id; build goals, links, history.

    The input documents are not changed: status documents come back as copies with goal_ids
    set; concept and unknown documents pass through as they are. ``overrides`` (a
    goal_overrides.csv, format: pipeline.transform.overrides) and ``decision_workbooks``
    (filled-in afstemning workbooks): the person's decisions, each a file as ingest read it or
    a path read here. A decision applies when both its wordings name goals of the notats; every
    row's outcome, and what could not be read, is in ``decision_log`` (Kontrol, decisions.csv),
    never an error. Two statements with one key (doc_id, theme_no, row_no, stmt_no), which the
    run never lets through (goal_statements' contract), are a ValueError.
    """
    printed = {normalize_wording(s.text) for d in docs for s in d.statements}
    files = [overrides] if overrides is not None else []
    files += sorted(decision_workbooks, key=lambda f: f.name if isinstance(f, Path) else f.file)
    rules: list[Override] = []
    log: list[DecisionOutcome] = []
    for file in files:
        decided, unusable = decisions_in(
            read_decision_file(file) if isinstance(file, Path) else file
        )
        log += unusable
        for o in decided:
            # A wording that names no goal: edited in the workbook, mistyped, or its notat left
            # the input folder. Not applied, and said so.
            missing = next(
                (t for t, n in ((o.text_a, o.wording_a), (o.text_b, o.wording_b)) if n not in printed),
                None,
            )  # fmt: skip
            log.append(outcome_of(o, missing or ""))
            if missing is None:
                rules.append(o)
    assignment = assign_goal_ids(notat_records(docs), rules, settings)
    out_docs = [
        with_goal_ids(d, assignment.goal_ids) if d.document.kind == "status" else d for d in docs
    ]
    out_docs = note_deleted_form_rows(out_docs)
    ordered = period_order(out_docs)
    return Reconciled(
        documents=out_docs,
        goals=goal_register(ordered, assignment.merged_into),
        links=assignment.links,
        history=period_history(ordered),
        changes=period_changes(ordered, settings, assignment.merged_into, assignment.questions),
        merged_into=assignment.merged_into,
        questions=assignment.questions,
        decisions=rules,
        decision_log=log,
    )


def reconciled_frames(rec: Reconciled) -> dict[str, pd.DataFrame]:
    """The tables goals, links, history and changes, ready for ``pipeline.tables.write_csv``."""
    from pipeline.transform.frames import reconciled_frames as frames

    return frames(rec)


def workbook_frames(frames: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The tables as the Excel workbook shows them (links: only the decisions worth a look)."""
    from pipeline.transform.frames import workbook_frames as view

    return view(frames)


def build_report(
    reconciled: Reconciled,
    ingest_log: list[IngestEntry],
    unread: Sequence[ExtractedDocument] = (),
) -> tuple[StatusReport, StatusForm] | None:
    """The report model of the latest status period, or None when there is no status notat.
    ``unread``: documents read but not usable (failed); their findings go into *Kontrol*."""
    from pipeline.transform.report import build_report as build

    return build(reconciled, ingest_log, unread)
