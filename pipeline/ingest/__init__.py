"""Ingest: every input file accounted for. Public entry: ``ingest_file``.

Each file is read in its own child process (``pipeline.ingest.worker``) under a memory, CPU and
wall-clock budget, so no single file can hang or kill a batch. Damaged PDFs are repaired into a
temp copy, scanned ones OCR'd into a temp copy; the input file is only ever read. Every outcome,
good or bad, comes back as an ``IngestResult`` whose reason names the file and the cause in plain
words; ``ingest_file`` never raises for bad input. It is safe to call from several threads.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from pipeline.ingest.limits import Limits, LimitsError
from pipeline.ingest.outcome import Cause, WorkerOutcome
from pipeline.model import ExtractedDocument, IngestEntry

__all__ = ["IngestResult", "Limits", "LimitsError", "ingest_file"]

_MAGIC = b"%PDF-"
_MAGIC_WINDOW = 1024  # the PDF spec lets a few bytes of junk precede the header
# Starting Python and importing the readers is not the file's fault: allow it on top of the budget.
_STARTUP_GRACE_SECONDS = 5.0
_DEFAULT_LIMITS = Limits()


@dataclass
class IngestResult:
    entry: IngestEntry
    document: ExtractedDocument | None  # None unless entry.status == "ok"
    used_ocr: bool = False
    cause: Cause = ""  # a stable code for entry.reason ("password", "bomb", …); "" when ok
    repaired: bool = False


def _sniff(path: Path) -> tuple[Cause, str] | None:
    """Reject what is plainly not a PDF without starting a child process."""
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
    if _MAGIC in head:
        return None
    if head.startswith(b"PK\x03\x04"):
        return "office_document", (
            "not a PDF but a ZIP container, e.g. a Word document (.docx) renamed to .pdf; "
            "save it as PDF first"
        )
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "office_document", "not a PDF but an old Office document (.doc) renamed to .pdf"
    return "not_pdf", f"not a PDF (no %PDF- header; the file is {size:,} bytes of something else)"


def _crash_reason(returncode: int, stderr: str, limits: Limits) -> tuple[Cause, str]:
    if returncode < 0:
        sig = -returncode
        if sig == signal.SIGXCPU:
            return "cpu_time", (
                f"stopped after using more than {limits.seconds:g} seconds of CPU time (seconds)"
            )
        name = signal.Signals(sig).name if sig in signal.valid_signals() else str(sig)
        if sig in (signal.SIGKILL, signal.SIGSEGV, signal.SIGABRT, signal.SIGBUS):
            return "memory", (
                f"the reader was killed ({name}) while reading it, most likely by the memory "
                f"limit of {limits.memory_mb} MB (memory_mb)"
            )
        return "crashed", f"the reader was stopped by signal {name} while reading it"
    if "MemoryError" in stderr or "bad_alloc" in stderr or "Cannot allocate memory" in stderr:
        return (
            "memory",
            f"reading it needed more than the memory limit of {limits.memory_mb} MB (memory_mb)",
        )
    return "crashed", f"the reader stopped unexpectedly while reading it (exit status {returncode})"


def _kill_group(proc: subprocess.Popen) -> None:
    # The worker and whatever it started (ocrmypdf, tesseract, ghostscript).
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)


def _worker_command(path: Path, name: str, sha256: str, workdir: Path, result_file: Path,
                    limits: Limits, ocr: bool) -> list[str]:  # fmt: skip
    return [
        sys.executable, "-m", "pipeline.ingest.worker",
        str(path.resolve()), name, sha256, str(workdir), str(result_file),
        str(limits.memory_mb), repr(float(limits.seconds)), str(limits.max_pages),
        "1" if ocr else "0",
    ]  # fmt: skip


def ingest_file(
    path: Path, *, sha256: str, limits: Limits = _DEFAULT_LIMITS, ocr: bool = True
) -> IngestResult:
    """Read one input file into an ``ExtractedDocument``, or say plainly why not."""
    path = Path(path)
    name = path.name

    def result(status, kind, cause: Cause, why: str) -> IngestResult:
        return IngestResult(
            IngestEntry(name, sha256, status, kind, f"{name}: {why}", cause), None, cause=cause
        )

    rejected = _sniff(path)
    if rejected:
        cause, why = rejected
        return result("failed" if cause == "unreadable" else "skipped", "", cause, why)

    with tempfile.TemporaryDirectory(prefix="ingest-") as tmp:
        workdir = Path(tmp)
        result_file = workdir / "outcome.pickle"
        command = _worker_command(path, name, sha256, workdir, result_file, limits, ocr)
        env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
        root = str(Path(__file__).resolve().parents[2])
        env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
        proc = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            cwd=workdir, env=env, start_new_session=True,
        )  # fmt: skip
        try:
            _, stderr_bytes = proc.communicate(timeout=limits.seconds + _STARTUP_GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            _kill_group(proc)
            proc.communicate()
            return result(
                "failed", "", "timeout",
                f"reading it took longer than the limit of {limits.seconds:g} seconds (seconds); stopped",
            )  # fmt: skip
        finally:
            _kill_group(proc)  # nothing of this file's work may outlive the call
        stderr = stderr_bytes.decode("utf-8", "replace")
        outcome: WorkerOutcome | None = None
        if proc.returncode == 0 and result_file.is_file():
            try:
                with result_file.open("rb") as f:
                    outcome = pickle.load(f)
            except (OSError, EOFError, pickle.UnpicklingError):
                outcome = None
        if outcome is None:
            cause, why = _crash_reason(proc.returncode, stderr, limits)
            return result("failed", "", cause, why)

    entry = IngestEntry(name, sha256, outcome.status, outcome.kind, outcome.reason, outcome.cause)
    document = outcome.document if outcome.status == "ok" else None
    return IngestResult(entry, document, outcome.used_ocr, outcome.cause, outcome.repaired)
