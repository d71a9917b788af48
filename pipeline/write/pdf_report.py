"""PDF files from a document description (``pipeline.write.layout``). The only reportlab importer.

It renders the same blocks as the Word writer. The goal tables are printed the way the
municipality's notats print them (``Tema N: …`` heading, header ``Mål | Gennemført/ igangsat |
Ikke igangsat | Bemærkning``, ``(bilag N)`` after each wording, ``I alt`` row), so the PDF can be
read back by ``python -m pipeline extract``.

Its pages are the Word file's: the same page area (the footer in the bottom margin), rows as
high as Word's, the space between paragraphs the larger of the two, headings and a chart kept
with what follows, and lines broken by the Word file's rules (``linebreak``: Danish hyphenation
as LibreOffice hyphenates the Word file, its hyphenation zone, breaks after hyphens, widths
measured as the Word file's lines are measured, ``shaping``).

The file carries its title, author, subject and language (da-DK), opens with its bookmarks
shown, and its creation date is the day it was made. The same description on the same day
gives the same bytes (reportlab's invariant mode, pikepdf's deterministic id).

It is a tagged PDF (PDF/UA-1): each block becomes a structure element (``pdf_tags.StructNode``)
before anything is drawn, in the description's order, and each flowable marks the content it
draws as that element's (a heading H1/H2, a paragraph P, a table's TH and TD cells, the chart a
Figure with the Word file's alternative text); the footer, the table rules and shading and a
header row repeated on a later page are artifacts. ``pdf_tags.finish`` writes the tree.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import getAscentDescent, stringWidth
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Frame,
    PageTemplate,
    Paragraph,
    Spacer,
    TableStyle,
)
from reportlab.platypus import Table as PdfTable
from reportlab.platypus.paragraph import _SplitWordHY  # a line's head hyphenated at its end

from pipeline.vocabulary import PAGE_OF
from pipeline.write import layout as desc  # the document description
from pipeline.write.layout import (
    CELL_PADDING_CM,
    CELL_SPACE_AFTER,
    COLOURS,
    DESCENT_EM,
    FOOTER_FROM_EDGE_CM,
    HYPHENATION_ZONE_PT,
    MARGIN_CM,
    RULE_PT,
    SIZES,
    SPACE_AFTER,
    TABLE_GAP,
    line_height,
    word_pt,
)
from pipeline.write.linebreak import Hyphenation, LineRules, break_lines
from pipeline.write.pdf_tags import SOFT_HYPHEN, ContentMarks, DocumentInfo, StructNode, finish
from pipeline.write.shaping import text_measure
from pipeline.write.text import FONT_DIR, keep_together

__all__ = ["write_pdf"]

# Carlito: metric-compatible with Calibri, the Word report's font, so the two files break their
# lines and pages alike (SIL Open Font License, bundled in pipeline/fonts).
FONT, FONT_BOLD, FONT_ITALIC = "Carlito", "Carlito-Bold", "Carlito-Italic"
HYPHENATION = "da_DK"  # a style's hyphenationLang: its paragraphs are hyphenated (see _rules)
_MARGIN = word_pt(MARGIN_CM)
_STARTED = colors.HexColor("#2E6F40")
_NOT_STARTED = colors.HexColor("#C87828")
_ALIGN = {"left": TA_LEFT, "center": TA_CENTER, "right": TA_RIGHT}


def _colour(name: str):
    return colors.HexColor("#" + COLOURS[name])


def _font_file(name: str) -> Path:
    return FONT_DIR / (f"{name}.ttf" if "-" in name else f"{name}-Regular.ttf")


def _register_fonts() -> None:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        for name in (FONT, FONT_BOLD, FONT_ITALIC):
            font = TTFont(name, str(_font_file(name)))
            # Carlito has no glyph for U+00AD: a soft hyphen prints as the hyphen (its text
            # stays U+00AD, see _TaggedParagraph)
            face, hyphen, soft = font.face, ord("-"), ord(SOFT_HYPHEN)
            face.charToGlyph[soft] = face.charToGlyph[hyphen]
            face.charWidths[soft] = face.charWidths[hyphen]
            pdfmetrics.registerFont(font)
        pdfmetrics.registerFontFamily(
            FONT, normal=FONT, bold=FONT_BOLD, italic=FONT_ITALIC, boldItalic=FONT_BOLD
        )


def _style(name: str, size: float, **kw) -> ParagraphStyle:
    return ParagraphStyle(
        name,
        fontName=kw.pop("fontName", FONT),
        fontSize=size,
        leading=line_height(size),  # as Word sets single lines
        spaceAfter=kw.pop("spaceAfter", SPACE_AFTER),
        spaceShrinkage=0,  # a line holds what fits its width, as in Word: spaces never squeezed
        allowWidows=0,  # Word's widow and orphan control: see _LEAST_LINES
        allowOrphans=0,
        hyphenationLang=kw.pop("hyphenationLang", HYPHENATION),
        embeddedHyphenation=1,
        hyphenationMinWordLength=6,
        **kw,
    )


def _styles() -> dict[str, ParagraphStyle]:
    heading, muted = _colour("heading"), _colour("muted")
    return {
        "body": _style("body", SIZES["body"]),
        "doctype": _style("doctype", SIZES["doctype"], fontName=FONT_BOLD, spaceAfter=10),
        "subtitle": _style(
            "subtitle", SIZES["subtitle"], fontName=FONT_ITALIC, spaceAfter=8, textColor=muted
        ),
        "caption": _style("caption", SIZES["caption"], fontName=FONT_ITALIC, textColor=muted),
        "note": _style("note", SIZES["note"], textColor=muted),
        "sender": _style("sender", SIZES["sender"], spaceAfter=0, textColor=muted),
        "sender_heading": _style(
            "sender_heading", SIZES["sender_heading"], fontName=FONT_BOLD, spaceAfter=1
        ),
        "h0": _style(
            "h0",
            SIZES["title"],
            fontName=FONT_BOLD,
            hyphenationLang="",
            spaceAfter=4,
            textColor=heading,
        ),
        "h1": _style(
            "h1",
            SIZES["h1"],
            fontName=FONT_BOLD,
            hyphenationLang="",
            spaceBefore=12,
            spaceAfter=6,
            textColor=heading,
        ),
        "h2": _style(
            "h2",
            SIZES["h2"],
            fontName=FONT_BOLD,
            hyphenationLang="",
            spaceBefore=10,
            spaceAfter=5,
            textColor=heading,
        ),
        "cell": _style("cell", SIZES["cell"], spaceAfter=CELL_SPACE_AFTER),
        "cell_bold": _style(
            "cell_bold", SIZES["cell"], fontName=FONT_BOLD, spaceAfter=CELL_SPACE_AFTER
        ),
        "cell_italic": _style(
            "cell_italic", SIZES["cell"], fontName=FONT_ITALIC, spaceAfter=CELL_SPACE_AFTER
        ),
        "marker": _style("marker", SIZES["marker"], fontName=FONT_ITALIC, spaceAfter=0),
    }


def _with(style: ParagraphStyle, **kw) -> ParagraphStyle:
    return ParagraphStyle(f"{style.name}_{'_'.join(map(str, kw.values()))}", style, **kw)


class _TaggedParagraph(Paragraph):
    """A paragraph whose text is marked as structure element ``tag``'s content: as an artifact
    when it is drawn again (a table's header row repeated on the next page). A hyphen the line
    breaking added is drawn as U+00AD, so the tagged text is the word whole. The paragraphs a
    split makes keep the tag.

    Its lines break by the Word file's rules (``linebreak``), not reportlab's: ``plain`` is its
    text and ``rules`` how it breaks; a paragraph without them (a header cell's lines joined by
    a <br/>) is left to reportlab."""

    tag: StructNode | None = None
    drawn = False
    empty = False  # no text (an empty cell); not the parts a split makes, whose text is words
    plain: str | None = None
    rules: LineRules | None = None
    _preset: list[tuple[str, bool]] | None = None  # the lines of a part a split made
    _broken: tuple[float, list[tuple[str, bool]]] | None = None  # (width, lines) last broken

    def breakLines(self, width):
        max_width = width[0] if isinstance(width, (list, tuple)) else width
        lines = self._preset
        if lines is None:
            if not self.plain or self.rules is None:
                return super().breakLines(width)
            if self._broken is None or self._broken[0] != max_width:
                self._broken = (max_width, break_lines(self.plain, max_width, self.rules))
            lines = self._broken[1]
        frag = self.frags[0]
        font, size = frag.fontName, frag.fontSize
        ascent, descent = getAscentDescent(font, size)
        out, self._width_max = [], 0.0
        for text, hyphenated in lines:
            words = [w for w in text.split(" ") if w]
            if hyphenated:
                words[-1] = _SplitWordHY(words[-1] + "-")
            drawn = stringWidth(" ".join(words), font, size)
            self._width_max = max(self._width_max, drawn)
            out.append((max_width - drawn, words))
        return frag.clone(kind=0, lines=out, ascent=ascent, descent=descent, fontSize=size)

    def split(self, availWidth, availHeight):
        parts = super().split(availWidth, availHeight)
        lines = self._preset or (self._broken[1] if self._broken else None)
        if len(parts) == 2 and lines is not None:
            first = len(parts[0].blPara.lines)
            parts[0]._preset, parts[1]._preset = lines[:first], lines[first:]
        for part in parts:
            part.tag, part.rules = self.tag, self.rules
        return parts

    def drawOn(self, canv, x, y, _sW=0):
        if self.empty:
            return  # nothing to show (an empty cell)
        marks: ContentMarks = canv.marks
        if self.tag is None or self.drawn:
            canv.addLiteral(marks.artifact("Pagination"))
        else:
            canv.addLiteral(marks.begin(self.tag, canv.getPageNumber() - 1))
        _soften_line_end_hyphens(self.blPara)
        super().drawOn(canv, x, y, _sW)
        canv.addLiteral(marks.END)
        self.drawn = True


def _soften_line_end_hyphens(para) -> None:
    """A line that ends in a word the hyphenation split ends in a soft hyphen, not "-"."""
    if para.kind != 0:  # lines of fragments: only header cells with a <br/>, never hyphenated
        return
    for _, words in para.lines:
        if words and isinstance(words[-1], _SplitWordHY) and words[-1].endswith("-"):
            words[-1] = _SplitWordHY(words[-1][:-1] + SOFT_HYPHEN)


# Word's automatic hyphenation, as the Word file sets it (docx_report: w:hyphenationZone)
_HYPHENATION = Hyphenation(zone=HYPHENATION_ZONE_PT)


def _rules(style: ParagraphStyle) -> LineRules:
    """How a paragraph in ``style`` breaks its lines: measured in its font as the Word file's
    lines are (``shaping``), hyphenated unless the style is not (headings, goal tables)."""
    return LineRules(
        measure=text_measure(_font_file(style.fontName), style.fontSize),
        hyphenation=_HYPHENATION if style.hyphenationLang else None,
    )


def _tagged(
    plain: str, style: ParagraphStyle, tag: StructNode, markup: str | None = None
) -> _TaggedParagraph:
    """A paragraph of text ``plain`` (``markup``: reportlab markup to set instead, its lines
    left to reportlab)."""
    text = keep_together(plain)
    paragraph = _TaggedParagraph(escape(text) if markup is None else markup, style)
    paragraph.tag, paragraph.empty = tag, not text.strip()
    if markup is None:
        paragraph.plain, paragraph.rules = text, _rules(style)
    return paragraph


class _Heading(_TaggedParagraph):
    """A heading that becomes a PDF bookmark (outline entry) at ``level``."""

    def __init__(self, text: str, style: ParagraphStyle, level: int, key: str, tag: StructNode):
        super().__init__(escape(keep_together(text)), style)
        self.outline = (text, level, key)
        self.tag = tag
        self.plain, self.rules = keep_together(text), _rules(style)

    def split(self, availWidth, availHeight):
        return []  # a heading's lines stay together (Word's Heading styles: keep lines together)


class _Figure(Drawing):
    """The chart, marked as a Figure whose alternative text the structure element carries."""

    def __init__(self, width: float, height: float, tag: StructNode):
        super().__init__(width, height)
        self.__dict__["tag"] = tag  # past Drawing's check of attribute names

    def drawOn(self, canv, x, y, _sW=0):
        marks: ContentMarks = canv.marks
        page = canv.getPageNumber() - 1
        self.tag.bbox = (page, x, y, x + self.width, y + self.height)
        canv.addLiteral(marks.begin(self.tag, page))
        super().drawOn(canv, x, y, _sW)
        canv.addLiteral(marks.END)


def _table_artifacts(table, event: str, *args) -> None:
    """reportlab's table drawing hook: shading and rules are artifacts."""
    canv = table.canv
    if event in ("startBG", "startLines"):
        canv.addLiteral(canv.marks.artifact("Layout"))
    elif event in ("endBG", "endLines"):
        canv.addLiteral(canv.marks.END)


# The page count in the footer ("Side 3 af 32") is a form XObject drawn on every page and defined
# once, when the last page is done: one layout pass instead of a second one to count the pages.
_PAGE_TOTAL_FORM = "page_total"
_FOOTER_SIZE = SIZES["footer"]


class _ReportDoc(BaseDocTemplate):
    def __init__(self, target, pagesize, **kw):
        super().__init__(
            target,
            pagesize=pagesize,
            leftMargin=_MARGIN,
            rightMargin=_MARGIN,
            topMargin=_MARGIN,
            bottomMargin=_MARGIN,
            invariant=1,
            initialFontName=FONT,  # no stray Helvetica reference in the file
            initialFontSize=SIZES["body"],
            **kw,
        )
        # Word's page less its margins, in whole twips as Word holds them; the footer stands
        # in the bottom margin
        width_cm, height_cm = (29.7, 21.0) if pagesize[0] > pagesize[1] else (21.0, 29.7)
        self.frame_w = word_pt(width_cm) - 2 * _MARGIN
        self.frame_h = word_pt(height_cm) - 2 * _MARGIN
        frame = Frame(
            _MARGIN,
            _MARGIN,
            self.frame_w,
            self.frame_h,
            id="body",
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
        )
        self.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=self._footer)])

    def _footer(self, canvas: Canvas, doc) -> None:
        """ "Side N af " here, the total from the form defined at the end. Centred as if the
        total had two digits (off by half a digit's width otherwise)."""
        label = f"{PAGE_OF[0]}{doc.page}{PAGE_OF[1]}"
        label_w = pdfmetrics.stringWidth(label, FONT, _FOOTER_SIZE)
        x = (self.pagesize[0] - label_w - pdfmetrics.stringWidth("00", FONT, _FOOTER_SIZE)) / 2
        # the footer line's bottom FOOTER_FROM_EDGE_CM above the edge, as Word places it
        y = FOOTER_FROM_EDGE_CM * cm + DESCENT_EM * _FOOTER_SIZE
        canvas.addLiteral(ContentMarks.artifact("Pagination", "Footer"))
        canvas.saveState()
        canvas.setFont(FONT, _FOOTER_SIZE)
        canvas.drawString(x, y, label)
        canvas.translate(x + label_w, y)
        canvas.doForm(_PAGE_TOTAL_FORM)
        canvas.restoreState()
        canvas.addLiteral(ContentMarks.END)

    def afterFlowable(self, flowable) -> None:
        outline = getattr(flowable, "outline", None)
        if outline:
            text, level, key = outline
            self.canv.bookmarkPage(key)
            self.canv.addOutlineEntry(text, key, level=level, closed=False)


