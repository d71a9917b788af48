"""Command line edge: the only place that turns a PipelineError into a message and an exit code."""

from __future__ import annotations

import argparse
import contextlib
import gc
import logging
import os
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.errors import PipelineError, UsageError

if TYPE_CHECKING:
    from pipeline.hooks import RunHook
    from pipeline.stages import Stages


class _OneLineParser(argparse.ArgumentParser):
    """argparse, but a usage error is one plain line on stderr (CONTRACT.md: exit status)."""

    def error(self, message: str):
        self.exit(2, f"error: {message} (see 'python -m pipeline --help')\n")


def _parser() -> argparse.ArgumentParser:
    p = _OneLineParser(
        prog="python -m pipeline",
        description="Status reports on the health policy goals from the period's notat PDFs.",
    )
    sub = p.add_subparsers(dest="command", required=True, parser_class=_OneLineParser)
    ex = sub.add_parser("extract", help="extract PDFs into the normalized tables (CSV)")
    ex.add_argument("pdfs", nargs="+", type=Path, metavar="PDF")
    ex.add_argument("--out", required=True, type=Path, metavar="DIR")
    rp = sub.add_parser("report", help="extract, reconcile and write the reports for a folder")
    rp.add_argument("--input", required=True, type=Path, metavar="DIR")
    rp.add_argument("--output", required=True, type=Path, metavar="DIR")
    rp.add_argument(
        "--workers",
        type=int,
        default=None,
        metavar="N",
        help="extraction worker processes (default: number of cores)",
    )
    rp.add_argument(
        "--overrides",
        type=Path,
        default=None,
        metavar="FILE",
        help="link decisions (default: goal_overrides.csv in the input folder or beside it)",
    )
    for sp in (ex, rp):
        sp.add_argument("-q", "--quiet", action="store_true", help="only warnings and errors")
    return p


def _configure_logging(*, quiet: bool) -> None:
    """Progress and the summary go to stdout; stderr carries only warnings and errors, so a run
    that fails shows its reason there as one plain line (CONTRACT.md: exit status)."""
    for stream in (sys.stdout, sys.stderr):  # a path that is not UTF-8 is shown, not fatal
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(ValueError, OSError):
                reconfigure(errors="backslashreplace")
    to_stdout = logging.StreamHandler(sys.stdout)
    to_stdout.addFilter(lambda record: record.levelno < logging.WARNING)
    to_stderr = logging.StreamHandler(sys.stderr)
    to_stderr.setLevel(logging.WARNING)
    root = logging.getLogger()
    for handler in [h for h in root.handlers if getattr(h, "_pipeline_cli", False)]:
        root.removeHandler(handler)  # main() may run more than once in one process (tests)
    for handler in (to_stdout, to_stderr):
        handler.setFormatter(logging.Formatter("%(message)s"))
        handler._pipeline_cli = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    root.setLevel(logging.WARNING if quiet else logging.INFO)
    # The libraries' own chatter at INFO ("pikepdf C++ to Python logger bridge initialized") is
    # no progress of the run's: only their warnings reach the user.
    for library in ("pikepdf", "pdfminer", "fontTools", "PIL"):
        logging.getLogger(library).setLevel(logging.WARNING)


def main(
    argv: list[str] | None = None,
    *,
    stages: Stages | None = None,
    hooks: Iterable[RunHook] | None = None,
) -> int:
    """The command line ``argv``; ``stages`` and ``hooks``: the run's own instead of the real
    stages and the default hooks (a test's)."""
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:  # argparse already printed its one-line usage error
        return 2 if e.code else 0
    from pipeline import forkserver, processes

    with processes.stop_on_signals():  # Ctrl-C, SIGTERM: stopped within 2 s, exit 130 (143)
        try:
            # The fork server that readers are forked from imports the readers in a process of
            # its own: started before anything else (pipeline.forkserver imports only the
            # standard library), that overlaps with this process's own imports and its hashing
            # of the files.
            if forkserver.start():
                processes.adopt_multiprocessing_temp()  # its socket's folder goes with the run
            _configure_logging(quiet=args.quiet)
            return _run(args, stages, hooks)
        except BaseException as e:
            if processes.stopping() or isinstance(e, KeyboardInterrupt):
                return processes.say_stopped()
            return _failed(e)


def _run(args: argparse.Namespace, stages: Stages | None, hooks: Iterable[RunHook] | None) -> int:
    from pipeline import run  # imported late so `--help` stays fast
    from pipeline.stages import STAGES

    if args.command == "extract":
        return run.run_extract(args.pdfs, args.out, stages=stages or STAGES)
    if args.workers is not None and args.workers < 1:
        raise UsageError("--workers must be at least 1")
    return run.run_report(
        args.input,
        args.output,
        workers=args.workers,
        overrides=args.overrides,
        stages=stages or STAGES,
        hooks=hooks,
    )


def _failed(e: BaseException) -> int:
    """The one plain line and the exit status of a run that failed."""
    if isinstance(e, UsageError):
        print(f"error: {e}", file=sys.stderr)
        return 2
    if isinstance(e, PipelineError):
        print(f"error: {e}", file=sys.stderr)
        return 1
    if isinstance(e, OSError):  # the environment (disk full, permissions), never a traceback
        where = f" {e.filename}" if e.filename else " the disk"
        print(f"error: cannot use{where}: {(e.strerror or str(e)).lower()}", file=sys.stderr)
        return 1
    if not isinstance(e, Exception) or os.environ.get("PIPELINE_DEBUG"):
        raise e  # SystemExit and the like; a bug when debugging
    # a bug: still no traceback for the user, but keep it for us
    print(
        f"internal error: {e.__class__.__name__}: {e} (set PIPELINE_DEBUG=1 for details)",
        file=sys.stderr,
    )
    return 70


if __name__ == "__main__":
    status = main()
    # The garbage collector's last pass over everything a run loaded (pandas, reportlab, the
    # documents) takes over a second at exit and frees nothing the OS would not: skip it. Files,
    # atexit hooks and the rest of the shutdown run as usual.
    gc.freeze()
    sys.exit(status)
