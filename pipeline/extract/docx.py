"""Word documents (.docx) read as Word holds them, laid out as the pages the reader reads.

A notat written in Word comes as a ``.docx`` as often as a PDF. Rather than a second reader
with rules of its own, this module lays the document's own structure out as ``PageLayout``
primitives, so the one reader of ``pipeline.extract`` (header, columns, rows, checks, title,
sender block, kind) reads both, and a Word file gets the same tables, findings and checks as
its PDF. Because the structure is Word's own, the layout is exact where a PDF leaves room for
doubt:

- every paragraph is one printed line (a line break inside it, ``w:br``, starts a new one), so
  no word is broken at a line's end; paragraphs stand a paragraph's gap apart;
- a table's columns are as wide as their longest line, and a rule is drawn at every edge of
  every cell Word holds, borders or none (the rows and cells are Word's own, not a guess from
  the text); a merged cell (``w:gridSpan``, ``w:vMerge``) is one cell; a table inside a cell is
  laid out in it;
- what Word shows is what is read: content controls (``w:sdt``) by their content, a check box
  as a mark when checked, a field by its result (``w:fldSimple``, ``w:fldChar``), tracked
  changes accepted (insertions kept, deletions left out; ``tracked_changes`` says so), hidden
  text (``w:vanish``) and deleted text never; automatic list numbers written out ("1.", "a)");
  frames and text boxes (a contact block) in a column of their own beside the body;
- the running header and footer are not printed on the page; their text is handed back apart
  (the reader takes the date from it when the notat prints no *Dato:* line).

Untrusted input: the ZIP's members are read within ``MAX_PART_BYTES`` each and the XML parser
resolves no entities and loads no DTD or network resource.
"""

from __future__ import annotations

import contextlib
import dataclasses
import itertools
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from lxml import etree

from pipeline.errors import ExtractError
from pipeline.extract.primitives import PageLayout, Rule, Word
from pipeline.text import normalize_text

__all__ = ["MAX_PART_BYTES", "DocxContent", "read_docx"]

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"

# A member of the package larger than this (uncompressed) is not read: no notat comes near it.
MAX_PART_BYTES = 64 << 20

# The layout's own units: a glyph is half its size wide, a space a quarter, a line 1.2 sizes
# high; paragraphs stand this share of a size apart (more than a line, so the reader sees a
# paragraph break); cells are padded by this many points.
_GLYPH, _SPACE, _LEADING, _PARAGRAPH_GAP, _PADDING = 0.5, 0.25, 1.2, 0.8, 4.0
_LEFT, _TOP = 72.0, 72.0
_SIDE_GAP = 48.0  # between the body and the column of frames and text boxes
_PAGE_BODY = 700.0  # the height of a page's body: the sheet is cut into pages this long
_FOOTER_GAP = 24.0  # between a page's body and its footer
_DEFAULT_PT = 11.0
_MIN_TEXT_WIDTH = 6.0  # a table column holds at least this much text beside its padding


def _q(tag: str, ns: str = W) -> str:
    return f"{{{ns}}}{tag}"


@dataclass
class DocxContent:
    """What a Word file holds, as the reader reads it."""

    pages: list[PageLayout]
    header_text: str = ""  # the running header's and footer's text (Word prints them apart)
    tracked_changes: bool = False  # insertions or deletions not yet accepted: read as accepted
    # The tag of the content control around each goal cell of a goal table, by (the Tema
    # heading's number, the row's position among the table's body rows, from 1): the goal id
    # our own form (statusskema) carries.
    row_tags: dict[tuple[int, int], str] = field(default_factory=dict)


# --------------------------------------------------------------------------- the package


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
        remove_comments=True, remove_pis=True,
    )  # fmt: skip


