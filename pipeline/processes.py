"""Process supervision: every process a run starts ends when the run ends, however it ends.

A run starts three kinds of children: the fork server (and the readers it forks, one per input
file), and with more than one worker two writer processes. A ``kill -9`` of the run gives none
of them a chance to be told, so each child asks the kernel to kill it when its parent goes
(Linux's parent-death signal, ``PR_SET_PDEATHSIG``), and checks once that the parent is still
there (it may have gone before the request was made). Where there is no such signal the child
watches its parent instead (a thread polling ``getppid``).

Forked writers inherit every descriptor of the run, the lock of the output folder among them:
they close the ones registered with ``close_in_children`` first, so a writer never holds the
lock. Temporary files of the run live in one folder per run (``run_temp_root``), named by the
run's pid: each reader's temp folder (``TMPDIR``, for the programs it runs too) is a folder in
it, the writers write their parts into the staging folder, and the one folder multiprocessing
makes in the system's temp folder is linked from it (``adopt_multiprocessing_temp``); so nothing
of a run is left in the temp folder when it ends, and a later run removes what a killed one left.

Ctrl-C (SIGINT) or SIGTERM stops a run within two seconds, whatever it is doing
(``stop_on_signals``): the readers run in sessions of their own, where a terminal's Ctrl-C does
not reach them, so a thread that wakes on the signal ends every reader's process group and every
writer at once, while the run's own thread unwinds (KeyboardInterrupt) and removes what it
staged. The renames that publish the output are never cut in two (``not_interrupted``). Should
the unwinding not be done in time (a long call into a C library), the thread ends the process.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import functools
import logging
import multiprocessing
import multiprocessing.util
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
# A stopped run that has not ended this long after the signal is ended from its watching thread
# (the whole stop must take under two seconds: the process and everything it started gone).
_HARD_STOP_SECONDS = 1.2
# The exit status and the one line of a run stopped by each signal.
STOP_SIGNALS = {
    signal.SIGINT: (130, "interrupted"),
    signal.SIGTERM: (143, "stopped (SIGTERM)"),
}
_STOP_NOTE = "the run was stopped; the output folder holds the last complete run's output"
# The pid of the run (the process that started the children), for children forked from a fork
# server whose own parent is the fork server, not the run.
RUN_PID_ENV = "PIPELINE_RUN_PID"
_RUN_TEMP_PREFIX = "pipeline-run-"
_RUN_TEMP_NAME = re.compile(rf"^{_RUN_TEMP_PREFIX}(\d+)$")
_ADOPTED = "adopted-"  # a link in the run's temp folder to a folder multiprocessing made
_MP_TEMP_NAME = re.compile(r"^pymp-[a-z0-9_]+$")

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
    # A terminal's Ctrl-C reaches the writers too (they share the run's process group): the run
    # ends them itself, without a traceback of theirs on its stderr. The run's own handlers and
    # the pipe its watching thread wakes on are not theirs.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.set_wakeup_fd(-1)
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
    # fork: the children have the writers' modules loaded already (see hooks.PreloadWriters)
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    with (
        ProcessPoolExecutor(
            max_workers=2,
            mp_context=multiprocessing.get_context(method),
            initializer=_writer_started,
            initargs=(os.getpid(), tuple(sorted(_inherited_fds))),
        ) as pool,
        _held(_stop.writer_pools, pool),
    ):
        yield pool


# --------------------------------------------------------------------------- temporary folders


@functools.cache
def system_temp_dir() -> Path:
    """The system's temp folder (``TMPDIR``): the folder to name when temp space runs out."""
    return Path(tempfile.gettempdir())