_TOOL = "Ringsted Kommune – statuspipeline"


def _canvas_for(day: dt.date, marks: ContentMarks):
    """A Canvas whose creation date is ``day`` (noon UTC), the same all day: a file made twice on
    one day is the same file; ``marks`` hands out its marked-content ids."""

    class _DayStamp:
        t = dt.datetime(day.year, day.month, day.day, 12, tzinfo=dt.UTC).timestamp()
        lt = (day.year, day.month, day.day, 12, 0, 0)
        YMDhms = lt
        dhh = dmm = 0
        tzname = "UTC"

    class _DayCanvas(Canvas):
        def __init__(self, *args, **kw):
            super().__init__(*args, **kw)
            self.marks = marks
            self._doc._timeStamp = _DayStamp()
            self.setCreator(_TOOL)
            self.setProducer(_TOOL)
            self.showOutline()  # open with the bookmarks shown

        def save(self) -> None:
            # every page is shown: define the page total the footers refer to
            self.beginForm(_PAGE_TOTAL_FORM, lowery=-_FOOTER_SIZE)
            self.setFont(FONT, _FOOTER_SIZE)
            self.drawString(0, 0, str(self.getPageNumber() - 1))
            self.endForm()
            super().save()

    return _DayCanvas


# --------------------------------------------------------------------------- blocks


