"""The only module that calls more than one stage: input folder → extract → transform → write.

It only runs. The stages it calls are handed in (``pipeline.stages``), and so are the hooks that
make it faster (``pipeline.hooks``). A `report` run, step by step:

1. take the lock on ``OUTPUT/.lock``, clear what a killed run left behind (``pipeline.staging``);
2. list and hash every entry of the input folder (``pipeline.inputs``); when the last complete
   run read the same with the same pipeline, there is nothing to do;
3. read them (``pipeline.batch``): copies ``duplicate``, what is no notat ``skipped``, the rest
   by ingest in parallel, each file in a child process with limits, with what the extraction
   cache knows; beside them the decision files (goal_overrides.csv, the review workbooks);
4. set aside a document whose tables break their schema (``pipeline.checks``) and settle
   competing status notats of one period;
5. reconcile, build the report model, write every table, the workbook, the database and the
   reports into ``OUTPUT/.staging-<pid>/``, the reports and workbook in writer processes;
6. publish by renames (``pipeline.staging``): until then nothing in OUTPUT has changed, so a run
   killed before it leaves the previous output intact.

Exit status: 0 when the tables were written, with the reports when there is a status notat (a
folder of concept notats only still counts: its tables are usable output, and the summary says
no status report could be made). Nothing readable at all raises a PipelineError and leaves
OUTPUT untouched.
"""

from __future__ import annotations

import logging
import shutil
import time
from collections.abc import Iterable
from concurrent.futures import Future
from pathlib import Path

from pipeline import batch
from pipeline import staging as out
from pipeline.checks import contract_breakers
from pipeline.errors import PipelineError, UsageError
from pipeline.hashing import sha256_of
from pipeline.hooks import Hooks, RunHook, default_hooks
from pipeline.inputs import report_folders
from pipeline.limits import Limits
from pipeline.model import ExtractedDocument, IngestEntry
from pipeline.names import safe_name
from pipeline.processes import not_interrupted, removed_on_stop, sweep_ended_runs, writer_processes
from pipeline.progress import RunSummary
from pipeline.stages import STAGES, Stages

log = logging.getLogger("pipeline")


def run_extract(pdfs: list[Path], out_dir: Path, *, stages: Stages = STAGES) -> int:
    """`python -m pipeline extract`: tables of the given PDFs, no reconciliation. Each file is
    read the way `report` reads it (its own process with limits, a damaged PDF repaired, a scan
    OCR'd), and ``ingest_log.csv`` says what happened to each. Returns 1 when a file failed."""
    # Plain rows, no pandas: extract starts fast (pipeline.rows; the same rules and bytes).
    from pipeline.rows import extraction_rows, ingest_rows, write_tables

    for path in pdfs:
        if not path.is_file():
            raise UsageError(f"no such file: {safe_name(str(path))}")
    read = batch.read_files(pdfs, stages.read_notat)
    docs, failed = contract_breakers(list(read.documents))
    entries = [failed.get(e.file, e) for e in read.entries]
    tables = extraction_rows(docs, list(read.unread))
    tables["ingest_log"] = ingest_rows(entries)
    with out.write_errors("write", out_dir):
        write_tables(tables, out_dir)
    return 1 if any(e.status == "failed" for e in entries) else 0


def run_report(
    input_dir: Path,
    output_dir: Path,
    *,
    workers: int | None = None,
    overrides: Path | None = None,
    stages: Stages = STAGES,
    hooks: Iterable[RunHook] | None = None,
) -> int:
    """`python -m pipeline report`: every file of ``input_dir`` to tables and reports in
    ``output_dir``, with the link decisions of ``overrides`` (default: a goal_overrides.csv in
    the input folder or beside it). Returns the exit status; raises PipelineError when nothing
    is usable or the disk lets nothing be written (the previous output then stays as it was)."""
    input_dir, output_dir, overrides = report_folders(input_dir, output_dir, overrides)
    hooks = Hooks(default_hooks() if hooks is None else hooks)
    summary = RunSummary(input_dir, output_dir)  # the run's clock starts
    with out.write_errors("create the output folder", output_dir):
        output_dir.mkdir(parents=True, exist_ok=True)
    # disk full, read-only: a WriteError, and the previous output stays as it was
    with out.output_lock(output_dir), out.write_errors("write into", output_dir):
        _report(summary, workers or batch.cores(), overrides, stages, hooks)
    return 0


