"""Reading a person's decision files, within limits: the filled-in review workbooks
(``afstemning_<date>.xlsx``) and ``goal_overrides.csv``.

What a row says is not decided here (``pipeline.transform.overrides`` does that): this module
turns the file's bytes into ``DecisionRow`` records, and says in plain words, English for
ingest_log.csv and Danish for *Kontrol*, what could not be read. It is shared plumbing, not a
stage: ``pipeline.ingest`` runs it in a child process under the limits of ``Limits`` (memory,
time), and ``pipeline.transform`` for a path handed to ``reconcile`` (tests, scripts).

Bounds, so no file can bloat or stop a run: the file's size (``max_file_mb``) before it is read;
for a workbook the sizes its ZIP directory declares for its parts, in sum (``max_inflated_mb``),
before any part is inflated (Python's zipfile never inflates a part past its declared size);
the rows of a sheet or lines of a CSV file (``max_decision_rows``) and the cells parsed
(``max_cells``) as they are read. A file over a bound is not used at all. A workbook's XML is
parsed by expat, which refuses entity expansion beyond a small factor and never fetches an
external entity: such XML, like any damage, makes the file unreadable, never the run.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import stat
import zipfile
from pathlib import Path

from pipeline.codes import Cause, decision_file_unread
from pipeline.limits import Limits
from pipeline.model import DecisionFile, DecisionRow
from pipeline.vocabulary import REVIEW_DECISION, REVIEW_SHEET, REVIEW_WORDING_A, REVIEW_WORDING_B

__all__ = ["read_decision_file", "unread_decision_file"]

# A cell longer than this is no goal wording (the longest of the notats is about 300 characters):
# the row is not a decision, and its text is not carried on into Kontrol.
MAX_WORDING_CHARS = 2000
_HEADER = ("action", "wording_a", "wording_b")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an encrypted .xlsx or an old .xls
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")


class _Unread(Exception):
    """The file is not used: ``cause``, ``why`` (English), and the ``variant`` and ``details``
    of the cause's Danish wording for a decision file (``pipeline.codes.CAUSES``)."""

    def __init__(self, cause: Cause, why: str, variant: str = "", **details: object) -> None:
        super().__init__(why)
        self.cause, self.why, self.variant, self.details = cause, why, variant, details


def unread_decision_file(
    name: str, sha256: str, kind: str, cause: Cause, why: str, variant: str = "",
    details: dict[str, object] | None = None, status="failed",
) -> DecisionFile:  # fmt: skip
    """A decision file that is not used, with its reason in English (``why``) and in Danish
    (``cause``'s wording for a decision file, of ``variant`` with ``details``; by default the
    cause's text)."""
    return DecisionFile(
        name, sha256, kind,  # type: ignore[arg-type]
        problems=((0, decision_file_unread(cause, variant, **(details or {}))),),
        status=status, cause=cause, reason=f"{name}: {why}; its decisions were not used",
    )  # fmt: skip


def read_decision_file(path: Path, name: str = "", limits: Limits | None = None) -> DecisionFile:
    """The rows of a decision file (a workbook by its ``.xlsx`` name, else goal_overrides.csv),
    or why it cannot be used; never raises for what the file holds."""
    limits = limits or Limits()
    name = name or path.name
    kind = "workbook" if path.suffix.lower() == ".xlsx" else "overrides"
    sha256 = ""
    try:
        data = _bytes(path, limits.max_file_mb << 20)
        sha256 = hashlib.sha256(data).hexdigest()
        if kind == "workbook":
            rows, problems = _workbook_rows(data, limits)
        else:
            rows, problems = _override_rows(data, limits)
    except _Unread as e:
        return unread_decision_file(name, sha256, kind, e.cause, e.why, e.variant, e.details)
    return DecisionFile(name, sha256, kind, tuple(rows), tuple(problems))  # type: ignore[arg-type]


