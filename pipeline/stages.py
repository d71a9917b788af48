"""The stages a run calls, named in one place (kedro's pipeline of nodes); ``pipeline.run``
calls them in order.

``STAGES`` holds the real ones; a test hands ``run_report``, ``run_extract`` or ``main`` its own
(``dataclasses.replace(STAGES, read_notat=fake)``) instead of patching modules. Each real stage
imports its package when it is first called, so `extract` never loads the writers and `report`
loads them while the files are read (``hooks.PreloadWriters``). The writers run in writer
processes: a stage given for them is a module-level function (pickled by name).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.cache import pipeline_version
from pipeline.inputs import list_inputs
from pipeline.limits import Limits
from pipeline.model import DecisionFile, ExtractedDocument, IngestEntry

if TYPE_CHECKING:
    import pandas as pd

    from pipeline.ingest import IngestResult, Vocabulary
    from pipeline.model import StatusForm, StatusReport
    from pipeline.transform import Reconciled, SettledPeriods


@dataclass(frozen=True)
class Stages:
    """What a run calls, in the order it calls it."""

    list_inputs: Callable[..., list]  # (input_dir, *, max_bytes): every entry, hashed
    read_notat: Callable[..., Any]  # (path, *, sha256, limits[, vocabulary]): ingest's outcome
    read_decisions: Callable[..., Any]  # (path, *, sha256): a DecisionFile
    settle_periods: Callable[..., Any]  # (docs, modified): one status notat per period
    reconcile: Callable[..., Any]  # (docs, overrides, decision_workbooks=…): goal_ids, history
    build_report: Callable[..., Any]  # (reconciled, ingest_log, unread): (report, form) or None
    table_frames: Callable[..., dict]  # (reconciled, entries, unread): every table by name
    workbook_frames: Callable[..., dict]  # (frames): the tables as the workbook shows them
    write_tables: Callable[..., None]  # (frames, tables_dir, database, *, meta)
    write_workbook: Callable[..., Any]  # (frames, path)
    write_reports: Callable[..., list]  # (report, form, folder): the report files
    write_review_workbook: Callable[..., Any]  # (report, folder): afstemning_<date>.xlsx
    version: Callable[..., str]  # (*, everything=False): what the cache and output are keyed by


# --------------------------------------------------------------------------- the real ones


def _ingest_file(
    path: Path, *, sha256: str, limits: Limits, vocabulary: Vocabulary | None = None
) -> IngestResult:
    from pipeline import ingest

    return ingest.ingest_file(path, sha256=sha256, limits=limits, vocabulary=vocabulary)


def _ingest_decisions(path: Path, *, sha256: str) -> DecisionFile:
    from pipeline import ingest

    return ingest.ingest_decisions(path, sha256=sha256)


def _settle_periods(docs: list[ExtractedDocument], modified: dict[str, int]) -> SettledPeriods:
    from pipeline import transform

    return transform.settle_periods(docs, modified)


def _reconcile(
    docs: list[ExtractedDocument],
    overrides: DecisionFile | None,
    *,
    decision_workbooks: Sequence[DecisionFile],
) -> Reconciled:
    from pipeline import transform

    return transform.reconcile(docs, overrides, decision_workbooks=decision_workbooks)


def _build_report(
    reconciled: Reconciled, ingest_log: list[IngestEntry], unread: Sequence[ExtractedDocument]
) -> tuple[StatusReport, StatusForm] | None:
    from pipeline import transform

    return transform.build_report(reconciled, ingest_log, unread)


def _table_frames(
    reconciled: Reconciled, entries: list[IngestEntry], unread: Sequence[ExtractedDocument]
) -> dict[str, pd.DataFrame]:
    """Every table of the run by name: the documents' own (with the findings of documents that
    could not be used), ingest_log and the reconciliation's."""
    from pipeline import transform
    from pipeline.tables import extraction_frames, ingest_frame

    frames = dict(extraction_frames(reconciled.documents, unread))
    frames["ingest_log"] = ingest_frame(entries)
    frames.update(transform.reconciled_frames(reconciled))
    return frames


def _workbook_frames(frames: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    from pipeline import transform

    return transform.workbook_frames(frames)


def _write_tables(
    frames: dict[str, pd.DataFrame], tables_dir: Path, database: Path, *, meta: dict[str, str]
) -> None:
    from pipeline.write.tables import write_tables

    write_tables(frames, tables_dir, database, meta=meta)


def _write_workbook(frames: dict[str, pd.DataFrame], path: Path) -> Path:
    from pipeline import write

    return write.write_workbook(frames, path)


def _write_reports(report: StatusReport, form: StatusForm, folder: Path) -> list[Path]:
    from pipeline import write

    return write.write_reports(report, form, folder)


def _write_review_workbook(report: StatusReport, folder: Path) -> Path:
    from pipeline import write

    return write.write_review_workbook(report, folder)


STAGES = Stages(
    list_inputs=list_inputs,
    read_notat=_ingest_file,
    read_decisions=_ingest_decisions,
    settle_periods=_settle_periods,
    reconcile=_reconcile,
    build_report=_build_report,
    table_frames=_table_frames,
    workbook_frames=_workbook_frames,
    write_tables=_write_tables,
    write_workbook=_write_workbook,
    write_reports=_write_reports,
    write_review_workbook=_write_review_workbook,
    version=pipeline_version,
)
