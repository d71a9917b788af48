"""Concept notats: numbered areas, each with numbered proposed initiatives.

A concept notat (*Koncept for Ringsted Sundhedshus*) has numbered areas (*indsatsområder*,
``3. Sundhed tæt på borgerne: …``), each with ambition text, a section *Udfordringer og
muligheder…* and a section *Det foreslås, at …* that lists the proposals: numbered items, under
optional group sub-headings, with lettered sub-items and bullet points.

The page is read through its layout, not one engine's text order: headings by weight and size,
list items by their number standing left of the item's hanging indent, paragraphs by the
vertical gaps between lines. Page headers and footers (lines repeated at the page edge,
*Side X af Y*), footnote markers (superscript digits, smaller than the body text) and the
footnotes at the page bottom (under the short separator rule, or in a smaller type) are dropped
before the structure is read, so they never leak into an initiative's text.

Choices the contract leaves open, made here:
- bullet points under an item stay in the item's text, each after a ``●`` (whatever sign the
  page prints), so a reader still sees the list;
- an unnumbered paragraph is an initiative (empty ``item_no``) only under a group heading that
  has no numbered items; text between *Det foreslås …* and the first item is an introduction;
- the closing section (*Organisatoriske og systemiske tiltag …*, an unnumbered main heading
  after the areas) is not an area: nothing after it is read as an initiative.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from pipeline.dates import find_dato
from pipeline.extract.hyphens import SOFT_HYPHEN, hyphenates, join_broken
from pipeline.extract.layout import StyledLine as Line
from pipeline.extract.layout import styled_lines
from pipeline.extract.margins import running_lines, with_neighbours
from pipeline.extract.primitives import NO_TEXT_SIZE, PageLayout, Word
from pipeline.extract.settings import DEFAULT_SETTINGS, ConceptSettings, ReaderSettings
from pipeline.extract.title import notat_title
from pipeline.model import Finding, Initiative
from pipeline.text import normalize_text

__all__ = ["ConceptParse", "Line", "body_lines", "parse_concept_notat"]

BULLET = "\u25cf"  # ● : bullet points are kept in the initiative's text after this sign
_BULLET_SIGNS = frozenset("●•▪■◦○-–\uf0b7\uf0a7")
_ITEM_NO = re.compile(r"^(\d{1,2})[.)]$")
_ITEM_NO_GLUED = re.compile(r"^(\d{1,2})[.)]((?:[^\W\d_]|[”\"(])\S*)$")  # "1.Kurser", not "1.000"
_SUB_LETTER = re.compile(r"^([a-z])[.)]$")
_AREA_HEADING = re.compile(r"^(\d{1,2})\.\s+(\S.*)$")
_PROPOSALS = re.compile(r"^Det\s+foreslås\b", re.IGNORECASE)
_AREA_SECTION = re.compile(r"^(Udfordringer\s+og\s+muligheder|Det\s+foreslås)\b", re.IGNORECASE)
_PAGE_NO = re.compile(r"^(Side\s+)?\d+\s*(af|/)\s*\d+$|^Side\s+\d+$", re.IGNORECASE)
_TITLE = re.compile(r"^Koncept\s+for\b", re.IGNORECASE)
# "· Bilag 1" after a running header's title, or "Bilag 1 – " before it.
_BILAG_PART = re.compile(
    r"\s*[·•|–—-]\s*Bilag\s+\d+(?:\.\d+)*\s*$|^\s*Bilag\s+\d+(?:\.\d+)*\s*[·•|–—-]\s*",
    re.IGNORECASE,
)
_SUPERSCRIPT = re.compile(r"^[\d,*†]+\)?\.?$")
_SENTENCE_END = (".", ":", "!", "?", ")")
_WORD_CORE = re.compile(r"^[\W_]*(.*?)[\W_]*$")
# The reader's tolerances (margins, indents, footnotes, headings, paragraphs): ConceptSettings,
# in multiples of the body text size.


@dataclass
class ConceptParse:
    title: str
    date: str
    pages: int
    initiatives: list[Initiative] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    # Why the notat could not be read after all (no areas, no initiatives); "" when it was.
    failure: str = ""


# --------------------------------------------------------------------------- page cleaning


def _body_size(pages: Sequence[PageLayout]) -> float:
    sizes = Counter()
    for p in pages:
        for w in p.words:
            sizes[w.size] += len(w.text)
    return sizes.most_common(1)[0][0] if sizes else NO_TEXT_SIZE


def _is_footnote_marker(word: Word, words: Sequence[Word], body: float, c: ConceptSettings) -> bool:
    """A superscript number: smaller than the body text, raised above a neighbour's baseline."""
    if word.size >= body * c.superscript or not _SUPERSCRIPT.match(word.text):
        return False
    if word.size < body * c.superscript_small:
        return True
    reach = c.superscript_reach * body
    return any(
        w.size >= body * c.superscript
        and w.top <= (word.top + word.bottom) / 2 <= w.bottom
        and word.bottom < w.bottom - c.hair * body
        for w in words
        if abs(w.x1 - word.x0) < reach or abs(word.x1 - w.x0) < reach
    )


