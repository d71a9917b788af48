"""Extraction stage: one notat in, an ``ExtractedDocument`` out. Public entries: ``extract_pdf``
and ``extract_docx`` (a Word file laid out as pages by ``pipeline.extract.docx`` and read by the
same reader).

Extraction only parses and normalizes what the page says; it links nothing across documents
(that is transform's job) and leaves every ``goal_id`` empty.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from pipeline.dates import parse_danish_date
from pipeline.extract.classify import KindEvidence
from pipeline.extract.concept import parse_concept_notat
from pipeline.extract.docx import read_docx
from pipeline.extract.page_order import PrintedNumbers, in_printed_order
from pipeline.extract.pdf import PageLayout, read_pages
from pipeline.extract.sender import find_sender_block
from pipeline.extract.settings import DEFAULT_SETTINGS, ReaderSettings, SenderSettings
from pipeline.extract.status import parse_status_notat
from pipeline.hashing import sha256_of
from pipeline.model import Document, DocumentKind, ExtractedDocument, Finding
from pipeline.vocabulary import FORM_GOAL_TAG

__all__ = ["doc_id_for", "extract_docx", "extract_pdf", "sha256_of"]

# The pages kept while the kind is decided; a notat whose kind shows only later is read again.
_KEPT_PAGES = 24


def doc_id_for(sha256: str) -> str:
    """A document's id is derived from its bytes, so renaming a file keeps its id."""
    return sha256[:16]


def extract_pdf(
    path: Path,
    *,
    sha256: str | None = None,
    pages: Iterable[PageLayout] | None = None,
    page_workers: int = 1,
    settings: ReaderSettings = DEFAULT_SETTINGS,
) -> ExtractedDocument:
    """Read one notat PDF into the normalized tables. Raises ExtractError for unreadable input.
    Pages saved out of their printed *Side X af Y* order are read in printed order.

    ``pages``: the file's pages as the caller read them (some from their image, by OCR), in
    place of the text layer's; the same reader reads them either way. It is iterated again
    when the kind is known only after many pages, or when the pages must be put in printed
    order. Else with ``page_workers`` > 1 a long file's pages are read by that many processes
    (the same tables). ``settings``: the reader's tolerances, for every step."""
    sha = sha256 or sha256_of(path)

    def source() -> Iterator[PageLayout]:
        if pages is not None:
            return iter(pages)
        return read_pages(path, workers=page_workers, settings=settings.page)

    kind, first_pass, n_pages = _classified(source, settings)
    numbered = PrintedNumbers(first_pass)
    extracted = _extract_pages(path, sha, kind, numbered, n_pages, settings)
    verdict = numbered.verdict()
    if verdict.order:
        ordered = iter(in_printed_order(source(), verdict.order))
        extracted = _extract_pages(path, sha, kind, ordered, n_pages, settings)
    doc_id = extracted.document.doc_id
    if verdict.order:
        extracted.findings.append(Finding.of("pages_reordered", doc_id))
    elif verdict.contradicted is not None:
        physical, printed, printed_of = verdict.contradicted
        extracted.findings.append(Finding.of(
            "page_order", doc_id, physical=physical, printed=printed, printed_of=printed_of
        ))  # fmt: skip
    return extracted


class _SenderTap:
    """Passes the pages through, reading the sender block (*Kontaktoplysninger*) from the first
    page that prints one (page 1, or beside the first goal table after a long introduction)."""

    def __init__(self, pages: Iterator[PageLayout], settings: SenderSettings) -> None:
        self.pages = pages
        self.settings = settings
        self.sender: dict[str, str] = {}

    def __iter__(self) -> Iterator[PageLayout]:
        for page in self.pages:
            if not self.sender:
                block = find_sender_block(page, self.settings)
                if any(block.as_dict().values()):
                    self.sender = block.as_dict()
            yield page


def extract_docx(
    path: Path, *, sha256: str | None = None, settings: ReaderSettings = DEFAULT_SETTINGS
) -> ExtractedDocument:
    """Read one Word notat (.docx) into the normalized tables, as ``extract_pdf`` reads a PDF.
    Raises ExtractError for a file that is no readable Word document."""
    content = read_docx(path)
    extracted = extract_pdf(path, sha256=sha256, pages=content.pages, settings=settings)
    doc = extracted.document
    doc_id = doc.doc_id
    if not doc.date and (found := parse_danish_date(content.header_text)):
        # Word prints the running header apart from the page: its date, where no Dato: line is.
        extracted.document = dataclasses.replace(doc, date=found.isoformat())
    if content.tracked_changes:
        extracted.findings.append(Finding.of("tracked_changes", doc_id))
    for row in extracted.goal_rows:
        tag = content.row_tags.get((row.theme_no, row.row_no), "")
        if tag.startswith(FORM_GOAL_TAG):  # our own form: the ids of the row's goals
            row.form_goal_id = tag.removeprefix(FORM_GOAL_TAG).strip()
    return extracted


def _classified(
    source: Callable[[], Iterator[PageLayout]], settings: ReaderSettings
) -> tuple[DocumentKind, Iterator[PageLayout], int]:
    """The document's kind from the evidence of its pages, read until the kind is known (the
    whole file for a document of no known kind), and its pages again from the first: the pages
    read so far, kept while they are few, then the rest; or the file read anew. Also the number
    of pages read to decide (all of them when the kind stays unknown)."""
    evidence = KindEvidence(settings)
    pages = source()
    head: list[PageLayout] | None = []
    for page in pages:
        evidence.add(page)
        if head is not None:
            head.append(page)
            if len(head) > _KEPT_PAGES:
                head = None  # too many to keep: the file is read again from its start
        if evidence.decided:
            break
    again = itertools.chain(head, pages) if head is not None else source()
    return evidence.kind, again, evidence.pages


def _extract_pages(
    path: Path,
    sha: str,
    kind: DocumentKind,
    pages: Iterator[PageLayout],
    n_pages: int,
    settings: ReaderSettings,
) -> ExtractedDocument:
    doc_id = doc_id_for(sha)
    first = next(pages, None)
    tap = _SenderTap(itertools.chain([first] if first is not None else [], pages), settings.sender)
    all_pages = iter(tap)
    if kind == "status":
        parsed = parse_status_notat(doc_id, all_pages, settings)
        sender = tap.sender
        doc = Document(
            doc_id, path.name, sha, kind, parsed.title, parsed.date, parsed.pages, **sender,
            form_based_on=parsed.form_based_on,
        )  # fmt: skip
        return ExtractedDocument(
            doc,
            goal_rows=parsed.goal_rows,
            theme_totals=parsed.theme_totals,
            findings=parsed.findings,
            failure=parsed.failure,
        )
    if kind == "concept":
        parsed = parse_concept_notat(doc_id, all_pages, settings)
        sender = tap.sender
        doc = Document(
            doc_id, path.name, sha, kind, parsed.title, parsed.date, parsed.pages, **sender
        )
        return ExtractedDocument(
            doc, initiatives=parsed.initiatives, findings=parsed.findings, failure=parsed.failure
        )
    title = first.text.splitlines()[0] if first is not None and first.words else ""
    return ExtractedDocument(Document(doc_id, path.name, sha, "unknown", title, "", n_pages))
