"""Command line edge: the only place that turns a PipelineError into a message and an exit code."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from pipeline.errors import PipelineError, UsageError


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
    for sp in (ex, rp):
        sp.add_argument("-q", "--quiet", action="store_true", help="only warnings and errors")
    return p


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:  # argparse already printed its one-line usage error
        return 2 if e.code else 0
    logging.basicConfig(
        level=logging.WARNING if args.quiet else logging.INFO,
        format="%(message)s",
        stream=sys.stderr,
    )
    from pipeline import run  # imported late so `--help` stays fast

    try:
        if args.command == "extract":
            return run.run_extract(args.pdfs, args.out)
        if args.workers is not None and args.workers < 1:
            raise UsageError("--workers must be at least 1")
        return run.run_report(args.input, args.output, workers=args.workers)
    except UsageError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except PipelineError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as e:  # a bug: still no traceback for the user, but keep it for us
        if os.environ.get("PIPELINE_DEBUG"):
            raise
        print(
            f"internal error: {e.__class__.__name__}: {e} (set PIPELINE_DEBUG=1 for details)",
            file=sys.stderr,
        )
        return 70


if __name__ == "__main__":
    sys.exit(main())