def _footnote_rule_top(
    page: PageLayout, lines: list[Line], body: float, c: ConceptSettings
) -> float | None:
    """The top of the short separator rule above a page's footnotes, if the page has one.

    It starts at the text's left edge, and the line right below it is in footnote type (smaller
    than the body text): an underline or a short rule inside the text is no separator.
    """
    left = min((ln.x0 for ln in lines), default=0.0)
    for rule in sorted(page.rules, key=lambda r: r.top):
        if not (
            rule.horizontal
            and rule.x1 - rule.x0 < page.width * c.footnote_rule_width
            and rule.top > page.height * c.footnote_rule_below
            and abs(rule.x0 - left) < c.margin * 2 * body
        ):
            continue
        below = [ln for ln in lines if ln.top >= rule.top - c.hair * body]
        if below and below[0].size < body * c.footnote_type:
            return rule.top
    return None


def body_lines(
    pages: Sequence[PageLayout], settings: ReaderSettings = DEFAULT_SETTINGS
) -> tuple[list[Line], float]:
    """Every page's lines without running heads and feet (``pipeline.extract.margins``, as the
    status reader finds them), page numbers, footnotes and footnote markers, in order."""
    c = settings.concept
    body = _body_size(pages)

    def lines_of(page: PageLayout) -> list[Line]:
        words = [w for w in page.words if not _is_footnote_marker(w, page.words, body, c)]
        lines = styled_lines(words, page.number, settings.lines)
        rule_top = _footnote_rule_top(page, lines, body, c)
        if rule_top is not None:
            lines = [ln for ln in lines if ln.bottom <= rule_top + c.hair * body]
        return lines

    out: list[Line] = []
    for here, neighbours in with_neighbours(pages, lines_of):
        running = running_lines(here, neighbours, settings)
        kept = [
            ln
            for i, ln in enumerate(here.lines)
            if i not in running and not _PAGE_NO.match(ln.text)
        ]
        # Footnotes without a separator rule: the small-type block at the page bottom.
        height = here.page.height
        cut = len(kept)
        while (
            cut > 0
            and kept[cut - 1].size < body * c.footnote_small
            and kept[cut - 1].top > height * c.footnote_below
        ):
            cut -= 1
        out.extend(kept[:cut])
    return out, body


# --------------------------------------------------------------------------- structure


@dataclass
class _Open:
    """The initiative being read: its number, sub letter and text pieces."""

    group_title: str
    item_no: str
    sub: str
    parts: list[str]
    text_x0: float  # where the item's continuation lines start (its hanging indent)
    label_x0: float  # where its number or letter stands


@dataclass(frozen=True)
class _Joiner:
    """Lines of one text joined with a space, a word broken over two lines after a hyphen or a
    slash joined again as the status reader joins it (``hyphens.join_broken``), judged by the
    notat's own words."""

    lexicon: frozenset[str] = frozenset()
    hyphenating: bool = False

    @classmethod
    def of(cls, lines: Sequence[Line]) -> _Joiner:
        """Judged by the words ``lines`` print inside them (each line's first word may be a
        broken word's rest, a word ending in a hyphen its first part)."""
        lexicon = frozenset(
            _core(w.text)
            for ln in lines
            for w in ln.words[1:]
            if not w.text.endswith(("-", SOFT_HYPHEN))
        )
        breaks = (
            (ln.text[:-1], nxt.text.split(" ", 1)[0])
            for ln, nxt in itertools.pairwise(lines)
            if ln.text.endswith("-")
        )
        return cls(lexicon, hyphenates(breaks, lexicon))

    def __call__(self, parts: list[str]) -> str:
        text = ""
        for piece in parts:
            if not text:
                text = piece
            elif (joined := join_broken(text, piece, self.lexicon, self.hyphenating)) is not None:
                text = joined
            else:
                text += " " + piece
        return normalize_text(text)


