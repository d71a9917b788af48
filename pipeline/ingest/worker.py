"""The child process that reads one input file under resource limits.

Started one of two ways, with the arguments INPUT DISPLAY_NAME SHA256 WORKDIR RESULT MEMORY_MB
SECONDS MAX_PAGES OCR PROCESSES MAX_FILE_MB:

- forked from a fork server that has imported the readers once (``forked_main``): no interpreter
  start and no imports per file, which is a third of the cost of reading a short notat;
- as ``python -m pipeline.ingest.worker ...``, where there is no fork server.

Either way it sets its own rlimits first (``preexec_fn`` is unsafe when the parent runs ingest
from a thread pool), copies the input into WORKDIR while hashing it, reads that copy, and pickles
a ``WorkerOutcome`` to RESULT, with the sha256 of the bytes it read: a file swapped after the run
hashed it can never put its tables under the other bytes' checksum. Temporary copies (repaired,
decrypted, OCR'd) and every temporary file of the libraries and programs it runs go to WORKDIR;
the input is only ever read.
"""

from __future__ import annotations

import dataclasses
import errno
import hashlib
import math
import os
import pickle
import resource
import stat
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

from pipeline.codes import Cause
from pipeline.ingest.outcome import WorkerOutcome
from pipeline.model import Finding

# A stream that expands past this share of the memory budget is treated as a bomb.
_BOMB_SHARE = 0.5
_MIN_BOMB_CAP = 32 << 20


class _Problem(NamedTuple):
    """A problem of the file itself that did not stop the reading: the problem in plain English
    (the ingest_log reason), and its finding for a document id (the code's Danish template in
    ``pipeline.codes.FINDINGS``, with its details)."""

    text: str
    finding: Callable[[str], Finding]


def _set_limits(memory_mb: int, seconds: float) -> None:
    memory = memory_mb << 20
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    cpu = math.ceil(seconds) + 1
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))