def _bytes(path: Path, max_bytes: int) -> bytes:
    """The file's bytes, through one descriptor that cannot block or follow a link."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError as e:
        raise _Unread("unreadable", f"cannot be opened ({e.strerror})", "unopened") from e
    with os.fdopen(fd, "rb") as f:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise _Unread("unreadable", "not a regular file", "not_regular")
        data = f.read(max_bytes + 1)
    if len(data) > max_bytes:
        mb = max_bytes >> 20
        raise _Unread("too_large", f"larger than the limit of {mb:,} MB (max_file_mb)", mb=_n(mb))
    return data


# --------------------------------------------------------------------------- workbooks


def _workbook_rows(data: bytes, limits: Limits) -> tuple[list[DecisionRow], list]:
    book = _open_workbook(data, limits)
    try:
        return _review_rows(book, limits)
    except _Unread:
        raise
    except MemoryError:
        raise
    except Exception as e:  # openpyxl and expat raise many kinds on damaged or hostile XML
        raise _damaged(e) from e
    finally:
        book.close()


def _damaged(e: Exception) -> _Unread:
    detail = f"{e.__class__.__name__}: {str(e).splitlines()[0][:120]}" if str(e) else ""
    return _Unread(
        "damaged",
        f"the workbook is damaged or holds XML that is not allowed ({detail or e.__class__.__name__})",
    )


def _open_workbook(data: bytes, limits: Limits):
    if data.startswith(_OLE_MAGIC):
        if _ENCRYPTED_PACKAGE in data[: 1 << 20] or _ENCRYPTED_PACKAGE in data[-(1 << 20) :]:
            raise _Unread(
                "password",
                "the workbook is password protected (encrypted); save it without a password",
            )
        raise _Unread(
            "not_a_workbook",
            "an old Excel workbook (.xls) or another Office file, not an .xlsx workbook",
            "old_format",
        )
    if not data.startswith(b"PK\x03\x04"):
        what = "a PDF" if data.lstrip()[:5] == b"%PDF-" else "not a ZIP container"
        raise _Unread("not_a_workbook", f"not an Excel workbook ({what})")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError) as e:
        raise _damaged(e) from e
    declared = sum(max(0, info.file_size) for info in archive.infolist())
    if declared > limits.max_inflated_mb << 20:
        raise _Unread(
            "bomb",
            f"its parts inflate to {declared / (1 << 20):,.0f} MB, more than the limit of "
            f"{limits.max_inflated_mb:,} MB (max_inflated_mb)",
            mb=_n(declared / (1 << 20)),
            limit=_n(limits.max_inflated_mb),
        )
    from openpyxl import load_workbook  # only for a workbook

    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except MemoryError:
        raise
    except Exception as e:
        raise _damaged(e) from e


class _Budget:
    """Rows and cells read so far, against the limits."""

    def __init__(self, limits: Limits) -> None:
        self.limits, self.cells = limits, 0

    def spend(self, cells: int) -> None:
        self.cells += cells
        if self.cells > self.limits.max_cells:
            raise _Unread(
                "too_many_cells",
                f"more than {self.limits.max_cells:,} cells (max_cells)",
                limit=_n(self.limits.max_cells),
            )


def _review_rows(book, limits: Limits) -> tuple[list[DecisionRow], list]:
    """The filled-in rows under the review header, of the review sheet or the first sheet that
    has the header."""
    budget = _Budget(limits)
    wanted = (REVIEW_WORDING_A, REVIEW_WORDING_B, REVIEW_DECISION)
    names = [REVIEW_SHEET, *(n for n in book.sheetnames if n != REVIEW_SHEET)]
    for name in names:
        if name not in book.sheetnames:
            continue
        sheet = book[name]
        sheet.reset_dimensions()  # what the rows hold, not what <dimension> claims they hold
        rows = sheet.iter_rows(values_only=True)
        header = next(rows, None) or ()
        budget.spend(len(header))
        cells = [str(c).strip() if c is not None else "" for c in header]
        if not all(w in cells for w in wanted):
            continue
        at = [cells.index(w) for w in wanted]
        decided, problems = [], []
        for row_no, row in enumerate(rows, start=2):
            budget.spend(len(row))
            if row_no - 1 > limits.max_decision_rows:
                raise _Unread(
                    "too_many_rows",
                    f"more than {limits.max_decision_rows:,} rows (max_decision_rows)",
                    "rows",
                    limit=_n(limits.max_decision_rows),
                )
            text_a, text_b, action = (row[i] if i < len(row) else None for i in at)
            if action is None or not str(action).strip():
                continue  # no decision taken in this row
            row_problem = _too_long(text_a, text_b, action)
            if row_problem:
                problems.append((row_no, f"Række {row_no}: {row_problem}"))
                continue
            decided.append(DecisionRow(row_no, _text(action), _text(text_a), _text(text_b)))
        return decided, problems
    raise _Unread(
        "not_decisions",
        "no sheet with the columns of a review workbook "
        f"({REVIEW_WORDING_A}, {REVIEW_WORDING_B}, {REVIEW_DECISION})",
        wording_a=REVIEW_WORDING_A,
        wording_b=REVIEW_WORDING_B,
        decision=REVIEW_DECISION,
    )


def _n(number: float) -> str:
    """A number as Danish writes it: 20.000, 3.072."""
    return f"{round(number):,}".replace(",", ".")


def _text(value: object) -> str:
    return " ".join(str(value).split()) if value is not None else ""


def _too_long(*values: object) -> str:
    """Danish: why a row whose cell is longer than any goal wording is no decision; "" if none."""
    longest = max((len(str(v)) for v in values if v is not None), default=0)
    if longest <= MAX_WORDING_CHARS:
        return ""
    return (
        f"en celle har {_n(longest)} tegn, flere end nogen målformulering "
        f"(højst {_n(MAX_WORDING_CHARS)}); rækken er ikke brugt."
    )


# --------------------------------------------------------------------------- goal_overrides.csv


def _override_rows(data: bytes, limits: Limits) -> tuple[list[DecisionRow], list]:
    """The lines of goal_overrides.csv as rows: blank lines and ``#`` comments skipped, the
    header skipped; a line that is no CSV line of three fields is a problem, not a row."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise _Unread("encoding", f"not UTF-8 text (byte {e.start:,}); save it as CSV UTF-8") from e
    lines = text.splitlines()
    counted = sum(1 for line in lines if line.strip() and not line.lstrip().startswith("#"))
    if counted > limits.max_decision_rows:
        raise _Unread(
            "too_many_rows",
            f"{counted:,} lines, more than the limit of {limits.max_decision_rows:,} "
            "(max_decision_rows)",
            "lines",
            count=_n(counted),
            limit=_n(limits.max_decision_rows),
        )
    rows, problems = [], []
    for line_no, line in enumerate(lines, start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        where = f"Linje {line_no}"
        if len(line) > 3 * MAX_WORDING_CHARS + 100:
            problems.append((line_no, f"{where}: linjen har {_n(len(line))} tegn, flere end tre "
                                      "målformuleringer kan have; linjen er ikke brugt."))  # fmt: skip
            continue
        try:
            cells = next(csv.reader(io.StringIO(line), strict=True))
        except csv.Error as e:
            problems.append(
                (line_no, f"{where}: ikke en gyldig CSV-linje ({e}); linjen er ikke brugt.")
            )
            continue
        cells = [c.strip() for c in cells]
        if tuple(c.casefold() for c in cells) == _HEADER:
            continue
        if len(cells) != 3:
            problems.append((line_no, f"{where}: der skal stå tre felter "
                                      f"(handling,formulering_a,formulering_b), ikke {len(cells)}; "
                                      "linjen er ikke brugt."))  # fmt: skip
            continue
        too_long = _too_long(*cells)
        if too_long:
            problems.append((line_no, f"{where}: {too_long.replace('rækken', 'linjen')}"))
            continue
        rows.append(DecisionRow(line_no, cells[0], cells[1], cells[2]))
    return rows, problems