def _core(token: str) -> str:
    m = _WORD_CORE.match(token.lower())
    return m.group(1) if m else token.lower()


def _is_heading(line: Line, body: float, c: ConceptSettings) -> bool:
    return line.bold or line.size >= body * c.heading_size


def _merge_heading(
    lines: list[Line], i: int, body: float, c: ConceptSettings, join: _Joiner
) -> tuple[str, int]:
    """A heading and the lines it wraps onto (same style, no paragraph gap); returns next index."""
    first = lines[i]
    parts = [first.text]
    j = i + 1
    while j < len(lines):
        nxt, prev = lines[j], lines[j - 1]
        same_style = (
            nxt.bold == first.bold and abs(nxt.size - first.size) < c.heading_same_size * body
        )
        close = nxt.page == prev.page and nxt.top - prev.bottom < first.size * c.heading_close
        if not (same_style and close):
            break
        parts.append(nxt.text)
        j += 1
    return join(parts), j


def parse_concept_notat(
    doc_id: str, pages: Iterable[PageLayout], settings: ReaderSettings = DEFAULT_SETTINGS
) -> ConceptParse:
    """Read the proposed initiatives of a concept notat, area by area."""
    c = settings.concept
    pages = list(pages)
    lines, body = body_lines(pages, settings)
    join = _Joiner.of(lines)
    findings: list[Finding] = []

    first_page = pages[0] if pages else None
    title = _find_title(pages, settings)
    dato = find_dato(first_page.text) if first_page else None

    initiatives: list[Initiative] = []
    area_no, area_title = 0, ""
    state = "before"  # before | area | proposals | after
    group_title = ""
    current: _Open | None = None
    last_no_in_group = 0
    # The text's left margin: where the lines start, not a stray mark left of them (a speck
    # OCR read as a letter at the page's edge).
    starts = sorted(ln.x0 for ln in lines)
    margin = starts[int(len(starts) * c.margin_quantile)] if starts else 0.0
    right = _text_right(lines, c)
    area_size = _area_heading_size(lines, body, c)
    plain_areas = False  # the area headings are bold body text, not a heading style

    def close() -> None:
        nonlocal current
        if current is not None:
            initiatives.append(
                Initiative(
                    doc_id, area_no, area_title, current.group_title, current.item_no,
                    current.sub, join(current.parts),
                )
            )  # fmt: skip
        current = None

    i = 0
    while i < len(lines):
        line = lines[i]
        prev = lines[i - 1] if i else None
        text = line.text
        if _is_heading(line, body, c):
            heading, nxt = _merge_heading(lines, i, body, c, join)
            big = line.size >= area_size - c.area_size_slack * body
            m = _AREA_HEADING.match(heading)
            section = bool(_AREA_SECTION.match(heading))
            next_area = bool(m) and int(m.group(1)) == area_no + 1
            # An area heading in a heading style, or bold body text of its own paragraph at the
            # margin (how many people write a heading).
            styled_area = big and (line.bold or line.size >= body * c.area_styled)
            plain_area = (
                line.bold
                and line.x0 <= margin + c.margin * body
                and _paragraph_start(lines, i, body, c)
            )
            if next_area and (styled_area or plain_area):
                close()
                area_no, area_title = int(m.group(1)), m.group(2)
                state, group_title = "area", ""
                plain_areas = not styled_area
                i = nxt
                continue
            # Area headings in bold body text look like bold group headings: a bold heading
            # after proposals that stood under no group heading cannot title a later group
            # (a notat does not title its second group only), so it ends the areas.
            ends_plain_areas = (
                plain_areas and state == "proposals" and line.bold and not m and not section
                and not group_title and last_no_in_group > 0 and line.x0 <= margin + c.margin * body
            )  # fmt: skip
            if (big or ends_plain_areas) and state != "before" and not m and not section:
                close()
                state = "after"  # an unnumbered main heading ends the areas (closing section)
                i = nxt
                continue
            if state in ("area", "proposals") and _PROPOSALS.match(heading):
                close()
                state, group_title, last_no_in_group = "proposals", "", 0
                i = nxt
                continue
            if state == "proposals" and line.bold and not big and not section:
                close()
                group_title, last_no_in_group = heading, 0
                i = nxt
                continue
            if state in ("area", "proposals") and line.bold:
                close()
                state = "area"  # another section inside the area (Udfordringer og muligheder …)
                i = nxt
                continue
        if (
            state in ("area", "proposals")
            and _AREA_SECTION.match(text)
            and line.x0 <= margin + c.margin * body
            and _alone(lines, i, body, c)
        ):
            # The section heading set in plain type: a line of its own at the margin.
            close()
            if _PROPOSALS.match(text):
                state, group_title, last_no_in_group = "proposals", "", 0
            else:
                state = "area"
            i += 1
            continue
        if state != "proposals":
            i += 1
            continue

        words = line.words
        first = words[0].text
        new_paragraph = (
            prev is None
            or prev.page != line.page
            or (line.top - prev.bottom > body * c.paragraph_gap)
        )
        m_no = _ITEM_NO.match(first) or _ITEM_NO_GLUED.match(first)
        m_sub = _SUB_LETTER.match(first)
        left_of_indent = current is None or line.x0 < current.text_x0 - c.indent * body
        number = int(m_no.group(1)) if m_no else 0
        in_sequence = number in (1, last_no_in_group + 1)
        # A number further on, printed where the last item's number stands: a gap in the list.
        skipped = (
            number > last_no_in_group + 1
            and current is not None
            and bool(current.item_no)
            and abs(line.x0 - current.label_x0) < c.indent * body
        )
        if m_no and len(words) > 1 and left_of_indent and (in_sequence or skipped):
            if skipped:
                findings.append(Finding.of(
                    "item_number_gap", doc_id, area_no=area_no, number=number,
                    previous=last_no_in_group,
                ))  # fmt: skip
            close()
            last_no_in_group = int(m_no.group(1))
            rest = words[1:]
            glued = m_no.group(2) if m_no.re is _ITEM_NO_GLUED else ""
            parts = [glued] if glued else []
            parts.append(" ".join(w.text for w in rest))
            current = _Open(group_title, m_no.group(1), "", parts, rest[0].x0, line.x0)
        elif (
            m_sub
            and len(words) > 1
            and current is not None
            and current.item_no
            and _next_letter_ok(current, m_sub.group(1))
        ):
            item_no = current.item_no
            close()
            current = _Open(group_title, item_no, m_sub.group(1), [], words[1].x0, line.x0)
            current.parts.append(" ".join(w.text for w in words[1:]))
        elif first in _BULLET_SIGNS and len(words) > 1 and current is not None:
            current.parts.append(f"{BULLET} " + " ".join(w.text for w in words[1:]))
        elif (
            current is not None and line.x0 >= current.text_x0 - c.indent * body and current.item_no
        ):
            # A continuation at the item's hanging indent (also the first line of a new page).
            current.parts.append(text)
        elif line.x0 <= margin + c.margin * body or (current is not None and not current.item_no):
            continues = (
                current is not None
                and not current.item_no
                and (
                    not new_paragraph
                    or (
                        prev is not None
                        and prev.page != line.page
                        and not prev.text.endswith(_SENTENCE_END)
                    )
                )
            )
            if continues:
                current.parts.append(text)
            elif new_paragraph and _plain_group_heading(lines, i, body, margin, right, c):
                close()  # a group heading in plain (italic, underlined) type
                group_title, last_no_in_group = text, 0
            elif group_title and last_no_in_group == 0:
                # An unnumbered paragraph under a group heading is an initiative of its own.
                close()
                current = _Open(group_title, "", "", [text], line.x0, line.x0)
            else:
                close()  # intro text between "Det foreslås …" and the first item
        elif current is not None:
            current.parts.append(text)
        i += 1
    close()

    pages_read = f"pages 1–{len(pages)}" if len(pages) > 1 else "its page"
    failure = ""
    if area_no == 0:
        failure = f"no numbered area (indsatsområde) could be read on {pages_read}"
        findings.append(Finding.of("no_areas", doc_id, pages=len(pages)))
    elif not initiatives:
        failure = f"no proposed initiative could be read in its {area_no} areas"
        findings.append(Finding.of("no_initiatives", doc_id, areas=area_no))
    return ConceptParse(
        title=title,
        date=dato.isoformat() if dato else "",
        pages=len(pages),
        initiatives=initiatives,
        findings=findings,
        failure=failure,
    )


