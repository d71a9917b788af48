"""The entries of the input folder, each with what a run does with it.

Every entry gets exactly one ``InputFile``, and so exactly one ingest_log row: regular files
(hashed, then read if they look like a PDF), and also folders, named pipes, sockets, devices and
links. Nothing is opened before ``lstat`` says it is a regular file (or a link to one), so a
pipe or a device can never block the run; a file is opened with ``O_NONBLOCK | O_NOFOLLOW`` and
checked again on its descriptor, in case it was swapped in between. A link is followed only
when its target is a regular file inside the input folder. A file larger than the size limit
is not hashed at all. Names are kept as the OS gives them (to open the file) and shown with
``pipeline.names.safe_name``.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pipeline.codes import Cause
from pipeline.errors import InputError, UsageError
from pipeline.names import safe_name

_PDF_MAGIC = b"%PDF-"
# A person's link decisions (pipeline.transform.overrides): optional, read from the input folder
# or, as the project ships it, from beside the input folder (next to input_pdfs/).
OVERRIDES_FILE = "goal_overrides.csv"
README_FILE = "README.md"
DECISION_SUFFIX = ".xlsx"
# Word documents the run reads (.docx) or names a reason for (.doc: save it as .docx or PDF).
WORD_SUFFIXES = frozenset({".docx", ".docm", ".dotx", ".doc"})
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass(frozen=True)
class InputFile:
    """One entry of the input folder. ``sha256`` is empty when it is not read (then ``status``,
    ``cause`` and ``reason`` say why); ``size`` and ``mtime_ns`` are as they were hashed."""

    path: Path
    sha256: str
    is_pdf: bool  # a PDF by its header or its name
    name: str = ""  # as shown (safe_name)
    status: str = ""  # "" = to be read; else the ingest_log status decided here
    cause: Cause | Literal[""] = ""
    reason: str = ""
    size: int = 0
    mtime_ns: int = 0
    kind: str = ""
    link: bool = False  # a link to a file of the folder: of the same bytes, the file is read
    is_word: bool = False  # a Word document (.docx, or .doc to be told to save as .docx) by its
    # name or its container (a ZIP or an OLE compound file): the reader decides what it holds

    @property
    def read_as_notat(self) -> bool:
        """Whether the run hands the file to the reader (a PDF or a Word document)."""
        return self.is_pdf or self.is_word

    @property
    def shown(self) -> str:
        return self.name or safe_name(self.path.name)


def _not_read(path: Path, status: str, cause: Cause, why: str, kind: str = "") -> InputFile:
    name = safe_name(path.name)
    return InputFile(path, "", False, name, status, cause, f"{name}: {why}", kind=kind)


def _what_it_is(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder (the files in it are not read; put them in the input folder itself)"
    if stat.S_ISFIFO(mode):
        return "a named pipe, not a file"
    if stat.S_ISSOCK(mode):
        return "a socket, not a file"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device, not a file"
    return "not a regular file"


def list_inputs(input_dir: Path, *, max_bytes: int) -> list[InputFile]:
    """Every entry of ``input_dir`` (sorted by name), hashed where it is to be read."""
    try:
        names = sorted(os.listdir(input_dir))
    except OSError as e:
        raise InputError(
            f"cannot read the input folder {input_dir}: {(e.strerror or str(e)).lower()}"
        ) from e
    root = Path(os.path.realpath(input_dir))
    return [_entry(input_dir / name, root, max_bytes) for name in names]


def _entry(path: Path, root: Path, max_bytes: int) -> InputFile:
    if path.name == README_FILE:
        return _not_read(
            path, "skipped", "instructions", "the input folder's instructions, not an input"
        )
    try:
        st = os.lstat(path)
    except OSError as e:
        return _not_read(path, "skipped", "unreadable", f"cannot be read ({e.strerror or e})")
    target = path
    if stat.S_ISLNK(st.st_mode):
        try:
            resolved = Path(os.path.realpath(path, strict=True))
        except (OSError, RuntimeError) as e:
            looping = isinstance(e, RuntimeError) or getattr(e, "errno", 0) == errno.ELOOP
            why = (
                "a link that points to itself (a loop)"
                if looping
                else ("a link to something that does not exist")
            )
            return _not_read(path, "skipped", "link", f"{why}; not followed")
        if resolved.parent != root and root not in resolved.parents:
            return _not_read(
                path, "skipped", "link", "a link to a file outside the input folder; not followed"
            )
        try:
            st = os.stat(resolved)
        except OSError as e:
            return _not_read(path, "skipped", "unreadable", f"cannot be read ({e.strerror or e})")
        if not stat.S_ISREG(st.st_mode):
            return _not_read(
                path, "skipped", "link", f"a link to {_what_it_is(st.st_mode)}; not followed"
            )
        target = resolved
    elif not stat.S_ISREG(st.st_mode):
        return _not_read(path, "skipped", "not_a_file", _what_it_is(st.st_mode))
    if st.st_size > max_bytes:
        return _not_read(path, "skipped", "too_large", (
            f"the file is {st.st_size / (1 << 20):,.0f} MB, more than the limit of "
            f"{max_bytes >> 20:,} MB (max_file_mb); it was not read"
        ))  # fmt: skip
    try:
        sha, head, st = _hash(target)
    except OSError as e:
        return _not_read(path, "skipped", "unreadable", f"cannot be read ({e.strerror or e})")
    except _NotRegular as e:
        return _not_read(path, "skipped", "not_a_file", str(e))
    if path.name == OVERRIDES_FILE or is_decision_workbook(path):  # decisions the run applies
        return InputFile(path, sha, False, safe_name(path.name), "ok", "", "", kind="decisions")
    is_pdf = _PDF_MAGIC in head or path.suffix.lower() == ".pdf"
    is_word = not is_pdf and (
        path.suffix.lower() in WORD_SUFFIXES or head.startswith((_ZIP_MAGIC, _OLE_MAGIC))
    )
    return InputFile(path, sha, is_pdf, safe_name(path.name), size=st.st_size,
                     mtime_ns=st.st_mtime_ns, link=target is not path, is_word=is_word)  # fmt: skip


class _NotRegular(Exception):
    pass


def _hash(path: Path) -> tuple[str, bytes, os.stat_result]:
    """sha256, first KB and the stat of the file, read through one descriptor that cannot block
    or follow a link swapped in after the check."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW | os.O_CLOEXEC)
    with os.fdopen(fd, "rb") as f:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise _NotRegular(_what_it_is(st.st_mode))
        h = hashlib.sha256()
        head = b""
        for block in iter(lambda: f.read(1 << 20), b""):
            if not head:
                head = block[:1024]
            h.update(block)
    return h.hexdigest(), head, st


