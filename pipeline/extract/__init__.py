"""Extraction stage: one PDF in, an ``ExtractedDocument`` out. Public entry: ``extract_pdf``.

Extraction only parses and normalizes what the page says; it links nothing across documents
(that is transform's job) and leaves every ``goal_id`` empty.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from pathlib import Path

from pipeline.extract.classify import classify_pages
from pipeline.extract.concept import parse_concept_notat
from pipeline.extract.page_order import PrintedNumbers, in_printed_order
from pipeline.extract.pdf import PageLayout, read_pages
from pipeline.extract.sender import find_sender_block
from pipeline.extract.status import parse_status_notat
from pipeline.hashing import sha256_of
from pipeline.model import Document, ExtractedDocument, Finding

__all__ = ["doc_id_for", "extract_pdf", "sha256_of"]

# Pages read to tell the kind of a document. A status report written by `report` puts its
# summary, overview and change list before the first *Tema N:* table: with many changes (a gone
# goal's reason, a restructured notat) that table starts on page 4 or 5.
_CLASSIFY_PAGES = 6


def doc_id_for(sha256: str) -> str:
    """A document's id is derived from its bytes, so renaming a file keeps its id."""
    return sha256[:16]


def extract_pdf(
    path: Path,
    *,
    sha256: str | None = None,
    pages: Iterable[PageLayout] | None = None,
    page_workers: int = 1,
) -> ExtractedDocument:
    """Read one notat PDF into the normalized tables. Raises ExtractError for unreadable input.
    Pages saved out of their printed *Side X af Y* order are read in printed order.

    ``pages``: the file's pages as the caller read them (some from their image, by OCR), in
    place of the text layer's; the same reader reads them either way. It is iterated again
    when the pages must be put in printed order. Else with ``page_workers`` > 1 a long file's
    pages are read by that many processes (the same tables)."""
    sha = sha256 or sha256_of(path)

    def source() -> Iterator[PageLayout]:
        return iter(pages) if pages is not None else read_pages(path, workers=page_workers)

    numbered = PrintedNumbers(source())
    extracted = _extract_pages(path, sha, numbered)
    verdict = numbered.verdict()
    if verdict.order:
        extracted = _extract_pages(path, sha, iter(in_printed_order(source(), verdict.order)))
    if verdict.message:
        doc_id = extracted.document.doc_id
        code = "pages_reordered" if verdict.order else "page_order"
        extracted.findings.append(Finding(doc_id, None, None, "warning", code, verdict.message))
    return extracted


def _extract_pages(path: Path, sha: str, pages: Iterator[PageLayout]) -> ExtractedDocument:
    doc_id = doc_id_for(sha)
    head = list(itertools.islice(pages, _CLASSIFY_PAGES))
    kind = classify_pages(head)
    all_pages = itertools.chain(head, pages)
    sender = find_sender_block(head[0]).as_dict() if head else {}
    if kind == "status":
        parsed = parse_status_notat(doc_id, all_pages)
        doc = Document(
            doc_id, path.name, sha, kind, parsed.title, parsed.date, parsed.pages, **sender
        )
        return ExtractedDocument(
            doc,
            goal_rows=parsed.goal_rows,
            theme_totals=parsed.theme_totals,
            findings=parsed.findings,
            failure=parsed.failure,
        )
    if kind == "concept":
        parsed = parse_concept_notat(doc_id, all_pages)
        doc = Document(
            doc_id, path.name, sha, kind, parsed.title, parsed.date, parsed.pages, **sender
        )
        return ExtractedDocument(
            doc, initiatives=parsed.initiatives, findings=parsed.findings, failure=parsed.failure
        )
    n_pages = len(head) + sum(1 for _ in pages)
    title = head[0].text.splitlines()[0] if head and head[0].words else ""
    return ExtractedDocument(Document(doc_id, path.name, sha, "unknown", title, "", n_pages))