def _line_style(line: desc.Line, st, header: bool) -> ParagraphStyle:
    if line.small:
        return st["marker"]
    if line.bold or header:
        return st["cell_bold"]
    return st["cell_italic" if line.italic else "cell"]


def _cell(
    content: desc.Cell, st, tag: StructNode, *, header: bool = False, whole_words: bool = False
) -> list[Paragraph]:
    """The cell's lines, each a paragraph marked as the cell's (``tag``, a TH or TD)."""
    out = []
    for line in content.lines:
        style = _line_style(line, st, header)
        if content.align != "left":
            style = _with(style, alignment=_ALIGN[content.align])
        if whole_words:
            style = _with(style, hyphenationLang="")
        markup = None
        if header:  # break a header after its slash, as the notat prints "Gennemført/igangsat"
            markup = escape(keep_together(line.text)).replace("/ ", "/<br/>")
        out.append(_tagged(line.text, style, tag, markup))
    return out or [_tagged("", st["cell"], tag)]


class _Table(PdfTable):
    """A table that, like Word's, ends each page it runs across with its bottom rule, whose
    room the rows on that page leave free."""

    def split(self, availWidth, availHeight):
        return super().split(availWidth, availHeight - RULE_PT)


def _table(block: desc.Table, st, frame_w: float, frame_h: float, tag: StructNode) -> PdfTable:
    """A table whose header repeats on every page; rows stay whole unless taller than a page.
    Tagged as ``tag`` (a Table): a header row of TH cells (scope Column), then rows of TD."""
    head = tag.add("THead").add("TR")
    data = [
        [_cell(c, st, head.add("TH", scope="Column"), header=True, whole_words=True)
         for c in block.header]
    ]  # fmt: skip
    body = tag.add("TBody")
    style = [
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("GRID", (0, 0), (-1, -1), RULE_PT, _colour("rule")),
        ("BACKGROUND", (0, 0), (-1, 0), _colour("header")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), word_pt(CELL_PADDING_CM)),
        ("RIGHTPADDING", (0, 0), (-1, -1), word_pt(CELL_PADDING_CM)),
        # A Word row is as high as its rule and its paragraphs with their space after, the last
        # one's too (which reportlab leaves out of a cell): the same height here. The table's
        # bottom rule takes room below its last row (and below the last row on a page, _Table).
        ("TOPPADDING", (0, 0), (-1, -1), RULE_PT),
        ("BOTTOMPADDING", (0, 0), (-1, -1), CELL_SPACE_AFTER),
        ("BOTTOMPADDING", (0, len(block.rows)), (-1, len(block.rows)), CELL_SPACE_AFTER + RULE_PT),
    ]
    heights: list[float | None] = [None]
    for i, row in enumerate(block.rows, start=1):
        tr = body.add("TR")
        data.append([_cell(c, st, tr.add("TD"), whole_words=block.goal_table) for c in row.cells])
        if row.fill:
            style.append(("BACKGROUND", (0, i), (-1, i), _colour(row.fill)))
        for j, c in enumerate(row.cells):
            if c.fill:
                style.append(("BACKGROUND", (j, i), (j, i), _colour(c.fill)))
        tall = block.min_row_cm and row.fill != "total"
        heights.append(None if not tall else block.min_row_cm * cm)
    table = _Table(
        data,
        colWidths=[word_pt(w) for w in block.widths_cm],
        rowHeights=heights if any(heights) else None,
        repeatRows=1,
        splitByRow=1,
        renderCB=_table_artifacts,
    )
    table.setStyle(TableStyle(style))
    table.wrap(frame_w, frame_h)
    if max(table._rowHeights) > frame_h * 0.9:
        table.splitInRow = 1  # only then may a row break across pages
    kept = 1 + block.keep_rows
    table.keep_height = sum(table._rowHeights[:kept]) + (RULE_PT if kept < len(data) else 0)
    return table


