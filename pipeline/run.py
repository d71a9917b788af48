"""The only module that calls more than one stage: input folder → extract → transform → write.

A `report` run, step by step:

1. take the lock on ``OUTPUT/.lock`` (a second run is refused at once) and clear what a killed
   run left behind (``OUTPUT/.staging-*``);
2. list every file of the input folder, hash it, mark byte-identical copies ``duplicate`` and
   everything that is not a PDF ``skipped``;
3. ingest the rest in parallel (each ``ingest_file`` call runs its own child process), taking
   what the extraction cache already knows;
4. reconcile, build the report model, and write every table, the workbook, the database and the
   reports into ``OUTPUT/.staging-<pid>/``;
5. move the results into place: one rename per file, ``tables/`` swapped as a whole. Until this
   last step nothing in OUTPUT has changed, so a run killed before it leaves the previous output
   intact. A report of an earlier period than one already in OUTPUT is never rewritten.

Exit status: 0 when the tables were written, with the reports when there is a status notat. A
folder with concept notats but no status notat still counts as success: its tables are usable
output (the initiatives), and the summary says that no status report could be made. Nothing
readable at all raises a PipelineError and leaves OUTPUT untouched.
"""

from __future__ import annotations

import contextlib
import fcntl
import gc
import hashlib
import importlib
import json
import logging
import multiprocessing
import os
import re
import shutil
import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from pipeline.cache import ExtractionCache, pipeline_version
from pipeline.errors import PipelineError, RunLockedError, UsageError, WriteError
from pipeline.hashing import sha256_of
from pipeline.model import ExtractedDocument, IngestEntry
from pipeline.progress import FileProgress, RunSummary

log = logging.getLogger("pipeline")

TABLES_DIR = "tables"
CACHE_FILE = Path(".cache") / "extraction.sqlite"
LAST_RUN_FILE = Path(".cache") / "last_run.json"  # what the last complete run read and wrote
DATABASE_FILE = "statusdata.sqlite"
WORKBOOK_FILE = "statusdata.xlsx"
LOCK_FILE = ".lock"
STAGING_PREFIX = ".staging-"
OLD_TABLES_PREFIX = ".old-tables-"
# A person's link decisions (pipeline.transform.overrides): optional, read from the input folder
# or, as the project ships it, from beside the input folder (next to input_pdfs/).
OVERRIDES_FILE = "goal_overrides.csv"
# Files of the input folder that are not inputs: its instructions and the overrides.
NOT_INPUTS = frozenset({"README.md", OVERRIDES_FILE})
# Workbooks in the input folder are the secretary's filled-in review workbooks
# (afstemning_<date>.xlsx): decisions the run applies, not documents to read.
DECISION_SUFFIX = ".xlsx"

# Tests set this to a number of seconds: the run then pauses with everything staged and nothing
# published, after creating ``STAGING/.paused``, so a test can kill it at a known point.
PAUSE_ENV = "PIPELINE_PAUSE_BEFORE_PUBLISH"

_PDF_MAGIC = b"%PDF-"
_REPORT_NAME = re.compile(
    r"^(statusrapport|statusskema|afstemning)_(\d{4}-\d{2}-\d{2})\.(docx|pdf)$"
)


def run_extract(pdfs: list[Path], out_dir: Path) -> int:
    """`python -m pipeline extract`: tables of the given PDFs, no reconciliation. Each file is
    read the way `report` reads it (its own process with limits, a damaged PDF repaired, a scan
    OCR'd), and ``ingest_log.csv`` says what happened to each. Returns 1 when a file failed."""
    from pipeline.tables import extraction_frames, ingest_frame, write_csv

    for path in pdfs:
        if not path.is_file():
            raise UsageError(f"no such file: {path}")
    entries: list[IngestEntry] = []
    docs: list[ExtractedDocument] = []
    unread: list[ExtractedDocument] = []
    files = [InputFile(path, sha256_of(path), True) for path in pdfs]
    with ThreadPoolExecutor(max_workers=min(len(files), os.cpu_count() or 1)) as pool:
        results = list(pool.map(_ingest_one, files))
    for path, result in zip(pdfs, results, strict=True):
        entries.append(result.entry)
        document = getattr(result, "document", None)
        if document is not None:
            (docs if result.entry.status == "ok" else unread).append(document)
        if result.entry.status == "ok":
            log.info("extracted %s (%s notat)", path.name, result.entry.kind)
        else:
            reason = result.entry.reason.removeprefix(f"{path.name}: ")
            log.error("%s: %s: %s", path.name, result.entry.status, reason)
    frames = extraction_frames(docs, unread)
    frames["ingest_log"] = ingest_frame(entries)
    for name, frame in frames.items():
        write_csv(frame, out_dir / f"{name}.csv")
    return 1 if any(e.status == "failed" for e in entries) else 0


