"""Batch ingest: the files of a run through ingest, for `extract` and `report` alike.

Each notat is read by the ``read_notat`` stage (``ingest.ingest_file``: a child process with
limits), several at once, in threads. A try that failed for a reason that is not the file's (a
reader killed, temp space or time run out: ``RETRIED``) is made once more. For `report` the
input folder's entries are first sorted out (byte-identical copies ``duplicate``, what is no
notat ``skipped``), the extraction cache gives what it knows, a scanned page's OCR is checked
against the words of the notats read before (``period_vocabulary``), and only verdicts about a
file's bytes are cached (``NOT_CACHED``); the decision files are read beside the notats.
What was read comes back typed: ``ReadFiles``, and for a folder ``ReadFolder``.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from pipeline.cache import ExtractionCache, renamed
from pipeline.codes import Cause
from pipeline.errors import PipelineError
from pipeline.hashing import sha256_of
from pipeline.inputs import InputFile, changed_since_hashed, decision_workbooks
from pipeline.limits import Limits
from pipeline.model import DecisionFile, ExtractedDocument, IngestEntry
from pipeline.names import safe_name
from pipeline.processes import system_temp_dir
from pipeline.progress import FileProgress
from pipeline.staging import plain_os_error

if TYPE_CHECKING:
    from pipeline.ingest.lexicon import Vocabulary

log = logging.getLogger("pipeline")

# Outcomes that depend on the moment or the machine, not on the bytes: never cached, so the
# next run reads the file again.
NOT_CACHED: frozenset[Cause] = frozenset(
    {"internal_error", "timeout", "ocr_unavailable", "killed", "no_space", "being_written"}
)
# Of those, the ones worth a second try within the run (a busy machine, a passing shortage).
RETRIED: frozenset[Cause] = frozenset({"internal_error", "timeout", "killed", "no_space"})


class FileOutcome(Protocol):
    """What reading one file gave (``ingest.IngestResult``, or ``FailedIngest``)."""

    entry: IngestEntry
    document: ExtractedDocument | None


ReadNotat = Callable[..., FileOutcome]  # (path, *, sha256, limits[, vocabulary]): ingest_file's
ReadDecisions = Callable[..., DecisionFile]  # (path, *, sha256): ingest_decisions'


@dataclass(frozen=True)
class FailedIngest:
    """The outcome of a file whose ingest raised (shaped like ``ingest.IngestResult``)."""

    entry: IngestEntry
    document: ExtractedDocument | None = None
    used_ocr: bool = False
    cause: Cause = "internal_error"


@dataclass(frozen=True)
class ReadFiles:
    """What ingest made of a run's files."""

    entries: tuple[IngestEntry, ...]  # every file's ingest_log entry, in input order
    documents: tuple[ExtractedDocument, ...]  # the documents read (status ok)
    unread: tuple[ExtractedDocument, ...]  # read but not usable (failed): kept for their findings
    extracted: int = 0  # files read this run
    cached: int = 0  # files whose outcome the extraction cache gave


@dataclass(frozen=True)
class ReadFolder(ReadFiles):
    """What ingest made of a `report` run's input folder, its decision files with it (their
    ingest_log entries among ``entries``, as they were read)."""

    overrides: tuple[DecisionFile, ...] = ()  # goal_overrides.csv (or --overrides): none or one
    workbooks: tuple[DecisionFile, ...] = ()  # the filled-in review workbooks of the folder


