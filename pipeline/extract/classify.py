"""Which kind of notat a PDF is, from what its first pages show (never from the file name).

Words alone are weak evidence: minutes of a meeting or a letter may well mention *Tema 2* or
*Koncept for Ringsted Sundhedshus*. So the kind is read from the structure the page shows:

- a *status* notat has a goal table, recognized by its header row (*Gennemført/igangsat*,
  *Ikke igangsat* and *Bemærkning* as short cells side by side on one band of the page), under
  *Tema N:* headings;
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

from pipeline.extract.layout import styled_lines
from pipeline.extract.pdf import PageLayout
from pipeline.model import DocumentKind

__all__ = ["classify_pages"]

_TEMA_HEADING = re.compile(r"^Tema\s+\d+\s*:", re.IGNORECASE)
_AREA_HEADING = re.compile(r"^\d{1,2}\.\s+[A-ZÆØÅ]")
_CONCEPT_SECTION = re.compile(
    r"^(Udfordringer\s+og\s+muligheder|Det\s+foreslås,?\s+at)\b", re.IGNORECASE
)
_CONCEPT_TITLE = re.compile(r"^Koncept\s+for\b", re.IGNORECASE)
_HEADER_BAND = 25.0  # points: the header cells of one table row wrap within this height
_MAX_HEADER_WORDS = 16  # a few short cells (and a heading above), not lines of prose


def _lines(page: PageLayout) -> list[tuple[str, float, bool]]:
    """(text, dominant size, bold) per printed line."""
    return [(ln.text, ln.size, ln.bold) for ln in styled_lines(page.words, page.number)]


def _has_goal_table_header(page: PageLayout) -> bool:
    """*Gennemført…*, *Ikke …* and *Bemærkning* as separate short cells in one band."""
    for anchor in page.words:
        if not anchor.text.lower().startswith("gennemf"):
            continue
        band = [w for w in page.words if abs(w.top - anchor.top) <= _HEADER_BAND]
        remark = [w for w in band if w.text.lower().startswith("bemærkning")]
        if not remark or remark[0].x0 - anchor.x1 < 20:
            continue
        # Only the table's width: a margin column (the contact block) may stand beside it.
        band = [w for w in band if w.x0 <= remark[0].x1 + 20]
        if len(band) <= _MAX_HEADER_WORDS and "ikke" in {w.text.lower() for w in band}:
            return True
    return False


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

    tema_headings = sum(1 for text, _, _ in lines if _TEMA_HEADING.match(text))
    if tema_headings and any(_has_goal_table_header(p) for p in pages):
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
