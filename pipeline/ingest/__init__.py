"""Ingest: every input file accounted for. Public entries: ``ingest_file`` (a notat) and
``ingest_decisions`` (a decision workbook, goal_overrides.csv).

Each file is read in its own child process (``pipeline.ingest.worker``) under a memory, CPU and
wall-clock budget, so no single file can hang or kill a batch. The child is forked from a fork
server that has imported the readers once (``pipeline.forkserver``), or, where the platform has no
fork server, started as a new interpreter. Damaged PDFs are repaired into a
temp copy, scanned ones OCR'd into a temp copy; the input file is only ever read. Every outcome,
good or bad, comes back as an ``IngestResult`` whose reason names the file and the cause in plain
words; ``ingest_file`` never raises for bad input. It is safe to call from several threads.
A decision file is read the same way, by its own child (``decision_reader``) under the same
limits, with bounds of its own on rows, cells and bytes inflated (``pipeline.decision_files``).
A run that is stopped (Ctrl-C) ends every reader at once (``pipeline.processes``): each runs in
a session of its own, held while it reads; no reader is started after the stop.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import logging
import multiprocessing
import multiprocessing.context
import os
import pickle
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pipeline import forkserver as fork_server
from pipeline.codes import Cause
from pipeline.ingest.lexicon import Vocabulary
from pipeline.ingest.outcome import WorkerOutcome
from pipeline.limits import Limits, LimitsError
from pipeline.model import DecisionFile, ExtractedDocument, IngestEntry
from pipeline.names import safe_name
from pipeline.processes import (
    RUN_PID_ENV,
    kill_group,
    reader_group,
    run_temp_root,
    stopping,
    system_temp_dir,
)

__all__ = ["IngestResult", "Limits", "LimitsError", "Vocabulary", "ingest_decisions", "ingest_file"]

_MAGIC = b"%PDF-"
_MAGIC_WINDOW = 1024  # the PDF spec lets a few bytes of junk precede the header
# Starting Python and importing the readers is not the file's fault: allow it on top of the budget.
_STARTUP_GRACE_SECONDS = 5.0
_DEFAULT_LIMITS = Limits()

log = logging.getLogger("pipeline")


@dataclass
class IngestResult:
    entry: IngestEntry
    # The document read (status "ok"), or one that was read but could not be used (status
    # "failed", e.g. a status notat without a readable goal table: kept for its findings).
    document: ExtractedDocument | None
    used_ocr: bool = False
    cause: Cause | Literal[""] = ""  # a stable code for entry.reason (pipeline.codes); "" when ok
    repaired: bool = False


def _sniff(path: Path) -> tuple[Cause, str] | None:
    """Reject what is plainly no PDF and no Word document without starting a child process."""
    try:
        if not path.is_file():  # a folder, a named pipe, a device: opening it could block
            return "not_pdf", "not a regular file"
        size = path.stat().st_size
        with path.open("rb") as f:
            head = f.read(_MAGIC_WINDOW)
    except OSError as e:
        return "unreadable", f"the file cannot be opened ({e.strerror or e.__class__.__name__})"
    if size == 0:
        return "empty", "the file is empty (0 bytes)"
    if _MAGIC in head or head.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        return None  # a PDF, or a ZIP or OLE container the reader tells a Word document by
    return "not_pdf", (
        f"not a PDF or Word document (no %PDF- header and no Word container; the file is "
        f"{size:,} bytes of something else)"
    )


def _crash_reason(returncode: int, stderr: str, limits: Limits) -> tuple[Cause, str]:
    """What a reader that gave no outcome died of, in plain words: what is known, no guess."""
    if "No space left on device" in stderr or "Errno 28" in stderr:
        return "no_space", f"the temp folder {system_temp_dir()} ran out of space while it was read"
    # A C++ library (qpdf under pikepdf) that cannot allocate aborts the process (SIGABRT after
    # "terminate called after throwing ... std::bad_alloc"): that is the memory limit too.
    out_of_memory = (
        "MemoryError" in stderr or "bad_alloc" in stderr or "Cannot allocate memory" in stderr
    )
    if returncode < 0 and not (out_of_memory and -returncode == signal.SIGABRT):
        sig = -returncode
        if sig == signal.SIGXCPU:
            return "cpu_time", (
                f"stopped after using more than {limits.seconds:g} seconds of CPU time (seconds)"
            )
        name = signal.Signals(sig).name if sig in signal.valid_signals() else str(sig)
        if sig in (signal.SIGKILL, signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            # from outside the reader: a person, or the system when memory ran short
            return "killed", f"the reader was killed ({name}) while reading it"
        return "crashed", f"the reader crashed ({name}) while reading it"
    if out_of_memory:
        return (
            "memory",
            f"reading it needed more than the memory limit of {limits.memory_mb} MB (memory_mb)",
        )
    return "crashed", f"the reader stopped unexpectedly while reading it (exit status {returncode})"


def _no_room(folder: Path) -> bool:
    """The temp folder's disk is (all but) full."""
    try:
        st = os.statvfs(folder)
    except OSError:
        return False
    return st.f_bavail * st.f_frsize < 1 << 20


