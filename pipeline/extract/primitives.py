"""What a page shows, as plain records: its words with their boxes, its rules, the page itself.

``pipeline.extract.pdf`` makes them from a PDF's glyphs and shapes (``pipeline.extract.docx``
from a Word file's structure, ``pipeline.ingest.ocr`` from a scan's image); every step of the
reader works on them alone, never on a PDF library's objects.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["PageLayout", "Rule", "Word"]


@dataclass(frozen=True, slots=True)
class Word:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool
    # The PDF draws a space right after the word. Word and LibreOffice do at a line's end when
    # the line breaks between words, never inside a word broken for want of room.
    space_after: bool = False
    # The left edge of each letter, when the text maps letter for letter onto the glyphs drawn
    # (else empty): text of two cells that touch may come out as one word, to be cut apart.
    letters: tuple[float, ...] = ()
    font: str = ""  # the font's name as the PDF gives it (words in two fonts may touch)

    def split_at(self, x: float) -> tuple[Word, Word] | None:
        """The word cut where ``x`` falls between two of its letters; None if it cannot be."""
        if not self.letters:
            return None
        i = next(
            (k for k, left in enumerate(self.letters) if left >= x - _ROUNDING_PT),
            len(self.letters),
        )
        if i <= 0 or i >= len(self.text):
            return None
        head, tail = self.text[:i].strip(), self.text[i:].strip()
        if not head or not tail:
            return None
        left, right = self.letters[:i], self.letters[i:]
        return (
            Word(head, self.x0, right[0], self.top, self.bottom, self.size, self.bold, False, left,
                 self.font),
            Word(tail, right[0], self.x1, self.top, self.bottom, self.size, self.bold,
                 self.space_after, right, self.font),
        )  # fmt: skip


# The type size taken for a page or table that prints no text (points).
NO_TEXT_SIZE = 10.0
# A position's rounding (points): a cut this close left of a letter's edge is at the letter.
_ROUNDING_PT = 0.01
# A rule is made a line (``pdf.py`` turns thin bars into their middle line): at most this thick
# (points) across, longer than this along.
_LINE_PT = 1.0


@dataclass(frozen=True, slots=True)
class Rule:
    """A drawn line or the edge of a thin rectangle: horizontal when ``top == bottom``."""

    x0: float
    x1: float
    top: float
    bottom: float

    @property
    def horizontal(self) -> bool:
        return (self.bottom - self.top) <= _LINE_PT and (self.x1 - self.x0) > _LINE_PT

    @property
    def vertical(self) -> bool:
        return (self.x1 - self.x0) <= _LINE_PT and (self.bottom - self.top) > _LINE_PT


@dataclass(frozen=True, slots=True)
class PageLayout:
    number: int  # 1-based
    width: float
    height: float
    words: tuple[Word, ...]
    rules: tuple[Rule, ...]
    image_count: int
    # The program that made the PDF, as its metadata name it ("Creator / Producer"): some
    # engines have habits a reader must know (wkhtmltopdf prints a line cut by a page twice).
    producer: str = ""
    # The share of the page its largest image covers (a scanned page: about all of it).
    image_cover: float = 0.0
    # The share of its letters drawn turned (not upright as the page is shown): text drawn
    # upright on a page shown turned (/Rotate) reads sideways.
    sideways: float = 0.0
    # What the page draws that the reader set aside: filled shapes that are no rectangle (the
    # outlines of a watermark's letters, a logo) and glyphs drawn at a slant (a watermark set
    # diagonally). Neither is a rule or a word of the notat.
    ignored_shapes: int = 0
    ignored_glyphs: int = 0
    # Every table cell's edges are drawn as rules, and they are the cells the document holds:
    # a Word file's own structure laid out by pipeline.extract.docx (never a PDF's).
    cells_ruled: bool = False

    @property
    def text(self) -> str:
        """The page's words in reading order, one line per printed line (as the reader groups
        them: ``pipeline.extract.layout.group_lines``)."""
        from pipeline.extract.layout import group_lines  # (the lines are made of these words)

        return "\n".join(line.text for line in group_lines(self.words))
