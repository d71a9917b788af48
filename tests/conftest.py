"""Shared pytest fixtures.

Rendered status notat PDFs come from ``tests.fixtures.render`` (cached under ``.cache/``), one
render per session. A producer that needs LibreOffice is skipped, with the reason, only when
``soffice`` is missing; CI installs it. Tesseract's output is cached under ``.cache/ocr/``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from pipeline.ingest.tesseract import OCR_CACHE_ENV
from tests.fixtures.cache import REPO_ROOT
from tests.fixtures.render import NEEDS_SOFFICE, fixture_pdf, soffice_available

# Tesseract's output is kept by the exact image bytes and arguments it was given (and its
# version and model), so a scan's OCR is paid once per image, never once per run; everything
# of ours around it runs every time (pipeline.ingest.tesseract.run_tesseract).
os.environ.setdefault(OCR_CACHE_ENV, str(REPO_ROOT / ".cache" / "ocr"))


def require_producer(producer: str) -> None:
    """Skip the calling test when ``producer`` cannot run on this machine."""
    if producer in NEEDS_SOFFICE and not soffice_available():
        pytest.skip(f"the {producer} producer needs LibreOffice: `soffice` is not on PATH")


@pytest.fixture(scope="session")
def status_pdf() -> Callable[..., Path]:
    """``status_pdf(producer, notat_name, variant="ruled")`` → path of the rendered PDF."""

    def get(producer: str, notat_name: str, variant: str = "ruled") -> Path:
        require_producer(producer)
        return fixture_pdf(producer, notat_name, variant)

    return get
