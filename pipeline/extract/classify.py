"""Which kind of notat a PDF is, from what its pages show (never from the file name).

Words alone are weak evidence: minutes of a meeting or a letter may well mention *Tema 2* or
*Koncept for Ringsted Sundhedshus*. So the kind is read from the structure the pages show, over
the whole document (a long introduction may keep the first goal table far from page 1):

- a *status* notat has *Tema N:* headings and goal-table evidence somewhere in the file: a
  goal-table header row (found by the same ``pipeline.extract.header`` the reader uses, however
  its cells wrap or are spaced), *I alt* rows with their counts, *(bilag N)* tags, or a column
  of single marks. Such a notat is a status notat even when the reader then cannot read it:
  it is read, or it fails loudly; it is never "not a notat";
- a *concept* notat has numbered area headings (bold, larger than the body text) together with
  its own section headings (*Udfordringer og muligheder…*, *Det foreslås, at…*) or its title
  (*Koncept for …*) printed as a heading; or, when its introduction fills the first pages, the
  title as a heading on a first page labelled *NOTAT*;
- anything else is ``unknown``.

``KindEvidence`` takes the pages one at a time, so a caller can stop reading as soon as the kind
is known (``decided``) and keep memory flat.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from pipeline.extract.header import find_headers
from pipeline.extract.layout import group_lines, styled_lines
from pipeline.extract.primitives import PageLayout
from pipeline.extract.settings import DEFAULT_SETTINGS, ClassifySettings, ReaderSettings
from pipeline.model import DocumentKind
from pipeline.vocabulary import BILAG_TAG, DOCUMENT_LABEL, TEMA_HEADING, is_mark, is_totals_label

__all__ = ["KindEvidence", "classify_pages"]

_AREA_HEADING = re.compile(r"^\d{1,2}\.\s+[A-ZÆØÅ]")
_CONCEPT_SECTION = re.compile(
    r"^(Udfordringer\s+og\s+muligheder|Det\s+foreslås,?\s+at)\b", re.IGNORECASE
)
_CONCEPT_TITLE = re.compile(r"^Koncept\s+for\b", re.IGNORECASE)
_COUNTS = re.compile(r"^i\s*alt\s*:?\s+\d+\s+\d+\b", re.IGNORECASE)
# The status headings however the cells are spaced: both words, each in a short line (a header
# cell's fragment, not prose that names the columns; ClassifySettings.short_line_words).
_STARTED_WORD = re.compile(r"^(gennemf|igangsat/)", re.IGNORECASE)
_NOT_STARTED_WORD = re.compile(r"^ikke(-igangsat)?$", re.IGNORECASE)
# The concept notat's label and title are looked for on the first page only.
_FIRST_PAGE = 1


def _has_goal_table(page: PageLayout, settings: ReaderSettings) -> bool:
    """Goal-table evidence on ``page``: a header row, an *I alt* row with its two counts,
    (bilag N) tags, a column of single marks, or the status headings as header fragments."""
    own = settings.classify
    lines = group_lines(page.words, settings.lines)
    if find_headers(lines, page.number, settings):
        return True
    if any(is_totals_label(ln.text) and _COUNTS.match(ln.text) for ln in lines):
        return True
    if len(BILAG_TAG.findall(page.text)) >= own.bilag_tags:
        return True
    if _mark_column(page, own):
        return True
    short = [ln for ln in lines if len(ln.words) <= own.short_line_words]
    words = [w.text for ln in short for w in ln.words]
    return any(_STARTED_WORD.match(w) for w in words) and any(
        _NOT_STARTED_WORD.match(w) for w in words
    )


def _mark_column(page: PageLayout, settings: ClassifySettings) -> bool:
    """A column of marks: enough single marks on the page whose middles agree (a goal table's
    status column)."""
    n = settings.mark_column
    marks = sorted(((w.x0 + w.x1) / 2, w.size) for w in page.words if is_mark(w.text))
    for i in range(len(marks) - n + 1):
        x, size = marks[i]
        if marks[i + n - 1][0] - x <= settings.mark_spread * size:
            return True
    return False


class KindEvidence:
    """What the pages read so far say of the document's kind."""

    def __init__(self, settings: ReaderSettings = DEFAULT_SETTINGS) -> None:
        self.settings = settings
        self.pages = 0
        self.tema_headings = 0
        self.goal_table = False
        self.sizes: Counter[float] = Counter()
        self.area_headings: list[tuple[float, bool, str]] = []  # size, bold, text
        self.sections: set[str] = set()
        self.titles: list[tuple[float, bool]] = []  # size, bold of "Koncept for" lines
        self.labelled = False  # the first page prints the NOTAT label

    def add(self, page: PageLayout) -> None:
        self.pages += 1
        for w in page.words:
            self.sizes[w.size] += len(w.text)
        lines = styled_lines(page.words, page.number, self.settings.lines)
        for ln in lines:
            text = ln.text
            if TEMA_HEADING.match(text):
                self.tema_headings += 1
            if _AREA_HEADING.match(text):
                self.area_headings.append((ln.size, ln.bold, text))
            if ln.bold and (m := _CONCEPT_SECTION.match(text)):
                self.sections.add(m.group(1).split()[0].lower())
            if _CONCEPT_TITLE.match(text):
                self.titles.append((ln.size, ln.bold))
            if self.pages == _FIRST_PAGE and text == DOCUMENT_LABEL:
                self.labelled = True
        if not self.goal_table and page.words and _has_goal_table(page, self.settings):
            self.goal_table = True

    @property
    def kind(self) -> DocumentKind:
        """The kind the evidence so far shows; ``unknown`` until it shows one."""
        if not self.sizes:
            return "unknown"
        if self.tema_headings and self.goal_table:
            return "status"
        body = self.sizes.most_common(1)[0][0]
        heading = self.settings.classify.area_heading
        areas = any(bold and size >= body * heading for size, bold, _ in self.area_headings)
        titled = any(bold or size > body for size, bold in self.titles)
        if areas and (self.sections or titled):
            return "concept"
        # A long introduction may keep the areas beyond the pages read: then the notat's own
        # label (NOTAT) on its first page with the concept title as a heading is enough.
        if titled and self.labelled:
            return "concept"
        if len(self.sections) == 2:
            return "concept"
        return "unknown"

    @property
    def decided(self) -> bool:
        """A status notat is known as soon as its evidence is; so is a concept notat, unless
        the pages so far show *Tema* headings (the goal tables may follow)."""
        kind = self.kind
        return kind == "status" or (kind == "concept" and not self.tema_headings)


def classify_pages(
    pages: Iterable[PageLayout], settings: ReaderSettings = DEFAULT_SETTINGS
) -> DocumentKind:
    """The kind of a document of ``pages`` (all of them, or the first few)."""
    evidence = KindEvidence(settings)
    for page in pages:
        evidence.add(page)
    return evidence.kind
