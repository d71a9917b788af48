"""The output folder's safety: one run at a time, results staged and published by renames.

- ``output_lock`` holds ``OUTPUT/.lock`` for the run (an ``flock``, which the kernel releases
  when the run ends, however it ends). A second run is refused at once, naming the holder; a
  lock whose recorded holder has ended (its leftover children still letting go) is waited for a
  few seconds and taken over with a message.
- ``clear_leftovers`` removes what a killed run left (``.staging-*``, ``.old-tables-*``) and
  puts back the tables if it was killed between the two renames of the swap.
- ``publish`` moves the staged results into OUTPUT: one rename per file, ``tables/`` swapped as
  a whole. Until then nothing in OUTPUT has changed.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import logging
import os
import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

from pipeline.errors import RunLockedError, WriteError
from pipeline.processes import close_in_children, pid_alive, release_in_children
from pipeline.progress import RunSummary

log = logging.getLogger("pipeline")

TABLES_DIR = "tables"
CACHE_FILE = Path(".cache") / "extraction.sqlite"
LAST_RUN_FILE = Path(".cache") / "last_run.json"  # what the last complete run read and wrote
DATABASE_FILE = "statusdata.sqlite"
WORKBOOK_FILE = "statusdata.xlsx"
LOCK_FILE = ".lock"
STAGING_PREFIX = ".staging-"
OLD_TABLES_PREFIX = ".old-tables-"
# How long a lock whose holder has ended is waited for (its children end on their own).
STALE_LOCK_WAIT_SECONDS = 10.0

_REPORT_NAME = re.compile(
    r"^(statusrapport|statusskema|afstemning)_(\d{4}-\d{2}-\d{2})\.(docx|pdf|xlsx)$"
)


def _holder(fd: int) -> int:
    text = os.pread(fd, 32, 0).decode(errors="replace").strip()
    return int(text) if text.isdigit() else 0


@contextlib.contextmanager
def output_lock(output_dir: Path) -> Iterator[None]:
    """Hold ``OUTPUT/.lock`` for the run; refuse at once when a running run holds it."""
    path = output_dir / LOCK_FILE
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except OSError as e:
        raise WriteError(plain_os_error(e, "write into the output folder", output_dir)) from e
    held = False
    try:
        holder = _take(fd, output_dir)
        held = True
        if holder and holder != os.getpid():
            log.info(
                "took over the lock of %s from run pid %d, which had ended", output_dir, holder
            )
        try:
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        except OSError as e:
            e.filename = e.filename or str(path)
            raise WriteError(plain_os_error(e, "write into the output folder", output_dir)) from e
        close_in_children(fd)
        yield
    finally:
        if held:  # ended: a pid left in the file is a killed run's
            with contextlib.suppress(OSError):
                os.ftruncate(fd, 0)
        release_in_children(fd)
        os.close(fd)  # closing releases the lock; the file stays (removing it would race)


def _take(fd: int, output_dir: Path) -> int:
    """Lock ``fd``; return the pid the file named before (0 if none)."""
    deadline = None
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return _holder(fd)
        except BlockingIOError as e:
            holder = _holder(fd)
            if holder and pid_alive(holder):
                raise RunLockedError(
                    f"another run (pid {holder}) is writing to {output_dir}; "
                    "wait for it to finish and run again"
                ) from e
            # The run that holds it has ended; processes it left are still letting go.
            if deadline is None:
                log.info("run pid %s, which held %s, has ended: waiting for it to let go",
                         holder or "?", output_dir)  # fmt: skip
                deadline = time.monotonic() + STALE_LOCK_WAIT_SECONDS
            if time.monotonic() > deadline:
                raise RunLockedError(
                    f"the lock of {output_dir} is still held by processes of run pid "
                    f"{holder or '?'}, which has ended; wait a moment and run again"
                ) from e
            time.sleep(0.1)


def clear_leftovers(output_dir: Path) -> None:
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


def new_staging(output_dir: Path) -> Path:
    staging = output_dir / f"{STAGING_PREFIX}{os.getpid()}"
    staging.mkdir()
    return staging


def publish(staging: Path, output_dir: Path, reports: list[Path], summary: RunSummary) -> None:
    """Move the staged results into OUTPUT: each file by one atomic rename, tables/ swapped."""
    (output_dir / LAST_RUN_FILE).unlink(missing_ok=True)
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


def published_for(output_dir: Path, fingerprint: str) -> list[Path] | None:
    """The files the last run published, if it read exactly these inputs and they all stand."""
    try:
        last = json.loads((output_dir / LAST_RUN_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(last, dict) or last.get("fingerprint") != fingerprint:
        return None
    paths = [output_dir / name for name in last.get("published", [])]
    return paths if paths and all(p.exists() for p in paths) else None


def up_to_date(output_dir: Path, fingerprint: str) -> bool:
    """Whether the last complete run read exactly these inputs (``fingerprint``) and all it
    published still stands: then there is nothing to do, and the log says so."""
    published = published_for(output_dir, fingerprint)
    if published is None:
        return False
    log.info("Output is up to date (same input files, same pipeline): nothing to do.")
    for path in published:
        log.info("  %s", path)
    return True


def remember_run(output_dir: Path, fingerprint: str, summary: RunSummary) -> None:
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


@contextlib.contextmanager
def write_errors(what: str, where: Path) -> Iterator[None]:
    """An OSError inside (disk full, read-only, gone) raised as a ``WriteError`` of one plain
    line: 'cannot <what> <where>: …'."""
    try:
        yield
    except OSError as e:
        raise WriteError(plain_os_error(e, what, where)) from e


def plain_os_error(e: OSError, what: str, where: Path) -> str:
    """An OSError as one plain line naming the path: 'cannot write …: no space left on device'."""
    if e.errno == errno.ENOSPC:
        why = "no space left on the disk"
    elif e.errno == errno.EROFS:
        why = "the disk is read-only"
    elif e.errno in (errno.EACCES, errno.EPERM):
        why = "permission denied"
    else:
        why = (e.strerror or str(e)).lower()
    path = e.filename if isinstance(e.filename, str) else str(where)
    return f"cannot {what} {path}: {why}"
