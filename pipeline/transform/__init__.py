"""Transform stage: reconcile goal wordings across bilag, rows, themes and periods, and build the
report model. Public entry points: ``reconcile`` and ``build_report``."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pipeline.model import (
    Change,
    ExtractedDocument,
    Goal,
    GoalPeriodStatus,
    IngestEntry,
    Link,
    StatusForm,
    StatusReport,
)

__all__ = ["Reconciled", "build_report", "reconcile"]


@dataclass
class Reconciled:
    """Status documents with every statement's goal_id set, plus the goal register."""

    documents: list[ExtractedDocument]  # every extracted document; status ones with goal_ids
    goals: list[Goal] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    history: list[GoalPeriodStatus] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)


def reconcile(docs: list[ExtractedDocument], overrides: Path | None = None) -> Reconciled:
    raise NotImplementedError  # being written (issue 4)


def build_report(
    reconciled: Reconciled, ingest_log: list[IngestEntry]
) -> tuple[StatusReport, StatusForm] | None:
    """The report model of the latest status period, or None when there is no status notat."""
    raise NotImplementedError  # being written (issue 5)
