"""Status notats: one goal table per *Tema*, the mark in the column under its header.

Pages are read as a stream. On each page, running heads and feet are set aside, then the page's
printed lines are split by what they are: a *Tema* heading opens a theme, a header row (found by
``pipeline.extract.header`` however its cells wrap) opens or continues that theme's table, an
*I alt* row closes it, and the lines between belong to the table part on that page. A theme is
read (``pipeline.extract.table``) as soon as it is closed, so memory stays flat however long
the notat is, and a row broken across a page is one row.

What the reader cannot read it says: a *Tema* heading with no table read under it is an error
finding naming its page, and a notat with *Tema* headings but no goal row at all comes back with
a ``failure`` that ingest reports as a failed document.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace

from pipeline.dates import find_dato, parse_danish_date
from pipeline.extract.header import TableHeader, find_header_across_pages, find_headers
from pipeline.extract.hyphens import (
    SOFT_HYPHEN,
    could_hyphenate,
    hyphenates,
    inside_a_syllable,
    join_broken,
)
from pipeline.extract.layout import Line, group_lines
from pipeline.extract.margins import PageLines, running_lines, with_neighbours
from pipeline.extract.primitives import PageLayout
from pipeline.extract.sender import sender_block_words
from pipeline.extract.settings import DEFAULT_SETTINGS, ReaderSettings
from pipeline.extract.table import CellLine, RawRow, TablePart, TableRead, read_table
from pipeline.extract.title import notat_title
from pipeline.model import Bilag, Finding, GoalRow, GoalStatement, Status, ThemeTotal
from pipeline.text import normalize_text
from pipeline.vocabulary import (
    BILAG_TAG,
    DROP_PHRASE,
    FORM_BASED_ON_LINE,
    GOAL_NUMBER,
    GOAL_NUMBER_LEAD,
    PAGE_FOOTER,
    REWORD_LEAD,
    TEMA_HEADING,
    is_totals_label,
)
from pipeline.wording import pages_da

__all__ = ["StatusParse", "parse_status_notat", "split_wordings"]

_FOOTER_IN_LINE = re.compile(r"\bSide\s+\d+\s+af\s+\d+\b", re.IGNORECASE)
# Words a line commonly begins with after a long word: after a line filled by one long word, a
# line that begins with one of these is a new word, not the rest of a word broken inside. (Not
# "en", "et", "de": those end nouns far more often than they follow them.)
_LINE_OPENERS = frozenset(
    {"af", "at", "den", "der", "det", "du", "eller", "er", "for", "fra", "har", "hvor", "i",
     "ikke", "kan", "med", "men", "og", "om", "på", "samt", "skal", "som", "til", "ved", "vil"}
)  # fmt: skip
# Abbreviations a line may begin with: a word, never the rest of a word broken inside.
# The Danish words of one letter (a rest of any other letter alone ends a broken word).
_ONE_LETTER_WORDS = frozenset({"i", "å", "ø", "a", "o"})
_ABBREVIATIONS = frozenset(
    {"jf.", "fx.", "f.eks.", "bl.a.", "evt.", "ca.", "mht.", "vedr.", "iht.", "ift.", "inkl.",
     "osv.", "mv.", "pga.", "dvs.", "el.", "nr.", "pkt.", "kr.", "mio.", "mia.", "stk.", "ang."}
)  # fmt: skip
_CLOSING_PUNCTUATION = frozenset(",.;:!?)]”’")
_WORD_CORE = re.compile(r"^[\W_]*(.*?)[\W_]*$")
_PARAGRAPH = "\n"


@dataclass
class StatusParse:
    title: str
    date: str
    pages: int
    form_based_on: str = ""  # a returned form: the ISO date of the status it was made from
    goal_rows: list[GoalRow] = field(default_factory=list)
    theme_totals: list[ThemeTotal] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    failure: str = ""  # why no goal table could be read at all; "" when rows were read


# --------------------------------------------------------------------------- text of the cells


def _core(token: str) -> str:
    m = _WORD_CORE.match(token.lower())
    return m.group(1) if m else token.lower()


def _continues_word(
    out: str,
    prev: CellLine,
    first: str,
    lexicon: frozenset[str],
    hyphenating: bool = False,
    settings: ReaderSettings = DEFAULT_SETTINGS,
) -> bool:
    """Whether a line beginning with ``first`` goes on with the word that ends ``out``, broken
    bare (no hyphen: a break after a hyphen or a slash is ``join_broken``'s): a word too long
    for its column broken inside ("Motionsvejledni" + "ng": the line above is that one word
    filling the column, and what follows is no word this notat uses elsewhere)."""
    if len(out) < 2 or not out[-2].isalnum() or out[-1] in "-/":
        return False
    if not (prev.fills and out[-1].isalpha() and first[:1].islower()):
        return False
    if first.lower() in _ABBREVIATIONS:
        return False
    rest, head = _core(first), _core(out.rsplit(" ", 1)[-1])
    if _core(head + rest) in lexicon:
        return True
    if len(rest) == 1 and rest.isalpha() and rest not in _ONE_LETTER_WORDS:
        return True  # "Kommunen" + "s", "ledighedsydelse" + "s-": one letter is no word
    if hyphenating and could_hyphenate(prev.text.rsplit(" ", 1)[-1], first):
        # An engine that hyphenates breaks a long word at a hyphenation point with a hyphen,
        # and bare only where the word has none that fits: with one before this break, the
        # break is between two words (a word may fill its line exactly, without a space).
        return False
    if prev.spaced and prev.slack >= settings.room_for_space:
        # The producer ends a line that breaks between words with a space, and one would have
        # fitted here: the word was broken inside.
        return True
    if rest in _LINE_OPENERS:
        return False
    if prev.spaced:
        # No room for the space: broken inside, unless what follows is a word this notat uses.
        return rest not in lexicon
    # No such marks: a short rest ends a word, unless both halves are words of ours; so does a
    # longer one that is no word of ours, where the break falls inside a syllable (an engine
    # breaks a word that does not fit where it stops fitting; two words meet at a syllable's
    # edge: "Kompetenceudvi" + "kling", but "Kompetenceudviklingen" + "fortsætter").
    if len(rest) <= settings.short_rest:
        return not (rest in lexicon and head in lexicon)
    return rest not in lexicon and inside_a_syllable(head, rest)


def _closes(first: str) -> bool:
    """A line that opens with punctuation that closes what stands before it (a word broken
    inside for want of room may leave its comma or full stop alone on the next line)."""
    return first[:1] in _CLOSING_PUNCTUATION and (len(first) == 1 or not first[1].isalnum())


def _join_lines(
    lines: list[CellLine],
    paragraph_gap: float | None = None,
    lexicon: frozenset[str] = frozenset(),
    interline: float = 0.0,
    hyphenating: bool = False,
    settings: ReaderSettings = DEFAULT_SETTINGS,
) -> str:
    """Cell lines joined by one space, a word broken over two lines joined again; with
    ``paragraph_gap`` (em), a gap wider than the usual ``interline`` plus that between two
    lines of one page is a paragraph break ("\\n"). ``lexicon``: the words the notat uses
    inside its lines."""
    out = ""
    prev: CellLine | None = None
    for line in lines:
        if prev is None:
            out = line.text
        else:
            first = line.text.split(" ", 1)[0]
            # A paragraph (a wording of its own) begins with a capital, never mid-sentence.
            brk = (
                paragraph_gap is not None
                and line.page == prev.page
                and line.top - prev.bottom > max(interline, 0.0) + paragraph_gap * line.size
                and not first[:1].islower()
            )
            joined = None if brk else join_broken(out, line.text, lexicon, hyphenating)
            if joined is not None:
                out = joined  # a word broken after a hyphen or slash (the engine's hyphen gone)
            elif not brk and (
                _continues_word(out, prev, first, lexicon, hyphenating, settings) or _closes(first)
            ):
                out += line.text
            else:
                out += (_PARAGRAPH if brk else " ") + line.text
        prev = line
    return out


def split_wordings(goal_text: str) -> tuple[list[tuple[str, Bilag]], str]:
    """The goal cell's wordings (text, bilag) and the proposed rewording after the marker.

    ``goal_text`` has paragraph breaks as "\\n": an untagged paragraph before another wording
    is a wording of its own.
    """
    proposed = ""
    m = REWORD_LEAD.search(goal_text)
    if m:
        proposed = normalize_text(goal_text[m.end() :])
        goal_text = goal_text[: m.start()]
    wordings: list[tuple[str, Bilag]] = []
    pos = 0
    for tag in BILAG_TAG.finditer(goal_text):
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


# --------------------------------------------------------------------------- the page stream


@dataclass
class _Theme:
    """A *Tema* heading and what stands under it, as the pages are read."""

    no: int
    title: str
    page: int
    x0: float
    size: float
    last_bottom: float  # of the heading's last line (a long title wraps)
    parts: list[TablePart] = field(default_factory=list)
    totals: Line | None = None
    totals_page: int = 0
    closed: bool = False  # its I alt row was read: nothing more belongs to the table

    @property
    def header(self) -> TableHeader | None:
        return next((p.header for p in reversed(self.parts) if p.header), None)


def _prints_cut_lines_twice(producer: str) -> bool:
    """wkhtmltopdf (Qt's PDF engine) prints a line that a page break cuts on both pages."""
    return "wkhtmltopdf" in producer.lower()


class _Collector:
    """Splits the page stream into themes and their table parts; hands on each closed theme."""

    def __init__(self, settings: ReaderSettings) -> None:
        self.settings = settings
        self.theme: _Theme | None = None
        self.orphan_pages: list[int] = []  # pages with a goal table but no Tema heading above
        self.tail: list[Line] = []  # the last page's last lines, while a theme awaits its header
        self.last_line: Line | None = None  # the last page's last body line

    def body_lines(
        self, page: PageLines, neighbours: tuple[PageLines, ...]
    ) -> tuple[list[Line], list[Line]]:
        """The page's body lines, and its running head and foot: the lines repeated at the same
        place on a neighbouring page (``pipeline.extract.margins``) and page numbers."""
        height = page.page.height
        margin = height * self.settings.margin_share
        running = running_lines(page, neighbours, self.settings)
        out, furniture = [], []
        for i, line in enumerate(page.lines):
            text = line.text
            in_margin = line.bottom < margin or line.top > height - margin
            if (
                i in running
                or PAGE_FOOTER.match(text)
                or (in_margin and _FOOTER_IN_LINE.search(text))
            ):
                furniture.append(line)
            else:
                out.append(line)
        return out, furniture

    def _drop_copy(self, first_body: Line | None) -> None:
        """The last line of the page before printed again as the first line of this page's
        table body (under a repeated header), word for word in the same place, is one line:
        wkhtmltopdf cuts its pages out of one long sheet and prints a line the cut runs through,
        or the line just past the cut, on both pages, clipped. The copy here is kept (where the
        line is seen); the one at the foot of the page before is taken out of the table. Only
        for that engine: elsewhere two wordings may well begin alike on either side of a break."""
        before = self.last_line
        if before is None or first_body is None or self.theme is None:
            return
        if len(before.words) != len(first_body.words) or not (
            len(before.words) >= self.settings.copy_min_words
            or len(before.text) >= self.settings.copy_min_chars
        ):
            return
        if all(
            u.text == v.text and abs(u.x0 - v.x0) < self.settings.copy_align_pt
            for u, v in zip(before.words, first_body.words, strict=True)
        ):
            for part in self.theme.parts:
                part.lines = [ln for ln in part.lines if ln is not before]

    def feed(self, page: PageLayout, lines: list[Line]) -> list[_Theme]:
        """Read one page's ``lines``; return the themes it closed."""
        closed: list[_Theme] = []
        headers = {h.first_line: h for h in find_headers(lines, page.number, self.settings)}
        if self.theme is not None and not self.theme.parts and self.tail and 0 not in headers:
            # The header row may have broken across the page: its first lines end the last page.
            across = find_header_across_pages(self.tail, lines, page.number, self.settings)
            if across is not None:
                headers[0] = across
        if _prints_cut_lines_twice(page.producer):
            body = headers[0].last_line + 1 if 0 in headers else 0
            self._drop_copy(lines[body] if body < len(lines) else None)
        self.last_line = lines[-1] if lines else None
        part: TablePart | None = None
        theme = self.theme
        i = 0
        while i < len(lines):
            line = lines[i]
            header = headers.get(i)
            if header is not None:
                if theme is not None and not theme.closed:
                    if part is not None:
                        part.bottom = header.top
                    part = TablePart(
                        page.number,
                        header,
                        [],
                        page.rules,
                        header.bottom,
                        header.bottom,
                        page.cells_ruled,
                    )
                    theme.parts.append(part)
                elif _names_a_body_column(header):
                    # (Two status headings alone, such as a chart's legend, make no table.)
                    self.orphan_pages.append(page.number)
                i = header.last_line + 1
                continue
            head = line.segments()[0]
            head_text = " ".join(w.text for w in head)
            tema = TEMA_HEADING.match(head_text)
            started = theme.header.cell("started") if theme is not None and theme.header else None
            if tema and (part is None or started is None or head[0].x0 < started.x0):
                if part is not None:
                    part.bottom = line.top
                    part = None
                if theme is not None:
                    closed.append(theme)
                theme = _Theme(
                    int(tema.group(1)), normalize_text(tema.group(2)), page.number,
                    head[0].x0, head[0].size, line.bottom,
                )  # fmt: skip
            elif theme is not None and not theme.parts:
                self._heading_continues(theme, line, head_text)
            elif theme is not None and not theme.closed:
                if part is None:  # the table goes on from the page before
                    part = TablePart(
                        page.number, None, [], page.rules, line.top, line.bottom, page.cells_ruled
                    )
                    theme.parts.append(part)
                if is_totals_label(head_text) and (started is None or head[0].x0 < started.x0):
                    totals, after = self._totals_row(part, lines, i)
                    part.bottom = totals.top
                    theme.totals, theme.totals_page, theme.closed = totals, page.number, True
                    part = None
                    i = after
                    continue
                else:
                    part.lines.append(line)
                    part.bottom = line.bottom
            i += 1
        self.theme = theme
        # A theme still waiting for its header: the page's last lines may be the header's start.
        waiting = theme is not None and not theme.parts
        self.tail = lines[-self.settings.header_max_lines :] if waiting else []
        return closed

    def _totals_row(self, part: TablePart, lines: list[Line], i: int) -> tuple[Line, int]:
        """The *I alt* row from its label's line ``lines[i]``: with the counts printed level with
        it on a line of their own (the label set at the top of its cell and the counts in the
        middle, or the other way round), taken from the line just below or just above; and the
        index of the line after the row."""
        label = lines[i]
        reach = self.settings.totals_level * label.size
        words = list(label.words)
        if part.lines and _counts_only(part.lines[-1]) and label.top - part.lines[-1].top <= reach:
            words += part.lines.pop().words
        after = i + 1
        while (
            after < len(lines)
            and _counts_only(lines[after])
            and lines[after].top - label.top <= reach
        ):
            words += lines[after].words
            after += 1
        if len(words) == len(label.words):
            return label, after
        words.sort(key=lambda w: w.x0)
        top = min(w.top for w in words)
        return Line(words, top, max(w.bottom for w in words)), after

    def _heading_continues(self, theme: _Theme, line: Line, text: str) -> None:
        """A long *Tema* title wraps onto lines in the same type, right under it."""
        first = line.words[0]
        if (
            abs(first.x0 - theme.x0) <= self.settings.heading_flush * theme.size
            and abs(first.size - theme.size) <= self.settings.heading_same_size * theme.size
            and line.top - theme.last_bottom <= self.settings.heading_line_gap * theme.size
        ):
            theme.title = normalize_text(f"{theme.title} {text}")
            theme.last_bottom = line.bottom

    def finish(self) -> list[_Theme]:
        return [self.theme] if self.theme is not None else []


# --------------------------------------------------------------------------- rows and findings


class _Emitter:
    """Turns each read theme into goal rows, totals and findings."""

    def __init__(self, doc_id: str, settings: ReaderSettings) -> None:
        self.doc_id = doc_id
        self.settings = settings
        self.rows: list[GoalRow] = []
        self.totals: list[ThemeTotal] = []
        self.findings: list[Finding] = []
        self.lexicon: frozenset[str] = frozenset()  # the words the notat uses inside its lines
        self.hyphenating = False  # the notat hyphenates its words (pipeline.extract.hyphens)
        self.pending: list[tuple[_Theme, TableRead | None]] = []

    def read(self, theme: _Theme) -> None:
        """Read a closed theme's table now (its pages can go); its text is interpreted at the
        end, when every word the notat uses is known (``finish``)."""
        self.pending.append((theme, read_table(theme.parts, theme.totals, self.settings)))
        theme.parts = [replace(p, lines=[], rules=()) for p in theme.parts]

    def finish(self, lexicon: frozenset[str]) -> None:
        self.lexicon = lexicon
        self.hyphenating = hyphenates(self._hyphen_breaks(), lexicon)
        for theme, read in self.pending:
            self._theme(theme, read)
        self.pending = []

    def _hyphen_breaks(self) -> Iterator[tuple[str, str]]:
        """Every cell line end after a hyphen: (the line's text before it, the next line's
        first word)."""
        for _, read in self.pending:
            for raw in read.rows if read is not None else ():
                for cell in (raw.goal, raw.remark):
                    for line, nxt in itertools.pairwise(cell):
                        if line.text.endswith("-"):
                            yield line.text[:-1], nxt.text.split(" ", 1)[0]

    def _theme(self, theme: _Theme, read: TableRead | None) -> None:
        if read is None or not read.rows:
            self.findings.append(Finding.of("no_table", self.doc_id, theme.no, page=theme.page))
            return
        counted = [0, 0]
        for row_no, raw in enumerate(read.rows, start=1):
            self._row(theme, row_no, raw, read.interline)
            counted[0] += bool(raw.started)
            counted[1] += bool(raw.not_started)
        reported = list(read.totals)
        page_no = theme.totals_page or theme.parts[-1].page
        if theme.totals is None:
            self.findings.append(Finding.of("totals_missing", self.doc_id, theme.no, page=page_no))
        elif reported != counted:
            self.findings.append(Finding.of(
                "totals_mismatch", self.doc_id, theme.no, variant="notat", page=page_no,
                printed=", ".join("–" if v is None else str(v) for v in reported),
                started=counted[0], not_started=counted[1],
            ))  # fmt: skip
        self.totals.append(ThemeTotal(self.doc_id, theme.no, reported[0], reported[1], *counted))

    def _row(self, theme: _Theme, row_no: int, raw: RawRow, interline: float) -> None:
        page_first, page_last = min(raw.pages), max(raw.pages)
        text = _join_lines(
            raw.goal,
            self.settings.paragraph_gap,
            self.lexicon,
            interline,
            self.hyphenating,
            self.settings,
        )
        goal_no, text = _goal_number(raw, text)
        wordings, proposed = split_wordings(text)
        stray = [w for w, bilag in wordings if not bilag and _stray(w)]
        wordings = [(w, bilag) for w, bilag in wordings if w not in stray or bilag]
        self.findings += [
            Finding.of("stray_text", self.doc_id, theme.no, row_no, page=page_first, text=text)
            for text in stray
        ]
        remark = normalize_text(
            _join_lines(
                raw.remark,
                lexicon=self.lexicon,
                hyphenating=self.hyphenating,
                settings=self.settings,
            )
        )
        status: Status = ""
        if raw.started and raw.not_started:
            self.findings.append(
                Finding.of("two_marks", self.doc_id, theme.no, row_no, page=page_first)
            )
        elif raw.started:
            status = "started"
        elif raw.not_started:
            status = "not_started"
        else:
            self.findings.append(
                Finding.of("no_mark", self.doc_id, theme.no, row_no, page=page_first)
            )
        proposal = "reword" if proposed else ("drop" if DROP_PHRASE in remark.lower() else "")
        row = GoalRow(
            self.doc_id, theme.no, theme.title, row_no, status, remark, proposal, proposed,
            page_first, page_last, goal_no,
        )  # fmt: skip
        for stmt_no, (wording, bilag) in enumerate(wordings, start=1):
            row.statements.append(
                GoalStatement(self.doc_id, theme.no, row_no, stmt_no, wording, bilag)
            )
            if not bilag:
                self.findings.append(Finding.of(
                    "untagged_wording", self.doc_id, theme.no, row_no, page=page_first,
                    stmt_no=stmt_no, wording=wording,
                ))  # fmt: skip
        if not wordings:
            self.findings.append(
                Finding.of("empty_goal", self.doc_id, theme.no, row_no, page=page_first)
            )
        self.rows.append(row)


def _stray(wording: str) -> bool:
    """An untagged paragraph of the goal cell with fewer than two letters or digits ("i", "1",
    "·"): OCR's reading of a speck, or a stray keystroke; no goal is worded so."""
    return sum(c.isalnum() for c in wording) < 2


def _counts_only(line: Line) -> bool:
    """A line of counts alone (an *I alt* row's numbers)."""
    return all(w.text.strip(".:").isdigit() for w in line.words)


def _lines_beside_sender_block(page: PageLayout, settings: ReaderSettings) -> list[Line]:
    """The page's printed lines without its sender block (and the date line above it): the
    block stands in a column of its own beside the body, and a line of it level with a *Tema*
    heading, the title or a table row is no part of them."""
    aside = sender_block_words(page, settings.sender)
    words = [w for w in page.words if w not in aside] if aside else page.words
    return group_lines(words, settings.lines)


class _SetAside:
    """What the reader left out of the body, page by page, to say so in findings: running heads
    and feet (the text of the first one, so a person can check it is no part of a table) and
    drawings that are no rules or words (a watermark, a logo)."""

    def __init__(self) -> None:
        self.running: list[int] = []
        self.running_text = ""
        self.drawn: list[int] = []

    def note(self, page: PageLayout, furniture: list[Line]) -> None:
        running = [ln for ln in furniture if not PAGE_FOOTER.match(ln.text)]
        if running:
            self.running.append(page.number)
            self.running_text = self.running_text or running[0].text
        if page.ignored_shapes or page.ignored_glyphs:
            self.drawn.append(page.number)

    def findings(self, doc_id: str) -> list[Finding]:
        out = []
        if self.running:
            out.append(Finding.of(
                "set_aside", doc_id, variant="running",
                pages=pages_da(self.running).capitalize(), text=self.running_text,
            ))  # fmt: skip
        if self.drawn:
            out.append(Finding.of(
                "set_aside", doc_id, variant="drawn", pages=pages_da(self.drawn).capitalize()
            ))  # fmt: skip
        return out


def _names_a_body_column(header: TableHeader) -> bool:
    """The header names the goal or the remark column besides the two status columns."""
    return any(c.key in ("goal", "remark") and math.isfinite(c.x0) for c in header.cells)


def _goal_number(raw: RawRow, goal_text: str) -> tuple[str, str]:
    """The row's goal number and its goal text without it: the number a numbering column
    prints ("1.1"), else a dotted number opening the goal cell ("2.3 Unges rygevaner"), which
    is a label, not a word of the wording."""
    # A number has no spaces: one that wraps in a narrow column ("1.1" + "0") is one number.
    printed = normalize_text("".join(line.text for line in raw.number))
    if m := GOAL_NUMBER.match(printed):
        return m.group(1), goal_text
    if m := GOAL_NUMBER_LEAD.match(goal_text):
        return m.group(1), goal_text[m.end() :]
    return "", goal_text


def parse_status_notat(
    doc_id: str, pages: Iterable[PageLayout], settings: ReaderSettings = DEFAULT_SETTINGS
) -> StatusParse:
    """Read a status notat's goal tables, page by page, into rows, totals and findings."""
    collector = _Collector(settings)
    emitter = _Emitter(doc_id, settings)
    title, date, count = "", "", 0
    running_date = ""  # a date the running head or foot prints (when no "Dato:" line does)
    set_aside = _SetAside()
    words_inside: set[str] = set()
    form_based_on = ""
    for page_lines, neighbours in with_neighbours(
        pages, lambda page: _lines_beside_sender_block(page, settings)
    ):
        page = page_lines.page
        count += 1
        if not date and (found := find_dato(page.text)):
            date = found.isoformat()
        if count == 1 and (m := FORM_BASED_ON_LINE.search(" ".join(page.text.split()))):
            based_on = parse_danish_date(m.group(1))
            form_based_on = based_on.isoformat() if based_on else ""
        lines, furniture = collector.body_lines(page_lines, neighbours)
        set_aside.note(page, furniture)
        if not running_date:
            found = parse_danish_date(" ".join(line.text for line in furniture))
            running_date = found.isoformat() if found else ""
        words_inside.update(
            _core(w.text)
            for line in lines
            for run in line.segments()
            for w in run[1:]
            if not w.text.endswith(("-", SOFT_HYPHEN))  # a word's first part, not a word
        )
        if count == 1:
            title = notat_title(_before_body(lines, page.number, settings), settings.title)
        for theme in collector.feed(page, lines):
            emitter.read(theme)
    for theme in collector.finish():
        emitter.read(theme)
    date = date or running_date
    emitter.finish(frozenset(words_inside))
    emitter.findings += set_aside.findings(doc_id)
    for page_no in sorted(set(collector.orphan_pages)):
        emitter.findings.append(Finding.of("table_without_theme", doc_id, page=page_no))
    failure = ""
    if not emitter.rows:
        pages_read = f"pages 1–{count}" if count > 1 else "its page"
        failure = f"no goal table could be read on {pages_read}"
        emitter.findings.append(Finding.of("no_goal_table", doc_id, pages=count))
    return StatusParse(
        title, date, count, form_based_on, emitter.rows, emitter.totals, emitter.findings, failure
    )


def _before_body(lines: list[Line], page: int, settings: ReaderSettings) -> list[Line]:
    """The first page's lines above its first *Tema* heading or table header."""
    headers = find_headers(lines, page, settings)
    end = headers[0].first_line if headers else len(lines)
    for i, line in enumerate(lines[:end]):
        if TEMA_HEADING.match(line.text):
            return lines[:i]
    return lines[:end]
