"""The fork server that file readers are forked from, startable before anything heavy is imported.

A reader forked from it starts with the readers' modules (``PRELOAD``) already imported; the
server imports them in a process of its own. Starting it is the first thing a command that reads
files does, so those imports overlap with everything else the command does before it reads the
first file. This module imports only the standard library, so starting the server costs a few
milliseconds, not the hundred that importing ``pipeline.ingest`` does.
"""

from __future__ import annotations

import contextlib
import functools
import multiprocessing
import multiprocessing.context
import os
import sys
from collections.abc import Iterator

# What the fork server imports once, so that a forked reader starts with it loaded; the last
# one also lets the server itself end at once when the run does (``pipeline.ingest.served``).
PRELOAD = (
    "pikepdf",
    "pipeline.ingest.pdfcheck",
    "pipeline.extract",
    "pipeline.ingest.worker",
    "pipeline.ingest.served",
)

# Why there is no fork server ("" when there is one, or none was asked for yet).
unavailable_reason = ""


def start() -> bool:
    """Start the fork server, if this platform has one; it imports ``PRELOAD`` in the
    background. Safe to call more than once, from any thread. Returns whether readers will be
    forked."""
    return context() is not None


@functools.cache
def context() -> multiprocessing.context.BaseContext | None:
    """The started fork server's context, or None where readers start as new interpreters."""
    global unavailable_reason
    if _forking_reruns_main():
        unavailable_reason = "__main__ would run again in each reader"
        return None
    if "forkserver" not in multiprocessing.get_all_start_methods():
        unavailable_reason = "this platform has no fork server"
        return None
    from multiprocessing import forkserver

    try:
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(list(PRELOAD))
        with _stdio_detached():
            forkserver.ensure_running()
    except (OSError, ValueError) as e:
        unavailable_reason = str(e)
        return None
    return ctx


@contextlib.contextmanager
def _stdio_detached() -> Iterator[None]:
    """stdout and stderr on the null device while the server (and multiprocessing's resource
    tracker) starts, so they do not hold the run's: a caller that reads the run's output (a
    pipe, ``subprocess.run``) has it all when the run ends, not when the server has finished its
    imports and noticed. The readers write their stderr to a file of their own."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(AttributeError, OSError, ValueError):
            stream.flush()
    try:
        saved = [os.dup(1), os.dup(2)]
    except OSError:  # no stdout or stderr to protect
        yield
        return
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(null, 1)
        os.dup2(null, 2)
        yield
    finally:
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        for fd in (*saved, null):
            os.close(fd)


def _forking_reruns_main() -> bool:
    """Whether a process started through multiprocessing would run this one's ``__main__``
    again: it does for a script or a module other than a package's ``__main__`` (which may lack
    an ``if __name__ == "__main__"`` guard); not for ``python -m pipeline``, ``python -m pytest``
    or ``python -c``."""
    main = sys.modules.get("__main__")
    name = getattr(getattr(main, "__spec__", None), "name", None)
    if name is not None:
        return name != "__main__" and not name.endswith(".__main__")
    return getattr(main, "__file__", None) is not None
