"""Status notats: one goal table per Tema, the X in the column under its header.

Pages are read as a stream: the parser keeps only the open table (its columns) and the open
row, so a row broken across a page boundary is joined, and memory stays flat however long the
notat is. Columns come from the header words' positions (snapped to vertical rules when drawn),
rows from horizontal rules or, in a borderless table, from whitespace bands across all columns.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from pipeline.danish import find_dato
from pipeline.extract.layout import (
    GOAL,
    NOT_STARTED,
    REMARK,
    STARTED,
    Columns,
    Line,
    columns_from_header,
    group_lines,
    horizontal_rule_ys,
    is_header_continuation,
    is_header_line,
    snap_to_rules,
)
from pipeline.extract.pdf import PageLayout, Word
from pipeline.model import Bilag, Finding, GoalRow, GoalStatement, Status, ThemeTotal
from pipeline.text import normalize_text

_TEMA = re.compile(r"^Tema\s+(\d+)\s*:\s*(.*)$")
_FOOTER = re.compile(r"^Side\s+\d+\s+af\s+\d+$", re.IGNORECASE)
_TAG = re.compile(r"\(\s*bilag\s*(\d)\s*\)", re.IGNORECASE)
_REWORD = re.compile(r"Foreslås\s+omformuleret\s+til\s*:", re.IGNORECASE)
_DROP = "foreslås udgået"
_MARKS = {"X", "x"}
# A line ending in "-" before one of these is a suspended compound ("ledighedsydelses- og"):
# the words stay apart. Before any other word the hyphen belongs to a compound the layout
# engine broke after its hyphen ("KRAM-" / "faktorer"), so the two halves join directly.
_SUSPENSION_FOLLOWERS = {"og", "eller", "samt", "til", "som", "&", "/", ","}
_PARAGRAPH = "\n"


@dataclass
class StatusParse:
    title: str
    date: str
    pages: int
    goal_rows: list[GoalRow] = field(default_factory=list)
    theme_totals: list[ThemeTotal] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


@dataclass(slots=True)
class _CellLine:
    text: str
    top: float
    bottom: float
    size: float
    page: int


@dataclass
class _RowBlock:
    """The part of one table row that stands on one page (or a whole row)."""

    page: int
    goal: list[_CellLine] = field(default_factory=list)
    remark: list[_CellLine] = field(default_factory=list)
    started: int = 0
    not_started: int = 0
    pages: list[int] = field(default_factory=list)

    @property
    def marked(self) -> bool:
        return bool(self.started or self.not_started)

    def extend(self, other: _RowBlock) -> None:
        self.goal += other.goal
        self.remark += other.remark
        self.started += other.started
        self.not_started += other.not_started
        self.pages += other.pages


def _join_lines(lines: list[_CellLine], paragraphs: bool = False) -> str:
    """Cell lines joined by one space (a paragraph break as "\\n" when asked), hyphens kept."""
    out = ""
    prev: _CellLine | None = None
    for line in lines:
        if prev is None:
            out = line.text
        else:
            gap = line.top - prev.bottom
            brk = paragraphs and line.page == prev.page and gap > 0.45 * max(line.size, 1.0)
            first = line.text.split(" ", 1)[0]
            if (
                not brk
                and out[-1:] in ("-", "/")
                and len(out) > 1
                and out[-2].isalnum()
                and first.lower() not in _SUSPENSION_FOLLOWERS
                and first[:1].isalpha()
            ):
                out += line.text
            else:
                out += (_PARAGRAPH if brk else " ") + line.text
        prev = line
    return out


def _first_char(lines: list[_CellLine]) -> str:
    return lines[0].text[:1] if lines else ""


def _cell_lines(words: list[Word], page: int) -> list[_CellLine]:
    return [_CellLine(ln.text, ln.top, ln.bottom, ln.size, page) for ln in group_lines(words)]


def split_wordings(goal_text: str) -> tuple[list[tuple[str, Bilag]], str]:
    """The goal cell's wordings (text, bilag) and the proposed rewording after the marker.

    ``goal_text`` has paragraph breaks as "\\n": an untagged paragraph before another wording
    is a wording of its own.
    """
    proposed = ""
    m = _REWORD.search(goal_text)
    if m:
        proposed = normalize_text(goal_text[m.end() :])
        goal_text = goal_text[: m.start()]
    wordings: list[tuple[str, Bilag]] = []
    pos = 0
    for tag in _TAG.finditer(goal_text):
        pieces = [normalize_text(p) for p in goal_text[pos : tag.start()].split(_PARAGRAPH)]
        pieces = [p for p in pieces if p]
        if not pieces:
            # A tag standing alone (its wording lost): keep the tag's bilag on an empty text.
            pieces = [""]
        wordings += [(p, "") for p in pieces[:-1]]
        wordings.append((pieces[-1], tag.group(1) if tag.group(1) in "12" else ""))  # type: ignore[arg-type]
        pos = tag.end()
    rest = [normalize_text(p) for p in goal_text[pos:].split(_PARAGRAPH)]
    wordings += [(p, "") for p in rest if p]
    return wordings, proposed


class _StatusParser:
    def __init__(self, doc_id: str) -> None:
        self.doc_id = doc_id
        self.pages = 0
        self.title = ""
        self.date = ""
        self.rows: list[GoalRow] = []
        self.totals: list[ThemeTotal] = []
        self.findings: list[Finding] = []
        # the open theme and table
        self.state = "pre"  # pre | heading | table | after
        self.theme_no = 0
        self.theme_title = ""
        self.theme_x0 = 0.0
        self.theme_size = 0.0
        self.theme_last_bottom = 0.0
        self.row_no = 0
        self.counted = [0, 0]
        self.cols: Columns | None = None
        self.ruled = False
        self.open_row: _RowBlock | None = None
        self.region: list[Line] = []  # table lines of the current page not yet cut into rows
        self.margin_keys: set[tuple[str, int]] = set()
        self.pre_lines: list[Line] = []

    # ------------------------------------------------------------------ page stream

    def feed(self, page: PageLayout) -> None:
        self.pages += 1
        if not self.date:
            found = find_dato(page.text)
            if found:
                self.date = found.isoformat()
        lines = self._body_lines(page)
        self.region = []
        i = 0
        while i < len(lines):
            line = lines[i]
            head = line.segments()[0]
            head_text = " ".join(w.text for w in head)
            tema = _TEMA.match(head_text)
            if tema and (self.cols is None or head[0].x0 < self.cols.b_started):
                self._close_region(page)
                self._close_theme(page, totals=None)
                self._open_theme(int(tema.group(1)), tema.group(2), head, line)
                i += 1
                continue
            if self.state in ("heading", "table") and is_header_line(line):
                header_words = list(line.words)
                bottom = line.bottom
                limit = max(
                    (w.x1 for w in line.words if w.text.lower() == "bemærkning"),
                    default=page.width,
                )
                while i + 1 < len(lines) and is_header_continuation(lines[i + 1], limit):
                    i += 1
                    header_words += lines[i].words
                    bottom = max(bottom, lines[i].bottom)
                self._open_table(page, header_words, line.top, bottom)
                i += 1
                continue
            if self.state == "heading":
                if (
                    abs(head[0].x0 - self.theme_x0) <= 3
                    and abs(head[0].size - self.theme_size) <= 0.5
                    and line.top - self.theme_last_bottom <= 1.2 * self.theme_size
                ):
                    self.theme_title = normalize_text(f"{self.theme_title} {head_text}")
                    self.theme_last_bottom = line.bottom
            elif self.state == "table":
                if head_text.startswith("I alt") and self.cols and head[0].x0 < self.cols.b_started:
                    self._close_region(page, bottom=line.top)
                    self._close_theme(page, totals=line)
                else:
                    self.region.append(line)
            elif self.state == "pre" and self.pages == 1:
                self.pre_lines.append(line)
            i += 1
        if self.state == "table":
            self._close_region(page)
        if self.pages == 1:
            self.title = self._title()
            self.pre_lines = []

    def finish(self, last_page: PageLayout | None) -> StatusParse:
        if self.state == "table":
            self._close_theme(last_page, totals=None)
        return StatusParse(self.title, self.date, self.pages, self.rows, self.totals, self.findings)

    # ------------------------------------------------------------------ page furniture

    def _body_lines(self, page: PageLayout) -> list[Line]:
        """The page's lines without footers ("Side X af Y") and headers repeated in the margins."""
        lines = group_lines(page.words)
        margin = page.height * 0.065  # about 19 mm of an A4 page: where running heads stand
        keys: set[tuple[str, int]] = set()
        out = []
        for line in lines:
            text = line.text
            if _FOOTER.match(text):
                continue
            in_margin = line.bottom < margin or line.top > page.height - margin
            if in_margin:
                key = (re.sub(r"\d+", "#", text), round(line.top / 4))
                keys.add(key)
                if key in self.margin_keys:
                    continue
            out.append(line)
        self.margin_keys = keys
        return out

    def _title(self) -> str:
        """The text after "NOTAT" in the same type as its first line (the subtitle differs)."""
        lines = self.pre_lines
        for k, line in enumerate(lines):
            if line.text.strip().upper() == "NOTAT":
                rest = lines[k + 1 :]
                break
        else:
            rest = lines
        rest = [ln for ln in rest if ln.segments()[0]]
        if not rest:
            return ""
        first = rest[0].segments()[0]
        size, bold, x0 = first[0].size, first[0].bold, first[0].x0
        parts = [" ".join(w.text for w in first)]
        prev = rest[0]
        for line in rest[1:]:
            seg = line.segments()[0]
            if (
                abs(seg[0].size - size) > 0.3
                or seg[0].bold != bold
                or abs(seg[0].x0 - x0) > 3
                or line.top - prev.bottom > 1.2 * size
            ):
                break
            parts.append(" ".join(w.text for w in seg))
            prev = line
        return normalize_text(" ".join(parts))

    # ------------------------------------------------------------------ themes and tables

    def _open_theme(self, no: int, title: str, head: list[Word], line: Line) -> None:
        self.state = "heading"
        self.theme_no = no
        self.theme_title = normalize_text(title)
        self.theme_x0 = head[0].x0
        self.theme_size = head[0].size
        self.theme_last_bottom = line.bottom
        self.row_no = 0
        self.counted = [0, 0]
        self.cols = None
        self.open_row = None

    def _open_table(self, page: PageLayout, header: list[Word], top: float, bottom: float) -> None:
        cols = columns_from_header(header, page.width)
        if cols is None:
            return
        cols = snap_to_rules(cols, page.rules, top, bottom + 2)
        if self.state == "table":
            # A header repeated further down: the rows above it belong to the table still.
            self._close_region(page, bottom=top)
        if self.state == "heading":
            self.state = "table"
            below = horizontal_rule_ys(
                page.rules, (cols.b_started + max(cols.left, 0)) / 2, bottom, page.height
            )
            self.ruled = cols.ruled_right or len(below) >= 2
        self.cols = cols
        self.region = []

    def _close_theme(self, page: PageLayout | None, totals: Line | None) -> None:
        if self.state not in ("table", "heading"):
            self.state = "after" if self.state != "pre" else "pre"
            return
        self._emit_open_row()
        reported: list[int | None] = [None, None]
        if totals is not None and self.cols:
            for w in totals.words:
                if w.text.isdigit():
                    col = self.cols.column_of(w)
                    if col == STARTED:
                        reported[0] = int(w.text)
                    elif col == NOT_STARTED:
                        reported[1] = int(w.text)
        page_no = page.number if page else self.pages
        if totals is None:
            self._finding(
                None,
                "error",
                "totals_missing",
                f"Tema {self.theme_no} (side {page_no}): tabellen har ingen 'I alt'-række",
            )
        elif reported != self.counted:
            shown = ", ".join("–" if v is None else str(v) for v in reported)
            self._finding(
                None,
                "error",
                "totals_mismatch",
                f"Tema {self.theme_no} (side {page_no}): 'I alt' angiver {shown}, men der er "
                f"talt {self.counted[0]} X under Gennemført/igangsat og {self.counted[1]} X "
                "under Ikke igangsat",
            )
        self.totals.append(
            ThemeTotal(self.doc_id, self.theme_no, reported[0], reported[1], *self.counted)
        )
        self.state = "after"
        self.cols = None

    # ------------------------------------------------------------------ rows

    def _close_region(self, page: PageLayout, bottom: float | None = None) -> None:
        """Cut the table lines collected on this page into row blocks and hand them on."""
        if self.state != "table" or self.cols is None:
            self.region = []
            return
        cols = self.cols
        # Per text line, the words of each column; in a borderless table the remark column
        # also drops runs of words that start right of where remark text begins (the contact
        # block standing beside the table).
        lines = [ln for ln in self.region if bottom is None or ln.top < bottom]
        placed = self._table_words(lines, cols)
        self.region = []
        if not placed:
            return
        blocks = self._row_blocks(page, placed)
        for k, block in enumerate(blocks):
            self._add_block(block, page_start=(k == 0))

    @staticmethod
    def _table_words(lines: list[Line], cols: Columns) -> list[tuple[int, Word]]:
        """Each word inside the table with its column. Without a drawn right edge, a run of
        words in the remark column belongs to the remark only when it starts where remark text
        starts; runs further right (the contact block beside the table) are left out, also when
        an overflowing word touches them (they overlap it, or are set in another size)."""
        placed: list[tuple[int, Word]] = []
        for line in lines:
            in_remark = False
            prev: Word | None = None
            for w in line.words:
                col = cols.column_of(w)
                if col == REMARK and not cols.ruled_right:
                    joined = (
                        in_remark
                        and prev is not None
                        and -0.5 <= w.x0 - prev.x1 <= max(6.0, 0.8 * w.size)
                        and abs(w.size - prev.size) <= 0.5
                    )
                    in_remark = joined or (not in_remark and w.x0 <= cols.remark_text_left + 12)
                    if not in_remark:
                        col = None
                prev = w
                if col is not None:
                    placed.append((col, w))
        return placed

    def _row_blocks(self, page: PageLayout, placed: list[tuple[int, Word]]) -> list[_RowBlock]:
        cols = self.cols
        assert cols is not None
        groups: list[list[tuple[int, Word]]] = []
        if self.ruled:
            probe = (max(cols.left, 0) + cols.b_started) / 2
            top = min(w.top for _, w in placed)
            bot = max(w.bottom for _, w in placed)
            ys = horizontal_rule_ys(page.rules, probe, top, bot)
            if not ys:
                groups = [placed]
            else:
                buckets: dict[int, list[tuple[int, Word]]] = {}
                for cw in placed:
                    w = cw[1]
                    mid = (w.top + w.bottom) / 2
                    idx = sum(1 for y in ys if y < mid)
                    buckets.setdefault(idx, []).append(cw)
                groups = [buckets[k] for k in sorted(buckets)]
        else:
            groups = self._whitespace_rows(placed)
        blocks = []
        for group in groups:
            block = _RowBlock(page.number, pages=[page.number])
            goal = [w for c, w in group if c == GOAL]
            remark = [w for c, w in group if c == REMARK]
            block.goal = _cell_lines(goal, page.number)
            block.remark = _cell_lines(remark, page.number)
            block.started = sum(1 for c, w in group if c == STARTED and w.text in _MARKS)
            block.not_started = sum(1 for c, w in group if c == NOT_STARTED and w.text in _MARKS)
            if block.goal or block.remark or block.marked:
                blocks.append(block)
        return blocks

    def _whitespace_rows(self, placed: list[tuple[int, Word]]) -> list[list[tuple[int, Word]]]:
        """Rows of a borderless table: a whitespace band across all columns that is wider than
        the line spacing inside the cells separates two rows."""
        by_col: dict[int, list[Word]] = {}
        for c, w in placed:
            by_col.setdefault(c, []).append(w)
        gaps: list[float] = []
        sizes: list[float] = []
        for c in (GOAL, REMARK):
            lines = group_lines(by_col.get(c, []))
            for a, b in itertools.pairwise(lines):
                gaps.append(b.top - a.bottom)
            sizes += [ln.size for ln in lines]
        size = sorted(sizes)[len(sizes) // 2] if sizes else 10.0
        small = sorted(g for g in gaps if g >= -1)
        line_gap = small[len(small) // 4] if small else 0.2 * size
        threshold = max(line_gap, 0.0) + 0.45 * size
        ordered = sorted(placed, key=lambda cw: cw[1].top)
        groups: list[list[tuple[int, Word]]] = []
        reach = -1e9
        for cw in ordered:
            w = cw[1]
            if not groups or w.top - reach > threshold:
                groups.append([cw])
                reach = w.bottom
            else:
                groups[-1].append(cw)
                reach = max(reach, w.bottom)
        return groups

    def _continues(self, prev: _RowBlock, block: _RowBlock, page_start: bool) -> bool:
        """Is ``block`` the rest of ``prev`` (a row broken across a page, or a borderless row
        cut at a wide paragraph gap)? Decided from what the page shows."""
        starts_lower = any(
            ch.islower() for ch in (_first_char(block.goal), _first_char(block.remark))
        )
        goal_text = _join_lines(block.goal)
        strong = (
            starts_lower
            or (not block.goal and bool(prev.goal))
            or bool(re.match(r"\(\s*bilag", goal_text, re.IGNORECASE))
        )
        if prev.marked and block.marked:
            return False
        if strong:
            return True
        if not page_start:
            return False
        prev_goal = _join_lines(prev.goal)
        prev_open = (
            bool(prev_goal)
            and not re.search(r"\(\s*bilag\s*\d\s*\)\s*$", prev_goal, re.IGNORECASE)
            and not _REWORD.search(prev_goal)
        )
        if prev_open:
            return True
        fresh_goal = bool(goal_text) and goal_text[:1].isupper() and bool(_TAG.search(goal_text))
        if prev.marked and not block.marked:
            # The X stands in a row's first part (cells are top-aligned), so an unmarked part
            # after a marked one is the rest of that row, unless it shows a closed goal cell of
            # its own and a remark of its own: then it is a row that lacks its X.
            return not (fresh_goal and block.remark and _first_char(block.remark).isupper())
        if not prev.marked and block.marked:
            # A marked part after an unmarked one continues it only when its goal cell does not
            # start a goal of its own (a cell whose X sits lower than its first line).
            return not fresh_goal
        return False

    def _add_block(self, block: _RowBlock, page_start: bool) -> None:
        if self.open_row is not None and self._continues(self.open_row, block, page_start):
            self.open_row.extend(block)
            return
        self._emit_open_row()
        self.open_row = block

    def _emit_open_row(self) -> None:
        block = self.open_row
        self.open_row = None
        if block is None:
            return
        self.row_no += 1
        row_no = self.row_no
        page_first, page_last = min(block.pages), max(block.pages)
        where = f"Tema {self.theme_no}, række {row_no} (side {page_first})"
        wordings, proposed = split_wordings(_join_lines(block.goal, paragraphs=True))
        remark = normalize_text(_join_lines(block.remark))
        status: Status = ""
        if block.started and block.not_started:
            self._finding(
                row_no,
                "error",
                "two_marks",
                f"{where}: X i både Gennemført/igangsat og Ikke igangsat",
            )
        elif block.started:
            status = "started"
        elif block.not_started:
            status = "not_started"
        else:
            self._finding(row_no, "error", "no_mark", f"{where}: intet X i statuskolonnerne")
        self.counted[0] += bool(block.started)
        self.counted[1] += bool(block.not_started)
        proposal = "reword" if proposed else ("drop" if _DROP in remark.lower() else "")
        row = GoalRow(
            self.doc_id,
            self.theme_no,
            self.theme_title,
            row_no,
            status,
            remark,
            proposal,
            proposed,
            page_first,
            page_last,
        )
        for stmt_no, (text, bilag) in enumerate(wordings, start=1):
            row.statements.append(
                GoalStatement(self.doc_id, self.theme_no, row_no, stmt_no, text, bilag)
            )
            if not bilag:
                self._finding(
                    row_no,
                    "warning",
                    "untagged_wording",
                    f"{where}: formulering {stmt_no} har ingen bilagshenvisning: »{text}«",
                )
        if not wordings:
            self._finding(row_no, "error", "empty_goal", f"{where}: målcellen er tom")
        self.rows.append(row)

    def _finding(self, row_no: int | None, severity, code: str, message: str) -> None:
        self.findings.append(
            Finding(self.doc_id, self.theme_no or None, row_no, severity, code, message)
        )


def parse_status_notat(doc_id: str, pages: Iterable[PageLayout]) -> StatusParse:
    """Read a status notat's goal tables, page by page, into rows, totals and findings."""
    parser = _StatusParser(doc_id)
    last: PageLayout | None = None
    for page in pages:
        parser.feed(page)
        last = page
    return parser.finish(last)