class _Reader:
    def __init__(self, path: Path, name: str, sha256: str, workdir: Path, *, memory_mb: int,
                 seconds: float, max_pages: int, ocr: bool, processes: int = 1,
                 vocabulary: Path | None = None) -> None:  # fmt: skip
        self.path, self.name, self.sha256, self.workdir = path, name, sha256, workdir
        self.memory_mb, self.max_pages, self.ocr = memory_mb, max_pages, ocr
        self.processes = processes  # for the pages of a long file (pipeline.extract.pdf)
        self.vocabulary = vocabulary  # the period's words, for pages read by OCR
        self.scan = False  # the file is a scan (set by ``read``)
        self.deadline = time.monotonic() + seconds

    def broken_structure(self, detail: str) -> _Problem:
        detail = self.plain(detail)
        return _Problem(
            f"its structure is broken ({detail})",
            lambda doc_id: Finding.of(
                "damaged_pdf", doc_id, variant="structure", file=self.name, detail=detail
            ),
        )

    def damaged_page(self, number: int, detail: str) -> _Problem:
        detail = self.plain(detail)
        return _Problem(
            f"the content of page {number} is damaged and was not read ({detail})",
            lambda doc_id: Finding.of(
                "damaged_pdf", doc_id, variant="page", file=self.name, page=number, detail=detail
            ),
        )

    def plain(self, text: str) -> str:
        """Library messages quote full paths; a reason names the input file only."""
        text = text.replace(str(self.path), self.name)
        return text.replace(f"{self.workdir}/", "").replace(str(self.workdir), "")

    def skipped(self, cause: Cause, why: str, kind: str = "") -> WorkerOutcome:
        return WorkerOutcome("skipped", kind, self.plain(f"{self.name}: {why}"), cause)  # type: ignore[arg-type]

    def failed(self, cause: Cause, why: str) -> WorkerOutcome:
        return WorkerOutcome("failed", "", self.plain(f"{self.name}: {why}"), cause)

    def read(self) -> WorkerOutcome:
        container = _container(self.path)
        if container == "zip":
            return self.read_word()
        if container == "ole":
            return self.read_ole()
        return self.read_pdf()

    def read_ole(self) -> WorkerOutcome:
        """An OLE compound file: a Word document encrypted with a password (Office keeps the
        encrypted .docx in one), or an old binary Word document (.doc)."""
        if _encrypted_office(self.path):
            return self.skipped(
                "password", "the Word document is password protected; a password is needed to "
                "open it (save it again without a password, or as PDF)",
            )  # fmt: skip
        return self.skipped(
            "office_document", "an old Word document (.doc) or another Office file in the old "
            "format: save it as .docx or PDF",
        )  # fmt: skip

    def read_word(self) -> WorkerOutcome:
        """A ZIP container: a Word document (.docx) read directly, or another kind of ZIP."""
        import zipfile

        from pipeline.errors import ExtractError
        from pipeline.extract import extract_docx

        try:
            with zipfile.ZipFile(self.path) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as e:
            return self.skipped("damaged", f"the Word file is damaged and cannot be opened ({e})")
        if "word/document.xml" not in names:
            what = (
                "an Excel workbook" if "xl/workbook.xml" in names
                else "a PowerPoint presentation" if "ppt/presentation.xml" in names
                else "an OpenDocument file (save it as .docx or PDF)" if "content.xml" in names
                else "a ZIP archive"
            )  # fmt: skip
            return self.skipped("not_word", f"{what}, not a Word document (.docx)")
        try:
            extracted = extract_docx(self.path, sha256=self.sha256)
        except MemoryError:
            raise
        except ExtractError as e:
            return self.skipped("damaged", str(e).removeprefix(self.path.name).lstrip(":, "))
        except RecursionError:
            return self.failed("damaged", "its XML is nested too deeply to read")
        except Exception as e:  # a reader bug on hostile input: said, never a traceback
            return self.failed(
                "unreadable", f"an error while reading it: {e.__class__.__name__}: {e}"[:240]
            )
        return self.outcome(extracted, problems=[], container="a Word document (.docx), ")

    def read_pdf(self) -> WorkerOutcome:
        import pikepdf

        from pipeline.ingest import pdfcheck

        try:
            pdf = pikepdf.open(self.path)
        except pikepdf.PasswordError:
            return self.skipped("password", "password protected; a password is needed to open it")
        except MemoryError:
            raise
        except Exception as e:
            # qpdf already tried to reconstruct the file; the reader itself is the last chance.
            problem = self.broken_structure(pdfcheck.first_line(e))
            return self.extract(self.path, problems=[problem], unopened=True)
        with pdf:
            try:
                n_pages = len(pdf.pages)
            except (pikepdf.PdfError, RuntimeError, RecursionError) as e:
                return self.skipped(
                    "damaged", f"its page tree is broken ({pdfcheck.first_line(e)})"
                )
            if n_pages == 0:
                return self.skipped("no_pages", "the PDF has no pages")
            if n_pages > self.max_pages:
                return self.skipped(
                    "too_many_pages",
                    f"the PDF has {n_pages:,} pages, more than the limit of {self.max_pages:,} "
                    "(max_pages)",
                )
            cap = max(_MIN_BOMB_CAP, int((self.memory_mb << 20) * _BOMB_SHARE))
            bomb = pdfcheck.expanding_stream(pdf, cap)
            if bomb:
                return self.skipped("bomb", f"looks like a decompression bomb: it holds {bomb}")
            layer = pdfcheck.text_layer(pdf)
            invisible = pdfcheck.invisible_text_pages(pdf)
            problems = [
                self.damaged_page(number, detail) for number, detail in pdfcheck.damaged_pages(pdf)
            ]
            source, repaired = self.path, pdfcheck.is_damaged(pdf)
            if repaired or pdf.is_encrypted:
                source = self.workdir / ("repaired.pdf" if repaired else "decrypted.pdf")
                try:
                    pdfcheck.rewrite(pdf, source)
                except OSError as e:
                    if e.errno == errno.ENOSPC:  # the machine's, not the file's: not cached
                        return self.failed("no_space", "the temp folder ran out of space")
                    return self.failed("damaged", f"the PDF could not be copied ({e.strerror})")
                except (pikepdf.PdfError, RuntimeError) as e:
                    return self.failed(
                        "damaged",
                        f"the PDF is damaged and could not be repaired ({pdfcheck.first_line(e)})",
                    )
            if repaired:
                problems.insert(
                    0,
                    _Problem(
                        "the PDF was damaged and a repaired copy was read",
                        lambda doc_id: Finding.of("repaired_pdf", doc_id, file=self.name),
                    ),
                )
            unturned = None
            if pdfcheck.rotated_pages(pdf):  # pdfminer reads a page as shown; see read_unturned
                unturned = self.workdir / "unturned.pdf"
                try:
                    pdfcheck.without_rotation(pdf, unturned)
                except (pikepdf.PdfError, RuntimeError, OSError):
                    unturned = None
        if not layer.has_text and not layer.has_images:
            return self.skipped("no_text", "the PDF has no text and no images: nothing to read")
        # A scan's text layer (none, or a scanner's invisible one) is read in this process, so
        # its pages can be OCR'd by forked processes (forking beside the threads of a pool that
        # reads a text layer is unsafe).
        self.scan = not layer.has_text or bool(invisible)
        outcome = self.extract(source, problems=problems, repaired=repaired, invisible=invisible)
        return self.read_unturned(
            outcome, unturned, problems=problems, repaired=repaired, invisible=invisible
        )

    def read_unturned(self, outcome: WorkerOutcome, unturned: Path | None, *,
                      problems: list[_Problem],
                      repaired: bool, invisible: frozenset[int] = frozenset()) -> WorkerOutcome:  # fmt: skip
        """A notat shown turned (``/Rotate``) is read as shown, which is right when its text is
        drawn turned the other way; when its text is drawn upright it is then sideways and
        reads as no notat at all: read it again without the turn."""
        if unturned is None or outcome.cause != "not_a_notat":
            return outcome
        note = _Problem(
            "its pages are shown turned (/Rotate) with the text sideways; read without the turn",
            lambda doc_id: Finding.of("turned_pages", doc_id, file=self.name),
        )
        again = self.extract(
            unturned, problems=[*problems, note], repaired=repaired, invisible=invisible
        )
        return again if again.status == "ok" else outcome

    def extract(self, source: Path, *, problems: list[_Problem], repaired: bool = False,
                unopened: bool = False,
                invisible: frozenset[int] = frozenset()) -> WorkerOutcome:  # fmt: skip
        """Run the extraction stage on ``source`` (the input, or a repaired temp copy), each
        page read from its text layer or, where that cannot be trusted, from its image."""
        from pipeline.errors import ExtractError
        from pipeline.extract import extract_pdf
        from pipeline.ingest import pdfcheck
        from pipeline.ingest.lexicon import Vocabulary
        from pipeline.ingest.scan_pages import PageReader, Unreadable

        words = Vocabulary.load(self.vocabulary) if self.vocabulary else None
        pages = PageReader(
            source, invisible, ocr=self.ocr, deadline=self.deadline, processes=self.processes,
            vocabulary=words, layer_processes=1 if self.scan else self.processes,
        )  # fmt: skip
        try:
            extracted = extract_pdf(source, sha256=self.sha256, pages=pages)
        except Unreadable as e:
            if e.status == "failed":
                return self.failed(e.cause, e.why)
            return self.skipped(e.cause, e.why)
        except MemoryError:
            raise
        except RecursionError:
            return self.failed(
                "damaged", "its objects are nested too deeply (or in a loop) to read"
            )
        except NotImplementedError as e:
            return self.failed(
                "unreadable", f"this kind of notat cannot be read yet ({pdfcheck.first_line(e)})"
            )
        except Exception as e:  # pdfminer raises many types on hostile input
            if isinstance(e, ExtractError):
                message = str(e).removeprefix(source.name).lstrip(":, ")
            else:
                message = f"{e.__class__.__name__}: {pdfcheck.first_line(e)}"
            if "password" in message:
                return self.skipped(
                    "password", "password protected; a password is needed to open it"
                )
            if unopened:
                return self.failed(
                    "damaged",
                    f"the PDF is damaged beyond repair: {problems[0].text}; {message[:160]}",
                )
            return self.failed("unreadable", f"an error while reading it: {message[:200]}")
        used_ocr = bool(pages.read_by_ocr)
        if used_ocr:
            problems = [
                *problems,
                _Problem(
                    pages.summary(),
                    lambda doc_id: Finding.of(
                        "ocr_used", doc_id, file=self.name, pages=pages.summary_da()
                    ),
                ),
            ]
            extracted.findings.extend(pages.doubt_findings(extracted, self.name))
        return self.outcome(extracted, problems=problems, used_ocr=used_ocr, repaired=repaired)

    def outcome(self, extracted, *, problems: list[_Problem], used_ocr: bool = False,
                repaired: bool = False, container: str = "") -> WorkerOutcome:  # fmt: skip
        """What was read, as the run uses it: ok, or skipped as no notat, or failed as a notat
        that could not be read; ``problems`` (the file's own, in plain words) become findings."""

        extracted.document = dataclasses.replace(extracted.document, file=self.name)
        doc_id = extracted.document.doc_id
        for problem in problems:
            extracted.findings.append(problem.finding(doc_id))
        notes = "; ".join(problem.text for problem in problems)
        kind = extracted.document.kind
        if kind == "unknown":
            why = (
                f"{container}not a status or concept notat (no Tema goal tables and no proposed "
                "initiatives found)"
            )
            return WorkerOutcome(
                "skipped", "unknown", self.plain(f"{self.name}: {why}" + (f"; {notes}" if notes else "")),
                "not_a_notat", used_ocr=used_ocr, repaired=repaired,
            )  # fmt: skip
        if extracted.failure:
            # A notat of a known kind the reader could not read: failed, with its findings.
            why = self.plain(f"{self.name}: {extracted.failure}" + (f"; {notes}" if notes else ""))
            cause = "no_goal_table" if kind == "status" else "no_initiatives"
            return WorkerOutcome("failed", kind, why, cause, extracted, used_ocr, repaired)
        reason = self.plain(f"{self.name}: {notes}") if notes else ""
        return WorkerOutcome("ok", kind, reason, "", extracted, used_ocr, repaired)


