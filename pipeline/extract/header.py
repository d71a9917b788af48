"""The header row of a goal table, found from what its cells say, however they wrap.

A header cell may wrap over several printed lines, break inside a word ("Gennemfør" + "t/" +
"igangsat"), be hyphenated, centred, or stand level with a contact block beside the table. So a
header is searched for as a *window* of a few consecutive printed lines: their words are cut
into the horizontal stretches no word crosses (a column's text never crosses into the next), and
those stretches are grouped, left to right, into cells whose joined text names a column in
``pipeline.vocabulary``. The smallest window that names both status columns and the remark
column is the header; what stands further right, past a clear gap, is not the table's.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.extract.layout import Line
from pipeline.extract.primitives import Word
from pipeline.extract.settings import ReaderSettings
from pipeline.vocabulary import (
    ColumnKey,
    heading_column,
    heading_prefix,
    heading_start,
    misread_goal_heading,
)

__all__ = ["HeaderCell", "TableHeader", "find_header_across_pages", "find_headers"]

# The two status headings make a goal table; a goal or remark heading that cannot be read (OCR
# dust over "Mål") is implied by where the table's other columns stand.
_REQUIRED: frozenset[ColumnKey] = frozenset({"started", "not_started"})
_UNBOUNDED = float("inf")
# Two words of a header line whose boxes overlap by this much (points: a rounding of the
# producer's) are in one stretch.
_OVERLAP_PT = 0.01


@dataclass(frozen=True, slots=True)
class HeaderCell:
    key: ColumnKey
    x0: float
    x1: float
    text: str  # the cell's lines joined by spaces, as printed


@dataclass(frozen=True, slots=True)
class TableHeader:
    """One goal table's header row on one page."""

    page: int
    first_line: int  # index of its first and last printed line in the page's lines
    last_line: int
    top: float
    bottom: float
    cells: tuple[HeaderCell, ...]  # left to right
    size: float  # the header text's size

    def cell(self, key: ColumnKey) -> HeaderCell | None:
        return next((c for c in self.cells if c.key == key), None)

    @property
    def right(self) -> float:
        return self.cells[-1].x1


@dataclass(slots=True)
class _Stretch:
    """A horizontal stretch of the window that no word crosses."""

    x0: float
    x1: float


def _stretches(words: list[Word]) -> list[_Stretch]:
    out: list[_Stretch] = []
    for w in sorted(words, key=lambda w: w.x0):
        if out and w.x0 < out[-1].x1 - _OVERLAP_PT:
            out[-1].x1 = max(out[-1].x1, w.x1)
        else:
            out.append(_Stretch(w.x0, w.x1))
    return out


def _cell_text(window: Sequence[Line], x0: float, x1: float, *, dust: bool = True) -> str:
    """The words of the window between ``x0`` and ``x1``, line by line; without ``dust``, no
    lone letter or digit (scanner dust that OCR read as a letter)."""
    parts = []
    for line in window:
        parts += [
            w.text
            for w in line.words
            if x0 <= (w.x0 + w.x1) / 2 <= x1
            and (dust or not (len(w.text) == 1 and w.text.isalnum()))
        ]
    return " ".join(parts)


def _cell_key(window: Sequence[Line], x0: float, x1: float) -> tuple[ColumnKey | None, str]:
    """The column the window's words between ``x0`` and ``x1`` name, and their text. A lone
    letter may be the end of a heading broken inside a word ("igangsa" + "t") or dust."""
    text = _cell_text(window, x0, x1)
    key = heading_column(text)
    if key is None:
        text = _cell_text(window, x0, x1, dust=False)
        key = heading_column(text)
    return key, text


def _headings_inside(w: Word) -> list[tuple[int, ColumnKey]]:
    """Where a heading begins inside ``w`` at a capital (two cells printed as one word,
    "GennemIkke-"): (letter index, column)."""
    return [
        (k, key)
        for k in range(1, len(w.text) - 2)
        if w.text[k].isupper() and (key := heading_start(w.text[k:])) is not None
    ]


def _apart(window: Sequence[Line], settings: ReaderSettings) -> list[Line]:
    """The window's lines with words cut where two header cells without padding or a rule
    between them printed as one word ("GennemIkke-"): where another of the window's lines has a
    word begin (the cells' left-aligned lines show where the second begins), and where a heading
    begins at a capital inside the word."""
    starts = sorted({w.x0 for line in window for w in line.words})
    out = []
    for line in window:
        words: list[Word] = []
        for w in line.words:
            if not w.letters:
                words.append(w)
                continue
            edge, cut = settings.header_edge_pt, settings.header_cut_pt
            lo, hi = (
                bisect.bisect_right(starts, w.x0 + edge),
                bisect.bisect_left(starts, w.x1 - edge),
            )
            cuts = [x for x in starts[lo:hi] if any(abs(x - left) < cut for left in w.letters)]
            cuts += [w.letters[k] for k, _ in _headings_inside(w)]
            pieces = [w]
            for x in sorted(set(cuts)):
                cut = pieces[-1].split_at(x)
                if cut is not None:
                    pieces[-1:] = list(cut)
            words += pieces
        out.append(Line(words, line.top, line.bottom))
    return out