def _report(
    summary: RunSummary, workers: int, overrides: Path | None, stages: Stages, hooks: Hooks
) -> None:
    input_dir, output_dir = summary.input_dir, summary.output_dir
    out.clear_leftovers(output_dir)
    sweep_ended_runs()  # temp folders of runs killed before they could remove them
    files = stages.list_inputs(input_dir, max_bytes=Limits().max_file_mb << 20)
    if not files:
        raise PipelineError(f"no files in the input folder {input_dir}")
    overrides_sha = sha256_of(overrides) if overrides is not None else ""
    version = stages.version(everything=True)
    fingerprint = batch.run_fingerprint(files, overrides, overrides_sha, version)
    if out.up_to_date(output_dir, fingerprint):
        return
    hooks.before_reading()
    t0 = time.perf_counter()
    read = batch.read_folder(
        files, overrides, overrides_sha, cache=output_dir / out.CACHE_FILE,
        version=stages.version(), workers=workers,
        read_notat=stages.read_notat, read_decisions=stages.read_decisions,
    )  # fmt: skip
    summary.timings["read"] = time.perf_counter() - t0
    summary.cached, summary.extracted = read.cached, read.extracted
    summary.kinds.update(d.document.kind for d in read.documents)
    hooks.after_reading()
    docs, failed = contract_breakers(list(read.documents))
    settled = stages.settle_periods(docs, {f.shown: f.mtime_ns for f in files})
    changed = {**failed, **settled.entries_by_file(list(read.entries))}
    entries = [changed.get(e.file, e) for e in read.entries]
    unread = [*read.unread, *settled.set_aside]
    if not any(d.document.kind in ("status", "concept") for d in settled.documents):
        raise PipelineError(batch.nothing_usable(input_dir, entries))
    summary.not_read = batch.not_read(entries)
    staging = out.new_staging(output_dir)
    try:
        with removed_on_stop(staging), hooks.writing(staging):
            reports = _build_outputs(settled.documents, unread, entries, read, staging, summary,
                                     workers, stages, hooks)  # fmt: skip
            hooks.staged(staging)
            with not_interrupted():  # a Ctrl-C waits for the renames, never cuts them in two
                out.publish(staging, output_dir, reports, summary)
        if batch.read_for_good(entries, read.overrides):  # else the next run reads again
            out.remember_run(output_dir, fingerprint, summary)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    summary.log()


def _build_outputs(
    docs: list[ExtractedDocument],
    unread: list[ExtractedDocument],
    entries: list[IngestEntry],
    read: batch.ReadFolder,
    staging: Path,
    summary: RunSummary,
    workers: int,
    stages: Stages,
    hooks: Hooks,
) -> list[Path]:
    """Reconcile, build the report model and write everything into ``staging``; return the
    staged report files. With more than one worker the Word/PDF reports and the Excel workbook
    are each written in a process of their own while this one writes the CSV files and the
    database."""
    t0 = time.perf_counter()
    for file in [*read.overrides, *read.workbooks]:
        log.info("applying the decisions in %s", file.file)
    overrides = read.overrides[0] if read.overrides else None
    reconciled = stages.reconcile(docs, overrides, decision_workbooks=list(read.workbooks))
    summary.timings["reconcile"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    # the folder's instructions have their ingest_log row, not a line among the files not read
    shown = [e for e in entries if e.cause != "instructions"]
    built = stages.build_report(reconciled, shown, unread)
    with writer_processes(workers) as pool:
        reports: Future | None = None
        review: Future | None = None
        if built is not None:  # the reports need no tables: laid out while they are built
            reports = pool.submit(stages.write_reports, *built, staging)
            review = pool.submit(stages.write_review_workbook, built[0], staging)
        frames = stages.table_frames(reconciled, entries, unread)
        summary.findings.update(frames["findings"]["severity"])
        workbook = pool.submit(
            stages.write_workbook, stages.workbook_frames(frames), staging / out.WORKBOOK_FILE
        )
        stages.write_tables(frames, staging / out.TABLES_DIR, staging / out.DATABASE_FILE,
                            meta={"pipeline_version": stages.version()})  # fmt: skip
        hooks.tables_written(staging)
        workbook.result()
        staged = list(reports.result()) if reports is not None else []
        if review is not None:
            staged.append(review.result())
    summary.timings["tables+reports"] = time.perf_counter() - t0
    if built is None:
        summary.note = (
            "No status notat among the inputs: tables written, no status report could be made."
        )
    return staged
