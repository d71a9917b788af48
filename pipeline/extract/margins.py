"""A page's running head and foot: the text that repeats at the same place on the pages.

Word prints a section's header and footer on every page: a logo, the municipality, the unit,
the title, the date, *Side X af Y*. Read as body text, a running header on a page where a table
goes on becomes extra rows and remarks. So a line is a running line when a neighbouring page
(the page before or after) prints the same text (page numbers aside) at the same place, and it
stands at the page's head or foot: in the outer share of the page, reached from the page's edge
over running lines only (a page's own text, a *Tema* heading, the start of a goal-table header,
a line with a mark or a *(bilag N)* tag ends the head: a table header repeated on every page,
or a table row that happens to stand where the row on the next page stands, is no running
header).

A page with no neighbour (a one-page notat) has no running lines by this rule; its page numbers
are still told by their wording (``PAGE_FOOTER``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

from pipeline.extract.layout import Line, group_lines
from pipeline.extract.primitives import PageLayout
from pipeline.extract.settings import ReaderSettings
from pipeline.vocabulary import (
    BILAG_TAG,
    PAGE_FOOTER,
    TEMA_HEADING,
    heading_start,
    is_mark,
    is_totals_label,
)

__all__ = ["PageLines", "running_lines", "with_neighbours"]

# A page number inside a running line: "Side 3 af 12", "3/12", "- 3 -", a bare "3".
_PAGE_NUMBER = re.compile(r"\b(?:Side\s+)?\d+(?:\s*(?:af|/)\s*\d+)?\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class PageLines:
    """A page with its printed lines, top to bottom (grouped once, read by every step)."""

    page: PageLayout
    lines: list[Line]


def with_neighbours(
    pages: Iterable[PageLayout], lines_of: Callable[[PageLayout], list[Line]] | None = None
) -> Iterator[tuple[PageLines, tuple[PageLines, ...]]]:
    """Each page with its lines and its neighbours' (the page before and after), reading one
    page ahead. ``lines_of``: how a page's lines are made (default: all its words, grouped)."""
    before: PageLines | None = None
    current: PageLines | None = None
    for page in pages:
        lines = lines_of(page) if lines_of is not None else group_lines(page.words)
        nxt = PageLines(page, lines)
        if current is not None:
            yield current, tuple(p for p in (before, nxt) if p is not None)
        before, current = current, nxt
    if current is not None:
        yield current, tuple(p for p in (before,) if p is not None)


def _key(line: Line) -> str:
    """The line's text with its page numbers blanked: a running line's text is the same on
    every page but for them."""
    text = line.text
    if PAGE_FOOTER.match(text) or "side" in text.lower() or len(line.words) == 1:
        return _PAGE_NUMBER.sub("#", text)
    return text


def _repeated(line: Line, neighbour: PageLines, settings: ReaderSettings) -> bool:
    """The neighbour prints ``line``'s text (digits aside) at the same place."""
    key, size = _key(line), line.size
    near = settings.running_place * size
    return any(
        abs(other.top - line.top) <= near and abs(other.x0 - line.x0) <= near and _key(other) == key
        for other in neighbour.lines
    )


def _structural(line: Line) -> bool:
    """A line that belongs to the notat's body wherever it stands: a *Tema* heading, the start
    of a goal-table header, an *I alt* row, a line with a mark or a *(bilag N)* tag."""
    text = line.text
    if TEMA_HEADING.match(text) or is_totals_label(text) or BILAG_TAG.search(text):
        return True
    return any(
        is_mark(w.text) or heading_start(w.text) in ("started", "not_started") for w in line.words
    )


def running_lines(
    page: PageLines, neighbours: Sequence[PageLines], settings: ReaderSettings
) -> set[int]:
    """Indices (in ``page.lines``) of the page's running head and foot."""
    lines, height = page.lines, page.page.height
    if not neighbours or not lines:
        return set()
    out: set[int] = set()

    def scan(order: Iterable[int], inside) -> None:
        for i in order:
            line = lines[i]
            if not inside(line) or _structural(line):
                return
            if any(_repeated(line, n, settings) for n in neighbours):
                out.add(i)
            elif not (line.bottom < height * settings.margin_share
                      or line.top > height * (1 - settings.margin_share)):  # fmt: skip
                return  # the page's own text: the head (or foot) has ended

    scan(range(len(lines)), lambda ln: ln.top < height * settings.running_head_share)
    scan(
        range(len(lines) - 1, -1, -1),
        lambda ln: ln.bottom > height * (1 - settings.running_foot_share),
    )
    return out
