"""Concept notats: numbered areas, each with numbered proposed initiatives."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from pipeline.extract.pdf import PageLayout
from pipeline.model import Finding, Initiative


@dataclass
class ConceptParse:
    title: str
    date: str
    pages: int
    initiatives: list[Initiative] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


def parse_concept_notat(doc_id: str, pages: Iterable[PageLayout]) -> ConceptParse:
    raise NotImplementedError  # being written (issue 3)