@functools.cache
def run_temp_root() -> Path:
    """This run's own folder for temporary files (repaired, decrypted, OCR'd copies; each
    reader's temp folder is a folder in it), in the system's temp folder; made on first use.
    Runs that ended without removing theirs are cleared here."""
    base = system_temp_dir()
    sweep_ended_runs(base)
    root = base / f"{_RUN_TEMP_PREFIX}{os.getpid()}"
    root.mkdir(mode=0o700, exist_ok=True)
    # Removed at exit after multiprocessing has removed its own folders (at priority -100), which
    # may stand in it: before, their removal would fail loudly. Not in a forked child.
    multiprocessing.util.Finalize(
        None, shutil.rmtree, args=(root,), kwargs={"ignore_errors": True}, exitpriority=-101
    )
    return root


def adopt_multiprocessing_temp() -> None:
    """multiprocessing keeps the fork server's socket in a folder of its own (``pymp-*``) in the
    system's temp folder, removed at a normal exit only: a link to it in the run's own folder
    lets the next run remove it when this one is killed (``sweep_ended_runs``), and a stop
    remove it (its socket path must stay short, so it cannot live in the run's folder)."""
    folder = multiprocessing.process.current_process()._config.get("tempdir")  # made yet?
    if not folder:
        return
    try:
        os.symlink(folder, run_temp_root() / f"{_ADOPTED}{Path(folder).name}")
    except OSError as e:
        log.debug("could not note %s in the run's temp folder: %s", folder, e)
        return
    _stop.remove_on_stop.add(Path(folder))


def _remove_run_folder(path: Path, base: Path) -> None:
    """A run's temp folder and the folders of multiprocessing it adopted."""
    for link in path.glob(f"{_ADOPTED}*"):
        with contextlib.suppress(OSError):
            target = Path(os.readlink(link))
            if target.parent == base and _MP_TEMP_NAME.match(target.name):
                shutil.rmtree(target, ignore_errors=True)
    shutil.rmtree(path, ignore_errors=True)


def sweep_ended_runs(base: Path | None = None) -> None:
    """Remove the temp folders of runs whose process has ended (a run killed with -9), in
    ``base`` (default: the system's temp folder)."""
    base = base if base is not None else system_temp_dir()
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
                    _remove_run_folder(path, base)
                    log.debug("removed %s left by a run that ended", path)


# --------------------------------------------------------------------------- stopping


class _Stop:
    """What a signal asked for, shared by the run's thread and the watching thread."""

    def __init__(self) -> None:
        self.requested = threading.Event()
        self.signum = 0
        self.raised = False  # the run's thread was interrupted (KeyboardInterrupt)
        self.deferring = False  # inside ``not_interrupted``
        self.deferred = False  # a signal came while publishing: raised after it
        self.said = threading.Lock()  # held by whoever prints the one line
        self.publishing = threading.Lock()
        self.reader_groups: set[int] = set()
        self.writer_pools: set[ProcessPoolExecutor] = set()
        self.remove_on_stop: set[Path] = set()


_stop = _Stop()


@contextlib.contextmanager
def _held(registry: set, item: object) -> Iterator[None]:
    """``item`` in ``registry`` (what a stop ends or removes) for the length of the block."""
    registry.add(item)
    try:
        yield
    finally:
        registry.discard(item)


def stopping() -> bool:
    """Whether the run has been asked to stop (Ctrl-C, SIGTERM): start nothing new."""
    return _stop.requested.is_set()


def stop_status() -> tuple[int, str]:
    """The exit status and the one line of a stopped run."""
    code, what = STOP_SIGNALS.get(signal.Signals(_stop.signum or signal.SIGINT), (130, "stopped"))
    return code, f"{what}: {_STOP_NOTE}"


def say_stopped(stream=None) -> int:
    """Print the stopped run's one line (once, whoever comes first) and return its status."""
    code, line = stop_status()
    if _stop.said.acquire(blocking=False):
        with contextlib.suppress(OSError, ValueError):
            print(line, file=stream or sys.stderr, flush=True)
    return code


def kill_group(pid: int, *, or_alone: bool = False) -> None:
    """SIGKILL to a process group: a reader, and whatever it started (tesseract, ghostscript).
    ``or_alone``: to the process alone when it leads no group yet (a reader just started, on a
    stop; not otherwise, where its pid may already be another's)."""
    try:
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        if or_alone:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
    except PermissionError:
        pass


