"""The rows of one goal table, read from its parts on one or more pages.

A chain of small steps, each a function of what the page shows:

1. **columns** per table part: from vertical rules, or from the text (``pipeline.extract.grid``);
2. **placement**: every body word in its column; runs right of the remark text (a contact block
   beside a table without a right edge) are not the table's;
3. **lines**: the goal and remark cells' printed lines, clustered by baseline across both
   columns (a goal line and a remark line level with it are one *band*); marks apart;
4. **row starts**: a row can start only at a band with a goal line. Where it does start is the
   best-scoring cut of the bands into rows: a row start shows a mark at its top (cells are
   top-aligned) or a mark centred in its height, a goal that begins with a capital after a goal
   closed by its *(bilag N)* tag, a remark beginning level with it; a row holds one mark. A
   lowercase start or an open sentence above says the cell goes on. Drawn row rules, where the
   table has them, decide within a page; across a page break the same evidence decides whether
   a row goes on;
5. **checks**: one mark per row, *I alt* equal to the counted marks, no row without a goal.

``read_table`` runs the ways of finding the grid in turn (rules for columns and rows, text
columns with drawn rows, all from text) and keeps the first whose checks pass, else the one
that passes most of them.
"""

from __future__ import annotations

import bisect
import itertools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from pipeline.extract.grid import Columns, columns_from_rules, columns_from_text, merge_rules
from pipeline.extract.header import TableHeader
from pipeline.extract.layout import Line, group_lines
from pipeline.extract.primitives import NO_TEXT_SIZE, Rule, Word
from pipeline.extract.settings import ReaderSettings
from pipeline.vocabulary import BILAG_TAG, REWORD_LEAD, ColumnKey, is_mark

__all__ = ["CellLine", "RawRow", "TablePart", "TableRead", "read_table"]

_TAG_AT_END = re.compile(BILAG_TAG.pattern + r"\s*$", re.IGNORECASE)
_OPENING = re.compile(r"^[\W_]*([^\W\d_]|\d)")  # the first letter or digit
_CLOSED_ENDS = (".", "!", "?", ")", "”", '"', "’")
_NOT_A_START = -1e6


@dataclass(slots=True)
class TablePart:
    """The stretch of one goal table that stands on one page."""

    page: int
    header: TableHeader | None  # the header row printed on this page, if any
    lines: list[Line]  # the body's printed lines on this page, top to bottom
    rules: tuple[Rule, ...]  # the page's rules
    top: float  # where the body starts (under the header, or the top of the page's text)
    bottom: float  # where it ends (the I alt row, the next heading, or the page's last line)
    # Every cell's edges are drawn, and they are the cells the document holds (a Word file laid
    # out by pipeline.extract.docx): its rows are its rules' rows, marks or none.
    exact: bool = False


@dataclass(slots=True)
class CellLine:
    """One printed line of a goal or remark cell."""

    text: str
    top: float
    bottom: float
    size: float
    page: int
    # One word that fills its line to the column's right edge: a word too long for the column,
    # broken inside without a hyphen (LibreOffice and Word do; browsers may), if the next line
    # goes on with the rest of it.
    fills: bool = False
    # How far short of the column's right edge (its longest line) the line ends, in em.
    slack: float = 0.0
    # The column draws a space at the end of lines that break between words (Word and
    # LibreOffice do): a filling word without one was broken inside.
    spaced: bool = False


@dataclass(slots=True)
class RawRow:
    """One table row as the page shows it, before its text is interpreted."""

    goal: list[CellLine] = field(default_factory=list)
    remark: list[CellLine] = field(default_factory=list)
    number: list[CellLine] = field(default_factory=list)  # a numbering column's cell
    started: int = 0
    not_started: int = 0
    pages: list[int] = field(default_factory=list)

    @property
    def marks(self) -> int:
        return bool(self.started) + bool(self.not_started)


@dataclass(slots=True)
class TableRead:
    rows: list[RawRow]
    totals: tuple[int | None, int | None]  # the printed I alt numbers
    strategy: str  # how the grid was found: "rules", "text columns, ruled rows", "text"
    passed: bool  # every check held
    problems: list[str]  # the checks that failed, in plain words
    interline: float = 0.0  # the usual gap between the lines of a paragraph (points)


