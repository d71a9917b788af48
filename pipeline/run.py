"""The only module that calls more than one stage: input folder → extract → transform → write."""

from __future__ import annotations

import logging
from pathlib import Path

from pipeline.errors import ExtractError, UsageError
from pipeline.extract import extract_pdf
from pipeline.model import ExtractedDocument
from pipeline.tables import extraction_frames, write_csv

log = logging.getLogger("pipeline")


def run_extract(pdfs: list[Path], out_dir: Path) -> int:
    """`python -m pipeline extract`: tables of the given PDFs, no reconciliation. Returns exit code."""
    docs: list[ExtractedDocument] = []
    failed = 0
    for path in pdfs:
        if not path.is_file():
            raise UsageError(f"no such file: {path}")
        try:
            docs.append(extract_pdf(path))
            log.info("extracted %s", path.name)
        except ExtractError as e:
            failed += 1
            log.error("%s", e)
    for name, frame in extraction_frames(docs).items():
        write_csv(frame, out_dir / f"{name}.csv")
    return 0 if docs or not failed else 1


def run_report(input_dir: Path, output_dir: Path, *, workers: int | None = None) -> int:
    raise NotImplementedError  # being written (issues 4-7)
