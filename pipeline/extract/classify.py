"""Which kind of notat a PDF is, from what its first pages say (never from the file name)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from pipeline.extract.pdf import PageLayout
from pipeline.model import DocumentKind

_STATUS_SIGNS = (
    re.compile(r"\bTema\s+\d+\s*:", re.IGNORECASE),
    re.compile(r"Gennemført\s*/", re.IGNORECASE),
    re.compile(r"Ikke\s+igangsat", re.IGNORECASE),
    re.compile(r"Bemærkning", re.IGNORECASE),
)
_CONCEPT_SIGNS = (
    re.compile(r"Koncept\s+for", re.IGNORECASE),
    re.compile(r"Det\s+foreslås,\s+at\s+(følgende|der)", re.IGNORECASE),
    re.compile(r"Udfordringer\s+og\s+muligheder", re.IGNORECASE),
)


def classify_pages(pages: Sequence[PageLayout]) -> DocumentKind:
    text = "\n".join(p.text for p in pages)
    if sum(bool(p.search(text)) for p in _STATUS_SIGNS) >= 3:
        return "status"
    if sum(bool(p.search(text)) for p in _CONCEPT_SIGNS) >= 1:
        return "concept"
    return "unknown"
