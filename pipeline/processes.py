"""Process supervision: every process a run starts ends when the run ends, however it ends.

A run starts three kinds of children: the fork server (and the readers it forks, one per input
file), and with more than one worker two writer processes. A ``kill -9`` of the run gives none
of them a chance to be told, so each child asks the kernel to kill it when its parent goes
(Linux's parent-death signal, ``PR_SET_PDEATHSIG``), and checks once that the parent is still
there (it may have gone before the request was made). Where there is no such signal the child
watches its parent instead (a thread polling ``getppid``).

Forked writers inherit every descriptor of the run, the lock of the output folder among them:
they close the ones registered with ``close_in_children`` first, so a writer never holds the
lock. Temporary folders of the run live in one folder per run (``run_temp_root``), named by
the run's pid; a later run removes those whose run has ended.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import ctypes.util
import functools
import logging
import multiprocessing
import os
import re
import shutil
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path

log = logging.getLogger("pipeline")

_PR_SET_PDEATHSIG = 1
# The pid of the run (the process that started the children), for children forked from a fork
# server whose own parent is the fork server, not the run.
RUN_PID_ENV = "PIPELINE_RUN_PID"
_RUN_TEMP_PREFIX = "pipeline-run-"
_RUN_TEMP_NAME = re.compile(rf"^{_RUN_TEMP_PREFIX}(\d+)$")

_inherited_fds: set[int] = set()


@functools.cache
def _libc() -> ctypes.CDLL | None:
    if not sys.platform.startswith("linux"):
        return None
    # glibc's soname first: find_library runs ldconfig, a process per forked reader.
    for find in (lambda: "libc.so.6", lambda: ctypes.util.find_library("c")):
        name = find()
        if name:
            try:
                return ctypes.CDLL(name, use_errno=True)
            except OSError:
                continue
    return None


def pid_alive(pid: int) -> bool:
    """Whether a process with this pid exists (a zombie counts as ended)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as f:
            return f.read().rsplit(")", 1)[-1].split()[0] != "Z"
    except OSError:
        return True


def die_with_parent(run_pid: int | None = None) -> None:
    """Called first thing in a child: be killed (SIGKILL) when the parent ends.

    ``run_pid``: the run's pid, when the parent is a fork server. Such a child is handed the
    write end of the pipe whose closing tells the fork server that the run has ended; holding
    it would keep the fork server, and so this child, alive for ever: it is closed here. (No
    thread watches the run as well: a reader's threads would share its memory limit.)"""
    if run_pid is not None:
        _let_go_of_the_fork_server()
    parent = os.getppid()
    libc = _libc()
    signalled = libc is not None and libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
    gone = os.getppid() != parent or parent == 1 or (run_pid is not None and not pid_alive(run_pid))
    if gone:
        os._exit(1)
    if not signalled:  # no parent-death signal here: a thread watches instead
        _watch_parent(parent, run_pid)


def _let_go_of_the_fork_server() -> None:
    from multiprocessing import forkserver

    server = getattr(forkserver, "_forkserver", None)
    fd = getattr(server, "_forkserver_alive_fd", None)
    if isinstance(fd, int):
        with contextlib.suppress(OSError):
            os.close(fd)
        server._forkserver_alive_fd = None  # type: ignore[union-attr]


def _watch_parent(parent: int, run_pid: int | None) -> None:
    def watch() -> None:
        while os.getppid() == parent and (run_pid is None or pid_alive(run_pid)):
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="watch-parent", daemon=True).start()


def close_in_children(fd: int) -> None:
    """Register a descriptor (the output folder's lock) that forked children must not hold."""
    _inherited_fds.add(fd)


def release_in_children(fd: int) -> None:
    _inherited_fds.discard(fd)


def _writer_started(run_pid: int, fds: tuple[int, ...]) -> None:
    for fd in fds:
        with contextlib.suppress(OSError):
            os.close(fd)
    die_with_parent(run_pid)


# --------------------------------------------------------------------------- writer processes


class InThisProcess:
    """The executor interface, running the call here (one worker: nothing runs beside it)."""

    def submit(self, fn, *args) -> Future:
        future: Future = Future()
        try:
            future.set_result(fn(*args))
        except BaseException as e:
            future.set_exception(e)
        return future


@contextlib.contextmanager
def writer_processes(workers: int) -> Iterator[ProcessPoolExecutor | InThisProcess]:
    """Where the reports and the workbook are written: here with one worker, else in two
    processes beside this one, which end with it and never hold its lock."""
    if workers < 2:
        yield InThisProcess()
        return
    # fork: the children have the writers' modules loaded already (see run._preload_writers)
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    with ProcessPoolExecutor(
        max_workers=2,
        mp_context=multiprocessing.get_context(method),
        initializer=_writer_started,
        initargs=(os.getpid(), tuple(sorted(_inherited_fds))),
    ) as pool:
        yield pool


# --------------------------------------------------------------------------- temporary folders


@functools.cache
def run_temp_root() -> Path:
    """This run's own folder for temporary files (repaired, decrypted, OCR'd copies), in the
    system's temp folder; made on first use. Runs that ended without removing theirs are
    cleared here."""
    base = Path(tempfile.gettempdir())
    sweep_ended_runs(base)
    root = base / f"{_RUN_TEMP_PREFIX}{os.getpid()}"
    root.mkdir(mode=0o700, exist_ok=True)
    owner = os.getpid()
    atexit.register(lambda: os.getpid() == owner and shutil.rmtree(root, ignore_errors=True))
    return root


def sweep_ended_runs(base: Path | None = None) -> None:
    """Remove the temp folders of runs whose process has ended (a run killed with -9), in
    ``base`` (default: the system's temp folder)."""
    base = base if base is not None else Path(tempfile.gettempdir())
    try:
        names = os.listdir(base)
    except OSError:
        return
    for name in names:
        match = _RUN_TEMP_NAME.match(name)
        if match and int(match.group(1)) != os.getpid() and not pid_alive(int(match.group(1))):
            path = base / name
            with contextlib.suppress(OSError):
                if path.stat().st_uid == os.getuid():
                    shutil.rmtree(path, ignore_errors=True)
                    log.debug("removed %s left by a run that ended", path)