def _worker_args(path: Path, name: str, sha256: str, workdir: Path, result_file: Path,
                 limits: Limits, ocr: bool, vocabulary: Path | None = None) -> list[str]:  # fmt: skip
    return [
        str(path.resolve()), name, sha256, str(workdir), str(result_file),
        str(limits.memory_mb), repr(float(limits.seconds)), str(limits.max_pages),
        "1" if ocr else "0", str(limits.processes), str(limits.max_file_mb),
        str(vocabulary or ""),
    ]  # fmt: skip


_WORKER = "pipeline.ingest.worker"


def _worker_command(args: list[str], module: str = _WORKER) -> list[str]:
    return [sys.executable, "-m", module, *args]


def _run_started(
    args: list[str], workdir: Path, timeout: float, module: str = _WORKER
) -> tuple[int | None, bytes]:
    """The reader as a new interpreter: (exit status or None on timeout, its stderr)."""
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    root = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
    env["TMPDIR"] = str(workdir)  # whatever it or its programs write: in its own folder
    proc = subprocess.Popen(
        _worker_command(args, module), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE, cwd=workdir, env=env, start_new_session=True,
    )  # fmt: skip
    try:
        with reader_group(proc.pid):
            _, stderr = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        kill_group(proc.pid)
        _, stderr = proc.communicate()
        return None, stderr
    finally:
        kill_group(proc.pid)  # nothing of this file's work may outlive the call
    return proc.returncode, stderr


# A forked reader's entry point: (argv, stderr_path, environ), as ``worker.forked_main``.
Reader = Callable[[list[str], str, dict[str, str]], None]


def start_fork_server() -> bool:
    """Start the fork server that readers are forked from, if this platform has one; it imports
    the readers (``pipeline.forkserver.PRELOAD``) in the background. Safe to call more than
    once, from any thread. Returns whether readers will be forked."""
    return _fork_context() is not None


def _fork_context() -> multiprocessing.context.BaseContext | None:
    context = fork_server.context()
    if context is None:
        _say_no_fork_server()
    return context


@functools.cache
def _say_no_fork_server() -> None:
    log.info("no fork server (%s): each file is read by a new interpreter",
             fork_server.unavailable_reason)  # fmt: skip


def _run_forked(
    args: list[str], workdir: Path, timeout: float, target: Reader | None = None
) -> tuple[int | None, bytes] | None:
    """The reader (``target``, by default a notat's) forked from the fork server: (exit status
    or None on timeout, its stderr); None when there is no fork server."""
    context = _fork_context()
    if context is None:
        return None
    from pipeline.ingest import worker

    stderr_path = workdir / "stderr.txt"
    proc = context.Process(
        target=target or worker.forked_main,
        args=(args, str(stderr_path), {**os.environ, RUN_PID_ENV: str(os.getpid())}),
        daemon=False,
    )
    try:
        proc.start()
    except OSError as e:
        log.info("the fork server failed (%s): reading this file in a new interpreter", e)
        return None
    try:
        with reader_group(proc.pid):
            proc.join(timeout)
        timed_out = proc.exitcode is None
    finally:
        kill_group(proc.pid)  # nothing of this file's work may outlive the call
        proc.join()
    try:
        stderr = stderr_path.read_bytes()
    except OSError:
        stderr = b""
    return (None if timed_out else proc.exitcode), stderr