_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _container(path: Path) -> str:
    """ "zip", "ole" or "pdf": what the file's first bytes say it is (the name says nothing)."""
    with open(path, "rb") as f:
        head = f.read(8)
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    if head.startswith(_OLE):
        return "ole"
    return "pdf"


def _encrypted_office(path: Path) -> bool:
    """An OLE compound file holding an encrypted Office package (its EncryptionInfo and
    EncryptedPackage streams, named in UTF-16 in the file's directory)."""
    needle = "EncryptedPackage".encode("utf-16-le")
    tail = b""
    with open(path, "rb") as f:
        while block := f.read(1 << 20):
            if needle in tail + block:
                return True
            tail = block[-len(needle) :]  # a name cut by the block's end
    return False


class _NotCopied(Exception):
    def __init__(self, cause: Cause, why: str) -> None:
        super().__init__(why)
        self.cause, self.why = cause, why


def _own_copy(path: Path, workdir: Path, max_bytes: int) -> tuple[Path, str]:
    """The input copied into ``workdir`` through one descriptor that cannot block or follow a
    link, and the sha256 of exactly the bytes copied: what is read is what is hashed."""
    copy = workdir / "input.pdf"
    h = hashlib.sha256()
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError as e:
        raise _NotCopied("unreadable", f"the file cannot be opened ({e.strerror})") from e
    copied = 0
    try:
        with os.fdopen(fd, "rb") as source:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                raise _NotCopied("unreadable", "it is no longer a regular file")
            with open(copy, "wb") as target:
                for block in iter(lambda: source.read(1 << 20), b""):
                    copied += len(block)
                    if copied > max_bytes:  # it grew past the size limit since it was listed
                        raise _NotCopied("being_written", "the file grew while it was read")
                    h.update(block)
                    target.write(block)
    except OSError as e:
        if e.errno == errno.ENOSPC:
            raise _NotCopied("no_space", "the temp folder ran out of space") from e
        raise _NotCopied("unreadable", f"the file cannot be read ({e.strerror})") from e
    return copy, h.hexdigest()


