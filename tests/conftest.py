"""Shared pytest fixtures.

Rendered status notat PDFs come from ``tests.fixtures.render`` (cached under ``.cache/``), one
render per session. A producer that needs LibreOffice is skipped, with the reason, only when
``soffice`` is missing; CI installs it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.fixtures.render import NEEDS_SOFFICE, fixture_pdf, soffice_available


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