def _chart(block: desc.Chart, frame_w: float, tag: StructNode) -> Drawing:
    themes = [line for line in block.overview if not line.is_total]
    width, height = frame_w, block.height_cm * cm
    drawing = _Figure(width, height, tag)
    drawing.initialFontName = FONT  # else renderPDF starts the drawing in Helvetica
    chart = VerticalBarChart()
    chart.x, chart.y = 1.2 * cm, 1.0 * cm
    chart.width, chart.height = width - 1.6 * cm, height - 2.2 * cm
    chart.data = [[t.started for t in themes], [t.not_started for t in themes]]
    chart.categoryAxis.categoryNames = [t.short_label for t in themes]
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 8.5
    chart.valueAxis.labels.fontName = FONT
    chart.valueAxis.labels.fontSize = 8
    chart.valueAxis.valueMin = 0
    chart.valueAxis.visibleGrid = 1
    chart.valueAxis.gridStrokeColor = colors.HexColor("#DDDDDD")
    chart.bars[0].fillColor = _STARTED
    chart.bars[1].fillColor = _NOT_STARTED
    chart.bars.strokeColor = None
    chart.barLabelFormat = "%d"
    chart.barLabels.fontName = FONT
    chart.barLabels.fontSize = 7.5
    chart.barLabels.nudge = 6
    chart.groupSpacing = 12
    chart.barSpacing = 2
    drawing.add(chart)
    legend = Legend()
    legend.x, legend.y = 1.2 * cm, height - 0.3 * cm
    legend.fontName, legend.fontSize = FONT, 8.5
    legend.alignment = "right"
    legend.columnMaximum = 1
    legend.deltax = 5.5 * cm
    legend.colorNamePairs = [
        (_STARTED, block.started_label),
        (_NOT_STARTED, block.not_started_label),
    ]
    drawing.add(legend)
    if not themes:
        drawing.add(String(width / 2, height / 2, "Ingen temaer", fontName=FONT))
    return drawing


