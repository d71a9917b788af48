"""Status notats: one goal table per Tema, the X in the column under its header."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from pipeline.extract.pdf import PageLayout
from pipeline.model import Finding, GoalRow, ThemeTotal


@dataclass
class StatusParse:
    title: str
    date: str
    pages: int
    goal_rows: list[GoalRow] = field(default_factory=list)
    theme_totals: list[ThemeTotal] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


def parse_status_notat(doc_id: str, pages: Iterable[PageLayout]) -> StatusParse:
    raise NotImplementedError  # being written (issue 2)
