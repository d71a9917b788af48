"""Which kind of notat a PDF is, from what its first pages show (never from the file name).

Words alone are weak evidence: minutes of a meeting or a letter may well mention *Tema 2* or
*Koncept for Ringsted Sundhedshus*. So the kind is read from the structure the page shows:

- a *status* notat has *Tema N:* headings over goal tables, recognized by their header row
  (found by the same ``pipeline.extract.header`` the reader uses, however its cells wrap) or,
  where no header can be read, by the tables' *I alt* rows with their counts: such a notat is
  still a status notat, and the reader then says it could not read it;
- a *concept* notat has numbered area headings (bold, larger than the body text) together with
  its own section headings (*Udfordringer og muligheder…*, *Det foreslås, at…*) or its title
  (*Koncept for …*) printed as a heading; or, when its introduction fills the pages read, the
  title as a heading on a first page labelled *NOTAT*;
- anything else is ``unknown``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from pipeline.extract.header import find_headers
from pipeline.extract.layout import group_lines, styled_lines
from pipeline.extract.pdf import PageLayout
from pipeline.extract.settings import DEFAULT_SETTINGS
from pipeline.model import DocumentKind
from pipeline.vocabulary import TEMA_HEADING, is_totals_label

__all__ = ["classify_pages"]

_AREA_HEADING = re.compile(r"^\d{1,2}\.\s+[A-ZÆØÅ]")
_CONCEPT_SECTION = re.compile(
    r"^(Udfordringer\s+og\s+muligheder|Det\s+foreslås,?\s+at)\b", re.IGNORECASE
)
_CONCEPT_TITLE = re.compile(r"^Koncept\s+for\b", re.IGNORECASE)
_COUNTS = re.compile(r"^i\s*alt\s*:?\s+\d+\s+\d+\b", re.IGNORECASE)


def _lines(page: PageLayout) -> list[tuple[str, float, bool]]:
    """(text, dominant size, bold) per printed line."""
    return [(ln.text, ln.size, ln.bold) for ln in styled_lines(page.words, page.number)]


def _has_goal_table(page: PageLayout) -> bool:
    """A goal-table header row, or an *I alt* row with its two counts."""
    lines = group_lines(page.words)
    if find_headers(lines, page.number, DEFAULT_SETTINGS):
        return True
    return any(is_totals_label(ln.text) and _COUNTS.match(ln.text) for ln in lines)


def classify_pages(pages: Iterable[PageLayout]) -> DocumentKind:
    pages = list(pages)
    sizes: Counter[float] = Counter()
    for p in pages:
        for w in p.words:
            sizes[w.size] += len(w.text)
    if not sizes:
        return "unknown"
    body = sizes.most_common(1)[0][0]
    lines = [ln for p in pages for ln in _lines(p)]

    tema_headings = sum(1 for text, _, _ in lines if TEMA_HEADING.match(text))
    if tema_headings and any(_has_goal_table(p) for p in pages):
        return "status"

    area_headings = sum(
        1 for text, size, bold in lines if bold and size >= body * 1.1 and _AREA_HEADING.match(text)
    )
    sections = {
        _CONCEPT_SECTION.match(text).group(1).split()[0].lower()
        for text, _, bold in lines
        if bold and _CONCEPT_SECTION.match(text)
    }
    titled = any(_CONCEPT_TITLE.match(text) and (bold or size > body) for text, size, bold in lines)
    if area_headings and (sections or titled):
        return "concept"
    # A long introduction may keep the areas beyond the pages read here: then the notat's own
    # label (NOTAT) on its first page with the concept title as a heading is enough.
    labelled = any(text == "NOTAT" for text, _, _ in _lines(pages[0]))
    if titled and labelled:
        return "concept"
    if len(sections) == 2:
        return "concept"
    return "unknown"