# The title and the sections are H1 (as in the bookmarks and Word's Heading 1), themes H2.
_HEADING_ROLE = {0: "H1", 1: "H1", 2: "H2"}


def _flowable(
    block, st, frame_w: float, frame_h: float, document: StructNode, after_table: bool = False
):
    """The block's flowable, its structure element added to ``document`` (reading order);
    ``after_table``: it stands TABLE_GAP lower."""
    gap = TABLE_GAP if after_table else 0.0
    if isinstance(block, desc.Heading):
        # the title is the first bookmark; sections are top level, themes under them
        tag = document.add(_HEADING_ROLE[block.level])
        level = max(0, block.level - 1)
        style = st[f"h{block.level}"]
        if gap:
            style = _with(style, spaceBefore=style.spaceBefore + gap)
        return _Heading(block.text, style, level, block.key, tag)
    if isinstance(block, desc.Para):
        style = st[block.style]
        if gap:
            style = _with(style, spaceBefore=style.spaceBefore + gap)
        if block.align != "left":
            style = _with(style, alignment=_ALIGN[block.align])
        if block.bold and block.style not in ("doctype", "sender_heading"):
            style = _with(style, fontName=FONT_BOLD)
        if block.italic:
            style = _with(style, fontName=FONT_ITALIC)
        text = f"{block.text} {desc.FORM_BLANK}" if block.fill_in else block.text
        paragraph = _tagged(text, style, document.add("P"))
        paragraph.keep_with_next = block.keep_with_next
        return paragraph
    if isinstance(block, desc.Table):
        return _table(block, st, frame_w, frame_h, document.add("Table"))
    figure = _chart(block, frame_w, document.add("Figure", alt=block.alt_text))
    figure.__dict__.update(spaceBefore=gap, spaceAfter=SPACE_AFTER)  # a Normal paragraph's
    return figure