@dataclass(slots=True)
class _Band:
    """Cell lines standing on one baseline, across the goal and remark columns."""

    part: int
    page: int
    top: float
    bottom: float
    goal: CellLine | None = None
    remark: CellLine | None = None
    number: CellLine | None = None  # a numbering column's line ("1.1")

    @property
    def middle(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass(slots=True)
class _Mark:
    part: int
    top: float
    bottom: float
    key: ColumnKey


@dataclass(slots=True)
class _Layout:
    """Steps 1–3 for one way of finding the columns: bands, marks and each part's columns."""

    bands: list[_Band]
    marks: list[_Mark]
    columns: list[Columns]
    em: float

    @property
    def interline(self) -> float:
        """The usual gap between two lines of a paragraph in the goal column."""
        gaps = sorted(
            b.top - a.bottom
            for a, b in itertools.pairwise(self.bands)
            if a.part == b.part and a.goal and b.goal
        )
        return gaps[len(gaps) // 4] if gaps else 0.0


# --------------------------------------------------------------------------- steps 1-3


def _em(parts: Sequence[TablePart]) -> float:
    sizes = sorted(w.size for p in parts for ln in p.lines for w in ln.words)
    return sizes[len(sizes) // 2] if sizes else NO_TEXT_SIZE


def _part_rules(
    part: TablePart, em: float, settings: ReaderSettings
) -> tuple[list[Rule], list[Rule]]:
    """The part's merged horizontal and vertical rules within its height."""
    reach = settings.rule_reach * em
    top, bottom = part.top - reach, part.bottom + reach
    inside = [r for r in part.rules if r.bottom >= top and r.top <= bottom]
    tolerance = settings.rule_merge * em
    horizontal = merge_rules(inside, horizontal=True, tolerance=tolerance)
    vertical = [
        r
        for r in merge_rules(inside, horizontal=False, tolerance=tolerance)
        if r.bottom - r.top >= settings.rule_min_length * em
    ]
    return horizontal, vertical


def _right_edge(header: TableHeader, horizontal: Sequence[Rule]) -> float | None:
    """Where horizontal rules drawn across the whole table end (a table ruled between rows only)."""
    spanning = [r.x1 for r in horizontal if r.x0 <= header.cells[0].x1 and r.x1 >= header.right]
    return max(spanning) if spanning else None


def _columns(
    parts: Sequence[TablePart], em: float, use_rules: bool, settings: ReaderSettings
) -> list[Columns]:
    """Each part's columns: from its own vertical rules when asked and drawn, else from the text
    of all the parts under the same header (a header repeated on a page starts a new group)."""
    headers: list[TableHeader] = []
    group_words: list[list[Word]] = []
    for part in parts:
        if part.header is not None or not headers:
            headers.append(part.header or headers[-1])
            group_words.append([])
        group_words[-1] += [w for ln in part.lines for w in ln.words]
    out: list[Columns] = []
    group = -1
    for part in parts:
        if part.header is not None or group < 0:
            group += 1
        header = headers[group]
        horizontal, vertical = _part_rules(part, em, settings)
        words = [w for ln in part.lines for w in ln.words]
        grid = settings.grid
        cols = columns_from_rules(header, vertical, words, em, grid) if use_rules else None
        if cols is None:
            right = _right_edge(header, horizontal)
            cols = columns_from_text(header, group_words[group], em, right, grid)
        out.append(cols)
    return out


def _cut_at_edges(words: Sequence[Word], cols: Columns, inside: float) -> list[Word]:
    """Words as the columns hold them: a word running across a column edge (``inside`` its
    size within it) is the text of two cells that touch (zero cell padding, no rule between
    them) and is cut there."""
    inner = cols.edges[1:-1]
    out: list[Word] = []
    for w in words:
        pieces = [w]
        for x in inner:
            last = pieces[-1]
            if last.x0 + inside * last.size < x < last.x1 - inside * last.size:
                cut = last.split_at(x)
                if cut is not None:
                    pieces[-1:] = list(cut)
        out += pieces
    return out


def _placed(line: Line, cols: Columns, settings: ReaderSettings) -> list[tuple[ColumnKey, Word]]:
    """The line's words in their columns. Without a drawn right edge, a run of words in the
    remark column is the remark's only when it starts where remark text starts (or continues a
    run that did); a run further right, or in another type size, stands beside the table."""
    out: list[tuple[ColumnKey, Word]] = []
    in_remark = False
    prev: Word | None = None
    for w in _cut_at_edges(line.words, cols, settings.edge_inside):
        key = cols.column_of(w)
        if key == "remark" and not cols.closed_right:
            joined = (
                in_remark
                and prev is not None
                and -settings.edge_inside * w.size <= w.x0 - prev.x1 <= settings.run_gap * w.size
                and abs(w.size - prev.size) <= settings.edge_inside * max(w.size, 1)
            )
            starts = w.x0 <= cols.remark_left + settings.remark_indent * w.size
            in_remark = joined or (not in_remark and starts)
            if not in_remark:
                key = None
        prev = w
        if key is not None:
            out.append((key, w))
    return out


def _cell_lines(
    words: list[Word], page: int, em: float, settings: ReaderSettings
) -> list[CellLine]:
    """One column's printed lines on one page. A line *fills* its column when it is one word
    reaching the column's right edge and not followed by the space Word and LibreOffice draw
    where a line breaks between words."""
    lines = group_lines(words)
    right = max((ln.words[-1].x1 for ln in lines), default=0.0)
    spaced = any(ln.words[-1].space_after for ln in lines)
    return [
        CellLine(
            ln.text,
            ln.top,
            ln.bottom,
            ln.size,
            page,
            fills=len(lines) >= settings.fill_min_lines
            and len(ln.words) == 1
            and not ln.words[0].space_after
            and ln.words[0].x1 >= right - settings.fill_slack * em,
            slack=(right - ln.words[-1].x1) / em,
            spaced=spaced,
        )
        for ln in lines
    ]


def _layout(parts: Sequence[TablePart], use_rules: bool, settings: ReaderSettings) -> _Layout:
    em = _em(parts)
    columns = _columns(parts, em, use_rules, settings)
    bands: list[_Band] = []
    marks: list[_Mark] = []
    for k, (part, cols) in enumerate(zip(parts, columns, strict=True)):
        by_key: dict[ColumnKey, list[Word]] = {"number": [], "goal": [], "remark": []}
        for line in part.lines:
            for key, w in _placed(line, cols, settings):
                if key in ("started", "not_started"):
                    if is_mark(w.text):
                        marks.append(_Mark(k, w.top, w.bottom, key))
                elif key in by_key:
                    by_key[key].append(w)
        cell_lines: list[tuple[ColumnKey, CellLine]] = [
            (key, cl)
            for key, words in by_key.items()
            for cl in _cell_lines(words, part.page, em, settings)
        ]
        cell_lines.sort(key=lambda kl: kl[1].bottom)
        tolerance = settings.baseline_tolerance * em
        part_bands: list[_Band] = []
        for key, cl in cell_lines:
            band = part_bands[-1] if part_bands else None
            if (
                band is None
                or cl.bottom - band.bottom > tolerance
                or getattr(band, key) is not None
            ):
                band = _Band(k, part.page, cl.top, cl.bottom)
                part_bands.append(band)
            setattr(band, key, cl)
            band.top, band.bottom = min(band.top, cl.top), max(band.bottom, cl.bottom)
        bands += part_bands
    foot = settings.mark_at_foot * em
    return _Layout(bands, _marks_at_page_foot_move_on(marks, bands, foot), columns, em)


def _marks_at_page_foot_move_on(
    marks: list[_Mark], bands: list[_Band], below: float
) -> list[_Mark]:
    """A mark standing below all text of its page part is the first mark of the row that goes on
    on the next page (an engine may leave a row's mark alone at the foot of a page)."""
    last_bottom: dict[int, float] = {}
    first_top: dict[int, float] = {}
    for b in bands:
        last_bottom[b.part] = max(last_bottom.get(b.part, b.bottom), b.bottom)
        first_top.setdefault(b.part, b.top)
    out = []
    for m in marks:
        later = [p for p in first_top if p > m.part]
        if m.top > last_bottom.get(m.part, float("inf")) + below and later:
            part = min(later)
            m = _Mark(part, first_top[part], first_top[part] + (m.bottom - m.top), m.key)
        out.append(m)
    return out


# --------------------------------------------------------------------------- step 4: row starts


def _opening(text: str) -> str:
    m = _OPENING.match(text)
    return m.group(1) if m else ""


def _closed(text: str) -> bool:
    """A cell's text so far ends a wording or a sentence (a row may end after it)."""
    text = text.rstrip()
    return bool(_TAG_AT_END.search(text)) or text.endswith(_CLOSED_ENDS)


def _marked_at(layout: _Layout) -> list[list[float]]:
    """Per part, the tops of its marks, sorted."""
    tops: list[list[float]] = [[] for _ in layout.columns]
    for m in layout.marks:
        tops[m.part].append(m.top)
    return [sorted(t) for t in tops]


def _start_evidence(
    layout: _Layout, row_rules: list[list[float]] | None, mode: str, settings: ReaderSettings
) -> list[float]:
    """For every band, how strongly the page says a row starts there (``_NOT_A_START`` where it
    cannot: between two drawn row rules, or a band with neither a goal line nor a mark). In
    ``mode`` "top" a mark level with the band's top says a row starts (cells are top-aligned)."""
    bands, em, interline = layout.bands, layout.em, layout.interline
    weights = settings.rows
    mark_tops = _marked_at(layout)
    # A table that numbers its goals prints each row's number on its first line.
    numbered = sum(1 for b in bands if b.number is not None) >= settings.numbered_rows
    evidence = [0.0] * len(bands)
    prev_goal: CellLine | None = None
    prev_remark: CellLine | None = None
    paused = False  # the goal column blank beside remark text since the last goal line
    for k, band in enumerate(bands):
        g, r = band.goal, band.remark
        new_part = k == 0 or bands[k - 1].part != band.part
        tops = mark_tops[band.part]
        level = settings.mark_level * em
        i = bisect.bisect_left(tops, band.top - level)
        marked = mode == "top" and i < len(tops) and tops[i] <= band.top + level
        if k == 0:
            score = 0.0
        elif row_rules is not None and not new_part:
            above = bands[k - 1]
            ruled = any(above.middle < y < band.middle for y in row_rules[band.part])
            score = weights.ruled if ruled else _NOT_A_START
        elif g is None and not marked and band.number is None:
            score = _NOT_A_START  # a row starts with its goal, or its mark beside a remark
        else:
            score = _text_evidence(
                band, prev_goal, prev_remark, new_part, paused, interline, em, settings
            )
            score += weights.mark_at_top if marked else 0.0
            # A goal number stands on its row's first line (a numbering column); a line without
            # one goes on with the row above (across a page, too).
            if numbered:
                score += weights.numbered if band.number is not None else -weights.unnumbered
        evidence[k] = score
        paused = (paused or (g is None and r is not None)) and g is None and not new_part
        prev_goal = g or prev_goal
        prev_remark = r or prev_remark
    return evidence


def _text_evidence(
    band: _Band,
    prev_goal: CellLine | None,
    prev_remark: CellLine | None,
    new_part: bool,
    paused: bool,
    interline: float,
    em: float,
    settings: ReaderSettings,
) -> float:
    """What the cells' text says of a row starting at ``band``. ``paused``: the goal column
    stood blank for a line or more beside remark text, up to this band."""
    g, r = band.goal, band.remark
    w = settings.rows
    gap = interline + settings.paragraph_gap * em
    score = 0.0
    # The remark beside this line plainly goes on from the line above: it starts in lowercase
    # (a remark above that ends without a full stop proves nothing: remarks often do).
    remark_goes_on = r is not None and prev_remark is not None and _opening(r.text).islower()
    if (
        paused
        and g is not None
        and prev_goal is not None
        and g.top - prev_goal.bottom > interline + settings.goal_pause * em
        and not remark_goes_on
    ):
        # A goal cell has no blank lines but between its wordings: its row went on beside a
        # longer remark, and this is the next row's goal, next to the next row's remark (a
        # remark that goes on through the blank is one row's: its goal's next wording).
        score += w.goal_after_pause
        prev_remark = None
    goal_paragraph = False
    if g is None:
        score -= w.no_goal_line  # the goal text of a row may move on to the next page, its mark not
    elif (
        g.text.lower().startswith("(bilag")
        or _opening(g.text).islower()
        or REWORD_LEAD.match(g.text)
    ):
        score -= w.goal_goes_on  # the goal cell goes on: a wording's tag, a sentence, a proposal
    elif prev_goal is not None:
        # A capital after a closed wording may start a row; after an open sentence it may not.
        score += w.after_closed if _closed(prev_goal.text) else -w.after_open
    if g is not None:
        goal_paragraph = new_part or prev_goal is None or g.top - prev_goal.bottom > gap
        if not new_part:
            score += w.goal_paragraph if goal_paragraph else -w.goal_close
    if r is not None:
        remark_paragraph = new_part or prev_remark is None or r.top - prev_remark.bottom > gap
        # Remarks often end without a full stop, so an unclosed remark above weighs less than a
        # remark line that plainly goes on (a lowercase start, no paragraph gap).
        remark_open = prev_remark is not None and not _closed(prev_remark.text)
        if _opening(r.text).islower() or (remark_open and not remark_paragraph):
            score -= w.remark_goes_on  # the remark beside it goes on
        elif remark_paragraph and (new_part or not remark_open):
            score += w.remark_begins  # a remark begins level with the goal
        if goal_paragraph and remark_paragraph and not new_part:
            score += w.both_begin  # both cells begin a paragraph on one baseline: a first line
    return score


@dataclass(frozen=True, slots=True)
class _MarkLine:
    position: float  # part * _PART + top: the document order of marks and bands
    top: float
    center: float


_PART = 1e5


def _mark_lines(layout: _Layout, level: float) -> list[_MarkLine]:
    """Marks standing level with each other, within ``level`` em (a row marked twice), count as
    one mark line."""
    out: list[_MarkLine] = []
    for m in sorted(layout.marks, key=lambda m: (m.part, m.top)):
        center = (m.top + m.bottom) / 2
        if (
            out
            and out[-1].position // _PART == m.part
            and abs(out[-1].center - center) < level * layout.em
        ):
            continue
        out.append(_MarkLine(m.part * _PART + m.top, m.top, center))
    return out


@dataclass(frozen=True, slots=True)
class _Cut:
    score: float
    starts: list[int]  # the first band of each row
    fit: float  # the share of marked rows whose mark stands where the way of cutting expects


def _cut(layout: _Layout, evidence: list[float], mode: str, settings: ReaderSettings) -> _Cut:
    """The best cut of the bands into rows, for marks at the top of their rows or centred."""
    bands, em = layout.bands, layout.em
    weights = settings.rows
    lines = _mark_lines(layout, settings.mark_line)
    positions = [m.position for m in lines]
    starts = [k for k, s in enumerate(evidence) if s > _NOT_A_START / 2]
    # A row without a mark is allowed (a finding), but it costs: a second wording of a marked
    # row must not become a row of its own on weak evidence.
    unmarked = -weights.unmarked if lines else 0.0
    level = settings.mark_level * em
    # Where each band's row would begin, in document order: a mark a little above the band's
    # first line still stands in its row.
    pos = [b.part * _PART + b.top - level for b in bands]

    # The first band at or after each band that holds remark text, and goal text.
    next_remark = [len(bands)] * (len(bands) + 1)
    next_goal = [len(bands)] * (len(bands) + 1)
    for k in range(len(bands) - 1, -1, -1):
        next_remark[k] = k if bands[k].remark is not None else next_remark[k + 1]
        next_goal[k] = k if bands[k].goal is not None else next_goal[k + 1]

    def group(i: int, j: int | None) -> float:
        a = starts[i]
        b = starts[j] if j is not None else len(bands)
        r = next_remark[a]
        # Cells are top-aligned: a remark cannot begin lines below its row's first line.
        late = a < r < b and bands[r].part == bands[a].part and bands[r].top > bands[a].top + level
        # Every row has a goal: a row without one goes on where its goal went (the next page).
        goalless = next_goal[a] >= b
        return (
            _mark_term(i, j)
            - (weights.late_remark if late else 0.0)
            - (weights.goalless if goalless else 0.0)
        )

    def _offset(i: int, j: int | None) -> tuple[int, float]:
        """(marks in the row, how far its one mark stands from where this way expects it)."""
        a, b = starts[i], (starts[j] if j is not None else None)
        lo = pos[a] if i else -float("inf")
        hi = pos[b] if b is not None else float("inf")
        first, last = bisect.bisect_left(positions, lo), bisect.bisect_left(positions, hi)
        if last - first != 1:
            return last - first, 0.0
        m = lines[first]
        top_band = bands[a]
        last_band = bands[(b if b is not None else len(bands)) - 1]
        if mode == "top":
            if m.position // _PART != top_band.part:
                return 1, float("inf")
            return 1, m.top - top_band.top
        if top_band.part != last_band.part:
            # A row broken across a page: the mark is centred in its part on the mark's page.
            part = int(m.position // _PART)
            on_page = [bd for bd in bands[a:b] if bd.part == part]
            if not on_page:
                return 1, float("inf")
            top_band, last_band = on_page[0], on_page[-1]
        return 1, m.center - (top_band.top + last_band.bottom) / 2

    def _mark_term(i: int, j: int | None) -> float:
        count, offset = _offset(i, j)
        if count == 0:
            return unmarked
        if count > 1:
            return weights.marks_many * (2 - count)  # one mark beyond one: nothing left
        if mode == "top":
            return weights.mark_in_place if abs(offset) <= level else weights.mark_near
        # Centred in its row: the nearer the row's middle, the likelier this is the mark's row
        # (paragraph spacing below a cell's last line may push the middle down a little).
        a, b = starts[i], (starts[j] if j is not None else len(bands))
        height = bands[b - 1].bottom - bands[a].top if bands[b - 1].part == bands[a].part else 0
        tolerance = settings.middle_tolerance * em + settings.middle_tolerance_share * height
        miss = weights.mark_in_place - weights.mark_near
        return weights.mark_in_place - miss * min(1.0, abs(offset) / tolerance)

    n = len(starts)
    # score_open[j]: the best score of the rows up to one starting at starts[j], still open.
    # Closing the row that starts at starts[i] where starts[j] begins adds its mark term and
    # the evidence for a row start at starts[j].
    score_open = [0.0] * n
    back = [0] * n
    for j in range(1, n):
        best_j, back_j = -float("inf"), 0
        for i in range(j):
            if score_open[i] == -float("inf"):
                continue
            value = score_open[i] + group(i, j) + evidence[starts[j]]
            if value > best_j:
                best_j, back_j = value, i
        score_open[j], back[j] = best_j, back_j
    total, last = -float("inf"), 0
    for i in range(n):
        value = score_open[i] + group(i, None)
        if value > total:
            total, last = value, i
    chosen = [last]
    while chosen[-1] != 0:
        chosen.append(back[chosen[-1]])
    chosen.reverse()
    # How many rows hold their one mark the same way: level with the row's top, or at one
    # offset from its middle (an engine centres a cell with its paragraph spacing).
    offsets = [
        offset
        for count, offset in (
            _offset(i, j) for i, j in zip(chosen, [*chosen[1:], None], strict=True)
        )
        if count == 1 and offset != float("inf")
    ]
    fit = 0.0
    if offsets:
        usual = 0.0 if mode == "top" else sorted(offsets)[len(offsets) // 2]
        fit = sum(abs(o - usual) <= settings.mark_agreement * em for o in offsets) / len(offsets)
    return _Cut(total, [starts[i] for i in chosen], fit)


# --------------------------------------------------------------------------- rows and checks


def _rows(layout: _Layout, cuts: list[int], settings: ReaderSettings) -> list[RawRow]:
    bands = layout.bands
    bounds = [*cuts, len(bands)]
    pos = [b.part * _PART + b.top - settings.mark_level * layout.em for b in bands]
    rows = []
    for n, (a, b) in enumerate(itertools.pairwise(bounds)):
        row = RawRow()
        for band in bands[a:b]:
            if band.goal:
                row.goal.append(band.goal)
            if band.remark:
                row.remark.append(band.remark)
            if band.number:
                row.number.append(band.number)
            if band.page not in row.pages:
                row.pages.append(band.page)
        lo = pos[a] if n else -float("inf")
        hi = pos[b] if b < len(bands) else float("inf")
        for m in layout.marks:
            if lo <= m.part * _PART + m.top < hi:
                if m.key == "started":
                    row.started += 1
                else:
                    row.not_started += 1
        rows.append(row)
    return rows


def _totals(line: Line | None, cols: Columns) -> tuple[int | None, int | None]:
    reported: list[int | None] = [None, None]
    if line is None:
        return None, None
    for w in line.words:
        text = w.text.strip(".:")
        if text.isdigit():
            key = cols.column_of(w)
            if key == "started":
                reported[0] = int(text)
            elif key == "not_started":
                reported[1] = int(text)
    return reported[0], reported[1]


def _problems(rows: list[RawRow], totals: tuple[int | None, int | None]) -> list[str]:
    problems = []
    unmarked = sum(1 for r in rows if r.marks != 1)
    if unmarked:
        problems.append(f"{unmarked} of {len(rows)} rows do not hold exactly one mark")
    counted = (sum(1 for r in rows if r.started), sum(1 for r in rows if r.not_started))
    if totals != (None, None) and totals != counted:
        problems.append(f"I alt says {totals}, the marks counted are {counted}")
    empty = sum(1 for r in rows if not r.goal)
    if empty:
        problems.append(f"{empty} rows have no goal text")
    return problems


def _acceptable(read: TableRead, settings: ReaderSettings) -> bool:
    """Good enough to stop looking: the printed totals (if any) agree with the marks counted, and
    few rows lack their one mark (a notat may leave a row unmarked or mark it twice; a wrong grid
    leaves many)."""
    rows = read.rows
    counted = (sum(1 for r in rows if r.started), sum(1 for r in rows if r.not_started))
    if read.totals != (None, None) and read.totals != counted:
        return False
    odd = sum(1 for r in rows if r.marks != 1)
    allowed = max(settings.odd_rows_min, math.floor(round(len(rows) * settings.odd_rows_share, 9)))
    return odd <= allowed and all(r.goal for r in rows)


def _ranking(read: TableRead) -> tuple:
    """How well a read that failed its checks fits: its totals, the share of its rows without
    exactly one mark (a share, not a count: a read that lumps rows together has fewer of them;
    a form nobody has filled in has no marks at all, however its rows are cut), its rows
    without a goal."""
    rows = read.rows
    counted = (sum(1 for r in rows if r.started), sum(1 for r in rows if r.not_started))
    return (
        read.totals != (None, None) and read.totals == counted,
        -round(sum(1 for r in rows if r.marks != 1) / max(1, len(rows)), 2),
        -sum(1 for r in rows if not r.goal),
    )


def _row_rules(
    layout: _Layout, parts: Sequence[TablePart], settings: ReaderSettings
) -> list[list[float]] | None:
    """Per part, the y of each horizontal rule drawn across the goal and status columns."""
    out: list[list[float]] = []
    any_rules = False
    for part, cols in zip(parts, layout.columns, strict=True):
        horizontal, _ = _part_rules(part, layout.em, settings)
        goal, started, not_started = (
            cols.middle("goal"),
            cols.middle("started"),
            cols.middle("not_started"),
        )
        needed = [x for x in (goal, started, not_started) if x is not None]
        ys = sorted(
            r.top
            for r in horizontal
            if part.top - settings.rule_reach * layout.em
            <= r.top
            <= part.bottom + settings.rule_reach * layout.em
            and all(r.x0 <= x <= r.x1 for x in needed)
        )
        any_rules = any_rules or bool(ys)
        out.append(ys)
    return out if any_rules else None


def read_table(
    parts: Sequence[TablePart], totals_line: Line | None, settings: ReaderSettings
) -> TableRead | None:
    """The table's rows by the first way of finding its grid whose checks pass (else the way
    that passes most); None when no part has a header to find the columns by."""
    if not parts or parts[0].header is None:
        return None
    reads: list[TableRead] = []
    for use_rules, ruled_rows, name in (
        (True, True, "rules"),
        (False, True, "text columns, ruled rows"),
        (False, False, "text"),
    ):
        layout = _layout(parts, use_rules, settings)
        if use_rules and not any(c.ruled for c in layout.columns):
            continue
        row_rules = _row_rules(layout, parts, settings) if ruled_rows else None
        if ruled_rows and row_rules is None:
            continue
        if not layout.bands:
            continue
        totals = _totals(totals_line, layout.columns[-1])
        # Marks at the top of their rows or centred in them: the way whose rows pass the
        # checks, else the way the page fits best.
        cuts = []
        for mode in ("top", "middle"):
            cut = _cut(layout, _start_evidence(layout, row_rules, mode, settings), mode, settings)
            rows = _rows(layout, cut.starts, settings)
            problems = _problems(rows, totals)
            read = TableRead(rows, totals, name, not problems, problems, layout.interline)
            cuts.append((_acceptable(read, settings), round(cut.fit, 2), cut.score, read))
        passed, _, _, read = max(cuts, key=lambda c: c[:3])
        if passed or (name == "rules" and all(p.exact for p in parts)):
            return read  # (a form not yet filled in has no marks; its rows are its cells)
        reads.append(read)
    if not reads:
        return None
    return max(reads, key=_ranking)  # the first of the best: rules before text