# --------------------------------------------------------------------------- report


@dataclass(frozen=True)
class InputFile:
    """One file of the input folder, hashed."""

    path: Path
    sha256: str
    is_pdf: bool


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
    is usable."""
    input_dir, output_dir = Path(input_dir), Path(output_dir)
    if not input_dir.is_dir():
        raise UsageError(f"input folder not found: {input_dir}")
    if overrides is not None and not Path(overrides).is_file():
        raise UsageError(f"overrides file not found: {overrides}")
    overrides = Path(overrides) if overrides is not None else _overrides_file(input_dir)
    if output_dir.exists() and not output_dir.is_dir():
        raise UsageError(f"output is not a folder: {output_dir}")
    if output_dir.resolve() == input_dir.resolve():
        raise UsageError("the output folder must not be the input folder")
    workers = workers or os.cpu_count() or 1
    started = time.perf_counter()
    try:
        output_dir.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise WriteError(f"cannot create the output folder {output_dir}: {e.strerror or e}") from e
    with _output_lock(output_dir):
        _clear_leftovers(output_dir)
        summary = RunSummary(input_dir, output_dir)
        files = _list_inputs(input_dir)
        decisions = _decision_workbooks(input_dir)
        if not files:
            raise PipelineError(f"no files in the input folder {input_dir}")
        fingerprint = _run_fingerprint(files, overrides, decisions)
        up_to_date = _published_for(output_dir, fingerprint)
        if up_to_date is not None:
            log.info("Output is up to date (same input files, same pipeline): nothing to do.")
            for path in up_to_date:
                log.info("  %s", path)
            return 0
        from pipeline import ingest  # before the preloading thread starts

        ingest.start_fork_server()  # it loads the readers while the cache is looked up
        preloading = _preload_writers()
        t0 = time.perf_counter()
        entries, docs, unread = _ingest_folder(files, output_dir, workers, summary)
        summary.timings["read"] = time.perf_counter() - t0
        preloading.join()
        usable = [d for d in docs if d.document.kind in ("status", "concept")]
        if not usable:
            raise PipelineError(_nothing_usable(input_dir, entries))
        staging = output_dir / f"{STAGING_PREFIX}{os.getpid()}"
        try:
            staging.mkdir()
            with _collector_skips_what_is_loaded():
                reports = _build_outputs(
                    docs, unread, entries, overrides, staging, summary, workers, decisions
                )
            _pause_for_tests(staging)
            (output_dir / LAST_RUN_FILE).unlink(missing_ok=True)
            _publish(staging, output_dir, reports, summary)
            _remember_run(output_dir, fingerprint, summary)
        except OSError as e:  # disk full, permissions: the previous output stays as it was
            raise WriteError(f"cannot write the results into {output_dir}: {e}") from e
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


# --------------------------------------------------------------------------- output folder safety


@contextlib.contextmanager
def _output_lock(output_dir: Path) -> Iterator[None]:
    """Hold ``OUTPUT/.lock`` for the run; refuse at once when another run holds it."""
    path = output_dir / LOCK_FILE
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as e:
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "?"
            raise RunLockedError(
                f"another run (pid {holder}) is writing to {output_dir}; "
                "wait for it to finish and run again"
            ) from e
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        os.close(fd)  # closing releases the lock; the file stays (removing it would race)


def _clear_leftovers(output_dir: Path) -> None:
    """Remove what a killed run left. We hold the lock, so no other run is using them."""
    old_tables = sorted(output_dir.glob(f"{OLD_TABLES_PREFIX}*"))
    if old_tables and not (output_dir / TABLES_DIR).exists():
        # killed between the two renames of the tables swap: put the previous tables back
        old_tables[-1].rename(output_dir / TABLES_DIR)
        log.info("restored the tables of the previous run")
    for stale in [
        *output_dir.glob(f"{STAGING_PREFIX}*"),
        *output_dir.glob(f"{OLD_TABLES_PREFIX}*"),
    ]:
        log.info("removing %s left by an interrupted run", stale.name)
        if stale.is_dir():
            shutil.rmtree(stale, ignore_errors=True)
        else:
            stale.unlink(missing_ok=True)


def _pause_for_tests(staging: Path) -> None:
    seconds = os.environ.get(PAUSE_ENV)
    if not seconds:
        return
    (staging / ".paused").touch()
    time.sleep(float(seconds))


def _publish(staging: Path, output_dir: Path, reports: list[Path], summary: RunSummary) -> None:
    """Move the staged results into OUTPUT: each file by one atomic rename, tables/ swapped."""
    tables = output_dir / TABLES_DIR
    old = output_dir / f"{OLD_TABLES_PREFIX}{os.getpid()}"
    if tables.exists():
        tables.rename(old)
    (staging / TABLES_DIR).rename(tables)
    shutil.rmtree(old, ignore_errors=True)
    summary.tables_dir = tables
    for name in (DATABASE_FILE, WORKBOOK_FILE):
        if (staging / name).exists():
            os.replace(staging / name, output_dir / name)
    latest_kept = _latest_report_period(output_dir)
    for staged in reports:
        final = output_dir / staged.name
        match = _REPORT_NAME.match(staged.name)
        period = match.group(2) if match else ""
        if final.exists() and latest_kept and period and period < latest_kept:
            summary.kept_reports.append(final)  # an earlier period's report: never changed
            continue
        os.replace(staged, final)
        summary.reports.append(final)


def _run_fingerprint(
    files: list[InputFile], overrides: Path | None, decisions: list[Path] = ()
) -> str:
    """Everything a run's output depends on: the input files (names and bytes), the overrides,
    the decision workbooks and the whole pipeline's source (writers included)."""
    h = hashlib.sha256(pipeline_version(everything=True).encode())
    for f in files:
        h.update(f"{f.path.name}\0{f.sha256}\0".encode())
    for path in [overrides, *decisions] if overrides is not None else decisions:
        h.update(f"{path}\0{sha256_of(path)}".encode())
    return h.hexdigest()


