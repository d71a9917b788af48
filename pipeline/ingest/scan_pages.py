"""The pages of one file as the reader gets them: each from its text layer when that can be
trusted (``pipeline.extract.trust``), else from its image by OCR (``pipeline.ingest.ocr``).

``PageReader`` is handed to ``extract_pdf`` in place of the text layer's pages, so a scanned
page, a page under a scanner's OCR layer and a page whose font cannot be decoded all go through
the one reader born-digital pages go through. It remembers which pages OCR read and the words
it was unsure of, so ingest can say so and point a person at exactly those cells.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

from pipeline.extract.pdf import PageLayout, Word, read_pages
from pipeline.extract.trust import Distrust, distrust
from pipeline.ingest.ocr_settings import DEFAULT_OCR, OcrSettings
from pipeline.ingest.outcome import Cause
from pipeline.model import ExtractedDocument, Finding

__all__ = ["PageReader", "Unreadable"]

_WHY = {
    "image": "are scanned images",
    "ocr_layer": "are scanned images under a scanner's text layer",
    "undecodable": "draw text whose font cannot be decoded",
}


class Unreadable(Exception):
    """The file cannot be read as it is: ``cause`` and a plain reason for its skipped row."""

    def __init__(self, cause: Cause, why: str, status: str = "skipped") -> None:
        super().__init__(why)
        self.cause, self.why, self.status = cause, why, status


class PageReader:
    """Iterate a file's pages for the reader, OCR'ing those whose text cannot be trusted."""

    def __init__(self, path: Path, invisible: frozenset[int], *, ocr: bool, deadline: float,
                 settings: OcrSettings = DEFAULT_OCR, processes: int = 1) -> None:  # fmt: skip
        self.path, self.invisible, self.ocr, self.deadline = path, invisible, ocr, deadline
        self.processes = processes  # that read a long file's text layer (pipeline.extract.pdf)
        self.settings = settings
        self.read_by_ocr: dict[int, Distrust] = {}
        self.doubts: list[tuple[int, Word, float]] = []  # page, word, confidence
        self.skew: dict[int, float] = {}
        self.seconds = 0.0

    def __iter__(self) -> Iterator[PageLayout]:
        for page in read_pages(self.path, workers=self.processes):
            why = distrust(page, page.number in self.invisible)
            if why is None:
                yield page
                continue
            # Only a page that needs it loads OCR (numpy, Pillow): a born-digital notat's
            # reader starts without them.
            from pipeline.ingest import ocr

            missing = "OCR is turned off" if not self.ocr else ocr.ocr_missing()
            if missing:
                if why == "ocr_layer":
                    yield page  # the scanner's own text is the best there is
                    continue
                raise self._cannot(why, missing)
            start = time.monotonic()
            try:
                read = ocr.read_page(self.path, page, self._settings())
            except ocr.OcrError as e:
                raise Unreadable(
                    "ocr_failed", f"page {page.number} {_WHY[why]} and {e}", "failed"
                ) from e
            self.seconds += time.monotonic() - start
            self.read_by_ocr[page.number] = why
            self.skew[page.number] = read.skew_degrees
            self.doubts += [(page.number, w, c) for w, c in read.doubts]
            yield read.layout

    def _settings(self) -> OcrSettings:
        from dataclasses import replace

        left = self.deadline - time.monotonic()
        return replace(self.settings, page_timeout=max(1.0, min(self.settings.page_timeout, left)))

    @staticmethod
    def _cannot(why: Distrust, missing: str) -> Unreadable:
        if why == "undecodable":
            return Unreadable(
                "undecodable", f"its text cannot be decoded (its font has no usable Unicode map) "
                f"and it cannot be read by OCR: {missing}",
            )  # fmt: skip
        if missing == "OCR is turned off":
            return Unreadable(
                "ocr_disabled",
                "the pages are images without a text layer (a scan) and OCR is turned off",
            )
        return Unreadable(
            "ocr_unavailable",
            f"the pages are images without a text layer (a scan) and cannot be OCR'd: {missing}",
        )

    def summary(self) -> str:
        """Which pages OCR read, and why, in one plain line."""
        by_why: dict[Distrust, list[int]] = {}
        for number, why in sorted(self.read_by_ocr.items()):
            by_why.setdefault(why, []).append(number)
        parts = [f"{_pages(numbers)} {_WHY[why]}" for why, numbers in by_why.items()]
        return "; ".join(parts) + "; their text was read by OCR"

    def doubt_findings(self, extracted: ExtractedDocument, name: str) -> list[Finding]:
        """A warning per word OCR was unsure of, naming its page and, where the word stands in a
        goal row's text, the row: a person can check exactly that cell."""
        doc_id = extracted.document.doc_id
        findings = []
        seen: set[tuple[int, int | None, int | None, str]] = set()
        for page, word, confidence in self.doubts:
            row = _row_holding(extracted, page, word.text)
            theme_no, row_no = (row.theme_no, row.row_no) if row else (None, None)
            key = (page, theme_no, row_no, word.text)
            if key in seen:
                continue
            seen.add(key)
            where = f"side {page}" + (f", Tema {theme_no}, række {row_no}" if row else "")
            findings.append(
                Finding(
                    doc_id, theme_no, row_no, "warning", "ocr_doubt",
                    f"{name}, {where}: tekstgenkendelsen er usikker på »{word.text}« "
                    f"({confidence:.0f} % sikker); kontrollér feltet mod den skannede side.",
                )
            )  # fmt: skip
        return findings


def _row_holding(extracted: ExtractedDocument, page: int, text: str):
    for row in extracted.goal_rows:
        if not row.page_first <= page <= row.page_last:
            continue
        fields = [row.remark, row.proposed_text, *(s.text for s in row.statements)]
        if any(text in f for f in fields):
            return row
    return None


def _pages(numbers: list[int]) -> str:
    if len(numbers) == 1:
        return f"page {numbers[0]}"
    if numbers == list(range(numbers[0], numbers[-1] + 1)):
        return f"pages {numbers[0]}–{numbers[-1]}"
    return "pages " + ", ".join(map(str, numbers))
