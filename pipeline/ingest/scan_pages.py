"""The pages of one file as the reader gets them: each from its text layer when that can be
trusted (``pipeline.extract.trust``), else from its image by OCR (``pipeline.ingest.ocr``).

``PageReader`` is handed to ``extract_pdf`` in place of the text layer's pages, so a scanned
page, a page under a scanner's OCR layer and a page whose font cannot be decoded all go through
the one reader born-digital pages go through. It remembers which pages OCR read and the words
it was unsure of, so ingest can say so and point a person at exactly those cells.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from dataclasses import replace
from pathlib import Path

from pipeline.codes import Cause
from pipeline.extract.pdf import PageLayout, Word, read_pages
from pipeline.extract.trust import Distrust, distrust, poorer
from pipeline.ingest import lexicon
from pipeline.ingest.ocr_settings import DEFAULT_OCR, OcrSettings
from pipeline.model import ExtractedDocument, Finding
from pipeline.wording import pages_da

__all__ = ["PageReader", "Unreadable"]

# Why a page was read by OCR, in Danish (the ocr_used finding).
_WHY_DA = {
    "image": "er skannede billeder",
    "ocr_layer": "er skannede billeder under en skanners tekstlag",
    "undecodable": "har tekst i en skrifttype, der ikke kan afkodes",
    "scan_text": "er skannede billeder, hvis tekstlag siger mindre end billedet",
}
_WHY = {
    "image": "are scanned images",
    "ocr_layer": "are scanned images under a scanner's text layer",
    "undecodable": "draw text whose font cannot be decoded",
    "scan_text": "are scanned images whose text layer says less than the image",
}


class Unreadable(Exception):
    """The file cannot be read as it is: ``cause`` and a plain reason for its skipped row."""

    def __init__(self, cause: Cause, why: str, status: str = "skipped") -> None:
        super().__init__(why)
        self.cause, self.why, self.status = cause, why, status


class PageReader:
    """Iterate a file's pages for the reader, OCR'ing those whose text cannot be trusted."""

    def __init__(self, path: Path, invisible: frozenset[int], *, ocr: bool, deadline: float,
                 settings: OcrSettings = DEFAULT_OCR, processes: int = 1,
                 vocabulary: lexicon.Vocabulary | None = None,
                 layer_processes: int | None = None) -> None:  # fmt: skip
        self.path, self.invisible, self.ocr, self.deadline = path, invisible, ocr, deadline
        self.processes = processes  # that OCR its pages
        # that read a long file's text layer (pipeline.extract.pdf)
        self.layer_processes = processes if layer_processes is None else layer_processes
        self.settings = settings
        self.vocabulary = vocabulary or lexicon.Vocabulary()  # the period's words
        self.read_by_ocr: dict[int, Distrust] = {}
        self.doubts: list[tuple[int, Word, float]] = []  # page, word, confidence
        self.skew: dict[int, float] = {}
        self._read: dict[int, PageLayout] = {}  # pages read by OCR, by number
        self._why: dict[int, Distrust] = {}

    def __iter__(self) -> Iterator[PageLayout]:
        if self._read:  # read again (to put the pages in printed order): OCR'd pages as read
            for page in read_pages(self.path, workers=self.layer_processes):
                yield self._read.get(page.number, page)
            return
        # Pages are handed on as they come until one needs OCR; from there on all pages that
        # need it are read, by up to ``processes`` processes at a time, and checked against
        # the words the period and the rest of the document know before any is handed on.
        held: list[tuple[PageLayout, Future | None]] = []
        pool = None
        try:
            for page in read_pages(self.path, workers=self.layer_processes):
                why = distrust(page, page.number in self.invisible)
                if why is not None and self._ocr_usable(page, why):
                    if pool is None:
                        lexicon.danish_words()  # loaded once, before the OCR processes fork
                        pool = self._pool()
                    self._why[page.number] = why
                    held.append(
                        (page, pool.submit(_read_by_ocr, self.path, page, self._settings()))
                    )
                elif pool is None:
                    yield page
                else:
                    held.append((page, None))
            read = [(page, self._result(page, job)) for page, job in held]
        finally:
            if pool is not None:
                pool.shutdown(wait=False, cancel_futures=True)
        vocabulary = self._document_vocabulary(read)
        sure, low = self.settings.sure_confidence, self.settings.low_confidence
        for page, ocr_page in read:
            if ocr_page is None or (
                self._why[page.number] == "scan_text" and not poorer(page, ocr_page.layout)
            ):
                yield page  # its text layer, or a scan's visible text that says all it shows
                continue
            words = list(ocr_page.layout.words)
            fixed = lexicon.corrected(words, list(ocr_page.confidences), vocabulary, sure)
            for before, after, confidence in zip(words, fixed, ocr_page.confidences, strict=True):
                if (
                    before.text == after.text
                    and confidence < low
                    and any(c.isalnum() for c in after.text)
                ):
                    self.doubts.append((page.number, after, confidence))
            layout = replace(ocr_page.layout, words=tuple(w for w in fixed if w.text))
            self.read_by_ocr[page.number] = self._why[page.number]
            self.skew[page.number] = ocr_page.skew_degrees
            self._read[page.number] = layout
            yield layout

    def _document_vocabulary(self, read) -> lexicon.Vocabulary:
        """The period's words and the words this document prints: its text layer's and those
        OCR read with confidence."""
        counts = Counter(self.vocabulary.counts)
        for page, ocr_page in read:
            if ocr_page is None:
                words = [w.text for w in page.words]
            else:
                words = [
                    w.text
                    for w, c in zip(ocr_page.layout.words, ocr_page.confidences, strict=True)
                    if c >= self.settings.vocabulary_confidence
                ]
            counts.update(lexicon.Vocabulary.of_texts(words).counts)
        return lexicon.Vocabulary(dict(counts), self.vocabulary.inner_capitals)

    def _ocr_usable(self, page: PageLayout, why: Distrust) -> bool:
        """Whether the page is read by OCR: it can be, or the file cannot be read at all."""
        from pipeline.ingest import ocr

        missing = "OCR is turned off" if not self.ocr else ocr.ocr_missing()
        if not missing:
            return True
        if why in ("ocr_layer", "scan_text"):
            return False  # the scanner's own text is the best there is
        raise self._cannot(why, missing)

    def _pool(self):
        """Where pages are OCR'd: forked processes; threads where other threads make forking
        unsafe (the text layer of a long file read by processes of its own); or this one."""
        import threading

        if self.processes <= 1:
            return _InPlace()
        if threading.active_count() == 1 and hasattr(os, "fork"):
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            context = multiprocessing.get_context("fork")
            return ProcessPoolExecutor(max_workers=self.processes, mp_context=context)
        from concurrent.futures import ThreadPoolExecutor

        # tesseract, most of a page's time, runs in a process of its own either way
        return ThreadPoolExecutor(max_workers=self.processes, thread_name_prefix="ocr")

    def _result(self, page: PageLayout, job: Future | None):
        if job is None:
            return None
        why = self._why[page.number]
        try:
            return job.result()
        except OcrFailed as e:
            raise Unreadable(
                "ocr_failed", f"page {page.number} {_WHY[why]} and {e}", "failed"
            ) from e
        except BrokenProcessPool as e:
            raise Unreadable(
                "ocr_failed", f"page {page.number} could not be read by OCR: its process "
                "stopped unexpectedly", "failed",
            ) from e  # fmt: skip

    def _settings(self) -> OcrSettings:
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

    def summary_da(self) -> str:
        """Which pages OCR read, and why, in Danish ("side 1–2 er skannede billeder")."""
        by_why: dict[Distrust, list[int]] = {}
        for number, why in sorted(self.read_by_ocr.items()):
            by_why.setdefault(why, []).append(number)
        return "; ".join(f"{pages_da(numbers)} {_WHY_DA[why]}" for why, numbers in by_why.items())

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
            findings.append(
                Finding.of(
                    "ocr_doubt", doc_id, theme_no, row_no, variant="row" if row else "page",
                    file=name, page=page, word=word.text, confidence=confidence,
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


class OcrFailed(Exception):
    """OCR could not read a page (tesseract's error, one plain line)."""


def _read_by_ocr(path: Path, page: PageLayout, settings: OcrSettings):
    """``page`` read from its image (in whichever process runs it)."""
    # Only a page that needs it loads OCR (numpy, Pillow): a born-digital notat's reader
    # starts without them.
    from pipeline.ingest import ocr

    try:
        return ocr.read_page(path, page, settings)
    except ocr.OcrError as e:
        raise OcrFailed(str(e)) from None


class _InPlace:
    """An executor that runs each job when its result is asked for, in this process."""

    def submit(self, fn: Callable, *args) -> Future:
        future: Future = _Deferred(fn, args)
        return future

    def shutdown(self, wait: bool = True, cancel_futures: bool = False) -> None:
        pass


class _Deferred(Future):
    def __init__(self, fn: Callable, args: tuple) -> None:
        super().__init__()
        self._job = (fn, args)

    def result(self, timeout: float | None = None):
        if not self.done():
            fn, args = self._job
            try:
                self.set_result(fn(*args))
            except BaseException as e:
                self.set_exception(e)
        return super().result(timeout)