def cores() -> int:
    """The cores this process may run on (``taskset`` and container limits respected)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except (AttributeError, OSError):
        return os.cpu_count() or 1


# --------------------------------------------------------------------------- extract


def read_files(paths: list[Path], read_notat: ReadNotat) -> ReadFiles:
    """`extract`'s files, each read as `report` reads it; a line in the log for each."""
    try:
        files = [InputFile(p, sha256_of(p), True, safe_name(p.name)) for p in paths]
    except OSError as e:
        raise PipelineError(plain_os_error(e, "read", Path(e.filename or ""))) from e
    n, at_once = cores(), min(len(files), cores())
    # Cores no other file is read on read the pages of a long one (the same tables).
    processes = max(1, n // at_once) if at_once else 1
    with ThreadPoolExecutor(max_workers=at_once or 1) as pool:
        results = list(pool.map(lambda f: _read_retried(read_notat, f, processes), files))
    documents, unread = [], []
    for f, result in zip(files, results, strict=True):
        document = getattr(result, "document", None)
        if document is not None:
            (documents if result.entry.status == "ok" else unread).append(document)
        if result.entry.status == "ok":
            log.info("extracted %s (%s notat)", f.shown, result.entry.kind)
        else:
            reason = result.entry.reason.removeprefix(f"{f.shown}: ")
            log.error("%s: %s: %s", f.shown, result.entry.status, reason)
    entries = tuple(r.entry for r in results)
    return ReadFiles(entries, tuple(documents), tuple(unread), extracted=len(files))


# --------------------------------------------------------------------------- report


def read_folder(
    files: list[InputFile],
    overrides: Path | None,
    overrides_sha: str,
    *,
    cache: Path,
    version: str,
    workers: int,
    read_notat: ReadNotat,
    read_decisions: ReadDecisions,
) -> ReadFolder:
    """Every entry of the input folder accounted for: its notats read, ``workers`` at once, what
    the extraction cache (``cache``, valid for ``version``) knows taken from it; beside them one
    thread reads the decision files (``overrides`` with its checksum, the review workbooks)."""
    with ThreadPoolExecutor(max_workers=1) as beside:  # the decision files, while PDFs are read
        reading = beside.submit(_decisions, files, overrides, overrides_sha, read_decisions)
        notats = _read_notats(files, cache, version, workers, read_notat)
        overrides_read, workbooks = reading.result()
    read = {d.file: d.entry for d in [*overrides_read, *workbooks]}
    entries = tuple(read.get(e.file, e) if e.kind == "decisions" else e for e in notats.entries)
    return ReadFolder(
        entries, notats.documents, notats.unread, notats.extracted, notats.cached,
        overrides=tuple(overrides_read), workbooks=tuple(workbooks),
    )  # fmt: skip


def _decisions(
    files: list[InputFile], overrides: Path | None, overrides_sha: str, read: ReadDecisions
) -> tuple[list[DecisionFile], list[DecisionFile]]:
    """The person's decisions, read by ingest like a notat (a child process with limits):
    goal_overrides.csv (or the file ``--overrides`` names) as a list of none or one, and the
    decision workbooks of the input folder by name."""
    listed = {f.path: f.sha256 for f in files}

    def read_one(path: Path, sha256: str) -> DecisionFile:
        file = read(path, sha256=listed.get(path, sha256))
        if file.status != "ok":
            log.warning("%s", file.reason)
        elif file.problems:
            log.warning("%s: %d lines or rows that are no decision; see Kontrol", file.file,
                        len(file.problems))  # fmt: skip
        return file

    read_overrides = [read_one(overrides, overrides_sha)] if overrides is not None else []
    return read_overrides, [read_one(path, "") for path in decision_workbooks(files)]


def _sorted_out(files: list[InputFile]) -> tuple[dict[Path, IngestEntry], list[InputFile]]:
    """The entries decided without reading (listed as not read, not a notat, a duplicate), and
    the files to read: of the same bytes one, the file rather than a link to it."""
    entries: dict[Path, IngestEntry] = {}
    first_of: dict[str, InputFile] = {}
    todo: list[InputFile] = []
    for f in sorted(files, key=lambda f: f.link):
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
    return entries, todo


def _read_notats(
    files: list[InputFile], cache_path: Path, version: str, workers: int, read_notat: ReadNotat
) -> ReadFiles:
    """Every input entry's ingest_log entry (input order), the documents read from them, and the
    documents read but not usable (failed; their findings still go to findings.csv)."""
    entries, todo = _sorted_out(files)
    docs: dict[Path, ExtractedDocument] = {}
    unusable: dict[Path, ExtractedDocument] = {}
    log.info("%d input entries: %d PDFs to read", len(files), len(todo))
    with (
        ExtractionCache(cache_path, version) as cache,
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
        vocabulary = period_vocabulary(earlier.values())
        pool = ThreadPoolExecutor(max_workers=workers)  # threads start as files are submitted
        try:
            futures: dict[Future, InputFile] = {}
            to_read = sum(1 for f in todo if f.sha256 not in known)
            # Workers no other file is read by read the pages of a long one (the same tables).
            processes = max(1, workers // max(1, min(to_read, workers)))
            for f in todo:
                if f.sha256 not in known:
                    futures[pool.submit(_read_retried, read_notat, f, processes, vocabulary)] = f
            for f in todo:
                if f.sha256 in known:
                    outcome = earlier[f.sha256]
                    if outcome is None:  # stored by a version of the code that cannot read it
                        futures[pool.submit(_read_retried, read_notat, f)] = f
                    else:
                        record(f, outcome, cached=True)
            cached, extracted = len(todo) - len(futures), len(futures)
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
    return ReadFiles(
        tuple(entries[f.path] for f in files),
        tuple(docs[f.path] for f in files if f.path in docs),
        tuple(unusable[f.path] for f in files if f.path in unusable),
        extracted=extracted,
        cached=cached,
    )


def period_vocabulary(outcomes: Iterable[FileOutcome | None]) -> Vocabulary | None:
    """The words of the notats read before from their text layers (not by OCR)."""
    from pipeline.ingest.lexicon import Vocabulary

    read = [
        o.document
        for o in outcomes
        if o is not None and o.document is not None and o.entry.status == "ok"
        and not getattr(o, "used_ocr", False)
    ]  # fmt: skip
    return Vocabulary.of_documents(read) if read else None


# --------------------------------------------------------------------------- one file


def _read_retried(
    read_notat: ReadNotat, f: InputFile, processes: int = 1, vocabulary: Vocabulary | None = None
) -> FileOutcome:
    """``_read_one``, once more when the first try failed for a reason that is not the file's
    (a reader killed, temp space or time run out); the reason then says it was tried twice."""
    first = _read_one(read_notat, f, processes, vocabulary)
    if getattr(first, "cause", "") not in RETRIED:
        return first
    log.info("%s: %s; trying once more", f.shown, first.entry.reason.removeprefix(f"{f.shown}: "))
    second = _read_one(read_notat, f, processes, vocabulary)
    if getattr(second, "cause", "") not in RETRIED:
        return second
    entry = replace(
        second.entry, reason=f"{second.entry.reason} (tried twice; read again next run)"
    )
    return replace(second, entry=entry)


def _read_one(
    read_notat: ReadNotat, f: InputFile, processes: int = 1, vocabulary: Vocabulary | None = None
) -> FileOutcome:
    """One file through ingest (its own child process, with limits; ``processes`` may read a
    long file's pages; a page read by OCR is checked against ``vocabulary``). A bug in ingest
    itself becomes a ``failed`` entry, so one file cannot stop the run; it is not cached."""
    words = {"vocabulary": vocabulary} if vocabulary else {}
    try:
        return read_notat(f.path, sha256=f.sha256, limits=Limits(processes=processes), **words)
    except OSError as e:  # the parent's own temp folder: full, gone, read-only
        log.error("%s: ingest failed: %s", f.shown, e)
        cause = "no_space" if e.errno == 28 else "internal_error"
        reason = f"{f.shown}: {plain_os_error(e, 'use the temp folder', Path('?'))}"
        return FailedIngest(
            IngestEntry(f.shown, f.sha256, "failed", "", reason, cause), cause=cause
        )
    except Exception as e:
        log.error("%s: ingest failed: %s: %s", f.shown, e.__class__.__name__, e)
        reason = f"{f.shown}: internal error while reading it ({e.__class__.__name__}: {e})"
        entry = IngestEntry(f.shown, f.sha256, "failed", "", reason, "internal_error")
        return FailedIngest(entry)


def _being_written(f: InputFile) -> FailedIngest:
    reason = (
        f"{f.shown}: the file changed while it was being read (it is being written or copied); "
        "it will be read next run"
    )
    entry = IngestEntry(f.shown, f.sha256, "skipped", "", reason, "being_written")
    return FailedIngest(entry, cause="being_written")


def _not_pdf_reason(f: InputFile) -> str:
    suffix = f.path.suffix.lower()
    what = f"a {safe_name(suffix)} file" if suffix else "no .pdf name and no %PDF- header"
    return f"{f.shown}: not a PDF or Word document ({what})"


# --------------------------------------------------------------------------- what was read


def run_fingerprint(
    files: list[InputFile], overrides: Path | None, overrides_sha: str, version: str
) -> str:
    """Everything a run's output depends on: the input entries (names, bytes, what they are:
    the decision workbooks among them), the overrides and ``version``, the whole pipeline's
    source (writers included)."""
    h = hashlib.sha256(version.encode())
    for f in files:
        h.update(f"{f.shown}\0{f.sha256}\0{f.cause}\0{f.reason}\0".encode())
    if overrides is not None:
        h.update(f"{overrides}\0{overrides_sha}".encode())
    return h.hexdigest()


def not_read(entries: Iterable[IngestEntry]) -> list[tuple[str, str, str]]:
    """The files the summary lists as not read (file, status, reason): the folder's
    instructions have their ingest_log row, not a line there. A file that was not read for a
    reason of the moment is said loudly: the next run reads it again."""
    entries = list(entries)
    for e in entries:
        if e.cause in NOT_CACHED and e.status == "failed":  # not the file's fault: say so loudly
            log.warning("%s was not read this time; the next run reads it again: %s", e.file,
                        e.reason.removeprefix(f"{e.file}: "))  # fmt: skip
    return [
        (e.file, e.status, e.reason)
        for e in entries
        if e.status != "ok" and e.cause != "instructions"
    ]


def read_for_good(entries: Iterable[IngestEntry], overrides: Iterable[DecisionFile]) -> bool:
    """Whether every verdict is about the files' bytes (none of the moment, ``NOT_CACHED``): only
    then is the run remembered as up to date, else the next run reads again."""
    causes = [e.cause for e in entries] + [d.cause for d in overrides]
    return not any(c in NOT_CACHED for c in causes)


def nothing_usable(input_dir: Path, entries: Iterable[IngestEntry]) -> str:
    """Why a run could make nothing of the folder, counted by status."""
    entries = list(entries)
    counts = Counter(e.status for e in entries)
    parts = ", ".join(f"{n} {s}" for s, n in sorted(counts.items()))
    if any(e.cause == "no_space" for e in entries):
        parts += f"; the temp folder {system_temp_dir()} is full"
    parts += "".join(f"; {e.reason}" for e in entries if e.cause == "implausible_date")
    return f"no status or concept notat could be read in {input_dir} ({parts}); nothing was written"
