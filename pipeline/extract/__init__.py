"""Extraction stage: one PDF in, an ``ExtractedDocument`` out. Public entry: ``extract_pdf``.

Extraction only parses and normalizes what the page says; it links nothing across documents
(that is transform's job) and leaves every ``goal_id`` empty.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from pathlib import Path

from pipeline.extract.classify import classify_pages
from pipeline.extract.concept import parse_concept_notat
from pipeline.extract.pdf import PageLayout, read_pages
from pipeline.extract.status import parse_status_notat
from pipeline.hashing import sha256_of
from pipeline.model import Document, ExtractedDocument

__all__ = ["doc_id_for", "extract_pdf", "sha256_of"]

_CLASSIFY_PAGES = 3


def doc_id_for(sha256: str) -> str:
    """A document's id is derived from its bytes, so renaming a file keeps its id."""
    return sha256[:16]


def extract_pdf(
    path: Path, *, sha256: str | None = None, pages: Iterable[PageLayout] | None = None
) -> ExtractedDocument:
    """Read one notat PDF into the normalized tables. Raises ExtractError for unreadable input.

    ``pages``: the file's pages as the caller read them (some from their image, by OCR), in
    place of the text layer's; the same reader reads them either way."""
    sha = sha256 or sha256_of(path)
    doc_id = doc_id_for(sha)
    pages = iter(pages) if pages is not None else read_pages(path)
    head = list(itertools.islice(pages, _CLASSIFY_PAGES))
    kind = classify_pages(head)
    all_pages = itertools.chain(head, pages)
    if kind == "status":
        parsed = parse_status_notat(doc_id, all_pages)
        doc = Document(doc_id, path.name, sha, kind, parsed.title, parsed.date, parsed.pages)
        return ExtractedDocument(
            doc,
            goal_rows=parsed.goal_rows,
            theme_totals=parsed.theme_totals,
            findings=parsed.findings,
            failure=parsed.failure,
        )
    if kind == "concept":
        parsed = parse_concept_notat(doc_id, all_pages)
        doc = Document(doc_id, path.name, sha, kind, parsed.title, parsed.date, parsed.pages)
        return ExtractedDocument(doc, initiatives=parsed.initiatives, findings=parsed.findings)
    n_pages = len(head) + sum(1 for _ in pages)
    title = head[0].text.splitlines()[0] if head and head[0].words else ""
    return ExtractedDocument(Document(doc_id, path.name, sha, "unknown", title, "", n_pages))