def _decision_workbooks(input_dir: Path) -> list[Path]:
    """The review workbooks of the input folder (Excel's own ``~$`` lock files left out)."""
    return sorted(
        p
        for p in input_dir.iterdir()
        if p.suffix.lower() == DECISION_SUFFIX and p.is_file() and not p.name.startswith("~$")
    )


def _overrides_file(input_dir: Path) -> Path | None:
    for folder in (input_dir, input_dir.resolve().parent):
        if (folder / OVERRIDES_FILE).is_file():
            return folder / OVERRIDES_FILE
    return None


def _published_for(output_dir: Path, fingerprint: str) -> list[Path] | None:
    """The files the last run published, if it read exactly these inputs and they all stand."""
    try:
        last = json.loads((output_dir / LAST_RUN_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if last.get("fingerprint") != fingerprint:
        return None
    paths = [output_dir / name for name in last.get("published", [])]
    return paths if paths and all(p.exists() for p in paths) else None


def _remember_run(output_dir: Path, fingerprint: str, summary: RunSummary) -> None:
    published = [TABLES_DIR, DATABASE_FILE, WORKBOOK_FILE]
    published += [p.name for p in summary.reports]
    published = [name for name in published if (output_dir / name).exists()]
    path = output_dir / LAST_RUN_FILE
    tmp = path.with_suffix(".tmp")
    tmp.write_text(
        json.dumps({"fingerprint": fingerprint, "published": published}), encoding="utf-8"
    )
    os.replace(tmp, path)


def _latest_report_period(output_dir: Path) -> str:
    periods = [m.group(2) for p in output_dir.iterdir() if (m := _REPORT_NAME.match(p.name))]
    return max(periods, default="")


# --------------------------------------------------------------------------- ingest


def _list_inputs(input_dir: Path) -> list[InputFile]:
    files = []
    for path in sorted(input_dir.iterdir(), key=lambda p: p.name):
        if not path.is_file() or path.name in NOT_INPUTS or path.suffix.lower() == DECISION_SUFFIX:
            continue
        try:
            with path.open("rb") as f:
                head = f.read(1024)
            sha = sha256_of(path)
        except OSError as e:
            files.append(InputFile(path, "", False))
            log.warning("%s: cannot be read (%s)", path.name, e.strerror or e)
            continue
        is_pdf = _PDF_MAGIC in head or path.suffix.lower() == ".pdf"
        files.append(InputFile(path, sha, is_pdf))
    return files


def _ingest_folder(
    files: list[InputFile], output_dir: Path, workers: int, summary: RunSummary
) -> tuple[list[IngestEntry], list[ExtractedDocument], list[ExtractedDocument]]:
    """Every input file's ingest_log entry (input order), the documents read from them, and the
    documents read but not usable (failed; their findings still go to findings.csv)."""
    entries: dict[Path, IngestEntry] = {}
    first_of: dict[str, Path] = {}
    todo: list[InputFile] = []
    for f in files:
        if not f.sha256:
            entries[f.path] = IngestEntry(
                f.path.name,
                "",
                "skipped",
                "",
                f"{f.path.name}: the file cannot be read",
                "unreadable",
            )
        elif not f.is_pdf:
            entries[f.path] = IngestEntry(
                f.path.name, f.sha256, "skipped", "", _not_pdf_reason(f.path), "not_pdf"
            )
        elif f.sha256 in first_of:
            entries[f.path] = IngestEntry(
                f.path.name,
                f.sha256,
                "duplicate",
                "",
                f"{f.path.name}: same bytes as {first_of[f.sha256].name}",
                "duplicate",
            )
        else:
            first_of[f.sha256] = f.path
            todo.append(f)
    docs: dict[Path, ExtractedDocument] = {}
    unusable: dict[Path, ExtractedDocument] = {}
    log.info("%d input files: %d PDFs to read", len(files), len(todo))
    with (
        ExtractionCache(output_dir / CACHE_FILE, pipeline_version()) as cache,
        FileProgress(len(todo)) as progress,
    ):

        def record(f: InputFile, outcome, cached: bool) -> None:
            entries[f.path] = outcome.entry
            if outcome.document is not None:
                (docs if outcome.entry.status == "ok" else unusable)[f.path] = outcome.document
            pages = outcome.document.document.pages if outcome.document is not None else 0
            progress.file_done(
                f.path.name,
                pages=pages,
                status=outcome.entry.status,
                cached=cached,
                reason=outcome.entry.reason,
            )

        # The files to read are started first; what the cache knows is loaded while they run.
        known = cache.known(f.sha256 for f in todo)
        pool = ThreadPoolExecutor(max_workers=workers)  # threads start as files are submitted
        try:
            futures: dict[Future, InputFile] = {}
            for f in todo:
                if f.sha256 not in known:
                    futures[pool.submit(_ingest_one, f)] = f
            for f in todo:
                if f.sha256 in known:
                    outcome = cache.get(f.sha256, f.path.name)
                    if outcome is None:  # stored by a version of the code that cannot read it
                        futures[pool.submit(_ingest_one, f)] = f
                    else:
                        record(f, outcome, cached=True)
            summary.cached, summary.extracted = len(todo) - len(futures), len(futures)
            for future in as_completed(futures):
                f = futures[future]
                outcome = future.result()
                if getattr(outcome, "cause", "") not in _NOT_CACHED:
                    cache.put(f.sha256, outcome)
                record(f, outcome, cached=False)
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
    ordered = [entries[f.path] for f in files]
    for e in ordered:
        if e.status != "ok":
            summary.not_read.append((e.file, e.status, e.reason))
    read = [docs[f.path] for f in files if f.path in docs]
    summary.kinds.update(d.document.kind for d in read)
    return ordered, read, [unusable[f.path] for f in files if f.path in unusable]


# Outcomes that depend on the moment or the machine, not on the bytes: tried again next run.
_NOT_CACHED = frozenset({"internal_error", "timeout", "ocr_unavailable"})


@dataclass(frozen=True)
class _FailedIngest:
    """The outcome of a file whose ingest raised (shaped like ``ingest.IngestResult``)."""

    entry: IngestEntry
    document: ExtractedDocument | None = None
    used_ocr: bool = False
    cause: str = "internal_error"


def _ingest_one(f: InputFile):
    """One PDF through ingest (its own child process, with limits). A bug in ingest itself
    becomes a ``failed`` entry, so one file cannot stop the run; it is not cached."""
    from pipeline import ingest  # looked up per call so tests can count or replace it

    try:
        return ingest.ingest_file(f.path, sha256=f.sha256)
    except Exception as e:
        log.error("%s: ingest failed: %s: %s", f.path.name, e.__class__.__name__, e)
        reason = f"{f.path.name}: internal error while reading it ({e.__class__.__name__}: {e})"
        entry = IngestEntry(f.path.name, f.sha256, "failed", "", reason, "crashed")
        return _FailedIngest(entry)


def _not_pdf_reason(path: Path) -> str:
    suffix = path.suffix.lower()
    what = f"a {suffix} file" if suffix else "no .pdf name and no %PDF- header"
    return f"{path.name}: not a PDF ({what})"


def _nothing_usable(input_dir: Path, entries: list[IngestEntry]) -> str:
    counts = Counter(e.status for e in entries)
    parts = ", ".join(f"{n} {s}" for s, n in sorted(counts.items()))
    return f"no status or concept notat could be read in {input_dir} ({parts}); nothing was written"


# --------------------------------------------------------------------------- transform + write


def _build_outputs(
    docs: list[ExtractedDocument],
    unread: list[ExtractedDocument],
    entries: list[IngestEntry],
    overrides: Path | None,
    staging: Path,
    summary: RunSummary,
    workers: int = 1,
    decisions: list[Path] = (),
) -> list[Path]:
    """Reconcile, build the report model and write everything into ``staging``; return the
    staged report files. With more than one worker the Word/PDF reports and the Excel workbook
    are each written in a process of their own while this one writes the CSV files and the
    database."""
    from pipeline import transform, write
    from pipeline.tables import write_csv
    from pipeline.write.database import write_database

    if overrides is not None:
        log.info("applying the link decisions in %s", overrides)
    t0 = time.perf_counter()
    for path in decisions:
        log.info("applying the decisions in %s", path.name)
    reconciled = transform.reconcile(docs, overrides, decision_workbooks=decisions)
    summary.timings["reconcile"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    built = transform.build_report(reconciled, entries, unread)
    with _writers(workers) as pool:
        reports: Future | None = None
        review: Future | None = None
        if built is not None:  # the reports need no tables: laid out while they are built
            reports = pool.submit(write.write_reports, *built, staging)
            review = pool.submit(write.write_review_workbook, built[0], staging)
        frames = _table_frames(reconciled, entries, unread)
        summary.findings.update(frames["findings"]["severity"])
        workbook = pool.submit(
            write.write_workbook, transform.workbook_frames(frames), staging / WORKBOOK_FILE
        )
        tables = staging / TABLES_DIR
        for name, frame in frames.items():
            # The report's tables are opened in Excel by people: a cell may not start a formula.
            # (`extract` writes the text exactly as printed, for scripts.)
            write_csv(frame, tables / f"{name}.csv", formula_safe=True)
        meta = {"pipeline_version": pipeline_version()}
        write_database(frames, staging / DATABASE_FILE, meta=meta)
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


class _InThisProcess:
    """The executor interface, running the call here (one worker: nothing runs beside it)."""

    def submit(self, fn, *args) -> Future:
        future: Future = Future()
        try:
            future.set_result(fn(*args))
        except BaseException as e:
            future.set_exception(e)
        return future


@contextlib.contextmanager
def _writers(workers: int) -> Iterator[ProcessPoolExecutor | _InThisProcess]:
    """Where the reports and the workbook are written: here with one worker, else in two
    processes beside this one."""
    if workers < 2:
        yield _InThisProcess()
        return
    # fork: the children have the writers' modules loaded already (see _preload_writers)
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    with ProcessPoolExecutor(max_workers=2, mp_context=multiprocessing.get_context(method)) as pool:
        yield pool


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