class _Package:
    def __init__(self, path: Path) -> None:
        try:
            self.zip = zipfile.ZipFile(path)
        except zipfile.BadZipFile as e:
            raise ExtractError(f"{path.name}: the Word file is damaged ({e})") from e
        except OSError as e:
            raise ExtractError(f"{path.name}: the Word file cannot be opened ({e})") from e
        self.name = path.name

    def xml(self, member: str) -> etree._Element | None:
        try:
            info = self.zip.getinfo(member)
        except KeyError:
            return None
        if info.file_size > MAX_PART_BYTES:
            raise ExtractError(
                f"{self.name}: its part {member} is {info.file_size >> 20:,} MB unpacked, more "
                f"than a Word notat holds ({MAX_PART_BYTES >> 20} MB); it was not read"
            )
        try:
            with self.zip.open(info) as f:
                data = f.read(MAX_PART_BYTES + 1)
        except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as e:
            raise ExtractError(f"{self.name}: the Word file is damaged ({member}: {e})") from e
        if len(data) > MAX_PART_BYTES:
            raise ExtractError(f"{self.name}: its part {member} unpacks to more than it says")
        try:
            return etree.fromstring(data, _parser())
        except etree.XMLSyntaxError as e:
            raise ExtractError(f"{self.name}: the Word file is damaged ({member}: {e})") from e

    def related(self, source: str) -> dict[str, str]:
        """The members ``source`` relates to, by relationship id."""
        folder = PurePosixPath(source).parent
        rels = self.xml(str(folder / "_rels" / (PurePosixPath(source).name + ".rels")))
        if rels is None:
            return {}
        out = {}
        for rel in rels.iter(_q("Relationship", _REL_NS)):
            if rel.get("TargetMode") != "External":
                target = (folder / rel.get("Target", "")).as_posix()
                out[rel.get("Id", "")] = _normpath(target)
        return out


def _normpath(path: str) -> str:
    parts: list[str] = []
    for part in path.split("/"):
        if part == "..":
            if parts:
                parts.pop()
        elif part and part != ".":
            parts.append(part)
    return "/".join(parts)


# --------------------------------------------------------------------------- styles


@dataclass(frozen=True)
class _RunStyle:
    size: float = _DEFAULT_PT
    bold: bool = False
    hidden: bool = False


def _on(element: etree._Element | None) -> bool | None:
    """A toggle property's value (``<w:b/>``, ``<w:b w:val="0"/>``, ``<w14:checked
    w14:val="1"/>``), None when absent."""
    if element is None:
        return None
    value = element.get(_q("val"), element.get(_q("val", W14), "true"))
    return value.lower() not in ("0", "false", "off", "none")


def _apply(style: _RunStyle, rpr: etree._Element | None) -> _RunStyle:
    if rpr is None:
        return style
    size, bold, hidden = style.size, style.bold, style.hidden
    if (sz := rpr.find(_q("sz"))) is not None and (val := sz.get(_q("val"))):
        with contextlib.suppress(ValueError):
            size = int(val) / 2
    if (b := _on(rpr.find(_q("b")))) is not None:
        bold = b
    if (vanish := _on(rpr.find(_q("vanish")))) is not None:
        hidden = vanish
    return _RunStyle(size, bold, hidden)


class _Styles:
    """Paragraph and character styles resolved along ``w:basedOn``, from the document defaults."""

    def __init__(self, root: etree._Element | None) -> None:
        self.by_id: dict[str, etree._Element] = {}
        self.default = _RunStyle()
        self.default_paragraph = ""
        if root is None:
            return
        defaults = root.find(f"{_q('docDefaults')}/{_q('rPrDefault')}/{_q('rPr')}")
        self.default = _apply(_RunStyle(), defaults)
        for style in root.iter(_q("style")):
            sid = style.get(_q("styleId"), "")
            self.by_id[sid] = style
            if style.get(_q("type")) == "paragraph" and _on(style.find(_q("default"))):
                self.default_paragraph = sid
        self._cache: dict[str, _RunStyle] = {}

    def run_style(self, style_id: str) -> _RunStyle:
        if style_id in self._cache:
            return self._cache[style_id]
        chain: list[etree._Element] = []
        seen: set[str] = set()
        sid = style_id
        while sid and sid not in seen and sid in self.by_id:
            seen.add(sid)
            chain.append(self.by_id[sid])
            based = self.by_id[sid].find(_q("basedOn"))
            sid = based.get(_q("val"), "") if based is not None else ""
        style = self.default
        for element in reversed(chain):
            style = _apply(style, element.find(_q("rPr")))
        self._cache[style_id] = style
        return style

    def paragraph_property(self, style_id: str, tag: str) -> etree._Element | None:
        """A paragraph property (``w:numPr``, ``w:ind``) the style or one it is based on sets."""
        seen: set[str] = set()
        sid = style_id
        while sid and sid not in seen and sid in self.by_id:
            seen.add(sid)
            ppr = self.by_id[sid].find(_q("pPr"))
            found = ppr.find(_q(tag)) if ppr is not None else None
            if found is not None:
                return found
            based = self.by_id[sid].find(_q("basedOn"))
            sid = based.get(_q("val"), "") if based is not None else ""
        return None


# --------------------------------------------------------------------------- numbering