class _KeepRoom(CondPageBreak):
    """A page break unless ``height`` points are left on the page. It hands the space after the
    flowable before it on to the one after it, so that the space between two paragraphs stays
    the larger of the two, as in Word (a plain CondPageBreak would make it their sum)."""

    _SPACETRANSFER = True
    _ZEROSIZE = True


# Word's widow and orphan control (on in the Word file's Normal style): a paragraph broken across
# pages leaves at least two lines on each; one of three lines or fewer is never broken.
_LEAST_LINES = 2


def _room(run: list, after_before: float, frame_w: float, frame_h: float) -> float:
    """The height a run of blocks kept together needs below the current point on the page:
    every block but the last whole, the spaces between them as the frame collapses them (the
    larger of a space after and the next space before), and of the last block what must stand
    on the same page: a table's header and first kept rows, a paragraph's first lines."""
    need, after = 0.0, after_before
    for k, flowable in enumerate(run):
        need += max(flowable.getSpaceBefore() - after, 0)
        if hasattr(flowable, "keep_height"):  # a table: no space after (its gap is the next's)
            need, after = need + flowable.keep_height, 0.0
            continue
        _, h = flowable.wrap(frame_w, frame_h)
        if k == len(run) - 1:
            if isinstance(flowable, Paragraph) and len(flowable.blPara.lines) >= 2 * _LEAST_LINES:
                h = _LEAST_LINES * flowable.style.leading
            return need + h
        after = flowable.getSpaceAfter()
        need += h + after
    return need