def changed_since_hashed(f: InputFile) -> bool:
    """The file's size or modification time is not what it was when it was hashed."""
    try:
        st = os.stat(f.path)
    except OSError:
        return True
    return (st.st_size, st.st_mtime_ns) != (f.size, f.mtime_ns)


def is_decision_workbook(path: Path) -> bool:
    """A workbook in the input folder is the secretary's filled-in review workbook
    (afstemning_<date>.xlsx): decisions the run applies, not a document to read. Excel's own
    ``~$`` lock files are neither."""
    return path.suffix.lower() == DECISION_SUFFIX and not path.name.startswith("~$")


def decision_workbooks(files: list[InputFile]) -> list[Path]:
    """The review workbooks among the input folder's entries, in name order."""
    return sorted(f.path for f in files if f.kind == "decisions" and is_decision_workbook(f.path))


def overrides_file(input_dir: Path) -> Path | None:
    for folder in (input_dir, input_dir.resolve().parent):
        candidate = folder / OVERRIDES_FILE
        try:
            if candidate.is_file():
                return candidate
        except OSError:
            continue
    return None


def report_folders(
    input_dir: Path, output_dir: Path, overrides: Path | None
) -> tuple[Path, Path, Path | None]:
    """The input and output folders and the overrides file of a `report` run, checked (a
    ``UsageError`` says what is wrong); the overrides default to a goal_overrides.csv in the
    input folder or beside it."""
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
    return input_dir, output_dir, overrides
