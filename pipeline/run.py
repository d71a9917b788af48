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
import hashlib
import importlib
import logging
import os
import shutil
import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline import staging as out
from pipeline.cache import ExtractionCache, pipeline_version, renamed
from pipeline.codes import Cause
from pipeline.errors import ContractError, PipelineError, UsageError, WriteError
from pipeline.hashing import sha256_of
from pipeline.inputs import (
    InputFile,
    changed_since_hashed,
    decision_workbooks,
    list_inputs,
    overrides_file,
)
from pipeline.model import DecisionFile, ExtractedDocument, IngestEntry
from pipeline.names import safe_name
from pipeline.processes import (
    not_interrupted,
    removed_on_stop,
    sweep_ended_runs,
    system_temp_dir,
    writer_processes,
)
from pipeline.progress import FileProgress, RunSummary

if TYPE_CHECKING:
    from pipeline.ingest.lexicon import Vocabulary

log = logging.getLogger("pipeline")

PAUSE_ENV, PAUSE_WRITING_ENV = out.PAUSE_ENV, out.PAUSE_WRITING_ENV  # test hooks (staging)


def _cores() -> int:
    """The cores this process may run on (``taskset`` and container limits respected)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def run_extract(pdfs: list[Path], out_dir: Path) -> int:
    """`python -m pipeline extract`: tables of the given PDFs, no reconciliation. Each file is
    read the way `report` reads it (its own process with limits, a damaged PDF repaired, a scan
    OCR'd), and ``ingest_log.csv`` says what happened to each. Returns 1 when a file failed."""
    # Plain rows, no pandas: extract starts fast (pipeline.rows; the same rules and bytes).
    from pipeline.rows import COLUMNS, extraction_rows, ingest_rows, write_rows_csv

    for path in pdfs:
        if not path.is_file():
            raise UsageError(f"no such file: {safe_name(str(path))}")
    entries: list[IngestEntry] = []
    docs: list[ExtractedDocument] = []
    unread: list[ExtractedDocument] = []
    try:
        files = [InputFile(p, sha256_of(p), True, safe_name(p.name)) for p in pdfs]
    except OSError as e:
        raise PipelineError(out.plain_os_error(e, "read", Path(e.filename or ""))) from e
    cores = _cores()
    at_once = min(len(files), cores)
    # Cores no other file is read on read the pages of a long one (the same tables).
    processes = max(1, cores // at_once) if at_once else 1
    with ThreadPoolExecutor(max_workers=at_once or 1) as pool:
        results = list(pool.map(lambda f: _ingest_retried(f, processes), files))
    for f, result in zip(files, results, strict=True):
        entries.append(result.entry)
        document = getattr(result, "document", None)
        if document is not None:
            (docs if result.entry.status == "ok" else unread).append(document)
        if result.entry.status == "ok":
            log.info("extracted %s (%s notat)", f.shown, result.entry.kind)
        else:
            reason = result.entry.reason.removeprefix(f"{f.shown}: ")
            log.error("%s: %s: %s", f.shown, result.entry.status, reason)
    docs, failed = _contract_breakers(docs)
    entries = [failed.get(e.file, e) for e in entries]
    tables = extraction_rows(docs, unread)
    tables["ingest_log"] = ingest_rows(entries)
    try:
        for name, rows in tables.items():
            write_rows_csv(COLUMNS[name], rows, out_dir / f"{name}.csv")
    except OSError as e:
        raise WriteError(out.plain_os_error(e, "write", out_dir)) from e
    return 1 if any(e.status == "failed" for e in entries) else 0


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
    input_dir, output_dir = Path(input_dir), Path(output_dir)
    if not input_dir.is_dir():
        raise UsageError(f"input folder not found: {input_dir}")
    if overrides is not None and not Path(overrides).is_file():
        raise UsageError(f"overrides file not found: {overrides}")
    overrides = Path(overrides) if overrides is not None else overrides_file(input_dir)
    if output_dir.exists() and not output_dir.is_dir():
        raise UsageError(f"output is not a folder: {output_dir}")
    if output_dir.resolve() == input_dir.resolve():
        raise UsageError("the output folder must not be the input folder")
    workers = workers or _cores()
    started = time.perf_counter()
    try:
        output_dir.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise WriteError(out.plain_os_error(e, "create the output folder", output_dir)) from e
    with out.output_lock(output_dir):
        try:
            status = _report_locked(input_dir, output_dir, workers, overrides, started)
        except OSError as e:  # disk full, read-only: the previous output stays as it was
            raise WriteError(out.plain_os_error(e, "write into", output_dir)) from e
    return status


def _report_locked(
    input_dir: Path, output_dir: Path, workers: int, overrides: Path | None, started: float
) -> int:
    from pipeline import ingest  # before the preloading thread starts

    out.clear_leftovers(output_dir)
    sweep_ended_runs()  # temp folders of runs killed before they could remove them
    summary = RunSummary(input_dir, output_dir)
    files = list_inputs(input_dir, max_bytes=ingest.Limits().max_file_mb << 20)
    if not files:
        raise PipelineError(f"no files in the input folder {input_dir}")
    overrides_sha = sha256_of(overrides) if overrides is not None else ""
    fingerprint = _run_fingerprint(files, overrides, overrides_sha)
    up_to_date = out.published_for(output_dir, fingerprint)
    if up_to_date is not None:
        log.info("Output is up to date (same input files, same pipeline): nothing to do.")
        for path in up_to_date:
            log.info("  %s", path)
        return 0
    ingest.start_fork_server()  # it loads the readers while the cache is looked up
    preloading = _preload_writers()
    t0 = time.perf_counter()
    with ThreadPoolExecutor(max_workers=1) as beside:  # the decision files, while PDFs are read
        reading = beside.submit(_read_decisions, files, overrides, overrides_sha)
        entries, docs, unread = _ingest_folder(files, output_dir, workers, summary)
        overrides_read, workbooks = reading.result()
    entries = _with_decision_entries(entries, [*overrides_read, *workbooks])
    summary.timings["read"] = time.perf_counter() - t0
    preloading.join()
    modified = {f.shown: f.mtime_ns for f in files}
    docs, entries, unread = _settle(docs, entries, unread, modified)
    usable = [d for d in docs if d.document.kind in ("status", "concept")]
    if not usable:
        raise PipelineError(_nothing_usable(input_dir, entries))
    summary.not_read = [
        (e.file, e.status, e.reason)
        for e in entries
        if e.status != "ok" and e.cause != "instructions"
    ]
    for e in entries:
        if e.cause in NOT_CACHED and e.status == "failed":  # not the file's fault: say so loudly
            log.warning("%s was not read this time; the next run reads it again: %s", e.file,
                        e.reason.removeprefix(f"{e.file}: "))  # fmt: skip
    staging = out.new_staging(output_dir)
    try:
        with removed_on_stop(staging), _collector_skips_what_is_loaded():
            reports = _build_outputs(
                docs, unread, entries, overrides_read, staging, summary, workers, workbooks
            )
            out.pause_for_tests(staging)
            with not_interrupted():  # a Ctrl-C waits for the renames, never cuts them in two
                out.publish(staging, output_dir, reports, summary)
        not_now = [e.cause for e in entries] + [d.cause for d in overrides_read]
        if not any(c in NOT_CACHED for c in not_now):  # else the next run reads again
            out.remember_run(output_dir, fingerprint, summary)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    summary.log()
    phases = ", ".join(f"{k} {v:.1f} s" for k, v in summary.timings.items())
    log.info("Done in %.1f s (%s)", time.perf_counter() - started, phases)
    return 0


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


def _run_fingerprint(files: list[InputFile], overrides: Path | None, overrides_sha: str) -> str:
    """Everything a run's output depends on: the input entries (names, bytes, what they are:
    the decision workbooks among them), the overrides and the whole pipeline's source (writers
    included)."""
    h = hashlib.sha256(pipeline_version(everything=True).encode())
    for f in files:
        h.update(f"{f.shown}\0{f.sha256}\0{f.cause}\0{f.reason}\0".encode())
    if overrides is not None:
        h.update(f"{overrides}\0{overrides_sha}".encode())
    return h.hexdigest()


def _read_decisions(
    files: list[InputFile], overrides: Path | None, overrides_sha: str
) -> tuple[list[DecisionFile], list[DecisionFile]]:
    """The person's decisions, read by ingest like a notat (a child process with limits):
    goal_overrides.csv (or the file ``--overrides`` names) as a list of none or one, and the
    decision workbooks of the input folder by name."""
    from pipeline import ingest

    listed = {f.path: f.sha256 for f in files}

    def read(path: Path, sha256: str) -> DecisionFile:
        file = ingest.ingest_decisions(path, sha256=listed.get(path, sha256))
        if file.status != "ok":
            log.warning("%s", file.reason)
        elif file.problems:
            log.warning("%s: %d lines or rows that are no decision; see Kontrol", file.file,
                        len(file.problems))  # fmt: skip
        return file

    read_overrides = [read(overrides, overrides_sha)] if overrides is not None else []
    return read_overrides, [read(path, "") for path in decision_workbooks(files)]


def _with_decision_entries(
    entries: list[IngestEntry], decision_files: list[DecisionFile]
) -> list[IngestEntry]:
    """The ingest_log entries with those of the decision files as they were read (a file that
    could not be read is ``failed`` or ``skipped``, with why)."""
    read = {d.file: d.entry for d in decision_files}
    return [read.get(e.file, e) if e.kind == "decisions" else e for e in entries]


# --------------------------------------------------------------------------- ingest


def _ingest_folder(
    files: list[InputFile], output_dir: Path, workers: int, summary: RunSummary
) -> tuple[list[IngestEntry], list[ExtractedDocument], list[ExtractedDocument]]:
    """Every input entry's ingest_log entry (input order), the documents read from them, and the
    documents read but not usable (failed; their findings still go to findings.csv)."""
    entries: dict[Path, IngestEntry] = {}
    first_of: dict[str, InputFile] = {}
    todo: list[InputFile] = []
    for f in sorted(files, key=lambda f: f.link):  # of the same bytes the file, not a link, is read
        if f.status:
            entries[f.path] = IngestEntry(f.shown, f.sha256, f.status, f.kind, f.reason, f.cause)  # type: ignore[arg-type]
        elif not f.read_as_notat:
            entries[f.path] = IngestEntry(
                f.shown, f.sha256, "skipped", "", _not_pdf_reason(f), "not_pdf"
            )
        elif f.sha256 in first_of:
            entries[f.path] = IngestEntry(
                f.shown, f.sha256, "duplicate", "",
                f"{f.shown}: same bytes as {first_of[f.sha256].shown}", "duplicate",
            )  # fmt: skip
        else:
            first_of[f.sha256] = f
            todo.append(f)
    docs: dict[Path, ExtractedDocument] = {}
    unusable: dict[Path, ExtractedDocument] = {}
    log.info("%d input entries: %d PDFs to read", len(files), len(todo))
    with (
        ExtractionCache(output_dir / out.CACHE_FILE, pipeline_version()) as cache,
        FileProgress(len(todo)) as progress,
    ):

        def record(f: InputFile, outcome, cached: bool) -> None:
            outcome = renamed(outcome, f.shown)  # as shown, whatever the reader called it
            entries[f.path] = outcome.entry
            if outcome.document is not None:
                (docs if outcome.entry.status == "ok" else unusable)[f.path] = outcome.document
            pages = outcome.document.document.pages if outcome.document is not None else 0
            progress.file_done(
                f.shown,
                pages=pages,
                status=outcome.entry.status,
                cached=cached,
                reason=outcome.entry.reason,
            )

        # What the cache knows is loaded first: the earlier periods' notats, read from their
        # text layers, are the words a scanned notat's OCR is checked against.
        known = cache.known(f.sha256 for f in todo)
        earlier = {f.sha256: cache.get(f.sha256, f.shown) for f in todo if f.sha256 in known}
        vocabulary = _period_vocabulary(earlier.values())
        pool = ThreadPoolExecutor(max_workers=workers)  # threads start as files are submitted
        try:
            futures: dict[Future, InputFile] = {}
            to_read = sum(1 for f in todo if f.sha256 not in known)
            # Workers no other file is read by read the pages of a long one (the same tables).
            processes = max(1, workers // max(1, min(to_read, workers)))
            for f in todo:
                if f.sha256 not in known:
                    futures[pool.submit(_ingest_retried, f, processes, vocabulary)] = f
            for f in todo:
                if f.sha256 in known:
                    outcome = earlier[f.sha256]
                    if outcome is None:  # stored by a version of the code that cannot read it
                        futures[pool.submit(_ingest_retried, f)] = f
                    else:
                        record(f, outcome, cached=True)
            summary.cached, summary.extracted = len(todo) - len(futures), len(futures)
            for future in as_completed(futures):
                f = futures[future]
                outcome = future.result()
                if changed_since_hashed(f):
                    outcome = _being_written(f)
                if getattr(outcome, "cause", "") not in NOT_CACHED:
                    cache.put(f.sha256, outcome)
                record(f, outcome, cached=False)
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
    ordered = [entries[f.path] for f in files]
    read = [docs[f.path] for f in files if f.path in docs]
    summary.kinds.update(d.document.kind for d in read)
    return ordered, read, [unusable[f.path] for f in files if f.path in unusable]


# Outcomes that depend on the moment or the machine, not on the bytes: never cached, so the
# next run reads the file again.
NOT_CACHED: frozenset[Cause] = frozenset(
    {"internal_error", "timeout", "ocr_unavailable", "killed", "no_space", "being_written"}
)
# Of those, the ones worth a second try within the run (a busy machine, a passing shortage).
RETRIED: frozenset[Cause] = frozenset({"internal_error", "timeout", "killed", "no_space"})


@dataclass(frozen=True)
class _FailedIngest:
    """The outcome of a file whose ingest raised (shaped like ``ingest.IngestResult``)."""

    entry: IngestEntry
    document: ExtractedDocument | None = None
    used_ocr: bool = False
    cause: Cause = "internal_error"


def _period_vocabulary(outcomes) -> Vocabulary | None:
    """The words of the notats read before from their text layers (not by OCR)."""
    from pipeline.ingest.lexicon import Vocabulary

    read = [
        o.document
        for o in outcomes
        if o is not None and o.document is not None and o.entry.status == "ok"
        and not getattr(o, "used_ocr", False)
    ]  # fmt: skip
    return Vocabulary.of_documents(read) if read else None


def _ingest_retried(f: InputFile, processes: int = 1, vocabulary: Vocabulary | None = None):
    """``_ingest_one``, once more when the first try failed for a reason that is not the file's
    (a reader killed, temp space or time run out); the reason then says it was tried twice."""
    first = _ingest_one(f, processes, vocabulary)
    if getattr(first, "cause", "") not in RETRIED:
        return first
    log.info("%s: %s; trying once more", f.shown, first.entry.reason.removeprefix(f"{f.shown}: "))
    second = _ingest_one(f, processes, vocabulary)
    if getattr(second, "cause", "") not in RETRIED:
        return second
    entry = replace(
        second.entry, reason=f"{second.entry.reason} (tried twice; read again next run)"
    )
    return replace(second, entry=entry)


def _ingest_one(f: InputFile, processes: int = 1, vocabulary: Vocabulary | None = None):
    """One PDF through ingest (its own child process, with limits; ``processes`` may read a
    long file's pages; a page read by OCR is checked against ``vocabulary``). A bug in ingest
    itself becomes a ``failed`` entry, so one file cannot stop the run; it is not cached."""
    from pipeline import ingest  # looked up per call so tests can count or replace it

    words = {"vocabulary": vocabulary} if vocabulary else {}
    try:
        return ingest.ingest_file(
            f.path, sha256=f.sha256, limits=ingest.Limits(processes=processes), **words
        )
    except OSError as e:  # the parent's own temp folder: full, gone, read-only
        log.error("%s: ingest failed: %s", f.shown, e)
        cause = "no_space" if e.errno == 28 else "internal_error"
        reason = f"{f.shown}: {out.plain_os_error(e, 'use the temp folder', Path('?'))}"
        return _FailedIngest(
            IngestEntry(f.shown, f.sha256, "failed", "", reason, cause), cause=cause
        )
    except Exception as e:
        log.error("%s: ingest failed: %s: %s", f.shown, e.__class__.__name__, e)
        reason = f"{f.shown}: internal error while reading it ({e.__class__.__name__}: {e})"
        entry = IngestEntry(f.shown, f.sha256, "failed", "", reason, "internal_error")
        return _FailedIngest(entry)


def _being_written(f: InputFile) -> _FailedIngest:
    reason = (
        f"{f.shown}: the file changed while it was being read (it is being written or copied); "
        "it will be read next run"
    )
    entry = IngestEntry(f.shown, f.sha256, "skipped", "", reason, "being_written")
    return _FailedIngest(entry, cause="being_written")


def _not_pdf_reason(f: InputFile) -> str:
    suffix = f.path.suffix.lower()
    what = f"a {safe_name(suffix)} file" if suffix else "no .pdf name and no %PDF- header"
    return f"{f.shown}: not a PDF or Word document ({what})"


def _nothing_usable(input_dir: Path, entries: list[IngestEntry]) -> str:
    counts = Counter(e.status for e in entries)
    parts = ", ".join(f"{n} {s}" for s, n in sorted(counts.items()))
    if any(e.cause == "no_space" for e in entries):
        parts += f"; the temp folder {system_temp_dir()} is full"
    parts += "".join(f"; {e.reason}" for e in entries if e.cause == "implausible_date")
    return f"no status or concept notat could be read in {input_dir} ({parts}); nothing was written"


# --------------------------------------------------------------------------- settle


def _settle(
    docs: list[ExtractedDocument],
    entries: list[IngestEntry],
    unread: list[ExtractedDocument],
    modified: dict[str, int],
) -> tuple[list[ExtractedDocument], list[IngestEntry], list[ExtractedDocument]]:
    """What goes on to reconciliation: documents whose tables break their schema are failed
    (naming their file), and status notats competing for one period are settled
    (``transform.settle_periods``): their ingest rows and findings say what was decided."""
    from pipeline import transform

    docs, failed = _contract_breakers(docs)
    settled = transform.settle_periods(docs, modified)
    changed = {**failed, **settled.entries_by_file(entries)}
    entries = [changed.get(e.file, e) for e in entries]
    return settled.documents, entries, [*unread, *settled.set_aside]


def _contract_breakers(
    docs: list[ExtractedDocument],
) -> tuple[list[ExtractedDocument], dict[str, IngestEntry]]:
    """The documents whose tables pass their schemas, and a failed entry (by file) for each
    that does not. All are checked at once first; one by one only when that fails."""
    from pipeline.rows import extraction_rows  # the tables' rules, on plain rows

    try:
        extraction_rows(docs)
        return docs, {}
    except ContractError:
        pass
    good, failed = [], {}
    for doc in docs:
        try:
            extraction_rows([doc])
        except ContractError as e:
            name = doc.document.file
            restart = _second_notat_page(doc)
            if restart:
                cause, reason = (
                    "two_notats",
                    (
                        f"{name}: holds more than one notat (Tema 1 begins again on page {restart}); "
                        "save each notat as a PDF of its own"
                    ),
                )
            else:
                first = str(e).strip().splitlines()[0][:200]
                cause, reason = (
                    "contract",
                    (
                        f"{name}: what was read from it breaks the table rules, so it was left out "
                        f"(a layout the reader misread): {first}"
                    ),
                )
            log.error("%s", reason)
            failed[name] = IngestEntry(name, doc.document.sha256, "failed", doc.document.kind,
                                       reason, cause)  # fmt: skip
        else:
            good.append(doc)
    return good, failed


def _second_notat_page(doc: ExtractedDocument) -> int:
    """The page where a second notat's goal tables begin (Tema numbers start over), or 0."""
    previous = 0
    for row in doc.goal_rows:
        if row.theme_no < previous:
            return row.page_first
        previous = row.theme_no
    return 0


# --------------------------------------------------------------------------- transform + write


def _build_outputs(
    docs: list[ExtractedDocument],
    unread: list[ExtractedDocument],
    entries: list[IngestEntry],
    overrides: list[DecisionFile],
    staging: Path,
    summary: RunSummary,
    workers: int = 1,
    workbooks: list[DecisionFile] = (),
) -> list[Path]:
    """Reconcile, build the report model and write everything into ``staging``; return the
    staged report files. With more than one worker the Word/PDF reports and the Excel workbook
    are each written in a process of their own while this one writes the CSV files and the
    database."""
    from pipeline import transform, write
    from pipeline.tables import write_csv
    from pipeline.write.database import write_database

    t0 = time.perf_counter()
    for file in [*overrides, *workbooks]:
        log.info("applying the decisions in %s", file.file)
    reconciled = transform.reconcile(
        docs, overrides[0] if overrides else None, decision_workbooks=workbooks
    )
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
        tables = staging / out.TABLES_DIR
        for name, frame in frames.items():
            # The report's tables are opened in Excel by people: a cell may not start a formula.
            # (`extract` writes the text exactly as printed, for scripts.)
            write_csv(frame, tables / f"{name}.csv", formula_safe=True)
        meta = {"pipeline_version": pipeline_version()}
        write_database(frames, staging / out.DATABASE_FILE, meta=meta)
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