def _story(layout: desc.Layout, st, frame_w: float, frame_h: float, document: StructNode) -> list:
    """The flowables, with a conditional page break before each run of blocks kept with what
    follows them (the layout's one rule for where a section or a theme starts; the chart is kept
    with its caption). Below a table the next block stands TABLE_GAP lower, as in Word, where a
    table has no space after: the gap is the next paragraph's space before, or, between two
    tables, an empty paragraph."""
    flowables, after_table = [], False
    for block in layout.blocks:
        if isinstance(block, desc.Table) and after_table:
            flowables.append(Spacer(1, line_height(SIZES["body"]) + TABLE_GAP))
        flowables.append(_flowable(block, st, frame_w, frame_h, document, after_table))
        after_table = isinstance(block, desc.Table)
    kept = [
        isinstance(f, (_Heading, _Figure)) or getattr(f, "keep_with_next", False) for f in flowables
    ]
    story: list = []
    i = 0
    while i < len(flowables):
        j = i
        while j < len(flowables) - 1 and kept[j]:
            j += 1
        if j > i:  # flowables i..j-1 keep with j
            after = story[-1].getSpaceAfter() if story else 0.0
            story.append(_KeepRoom(_room(flowables[i : j + 1], after, frame_w, frame_h)))
            story += flowables[i:j]
            i = j
            continue
        story.append(flowables[i])
        i += 1
    return story


def write_pdf(layout: desc.Layout, path: Path, made_on: dt.date) -> Path:
    """Render ``layout`` as a tagged PDF at ``path``, in one layout pass; created on
    ``made_on``."""
    _register_fonts()
    out = io.BytesIO()
    pagesize = landscape(A4) if layout.landscape else A4
    doc = _ReportDoc(
        out,
        pagesize,
        title=layout.title,
        author=layout.author,
        subject=layout.subject,
        keywords=list(layout.keywords),
        creator=_TOOL,
        lang=layout.language,
    )
    document, marks = StructNode("Document"), ContentMarks()
    story = _story(layout, _styles(), doc.frame_w, doc.frame_h, document)
    doc.build(story, canvasmaker=_canvas_for(made_on, marks))
    info = DocumentInfo(
        title=layout.title,
        author=layout.author,
        subject=layout.subject,
        keywords=layout.keywords,
        language=layout.language,
        tool=_TOOL,
        made_on=made_on,
    )
    path.write_bytes(finish(out.getvalue(), document, marks, info))
    return path
