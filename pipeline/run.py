"""The only module that calls more than one stage: input folder → extract → transform → write.

A `report` run, step by step:

1. take the lock on ``OUTPUT/.lock`` and clear what a killed run left behind
   (``pipeline.staging``);
2. list every entry of the input folder, hash the files, mark byte-identical copies
   ``duplicate`` and everything that is not a PDF ``skipped`` (``pipeline.inputs``);
3. ingest the rest in parallel (each ``ingest_file`` call runs its own child process), taking
   what the extraction cache already knows; a reader killed, out of temp space or out of time
   is tried once more, and only verdicts about a file's bytes are cached; beside them the
   decision files (goal_overrides.csv, the review workbooks), each also read by a child
   process with limits (``ingest_decisions``);
4. set aside a document whose tables break their schema (failed, naming its file) and settle
   competing status notats of one period (``transform.settle_periods``);
5. reconcile, build the report model, and write every table, the workbook, the database and the
   reports into ``OUTPUT/.staging-<pid>/``, the reports and workbook in writer processes
   (``pipeline.processes``: every child ends with the run);
6. publish by renames (``pipeline.staging``). Until this last step nothing in OUTPUT has
   changed, so a run killed before it leaves the previous output intact.

Exit status: 0 when the tables were written, with the reports when there is a status notat. A
folder with concept notats but no status notat still counts as success: its tables are usable
output (the initiatives), and the summary says that no status report could be made. Nothing
readable at all raises a PipelineError and leaves OUTPUT untouched.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import logging
import shutil
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Future
from pathlib import Path

from pipeline import batch
from pipeline import staging as out
from pipeline.cache import pipeline_version
from pipeline.checks import contract_breakers
from pipeline.errors import PipelineError, UsageError
from pipeline.hashing import sha256_of
from pipeline.inputs import list_inputs, report_folders
from pipeline.limits import Limits
from pipeline.model import ExtractedDocument, IngestEntry
from pipeline.names import safe_name
from pipeline.processes import not_interrupted, removed_on_stop, sweep_ended_runs, writer_processes
from pipeline.progress import RunSummary

log = logging.getLogger("pipeline")

PAUSE_ENV, PAUSE_WRITING_ENV = out.PAUSE_ENV, out.PAUSE_WRITING_ENV  # test hooks (staging)


def run_extract(pdfs: list[Path], out_dir: Path) -> int:
    """`python -m pipeline extract`: tables of the given PDFs, no reconciliation. Each file is
    read the way `report` reads it (its own process with limits, a damaged PDF repaired, a scan
    OCR'd), and ``ingest_log.csv`` says what happened to each. Returns 1 when a file failed."""
    # Plain rows, no pandas: extract starts fast (pipeline.rows; the same rules and bytes).
    from pipeline.rows import extraction_rows, ingest_rows, write_tables

    for path in pdfs:
        if not path.is_file():
            raise UsageError(f"no such file: {safe_name(str(path))}")
    read = batch.read_files(pdfs, _read_notat)
    docs, failed = contract_breakers(list(read.documents))
    entries = [failed.get(e.file, e) for e in read.entries]
    tables = extraction_rows(docs, list(read.unread))
    tables["ingest_log"] = ingest_rows(entries)
    with out.write_errors("write", out_dir):
        write_tables(tables, out_dir)
    return 1 if any(e.status == "failed" for e in entries) else 0


def _read_notat(*args, **kwargs):
    from pipeline import ingest  # looked up per call so tests can count or replace it

    return ingest.ingest_file(*args, **kwargs)


def _read_decisions(*args, **kwargs):
    from pipeline import ingest

    return ingest.ingest_decisions(*args, **kwargs)


# --------------------------------------------------------------------------- report


def run_report(
    input_dir: Path,
    output_dir: Path,
    *,
    workers: int | None = None,
    overrides: Path | None = None,
) -> int:
    """`python -m pipeline report`: every file of ``input_dir`` to tables and reports in
    ``output_dir``, with the link decisions of ``overrides`` (default: a goal_overrides.csv in
    the input folder or beside it). Returns the exit status; raises PipelineError when nothing
    is usable or the disk lets nothing be written (the previous output then stays as it was)."""
    input_dir, output_dir, overrides = report_folders(input_dir, output_dir, overrides)
    summary = RunSummary(input_dir, output_dir)  # the run's clock starts
    with out.write_errors("create the output folder", output_dir):
        output_dir.mkdir(parents=True, exist_ok=True)
    # disk full, read-only: a WriteError, and the previous output stays as it was
    with out.output_lock(output_dir), out.write_errors("write into", output_dir):
        _report(summary, workers or batch.cores(), overrides)
    return 0


def _report(summary: RunSummary, workers: int, overrides: Path | None) -> None:
    from pipeline import ingest  # before the preloading thread starts

    input_dir, output_dir = summary.input_dir, summary.output_dir
    out.clear_leftovers(output_dir)
    sweep_ended_runs()  # temp folders of runs killed before they could remove them
    files = list_inputs(input_dir, max_bytes=Limits().max_file_mb << 20)
    if not files:
        raise PipelineError(f"no files in the input folder {input_dir}")
    overrides_sha = sha256_of(overrides) if overrides is not None else ""
    version = pipeline_version(everything=True)
    fingerprint = batch.run_fingerprint(files, overrides, overrides_sha, version)
    if out.up_to_date(output_dir, fingerprint):
        return
    ingest.start_fork_server()  # it loads the readers while the cache is looked up
    preloading = _preload_writers()
    t0 = time.perf_counter()
    read = batch.read_folder(
        files, overrides, overrides_sha, cache=output_dir / out.CACHE_FILE,
        version=pipeline_version(), workers=workers,
        read_notat=_read_notat, read_decisions=_read_decisions,
    )  # fmt: skip
    summary.timings["read"] = time.perf_counter() - t0
    summary.cached, summary.extracted = read.cached, read.extracted
    summary.kinds.update(d.document.kind for d in read.documents)
    preloading.join()
    docs, entries, unread = _settle(read, {f.shown: f.mtime_ns for f in files})
    if not any(d.document.kind in ("status", "concept") for d in docs):
        raise PipelineError(batch.nothing_usable(input_dir, entries))
    summary.not_read = batch.not_read(entries)
    staging = out.new_staging(output_dir)
    try:
        with removed_on_stop(staging), _collector_skips_what_is_loaded():
            reports = _build_outputs(docs, unread, entries, read, staging, summary, workers)
            out.pause_for_tests(staging)
            with not_interrupted():  # a Ctrl-C waits for the renames, never cuts them in two
                out.publish(staging, output_dir, reports, summary)
        if batch.read_for_good(entries, read.overrides):  # else the next run reads again
            out.remember_run(output_dir, fingerprint, summary)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    summary.log()


@contextlib.contextmanager
def _collector_skips_what_is_loaded() -> Iterator[None]:
    """Reconciling and writing allocate a great many short-lived objects; each of Python's
    garbage collections would also walk everything loaded so far (the libraries, every
    document), which costs a third of the reconciliation. Those stay alive for the run anyway,
    so they are set aside from the collector until the outputs are written."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


# --------------------------------------------------------------------------- settle


def _settle(
    read: batch.ReadFolder, modified: dict[str, int]
) -> tuple[list[ExtractedDocument], list[IngestEntry], list[ExtractedDocument]]:
    """What goes on to reconciliation: documents whose tables break their schema are failed
    (naming their file), and status notats competing for one period are settled
    (``transform.settle_periods``): their ingest rows and findings say what was decided."""
    from pipeline import transform

    docs, failed = contract_breakers(list(read.documents))
    settled = transform.settle_periods(docs, modified)
    changed = {**failed, **settled.entries_by_file(list(read.entries))}
    entries = [changed.get(e.file, e) for e in read.entries]
    return settled.documents, entries, [*read.unread, *settled.set_aside]


# --------------------------------------------------------------------------- transform + write


def _build_outputs(
    docs: list[ExtractedDocument],
    unread: list[ExtractedDocument],
    entries: list[IngestEntry],
    read: batch.ReadFolder,
    staging: Path,
    summary: RunSummary,
    workers: int = 1,
) -> list[Path]:
    """Reconcile, build the report model and write everything into ``staging``; return the
    staged report files. With more than one worker the Word/PDF reports and the Excel workbook
    are each written in a process of their own while this one writes the CSV files and the
    database."""
    from pipeline import transform, write
    from pipeline.write.tables import write_tables

    t0 = time.perf_counter()
    for file in [*read.overrides, *read.workbooks]:
        log.info("applying the decisions in %s", file.file)
    overrides = read.overrides[0] if read.overrides else None
    reconciled = transform.reconcile(docs, overrides, decision_workbooks=list(read.workbooks))
    summary.timings["reconcile"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    # the folder's instructions have their ingest_log row, not a line among the files not read
    shown = [e for e in entries if e.cause != "instructions"]
    built = transform.build_report(reconciled, shown, unread)
    with writer_processes(workers) as pool:
        reports: Future | None = None
        review: Future | None = None
        if built is not None:  # the reports need no tables: laid out while they are built
            reports = pool.submit(write.write_reports, *built, staging)
            review = pool.submit(write.write_review_workbook, built[0], staging)
        frames = _table_frames(reconciled, entries, unread)
        summary.findings.update(frames["findings"]["severity"])
        workbook = pool.submit(
            write.write_workbook, transform.workbook_frames(frames), staging / out.WORKBOOK_FILE
        )
        meta = {"pipeline_version": pipeline_version()}
        write_tables(frames, staging / out.TABLES_DIR, staging / out.DATABASE_FILE, meta=meta)
        out.pause_for_tests(staging, PAUSE_WRITING_ENV, ".writing")
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


def _table_frames(
    reconciled, entries: list[IngestEntry], unread: list[ExtractedDocument] = ()
) -> dict:
    """Every table of the run by name: the documents' own (with the findings of documents that
    could not be used), ingest_log and the reconciliation's."""
    from pipeline import transform
    from pipeline.tables import extraction_frames, ingest_frame

    frames = dict(extraction_frames(reconciled.documents, unread))
    frames["ingest_log"] = ingest_frame(entries)
    frames.update(transform.reconciled_frames(reconciled))
    return frames


# The modules of transform and write: about 1.5 s of imports (pandas, pandera, reportlab,
# python-docx), loaded while the PDFs are read, when this process mostly waits for its children.
_WRITER_MODULES = (
    "pipeline.tables",
    "pipeline.transform",
    "pipeline.write",
    "pipeline.write.database",
    "pipeline.write.docx_report",
    "pipeline.write.pdf_report",
)


def _preload_writers() -> threading.Thread:
    def load() -> None:
        for name in _WRITER_MODULES:
            try:
                importlib.import_module(name)
            except Exception:  # the stage that needs it will import it again and say why
                log.debug("preloading %s failed", name, exc_info=True)

    thread = threading.Thread(target=load, name="preload-writers", daemon=True)
    thread.start()
    return thread