@contextlib.contextmanager
def reader_group(pid: int) -> Iterator[None]:
    """Hold a reader's process group (a session of its own) for the length of its reading: a
    stop ends it at once. (Added before ``stopping`` is looked at, and a stop sets it before
    it ends the groups it holds: no reader started at that moment escapes both.)"""
    with _held(_stop.reader_groups, pid):
        if stopping():
            kill_group(pid, or_alone=True)
        yield


@contextlib.contextmanager
def removed_on_stop(path: Path) -> Iterator[Path]:
    """A folder of the run's own (the staging folder) that a hard stop removes before the
    process ends; the run's thread removes it itself otherwise."""
    with _held(_stop.remove_on_stop, path):
        yield path


@contextlib.contextmanager
def not_interrupted() -> Iterator[None]:
    """A step a stop must not cut in two (publishing the output by renames): a signal that
    comes during it is acted on when it is done."""
    if stopping():
        raise KeyboardInterrupt
    with _stop.publishing:
        _stop.deferring = True
        try:
            yield
        finally:
            _stop.deferring = False
    if _stop.deferred:
        _stop.raised = True
        raise KeyboardInterrupt


def _end_children() -> None:
    """SIGKILL to every reader's group and every writer (by pid: the run's thread reaps them)."""
    for pid in list(_stop.reader_groups):
        kill_group(pid, or_alone=True)
    for pool in list(_stop.writer_pools):
        for pid in list(getattr(pool, "_processes", None) or ()):  # the executor's own record
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)


def _on_signal(signum: int, frame) -> None:
    """The run's thread: unwind (KeyboardInterrupt), once; the watching thread does the rest."""
    _stop.signum = _stop.signum or signum
    _stop.requested.set()
    if _stop.deferring:
        _stop.deferred = True
        return
    if not _stop.raised:
        _stop.raised = True
        raise KeyboardInterrupt


def _watch(read_fd: int) -> None:
    """Wakes on every signal, even while the run's thread is inside a long C call: ends every
    child at once and, if the process is still there after ``_HARD_STOP_SECONDS``, ends it."""
    with os.fdopen(read_fd, "rb", buffering=0) as wakeups:
        while True:
            try:
                data = wakeups.read(64)
            except OSError:
                return
            if not data:  # the run is done
                return
            signums = [s for s in data if s in STOP_SIGNALS]
            if signums:
                break
    _stop.signum = _stop.signum or signums[0]
    _stop.requested.set()
    started = time.monotonic()
    _end_children()
    time.sleep(max(0.0, _HARD_STOP_SECONDS - (time.monotonic() - started)))
    _end_children()
    _stop.publishing.acquire()  # never between the renames that publish the output
    for path in list(_stop.remove_on_stop):
        shutil.rmtree(path, ignore_errors=True)
    with contextlib.suppress(OSError):
        shutil.rmtree(run_temp_root(), ignore_errors=True)
    os._exit(say_stopped())  # (multiprocessing's folder is among remove_on_stop)


@contextlib.contextmanager
def stop_on_signals() -> Iterator[None]:
    """For the command line (main thread): Ctrl-C and SIGTERM stop the run within two seconds,
    with every process it started; the run's thread gets a KeyboardInterrupt."""
    if threading.current_thread() is not threading.main_thread():  # signals are the main's
        yield
        return
    read_fd, write_fd = os.pipe()
    os.set_blocking(write_fd, False)
    previous_fd = signal.set_wakeup_fd(write_fd, warn_on_full_buffer=False)
    previous = {s: signal.signal(s, _on_signal) for s in STOP_SIGNALS}
    watcher = threading.Thread(target=_watch, args=(read_fd,), name="watch-signals", daemon=True)
    watcher.start()
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
        signal.set_wakeup_fd(previous_fd)
        if not stopping():  # the watcher sees the pipe close and ends; if stopping, it waits
            os.close(write_fd)