def _alone(lines: list[Line], i: int, body: float, c: ConceptSettings) -> bool:
    """A one-line paragraph: gaps (or page breaks) above and below it."""
    line = lines[i]
    if len(line.text) > c.alone_max_chars:
        return False
    below = (
        i + 1 >= len(lines)
        or lines[i + 1].page != line.page
        or lines[i + 1].top - line.bottom > body * c.paragraph_gap
    )
    return _paragraph_start(lines, i, body, c) and below


def _text_right(lines: list[Line], c: ConceptSettings) -> float:
    """Where the body text's full lines end: the right edge most long lines reach."""
    ends = sorted(ln.words[-1].x1 for ln in lines if len(ln.text) > c.full_line_chars)
    if not ends:
        return max((ln.x1 for ln in lines), default=0.0)
    return ends[int(len(ends) * c.right_edge_quantile)]


def _paragraph_start(lines: list[Line], i: int, body: float, c: ConceptSettings) -> bool:
    """The line opens a paragraph: a gap (or a page break) above it."""
    line = lines[i]
    return (
        i == 0
        or lines[i - 1].page != line.page
        or line.top - lines[i - 1].bottom > body * c.paragraph_gap
    )


def _plain_group_heading(
    lines: list[Line], i: int, body: float, margin: float, right: float, c: ConceptSettings
) -> bool:
    """A group heading set in the body's type (plain, italic or underlined): a short line that
    is a paragraph of its own, is no sentence (and, at a page's foot, ends where the next line's
    first word would still have fitted: else it is a paragraph's line the page broke after), and is followed by the group's first
    item (a ``1.``) or its first unnumbered paragraph at the margin."""
    line = lines[i]
    if (
        i + 1 >= len(lines)
        or len(line.text) > c.group_heading_max_chars
        or line.text.endswith(_SENTENCE_END)
    ):
        return False
    # Across a page break no gap shows the paragraph's end: would the next line's first word
    # have fitted on this line? Then the line ended by choice, as a heading does; else the
    # page broke a wrapped paragraph here.
    first = lines[i + 1].words[0]
    if lines[i + 1].page != line.page and (
        line.words[-1].x1 + c.word_space * body + (first.x1 - first.x0) > right + c.hair * body
    ):
        return False
    if _ITEM_NO.match(line.words[0].text) or _ITEM_NO_GLUED.match(line.words[0].text):
        return False
    if not _alone(lines, i, body, c):
        return False
    nxt = lines[i + 1]
    m = _ITEM_NO.match(nxt.words[0].text) or _ITEM_NO_GLUED.match(nxt.words[0].text)
    if m:
        return m.group(1) == "1"
    return nxt.x0 <= margin + c.margin * body and not nxt.bold