_ROMAN = [(1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
          (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]  # fmt: skip


def _format_number(value: int, fmt: str) -> str:
    if fmt in ("lowerLetter", "upperLetter"):
        letters = ""
        n = value
        while n > 0:
            n, rem = divmod(n - 1, 26)
            letters = chr(ord("a") + rem) + letters
        return letters.upper() if fmt == "upperLetter" else letters
    if fmt in ("lowerRoman", "upperRoman"):
        out, n = "", value
        for number, numeral in _ROMAN:
            while n >= number:
                out, n = out + numeral, n - number
        return out.upper() if fmt == "upperRoman" else out
    if fmt in ("bullet", "none"):
        return ""
    return str(value)


class _Numbering:
    """Word's automatic list numbers, counted as Word counts them: per list (``w:numId``) and
    level, a level restarting under the level above, ``w:startOverride`` honoured."""

    def __init__(self, root: etree._Element | None) -> None:
        self.abstract: dict[str, dict[int, tuple[int, str, str]]] = {}
        self.nums: dict[str, tuple[str, dict[int, int]]] = {}
        self.counters: dict[str, dict[int, int]] = {}
        if root is None:
            return
        for abstract in root.iter(_q("abstractNum")):
            levels: dict[int, tuple[int, str, str]] = {}
            for lvl in abstract.iter(_q("lvl")):
                ilvl = int(lvl.get(_q("ilvl"), "0"))
                start = lvl.find(_q("start"))
                fmt = lvl.find(_q("numFmt"))
                text = lvl.find(_q("lvlText"))
                levels[ilvl] = (
                    int(start.get(_q("val"), "1")) if start is not None else 1,
                    fmt.get(_q("val"), "decimal") if fmt is not None else "decimal",
                    text.get(_q("val"), "") if text is not None else "",
                )
            self.abstract[abstract.get(_q("abstractNumId"), "")] = levels
        for num in root.iter(_q("num")):
            ref = num.find(_q("abstractNumId"))
            overrides = {}
            for override in num.iter(_q("lvlOverride")):
                start = override.find(_q("startOverride"))
                if start is not None:
                    overrides[int(override.get(_q("ilvl"), "0"))] = int(start.get(_q("val"), "1"))
            if ref is not None:
                self.nums[num.get(_q("numId"), "")] = (ref.get(_q("val"), ""), overrides)

    def label(self, num_id: str, ilvl: int) -> str:
        """The next label of list ``num_id`` at level ``ilvl`` ("2.", "b)"), "" for a bullet."""
        if num_id not in self.nums or num_id == "0":
            return ""
        abstract_id, overrides = self.nums[num_id]
        levels = self.abstract.get(abstract_id, {})
        if ilvl not in levels:
            return ""
        counters = self.counters.setdefault(num_id, {})
        start = overrides.get(ilvl, levels[ilvl][0])
        counters[ilvl] = counters.get(ilvl, start - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]
        _, fmt, text = levels[ilvl]
        if fmt == "bullet":
            return "•"

        def value(m: re.Match) -> str:
            level = int(m.group(1)) - 1
            if level not in levels:
                return ""
            count = counters.get(level, overrides.get(level, levels[level][0]))
            return _format_number(count, levels[level][1])

        return re.sub(r"%(\d)", value, text)


# --------------------------------------------------------------------------- the text


@dataclass
class _Line:
    """One printed line of a paragraph: its runs as (text, style)."""

    runs: list[tuple[str, _RunStyle]] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(t for t, _ in self.runs)


@dataclass
class _Para:
    lines: list[_Line]
    indent: float = 0.0  # points from the column's left edge
    frame: bool = False  # in a frame or text box: beside the body, not in it

    @property
    def size(self) -> float:
        sizes = [s.size for ln in self.lines for t, s in ln.runs if t.strip()]
        return max(sizes) if sizes else _DEFAULT_PT


@dataclass
class _Cell:
    blocks: list  # _Para | _Table
    span: int = 1
    merge: str = ""  # "" | "restart" | "continue" (w:vMerge)
    tag: str = ""  # the tag of a content control around the cell's content


@dataclass
class _Table:
    rows: list[list[_Cell]]


class _Reader:
    """Walks a story (the body, a header, a cell) into paragraphs and tables."""

    def __init__(self, styles: _Styles, numbering: _Numbering) -> None:
        self.styles = styles
        self.numbering = numbering
        self.tracked = False
        self.frames: list[_Para] = []  # frames and text boxes, in the order they stand

    # ---------------------------------------------------------------- block level

    def blocks(self, parent: etree._Element) -> list:
        out: list = []
        for child in parent:
            tag = child.tag
            if tag == _q("p"):
                para = self.paragraph(child)
                if para.frame:
                    self.frames.append(para)
                else:
                    out.append(para)
            elif tag == _q("tbl"):
                out.append(self.table(child))
            elif tag == _q("sdt"):
                content = child.find(_q("sdtContent"))
                if content is not None and not _placeholder(child):
                    out += self.blocks(content)
            elif tag in (_q("customXml"), _q("ins"), _q("moveTo")):
                self.tracked |= tag != _q("customXml")
                out += self.blocks(child)
            elif tag in (_q("del"), _q("moveFrom")):
                self.tracked = True
            elif tag == _q("AlternateContent", MC):
                chosen = child.find(_q("Choice", MC))
                if chosen is None:
                    chosen = child.find(_q("Fallback", MC))
                if chosen is not None:
                    out += self.blocks(chosen)
        return out

    def table(self, tbl: etree._Element) -> _Table:
        rows: list[list[_Cell]] = []
        for tr in self._rows(tbl):
            cells: list[_Cell] = []
            for tc, tag in self._cells(tr):
                tcpr = tc.find(_q("tcPr"))
                span, merge = 1, ""
                if tcpr is not None:
                    if (gs := tcpr.find(_q("gridSpan"))) is not None:
                        span = max(1, int(gs.get(_q("val"), "1") or 1))
                    if (vm := tcpr.find(_q("vMerge"))) is not None:
                        merge = vm.get(_q("val"), "continue")
                cells.append(_Cell(self.blocks(tc), span, merge, tag))
            if cells:
                rows.append(cells)
        return _Table(rows)

    def _rows(self, tbl: etree._Element) -> Iterator[etree._Element]:
        for child in tbl:
            if child.tag == _q("tr"):
                yield child
            elif child.tag in (_q("sdt"), _q("customXml"), _q("ins")):
                inner = child.find(_q("sdtContent")) if child.tag == _q("sdt") else child
                if inner is not None:
                    yield from self._rows(inner)

    def _cells(self, tr: etree._Element, tag: str = "") -> Iterator[tuple[etree._Element, str]]:
        for child in tr:
            if child.tag == _q("tc"):
                inner_tag = tag
                for sdt in child.iter(_q("sdt")):
                    if (t := sdt.find(f"{_q('sdtPr')}/{_q('tag')}")) is not None:
                        inner_tag = t.get(_q("val"), "") or inner_tag
                        break
                yield child, inner_tag
            elif child.tag in (_q("sdt"), _q("customXml")):
                sdt_tag = tag
                if child.tag == _q("sdt"):
                    t = child.find(f"{_q('sdtPr')}/{_q('tag')}")
                    sdt_tag = t.get(_q("val"), "") if t is not None else tag
                    child = child.find(_q("sdtContent"))
                if child is not None:
                    yield from self._cells(child, sdt_tag)

    # ---------------------------------------------------------------- paragraphs

    def paragraph(self, p: etree._Element) -> _Para:
        ppr = p.find(_q("pPr"))
        style_id = ""
        if ppr is not None and (ps := ppr.find(_q("pStyle"))) is not None:
            style_id = ps.get(_q("val"), "")
        style_id = style_id or self.styles.default_paragraph
        base = self.styles.run_style(style_id)
        frame = ppr is not None and ppr.find(_q("framePr")) is not None
        lines = [_Line()]
        label = self._label(ppr, style_id)
        if label:
            lines[0].runs.append((label + " ", base))
        self._content(p, base, lines, _Field())
        indent = self._indent(ppr, style_id)
        return _Para([ln for ln in lines if ln.text.strip()] or [_Line()], indent, frame)

    def _label(self, ppr: etree._Element | None, style_id: str) -> str:
        numpr = ppr.find(_q("numPr")) if ppr is not None else None
        if numpr is None:
            numpr = self.styles.paragraph_property(style_id, "numPr")
        if numpr is None:
            return ""
        num = numpr.find(_q("numId"))
        lvl = numpr.find(_q("ilvl"))
        if num is None:
            return ""
        return self.numbering.label(
            num.get(_q("val"), ""), int(lvl.get(_q("val"), "0")) if lvl is not None else 0
        )

    def _indent(self, ppr: etree._Element | None, style_id: str) -> float:
        ind = ppr.find(_q("ind")) if ppr is not None else None
        if ind is None:
            ind = self.styles.paragraph_property(style_id, "ind")
        if ind is None:
            return 0.0
        try:
            left = int(ind.get(_q("left"), ind.get(_q("start"), "0")) or 0)
            hanging = int(ind.get(_q("hanging"), "0") or 0)
        except ValueError:
            return 0.0
        return max(0.0, (left - hanging) / 20)

    def _content(self, parent, base: _RunStyle, lines: list[_Line], field: _Field) -> None:
        """Runs of ``parent`` into ``lines``; ``field``: the complex field being read."""
        for child in parent:
            tag = child.tag
            if tag == _q("r"):
                self._run(child, base, lines, field)
            elif tag == _q("fldSimple") and len(child) == 0:
                lines[-1].runs.append((_page_field(child.get(_q("instr"), "")), base))
            elif tag in (_q("hyperlink"), _q("smartTag"), _q("customXml"), _q("fldSimple"),
                         _q("ins"), _q("moveTo"), _q("bdo"), _q("dir")):  # fmt: skip
                self.tracked |= tag in (_q("ins"), _q("moveTo"))
                self._content(child, base, lines, field)
            elif tag in (_q("del"), _q("moveFrom")):
                self.tracked = True
            elif tag == _q("sdt"):
                box = child.find(f"{_q('sdtPr')}/{_q('checkbox', W14)}")
                if box is not None:
                    checked = _on(box.find(_q("checked", W14)))
                    lines[-1].runs.append(("☒" if checked else "☐", base))
                    continue
                content = child.find(_q("sdtContent"))
                if content is not None and not _placeholder(child):
                    self._content(content, base, lines, field)
            elif tag == _q("AlternateContent", MC):
                chosen = child.find(_q("Choice", MC))
                if chosen is None:
                    chosen = child.find(_q("Fallback", MC))
                if chosen is not None:
                    self._content(chosen, base, lines, field)

    def _run(self, r: etree._Element, base: _RunStyle, lines: list[_Line], field: _Field):
        rpr = r.find(_q("rPr"))
        style = base
        if rpr is not None and (rs := rpr.find(_q("rStyle"))) is not None:
            style = _merge(base, self.styles.run_style(rs.get(_q("val"), "")))
        style = _apply(style, rpr)
        for child in r:
            tag = child.tag
            if tag == _q("fldChar"):
                placeholder = field.char(child.get(_q("fldCharType"), ""))
                if placeholder:
                    lines[-1].runs.append((placeholder, style))
            elif tag == _q("instrText"):
                field.instruction += child.text or ""
            elif field.hidden or style.hidden:
                continue
            elif tag == _q("t"):
                lines[-1].runs.append((child.text or "", style))
            elif tag in (_q("tab"), _q("ptab")):
                lines[-1].runs.append(("\t", style))
            elif tag in (_q("br"), _q("cr")):
                if child.get(_q("type")) in (None, "textWrapping"):
                    lines.append(_Line())
            elif tag == _q("noBreakHyphen"):
                lines[-1].runs.append(("-", style))
            elif tag == _q("sym"):
                lines[-1].runs.append((_symbol(child), style))
            elif tag in (_q("drawing"), _q("pict"), _q("AlternateContent", MC)):
                self._text_boxes(child)

    def _text_boxes(self, element: etree._Element) -> None:
        """A text box's paragraphs, once (Word writes a DrawingML box and its VML twin)."""
        if element.tag == _q("AlternateContent", MC):
            chosen = element.find(_q("Choice", MC))
            element = chosen if chosen is not None else element.find(_q("Fallback", MC))
            if element is None:
                return
        for content in element.iter(_q("txbxContent")):
            for para in self.blocks(content):
                if isinstance(para, _Para):
                    para.frame = True
                    self.frames.append(para)
            return


# Page numbers are the page's: a field that prints them is laid out page by page.
PAGE_MARK, PAGES_MARK = "\x00PAGE\x00", "\x00NUMPAGES\x00"


def _page_field(instruction: str) -> str:
    """The placeholder of a PAGE or NUMPAGES field (written out per page), else nothing: a
    field without a result prints nothing."""
    word = instruction.strip().split(" ", 1)[0].upper()
    return {"PAGE": PAGE_MARK, "NUMPAGES": PAGES_MARK, "SECTIONPAGES": PAGES_MARK}.get(word, "")


@dataclass
class _Field:
    """A complex field (``w:fldChar`` begin … separate … end): its instructions are not text,
    its result is; a PAGE or NUMPAGES field prints the page's numbers, whatever result Word
    last stored for it (a stored page number is the number of one page only)."""

    in_instructions: bool = False
    instruction: str = ""
    had_result: bool = False

    @property
    def hidden(self) -> bool:
        """Runs now are no text: the instructions, or the stored result of a page field."""
        return self.in_instructions or (self.had_result and bool(_page_field(self.instruction)))

    def char(self, kind: str) -> str:
        if kind == "begin":
            self.in_instructions, self.instruction, self.had_result = True, "", False
        elif kind == "separate":
            self.in_instructions, self.had_result = False, True
            return _page_field(self.instruction)
        elif kind == "end":
            # A field Word stored no result for: a page field prints its numbers here.
            placeholder = _page_field(self.instruction) if self.in_instructions else ""
            self.in_instructions, self.had_result, self.instruction = False, False, ""
            return placeholder
        return ""


def _placeholder(sdt: etree._Element) -> bool:
    """A content control still showing its placeholder text: nothing was filled in."""
    return sdt.find(f"{_q('sdtPr')}/{_q('showingPlcHdr')}") is not None


def _merge(base: _RunStyle, style: _RunStyle) -> _RunStyle:
    return _RunStyle(style.size, style.bold or base.bold, style.hidden or base.hidden)


# Symbols Word inserts from symbol fonts (Wingdings' check boxes and crosses), as text.
_SYMBOLS = {"F0FE": "☒", "F0FD": "☒", "F078": "☒", "F0FB": "✗", "F0FC": "✓", "F0A8": "☐",
            "F06F": "☐", "F0A1": "☐"}  # fmt: skip


def _symbol(sym: etree._Element) -> str:
    char = (sym.get(_q("char")) or "").upper()
    if char in _SYMBOLS:
        return _SYMBOLS[char]
    try:
        code = int(char, 16)
    except ValueError:
        return ""
    return chr(code - 0xF000) if code >= 0xF000 else chr(code)


# --------------------------------------------------------------------------- the layout


class _Sheet:
    """The words and rules laid out so far, on one sheet as long as the document, and the
    stretches no page may break inside (a line, a table row)."""

    def __init__(self) -> None:
        self.words: list[Word] = []
        self.rules: list[Rule] = []
        self.keep: list[tuple[float, float]] = []

    def line(self, line: _Line, x: float, top: float) -> float:
        """Lay ``line`` out from ``x`` at ``top``; return its right edge."""
        text_runs = [(t.replace("\t", " "), s) for t, s in line.runs]
        size = max((s.size for t, s in text_runs if t.strip()), default=_DEFAULT_PT)
        bottom = top + size
        self.keep.append((top, bottom))
        pos = x
        current: list[tuple[str, _RunStyle, float]] = []  # char, style, left edge

        def flush() -> None:
            nonlocal current
            if not current:
                return
            raw = "".join(c for c, _, _ in current)
            text = normalize_text(raw)
            if text:
                first = current[0][1]
                letters = tuple(left for _, _, left in current) if text == raw else ()
                self.words.append(Word(text, current[0][2], pos, top, bottom, first.size,
                                       first.bold, False, letters))  # fmt: skip
            current = []

        for text, style in text_runs:
            for char in text:
                if char.isspace():
                    flush()
                    pos += _SPACE * style.size
                else:
                    current.append((char, style, pos))
                    pos += _GLYPH * style.size
        flush()
        return pos


class _Layout:
    def __init__(self) -> None:
        self.sheet = _Sheet()

    # ---------------------------------------------------------------- measuring

    def width(self, blocks: list) -> float:
        out = 0.0
        for block in blocks:
            if isinstance(block, _Para):
                for line in block.lines:
                    chars = sum(len(t) for t, _ in line.runs)
                    out = max(out, block.indent + chars * _GLYPH * block.size + 2)
            else:
                out = max(out, sum(self.column_widths(block)) + 2 * _PADDING)
        return out

    def column_widths(self, table: _Table) -> list[float]:
        columns = max((sum(c.span for c in row) for row in table.rows), default=0)
        widths = [2 * _PADDING + _MIN_TEXT_WIDTH] * columns
        spanning: list[tuple[int, int, float]] = []
        for row in table.rows:
            col = 0
            for cell in row:
                need = self.width(cell.blocks) + 2 * _PADDING
                if cell.span == 1 and col < columns:
                    widths[col] = max(widths[col], need)
                else:
                    spanning.append((col, min(columns, col + cell.span), need))
                col += cell.span
        for a, b, need in spanning:
            have = sum(widths[a:b])
            if need > have and b > a:
                for k in range(a, b):
                    widths[k] += (need - have) / (b - a)
        return widths

    # ---------------------------------------------------------------- placing

    def blocks(self, blocks: list, x: float, top: float) -> float:
        """Lay ``blocks`` out from ``top`` at ``x``; return the height they take."""
        y = top
        for block in blocks:
            if isinstance(block, _Para):
                y += self.paragraph(block, x, y)
            else:
                y += self.table(block, x, y)
        return y - top

    def paragraph(self, para: _Para, x: float, top: float) -> float:
        y = top
        size = para.size
        for line in para.lines:
            if line.text.strip():
                self.sheet.line(line, x + para.indent, y)
            y += _LEADING * size
        return y - top + _PARAGRAPH_GAP * size

    def table(self, table: _Table, x: float, top: float) -> float:
        widths = self.column_widths(table)
        edges = [x]
        for w in widths:
            edges.append(edges[-1] + w)
        layout_table = any(
            isinstance(b, _Table) for row in table.rows for c in row for b in c.blocks
        )
        y = top
        # vMerge: a cell that continues the one above draws no rule above it.
        continued: list[list[bool]] = []
        row_tops: list[float] = []
        for row in table.rows:
            col = 0
            height = 0.0
            flags = [False] * len(widths)
            for cell in row:
                a, b = col, min(len(widths), col + cell.span)
                if cell.merge == "continue":
                    for k in range(a, b):
                        flags[k] = True
                elif a < len(edges) - 1:
                    inner = self.blocks(cell.blocks, edges[a] + _PADDING, y + _PADDING)
                    height = max(height, inner + 2 * _PADDING)
                col += cell.span
            continued.append(flags)
            row_tops.append(y)
            height = max(height, 2 * _PADDING + _DEFAULT_PT)
            if not layout_table:
                self.sheet.keep.append((y, y + height))  # a row stays on one page
            y += height
        if widths:
            self._rules(table, edges, row_tops, y, continued)
        return y - top + _PARAGRAPH_GAP * _DEFAULT_PT

    def _rules(self, table: _Table, edges: list[float], row_tops: list[float], bottom: float,
               continued: list[list[bool]]) -> None:  # fmt: skip
        rules = self.sheet.rules
        tops = [*row_tops, bottom]
        for r, row in enumerate(table.rows):
            top, end = tops[r], tops[r + 1]
            # horizontal rule above the row, cell by cell (not above a merged continuation)
            col = 0
            for cell in row:
                a, b = col, min(len(edges) - 1, col + cell.span)
                if a < b and not continued[r][a]:
                    rules.append(Rule(edges[a], edges[b], top, top))
                col += cell.span
            # vertical rules at the row's cell edges
            col = 0
            rules.append(Rule(edges[0], edges[0], top, end))
            for cell in row:
                col = min(len(edges) - 1, col + cell.span)
                rules.append(Rule(edges[col], edges[col], top, end))
        rules.append(Rule(edges[0], edges[-1], bottom, bottom))


def _page_breaks(keep: list[tuple[float, float]], start: float, end: float) -> list[float]:
    """Where the sheet is cut into pages of ``_PAGE_BODY`` points: the lowest point on each page
    that cuts no line and no table row (a row taller than a page makes its page longer)."""
    blocked = sorted(keep)
    breaks: list[float] = []
    top = start
    while end - top > _PAGE_BODY:
        limit = top + _PAGE_BODY
        cut = limit
        for a, b in blocked:
            if a < cut < b:
                cut = a  # before the line or row the page would cut
        if cut <= top + 1:  # one row longer than a page: the page holds all of it
            cut = max(b for a, b in blocked if a < limit < b)
        breaks.append(cut)
        top = cut
    return breaks


def _paginate(sheet: _Sheet, height: float, width: float, furniture) -> list[PageLayout]:
    """The sheet cut into pages, each with the running header and footer (``furniture``: a
    function laying them out for page n of N onto a sheet) at its edges."""
    cuts = [_TOP, *_page_breaks(sheet.keep, _TOP, _TOP + height), _TOP + height + 1]
    total = len(cuts) - 1
    pages = []
    for n, (a, b) in enumerate(itertools.pairwise(cuts), start=1):
        shift = _TOP - a
        words = [
            dataclasses.replace(w, top=w.top + shift, bottom=w.bottom + shift,
                                text=_page_numbers(w.text, n, total))
            for w in sheet.words if a <= w.top < b
        ]  # fmt: skip
        rules = [
            Rule(r.x0, r.x1, max(r.top, a) + shift, min(r.bottom, b) + shift)
            for r in sheet.rules
            if r.top < b and r.bottom >= a and (r.top != r.bottom or r.top < b)
        ]
        body_bottom = _TOP + (b - a)
        edges = furniture(n, total, body_bottom)
        words += [dataclasses.replace(w, text=_page_numbers(w.text, n, total)) for w in edges.words]
        pages.append(PageLayout(
            n, width, body_bottom + _TOP, tuple(w for w in words if w.text), tuple(rules), 0,
            "Microsoft Word (.docx)", cells_ruled=True,
        ))  # fmt: skip
    return pages


def _page_numbers(text: str, page: int, total: int) -> str:
    if "\x00" not in text:
        return text
    return normalize_text(text.replace(PAGE_MARK, str(page)).replace(PAGES_MARK, str(total)))


def _row_tags(blocks: list) -> dict[tuple[int, int], str]:
    """The goal-cell tags of the goal tables, by (Tema number, body row from 1): the table
    after a *Tema N:* paragraph, its rows after the header, up to the *I alt* row."""
    from pipeline.vocabulary import TEMA_HEADING, is_totals_label

    out: dict[tuple[int, int], str] = {}
    theme: int | None = None
    for block in _flat(blocks):
        if isinstance(block, _Para):
            m = TEMA_HEADING.match(normalize_text(" ".join(ln.text for ln in block.lines)))
            if m:
                theme = int(m.group(1))
        elif theme is not None:
            for n, row in enumerate(block.rows[1:], start=1):
                first = normalize_text(
                    " ".join(
                        ln.text for b in row[0].blocks if isinstance(b, _Para) for ln in b.lines
                    )
                )
                if is_totals_label(first):
                    break
                tag = next((c.tag for c in row if c.tag), "")
                if tag:
                    out[theme, n] = tag
            theme = None
    return out


def _flat(blocks: list) -> Iterator:
    """Paragraphs and goal tables in reading order, layout tables opened (a table whose
    cells hold tables is the page's layout, not a goal table)."""
    for block in blocks:
        if isinstance(block, _Table) and any(
            isinstance(b, _Table) for row in block.rows for c in row for b in c.blocks
        ):
            for row in block.rows:
                for cell in row:
                    yield from _flat(cell.blocks)
        else:
            yield block


# --------------------------------------------------------------------------- the entry point


def read_docx(path: Path) -> DocxContent:
    """The Word file at ``path`` as pages for the reader. Raises ExtractError for a file that
    is no readable Word document."""
    package = _Package(path)
    with package.zip:
        document = package.xml("word/document.xml")
        if document is None:
            raise ExtractError(f"{path.name}: not a Word document (it has no word/document.xml)")
        body = document.find(_q("body"))
        if body is None:
            raise ExtractError(f"{path.name}: the Word document has no body")
        styles = _Styles(package.xml("word/styles.xml"))
        reader = _Reader(styles, _Numbering(package.xml("word/numbering.xml")))
        blocks = reader.blocks(body)
        related = package.related("word/document.xml")
        header = _story(package, body, "headerReference", related, styles)
        footer = _story(package, body, "footerReference", related, styles)
    layout = _Layout()
    height = layout.blocks(blocks, _LEFT, _TOP)
    width = _LEFT + layout.width(blocks)
    if reader.frames:  # frames and text boxes: a column of their own beside the body
        layout.blocks(reader.frames, width + _SIDE_GAP, _TOP)
        width += _SIDE_GAP + layout.width(reader.frames)
    width += _LEFT

    def furniture(page: int, total: int, body_bottom: float) -> _Sheet:
        edges = _Layout()
        above = edges.blocks(header, _LEFT, 0.0)
        edges.sheet.words = [
            dataclasses.replace(w, top=w.top + _TOP - above - 4, bottom=w.bottom + _TOP - above - 4)
            for w in edges.sheet.words
        ]
        edges.blocks(footer, _LEFT, body_bottom + _FOOTER_GAP)
        return edges.sheet

    text = " ".join(" ".join(ln.text for ln in p.lines) for p in _paragraphs([*header, *footer]))
    return DocxContent(
        _paginate(layout.sheet, height, width, furniture),
        normalize_text(text.replace(PAGE_MARK, "").replace(PAGES_MARK, "")),
        reader.tracked,
        _row_tags(blocks),
    )


def _story(
    package: _Package,
    body: etree._Element,
    reference: str,
    related: dict[str, str],
    styles: _Styles,
) -> list:
    """The running header (``reference`` "headerReference") or footer of the document's first
    section, as its paragraphs and tables: the default one, else the first page's."""
    refs = {}
    for sect in body.iter(_q("sectPr")):
        for ref in sect.findall(_q(reference)):
            refs.setdefault(ref.get(_q("type"), "default"), ref.get(_q("id", R), ""))
        break
    for kind in ("default", "first", "even"):
        member = related.get(refs.get(kind, ""))
        root = package.xml(member) if member else None
        if root is not None:
            return _Reader(styles, _Numbering(None)).blocks(root)
    return []


def _paragraphs(blocks: list) -> Iterator[_Para]:
    for block in blocks:
        if isinstance(block, _Para):
            yield block
        else:
            for row in block.rows:
                for cell in row:
                    yield from _paragraphs(cell.blocks)
