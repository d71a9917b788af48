"""Text for scanned pages: ocrmypdf with tesseract's Danish model, run as a subprocess."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from functools import cache
from pathlib import Path

INSTALL_HINT = "install tesseract-ocr and tesseract-ocr-dan"


class OcrError(Exception):
    """ocrmypdf failed on a file; the message is one plain line."""


@cache
def ocr_missing() -> str | None:
    """What is missing for Danish OCR, or None when it can run."""
    tesseract = shutil.which("tesseract")
    if tesseract is None:
        return f"tesseract is not installed ({INSTALL_HINT})"
    try:
        langs = subprocess.run(
            [tesseract, "--list-langs"], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return f"tesseract does not run ({INSTALL_HINT})"
    if "dan" not in (langs.stdout + langs.stderr).split():
        return f"tesseract has no Danish language data ({INSTALL_HINT})"
    try:
        import ocrmypdf  # noqa: F401
    except ImportError:
        return "the Python package ocrmypdf is not installed (pip install ocrmypdf)"
    if shutil.which("gs") is None:
        return "ghostscript is not installed (install ghostscript)"
    return None


def run_ocr(source: Path, target: Path, *, timeout: float) -> None:
    """OCR every page of ``source`` (Danish, deskewed) and write a readable PDF to ``target``.

    ocrmypdf keeps its work files (``-k``) in a folder of our own: from its deskewed page images
    and tesseract's hOCR, ``scan_layers`` builds the PDF extraction reads. Raises OcrError.
    """
    from pipeline.ingest.scan_layers import build_ocr_pdf, clean_scan

    work = target.parent / "ocrmypdf-work"
    work.mkdir(exist_ok=True)
    ocrmypdf_out = target.parent / "ocrmypdf-out.pdf"
    cleaned = target.parent / "cleaned.pdf"
    try:
        if clean_scan(source, cleaned):
            source = cleaned
    except (OSError, ValueError, RuntimeError):
        pass  # OCR the scan as it is: dust costs accuracy, not the file
    # OMP_THREAD_LIMIT: several files may be OCR'd at once; TMPDIR: where -k leaves the pages.
    env = dict(os.environ, OMP_THREAD_LIMIT="1", TMPDIR=str(work))
    command = [
        sys.executable, "-m", "ocrmypdf", "-l", "dan", "--force-ocr", "--deskew", "-k",
        "--output-type", "pdf", "--optimize", "0", "--jobs", "2", "--quiet",
        str(source), str(ocrmypdf_out),
    ]  # fmt: skip
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=max(timeout, 1.0), env=env, check=False
        )
    except subprocess.TimeoutExpired as e:
        raise OcrError(f"OCR took longer than {timeout:.0f} seconds") from e
    if done.returncode != 0 or not ocrmypdf_out.is_file():
        lines = [ln for ln in done.stderr.splitlines() if ln.strip() and "Traceback" not in ln]
        detail = lines[-1].strip() if lines else f"exit status {done.returncode}"
        raise OcrError(f"OCR failed ({detail[:160]})")
    pages = []
    for hocr in sorted(work.glob("ocrmypdf.io.*/*_ocr_hocr.hocr")):
        image = hocr.with_name(hocr.name.replace("_ocr_hocr.hocr", "_ocr.png"))
        if image.is_file():
            pages.append((image, hocr))
    if not pages:
        raise OcrError("OCR failed (ocrmypdf left no recognized pages)")
    try:
        build_ocr_pdf(pages, target)
    except (OSError, ValueError) as e:
        raise OcrError(f"OCR failed while rebuilding the pages ({e})") from e