def main(argv: list[str]) -> int:
    # The sha256 the run listed the file under is the parent's to compare (pipeline.ingest).
    path, name, _, workdir, result, memory_mb, seconds, max_pages, ocr, processes, max_mb = argv[
        :11
    ]
    vocabulary = argv[11] if len(argv) > 11 else ""
    _set_limits(int(memory_mb), float(seconds))
    try:
        own, read_sha256 = _own_copy(Path(path), Path(workdir), int(max_mb) << 20)
    except _NotCopied as e:
        outcome = WorkerOutcome("failed", "", f"{name}: {e.why}", e.cause)
    else:
        reader = _Reader(
            own, name, read_sha256, Path(workdir),
            memory_mb=int(memory_mb), seconds=float(seconds), max_pages=int(max_pages),
            ocr=ocr == "1", processes=int(processes),
            vocabulary=Path(vocabulary) if vocabulary else None,
        )  # fmt: skip
        try:
            outcome = reader.read()
        except MemoryError:
            outcome = reader.failed(
                "memory",
                f"reading it needed more than the memory limit of {memory_mb} MB (memory_mb)",
            )
        except RecursionError:
            outcome = reader.failed(
                "damaged", "its objects are nested too deeply (or in a loop) to read"
            )
        outcome.read_sha256 = read_sha256
    with open(result, "wb") as f:
        pickle.dump(outcome, f, protocol=pickle.HIGHEST_PROTOCOL)
    return 0


