"""Named hooks at the points of a `report` run (kedro's hooks): what makes a run faster without
changing what it writes, kept out of the runner.

``run_report`` calls every hook it is given at each point, in order (``Hooks``); by default
those of ``default_hooks()``. A test adds its own (a pause at a point, to kill the run there)
or leaves one out.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import logging
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path

log = logging.getLogger("pipeline")


class RunHook:
    """The points of a run a hook can act at; each does nothing unless a hook says otherwise."""

    def before_reading(self) -> None:
        """The input folder is listed and the output is not up to date: files are read next."""

    def after_reading(self) -> None:
        """Every file and decision file is read; nothing is settled or linked yet."""

    def before_writing(self, staging: Path) -> None:
        """Reconciling and writing into ``staging`` begins."""

    def tables_written(self, staging: Path) -> None:
        """The tables are in ``staging``; the writer processes may still be writing."""

    def staged(self, staging: Path) -> None:
        """Everything is in ``staging``; nothing is published yet."""

    def after_writing(self) -> None:
        """Published, or given up (also when writing failed or the run was stopped)."""


class StartReaders(RunHook):
    """Start the fork server the readers are forked from (``ingest.start_fork_server``): it
    imports the readers while the extraction cache is looked up."""

    def before_reading(self) -> None:
        from pipeline import ingest

        ingest.start_fork_server()


class PreloadWriters(RunHook):
    """Import transform and the writers (about 1.5 s: pandas, pandera, reportlab, python-docx)
    in a thread while the files are read, when this process mostly waits for its children; the
    writer processes, forked later, start with them loaded."""

    MODULES = (
        "pipeline.tables",
        "pipeline.transform",
        "pipeline.write",
        "pipeline.write.database",
        "pipeline.write.docx_report",
        "pipeline.write.pdf_report",
    )

    def __init__(self) -> None:
        self._thread: threading.Thread | None = None

    def before_reading(self) -> None:
        self._thread = threading.Thread(target=self._load, name="preload-writers", daemon=True)
        self._thread.start()

    def after_reading(self) -> None:
        if self._thread is not None:
            self._thread.join()

    def _load(self) -> None:
        for name in self.MODULES:
            try:
                importlib.import_module(name)
            except Exception:  # the stage that needs it will import it again and say why
                log.debug("preloading %s failed", name, exc_info=True)


class FreezeLoaded(RunHook):
    """Reconciling and writing allocate a great many short-lived objects; each of Python's
    garbage collections would also walk everything loaded so far (the libraries, every
    document), which costs a third of the reconciliation. Those stay alive for the run anyway,
    so they are set aside from the collector (``gc.freeze``) until the outputs are written."""

    def before_writing(self, staging: Path) -> None:
        gc.freeze()

    def after_writing(self) -> None:
        gc.unfreeze()


def default_hooks() -> tuple[RunHook, ...]:
    """The hooks of a run from the command line, new for each run (a hook may hold state)."""
    return (StartReaders(), PreloadWriters(), FreezeLoaded())


class Hooks:
    """The hooks of one run, called at each point in the order they were given."""

    def __init__(self, hooks: Iterable[RunHook]) -> None:
        self._hooks = tuple(hooks)

    def before_reading(self) -> None:
        for hook in self._hooks:
            hook.before_reading()

    def after_reading(self) -> None:
        for hook in self._hooks:
            hook.after_reading()

    def tables_written(self, staging: Path) -> None:
        for hook in self._hooks:
            hook.tables_written(staging)

    def staged(self, staging: Path) -> None:
        for hook in self._hooks:
            hook.staged(staging)

    @contextlib.contextmanager
    def writing(self, staging: Path) -> Iterator[None]:
        """``before_writing`` on entry, ``after_writing`` on the way out, however it is left."""
        for hook in self._hooks:
            hook.before_writing(staging)
        try:
            yield
        finally:
            for hook in self._hooks:
                hook.after_writing()