def ingest_file(
    path: Path,
    *,
    sha256: str,
    limits: Limits = _DEFAULT_LIMITS,
    ocr: bool = True,
    vocabulary: Vocabulary | None = None,
    reader: Reader | None = None,
) -> IngestResult:
    """Read one input file into an ``ExtractedDocument``, or say plainly why not. A page read by
    OCR is checked against ``vocabulary``, the period's own words (``Vocabulary.of_documents``
    of the notats read before), where it is given. ``reader``: the forked reader's entry point
    in place of ``worker.forked_main`` (a test's reader that hangs or is killed)."""
    if stopping():  # the run was stopped (Ctrl-C): no new reader
        raise KeyboardInterrupt
    path = Path(path)
    name = safe_name(path.name)

    def result(status, kind, cause: Cause, why: str) -> IngestResult:
        return IngestResult(
            IngestEntry(name, sha256, status, kind, f"{name}: {why}", cause), None, cause=cause
        )

    rejected = _sniff(path)
    if rejected:
        cause, why = rejected
        return result("failed" if cause == "unreadable" else "skipped", "", cause, why)

    try:
        temp = tempfile.TemporaryDirectory(prefix="ingest-", dir=run_temp_root())
    except OSError as e:
        cause = "no_space" if e.errno == errno.ENOSPC else "unreadable"
        return result(
            "failed", "", cause,
            f"no temp folder could be made for it in {system_temp_dir()} ({e.strerror})",
        )  # fmt: skip
    with temp as tmp:
        workdir = Path(tmp)
        result_file = workdir / "outcome.pickle"
        timeout = limits.seconds + _STARTUP_GRACE_SECONDS
        words = None
        if vocabulary:
            words = workdir / "vocabulary.txt"
            vocabulary.save(words)
        args = _worker_args(path, name, sha256, workdir, result_file, limits, ocr, words)
        finished = _run_forked(args, workdir, timeout, reader)
        if finished is None:  # no fork server here: a new interpreter per file
            finished = _run_started(args, workdir, timeout)
        returncode, stderr_bytes = finished
        if returncode is None:
            return result(
                "failed", "", "timeout",
                f"reading it took longer than the limit of {limits.seconds:g} seconds (seconds); stopped",
            )  # fmt: skip
        stderr = stderr_bytes.decode("utf-8", "replace")
        outcome: WorkerOutcome | None = None
        if returncode == 0 and result_file.is_file():
            try:
                with result_file.open("rb") as f:
                    outcome = pickle.load(f)
            except (OSError, EOFError, pickle.UnpicklingError):
                outcome = None
        if outcome is None:
            cause, why = _crash_reason(returncode, stderr, limits)
            if cause == "crashed" and _no_room(workdir):  # its stderr may not have fitted either
                cause, why = _crash_reason(0, "No space left on device", limits)
            return result("failed", "", cause, why)

    if outcome.read_sha256 and outcome.read_sha256 != sha256:
        # Other bytes than those listed (a file swapped or still being copied): what was read
        # is neither used nor cached under the listed checksum.
        return result(
            "skipped", "", "being_written",
            "the file changed after it was listed (the bytes read are not those hashed); it "
            "will be read next run",
        )  # fmt: skip
    if outcome.cause == "no_space":  # the reader's words for it cannot name the folder
        return result("failed", "", "no_space", _crash_reason(0, "Errno 28", limits)[1])
    entry = IngestEntry(name, sha256, outcome.status, outcome.kind, outcome.reason, outcome.cause)
    document = outcome.document if outcome.status in ("ok", "failed") else None
    return IngestResult(entry, document, outcome.used_ocr, outcome.cause, outcome.repaired)


def ingest_decisions(
    path: Path,
    *,
    sha256: str = "",
    limits: Limits = _DEFAULT_LIMITS,
    reader: Reader | None = None,
) -> DecisionFile:
    """Read one decision file (a filled-in review workbook, goal_overrides.csv) in a child
    process under ``limits``, as a notat is read: its rows, or why it is not used, said plainly
    (never raises for what the file holds). ``sha256``: the checksum the run listed it under;
    other bytes read (a file swapped or being written) are not used this run. ``reader``: the
    forked reader's entry point in place of ``decision_reader.forked_main`` (a test's)."""
    from pipeline.decision_files import unread_decision_file
    from pipeline.ingest import decision_reader

    if stopping():
        raise KeyboardInterrupt
    path = Path(path)
    name = safe_name(path.name)
    kind = "workbook" if path.suffix.lower() == ".xlsx" else "overrides"

    def unread(cause: Cause, why: str, status: str = "failed") -> DecisionFile:
        return unread_decision_file(name, sha256, kind, cause, why, status=status)

    try:
        temp = tempfile.TemporaryDirectory(prefix="decisions-", dir=run_temp_root())
    except OSError as e:
        cause = "no_space" if e.errno == errno.ENOSPC else "unreadable"
        return unread(cause, f"no temp folder could be made for it in {system_temp_dir()}")
    with temp as tmp:
        workdir = Path(tmp)
        result_file = workdir / "decisions.pickle"
        args = [
            str(path.resolve()), name, str(workdir), str(result_file), str(limits.memory_mb),
            repr(float(limits.seconds)), str(limits.max_file_mb), str(limits.max_decision_rows),
            str(limits.max_inflated_mb), str(limits.max_cells),
        ]  # fmt: skip
        timeout = limits.seconds + _STARTUP_GRACE_SECONDS
        target = reader or decision_reader.forked_main
        finished = _run_forked(args, workdir, timeout, target)
        if finished is None:
            finished = _run_started(args, workdir, timeout, module=decision_reader.__name__)
        returncode, stderr = finished
        if returncode is None:
            return unread(
                "timeout", f"reading it took longer than the limit of {limits.seconds:g} seconds"
            )
        outcome: DecisionFile | None = None
        if returncode == 0 and result_file.is_file():
            with (
                contextlib.suppress(OSError, EOFError, pickle.UnpicklingError),
                result_file.open("rb") as f,
            ):
                outcome = pickle.load(f)
        if outcome is None:
            return unread(*_crash_reason(returncode, stderr.decode("utf-8", "replace"), limits))
    if sha256 and outcome.sha256 and outcome.sha256 != sha256:
        return unread(
            "being_written",
            "the file changed after it was listed (the bytes read are not those hashed); it "
            "will be read next run",
            status="skipped",
        )
    return outcome