def forked_main(argv: list[str], stderr_path: str, environ: dict[str, str]) -> None:
    """A reader forked from the fork server: it takes the caller's environment (the server's is
    that of when it started), leads a session of its own, so the caller can kill it with
    everything it starts, and writes its stderr to ``stderr_path``; then ``main``."""
    enter_forked(argv[3], stderr_path, environ)  # WORKDIR
    code = main(argv)
    sys.stderr.flush()
    os._exit(code)


def enter_forked(workdir: str, stderr_path: str, environ: dict[str, str]) -> None:
    """What a child forked from the fork server does first (a PDF's reader, a decision file's):
    end with the run, lead a session of its own, take the caller's environment with
    ``workdir`` as its temp folder and working folder, and write its stderr to ``stderr_path``."""
    from pipeline.processes import RUN_PID_ENV, die_with_parent

    run_pid = environ.get(RUN_PID_ENV, "")
    die_with_parent(int(run_pid) if run_pid.isdigit() else None)  # ends with the fork server
    os.setsid()
    os.environ.clear()
    os.environ.update(environ, TMPDIR=workdir)  # whatever it or its programs write: in workdir
    tempfile.tempdir = None  # as the fork server computed it: computed again from TMPDIR
    fd = os.open(stderr_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.dup2(fd, 2)
    os.close(fd)
    sys.stderr = open(2, "w", encoding="utf-8", errors="replace", closefd=False)  # noqa: SIM115
    os.chdir(workdir)


if __name__ == "__main__":
    from pipeline.processes import die_with_parent

    die_with_parent()
    sys.exit(main(sys.argv[1:]))