def _match(window: Sequence[Line], settings: ReaderSettings) -> list[HeaderCell] | None:
    """The window's words as header cells, left to right, or None when they are not a header."""
    window = _apart(window, settings)
    words = [w for line in window for w in line.words]
    stretches = _stretches(words)
    if not stretches:
        return None
    first = stretches[0]
    start: list[HeaderCell] = []
    if not any(
        heading_prefix(_cell_text(window, first.x0, first.x1, dust=dust)) for dust in (True, False)
    ):
        # "Mål" read one letter off ("Nål") is the goal heading only when both status headings
        # follow it (checked below, as for every header)
        text = _cell_text(window, first.x0, first.x1)
        if not misread_goal_heading(text):
            return None
        start = [HeaderCell("goal", first.x0, first.x1, text)]
        stretches = stretches[1:]
    n = len(stretches)
    size = max(w.size for w in words)
    # best[k]: cells covering stretches[:k] exactly, or None.
    best: list[list[HeaderCell] | None] = [None] * (n + 1)
    best[0] = start
    for k in range(1, n + 1):
        for a in range(k):
            before = best[a]
            if before is None:
                continue
            x0, x1 = stretches[a].x0, stretches[k - 1].x1
            key, text = _cell_key(window, x0, x1)
            if key is None or any(c.key == key for c in before):
                continue
            if before and before[-1].x1 > x0:
                continue
            best[k] = [*before, HeaderCell(key, x0, x1, text)]
            break
    gap = settings.run_gap * size
    for k in range(n, 0, -1):
        cells = best[k]
        if cells is None or not {c.key for c in cells} >= _REQUIRED:
            continue
        # What stands right of the last cell past a clear gap (a contact block level with the
        # header) is not part of the table.
        if k == n or stretches[k].x0 - stretches[k - 1].x1 >= gap:
            return _implied(cells)
    return None


def _implied(cells: list[HeaderCell]) -> list[HeaderCell] | None:
    """The header's cells with a goal column left of the status columns and a remark column
    right of them when their headings were not read; None when the order cannot be a goal
    table's (a numbering column first if any, then goal, remark last)."""
    keys = [c.key for c in cells]
    numbered = "number" in keys
    if numbered and (keys.index("number") != 0 or "goal" not in keys):
        return None
    if "goal" in keys and keys.index("goal") != (1 if numbered else 0):
        return None
    if "remark" in keys and keys.index("remark") != len(keys) - 1:
        return None
    if "goal" not in keys:
        cells = [HeaderCell("goal", -_UNBOUNDED, -_UNBOUNDED, ""), *cells]
    if "remark" not in keys:
        cells = [*cells, HeaderCell("remark", _UNBOUNDED, _UNBOUNDED, "")]
    return cells


def find_headers(
    lines: Sequence[Line], page: int, settings: ReaderSettings, start: int = 0
) -> list[TableHeader]:
    """Every goal-table header among ``lines`` (one page's printed lines, top to bottom)."""
    found: list[TableHeader] = []
    i = start
    while i < len(lines):
        if not _begins(lines[i]):
            i += 1
            continue
        header = _header_at(lines, i, page, settings)
        if header is None:
            i += 1
            continue
        found.append(header)
        i = header.last_line + 1
    return found


def _begins(line: Line) -> set[ColumnKey]:
    """The columns whose headings a word of ``line`` could begin; also a heading that begins
    inside a word at a capital (two cells printed as one word: "GennemIkke-")."""
    keys: set[ColumnKey] = set()
    for w in line.words:
        key = heading_start(w.text)
        if key is not None:
            keys.add(key)
            continue
        inside = _headings_inside(w)
        keys.update(k for _, k in inside)
        if inside and (key := heading_start(w.text[: inside[0][0]])) is not None:
            keys.add(key)  # the heading the word's first part begins ("Gennemført/ig")
    return keys


def _header_at(
    lines: Sequence[Line], i: int, page: int, settings: ReaderSettings
) -> TableHeader | None:
    words = 0
    begun: set[ColumnKey] = set()
    for j in range(i, min(i + settings.header_max_lines, len(lines))):
        if j > i and lines[j].top - lines[j - 1].bottom > settings.header_line_gap * lines[j].size:
            return None
        words += len(lines[j].words)
        if words > settings.header_max_words:  # a header is a few short cells, not prose
            return None
        begun |= _begins(lines[j])
        if not begun >= _REQUIRED:
            continue  # both status headings must have begun before the window can be a header
        window = lines[i : j + 1]
        cells = _match(window, settings)
        if cells is not None:
            return _header(page, i, j, cells, window)
    return None


def _header(
    page: int, first: int, last: int, cells: list[HeaderCell], lines: Sequence[Line]
) -> TableHeader | None:
    """The header on ``page`` over its ``lines`` (what stands right of it is not its own)."""
    used = [w for line in lines for w in line.words if w.x0 < cells[-1].x1]
    if not used:
        return None
    return TableHeader(
        page,
        first,
        last,
        min(w.top for w in used),
        max(w.bottom for w in used),
        tuple(cells),
        max(w.size for w in used),
    )


def find_header_across_pages(
    tail: Sequence[Line], lines: Sequence[Line], page: int, settings: ReaderSettings
) -> TableHeader | None:
    """A header row broken across a page: its first lines the last of the page before
    (``tail``), the rest the first of this page's ``lines``. Returned as this page's header."""
    for start in range(len(tail)):
        if not any(heading_prefix(w.text) for w in tail[start].words):
            continue
        head = list(tail[start:])
        for j in range(min(settings.header_max_lines - len(head), len(lines))):
            cells = _match([*head, *lines[: j + 1]], settings)
            if cells is not None:
                return _header(page, 0, j, cells, lines[: j + 1])
    return None