def _area_heading_size(lines: list[Line], body: float, c: ConceptSettings) -> float:
    """The type size of the numbered area headings: the usual size of the numbered bold
    headings (a page read by OCR measures one style's lines a little apart: 14.6–16.8 pt)."""
    sizes = sorted(
        ln.size
        for ln in lines
        if ln.bold and ln.size >= body * c.area_heading and _AREA_HEADING.match(ln.text)
    )
    return sizes[len(sizes) // 2] if sizes else body * c.heading_size


def _next_letter_ok(current: _Open, letter: str) -> bool:
    """A lettered sub-item follows its item (``a``) or the sub-item before it (``b`` after ``a``)."""
    if current.sub:
        return ord(letter) == ord(current.sub) + 1
    return letter == "a"


def _find_title(pages: Sequence[PageLayout], settings: ReaderSettings) -> str:
    """The notat's title: its ``Koncept for …`` line on the first pages (a title line, or the
    running header with its *Bilag N* part cut off), else the title line ``notat_title`` finds.
    """
    for page in pages[:2]:
        for ln in styled_lines(page.words, page.number, settings.lines):
            text = _BILAG_PART.sub("", ln.text)
            if _TITLE.match(text):
                return normalize_text(text)
    if not pages:
        return ""
    return notat_title(
        styled_lines(pages[0].words, pages[0].number, settings.lines), settings.title
    )
