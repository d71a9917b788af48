"""Writers: lay out what transform hands them. Public entry point: ``write_reports``.

python-docx is imported only in ``docx_report``, reportlab only in ``pdf_report``.
"""

from __future__ import annotations

from pathlib import Path

from pipeline.model import StatusForm, StatusReport

__all__ = ["write_reports"]


def write_reports(report: StatusReport, form: StatusForm, out_dir: Path) -> list[Path]:
    """Write statusrapport_<date>.docx/.pdf and statusskema_<date>.docx; return their paths."""
    raise NotImplementedError  # being written (issue 5)
