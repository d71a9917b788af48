"""Shared pytest fixtures.

Rendered status notat PDFs come from ``tests.fixtures.render`` (cached under ``.cache/``), one
render per session. A producer that needs LibreOffice is skipped, with the reason, only when
``soffice`` is missing; CI installs it. Tesseract's output is cached under ``.cache/ocr/``.
"""

from __future__ import annotations

import os
import re
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


# The quick lane (`make check`) leaves out what reads scans, what injects faults (limits, kills,
# hostile inputs, process isolation) and the slow matrices: by module, or by what a test's name
# says it does.
_OCR_MODULES = frozenset({"test_scans.py"})
_FAULT_MODULES = frozenset({"test_attacks.py", "test_faults.py", "test_batch.py", "test_ingest.py"})
_SLOW_MODULES = frozenset({"test_habit_producers.py"})
_FAULT_NAMES = re.compile(
    r"kill|stop|interrupt|sigterm|limit|hung|runaway|bomb|hostile|crash|refused|lock", re.I
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        module = item.path.name
        if module in _OCR_MODULES:
            item.add_marker(pytest.mark.ocr)
        if module in _FAULT_MODULES or _FAULT_NAMES.search(item.name):
            item.add_marker(pytest.mark.faults)
        if module in _SLOW_MODULES:
            item.add_marker(pytest.mark.slow)


# CI installs every tool the suite uses (.ci/run sets PIPELINE_NO_SKIPS): there a test skipped
# for a missing tool would pass without testing, so it is a failure. Only these may skip there.
_SKIPS_ALLOWED_IN_CI = ("not in this checkout",)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    outcome = yield
    report = outcome.get_result()
    if not (report.skipped and os.environ.get("PIPELINE_NO_SKIPS")) or hasattr(report, "wasxfail"):
        return
    longrepr = report.longrepr
    reason = str(longrepr[-1] if isinstance(longrepr, tuple) else longrepr)
    if not any(allowed in reason for allowed in _SKIPS_ALLOWED_IN_CI):
        report.outcome = "failed"
        report.longrepr = f"skipped where every tool is installed (PIPELINE_NO_SKIPS): {reason}"


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
