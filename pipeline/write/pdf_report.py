"""PDF files from a document description (``pipeline.write.layout``). The only reportlab importer.

It renders the same blocks as the Word writer. The goal tables are printed the way the
municipality's notats print them (``Tema N: …`` heading, header ``Mål | Gennemført/ igangsat |
Ikke igangsat | Bemærkning``, ``(bilag N)`` after each wording, ``I alt`` row), so the PDF can be
read back by ``python -m pipeline extract``. Text is hyphenated with pyphen's Danish dictionary.
The file carries its title, author, subject and language (da-DK), opens with its bookmarks shown,
and its creation date is the day it was made; it is not a tagged PDF (reportlab cannot write the
structure tree), see the README. The same description on the same day gives the same bytes
(reportlab's invariant mode).
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
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Frame,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Spacer,
    TableStyle,
)
from reportlab.platypus import Table as PdfTable

from pipeline.write import layout as desc  # the document description
from pipeline.write.layout import COLOURS, PAGE_OF, SIZES, SPACE_AFTER, TABLE_GAP
from pipeline.write.text import FONT_DIR

__all__ = ["write_pdf"]

# Carlito: metric-compatible with Calibri, the Word report's font, so the two files break their
# lines and pages alike (SIL Open Font License, bundled in pipeline/fonts).
FONT, FONT_BOLD, FONT_ITALIC = "Carlito", "Carlito-Bold", "Carlito-Italic"
HYPHENATION = "da_DK"  # pyphen's Danish dictionary
_MARGIN = 2 * cm
_FOOTER_ROOM = 0.6 * cm
_STARTED = colors.HexColor("#2E6F40")
_NOT_STARTED = colors.HexColor("#C87828")
_ALIGN = {"left": TA_LEFT, "center": TA_CENTER, "right": TA_RIGHT}


def _colour(name: str):
    return colors.HexColor("#" + COLOURS[name])


def _register_fonts() -> None:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        for name in (FONT, FONT_BOLD, FONT_ITALIC):
            file = f"{name}.ttf" if "-" in name else f"{name}-Regular.ttf"
            pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / file)))
        pdfmetrics.registerFontFamily(
            FONT, normal=FONT, bold=FONT_BOLD, italic=FONT_ITALIC, boldItalic=FONT_BOLD
        )


def _style(name: str, size: float, **kw) -> ParagraphStyle:
    return ParagraphStyle(
        name,
        fontName=kw.pop("fontName", FONT),
        fontSize=size,
        leading=round(size * 1.22, 2),  # Carlito's own line height, as Word sets single lines
        spaceAfter=kw.pop("spaceAfter", SPACE_AFTER),
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
        "cell": _style("cell", SIZES["cell"], spaceAfter=2),
        "cell_bold": _style("cell_bold", SIZES["cell"], fontName=FONT_BOLD, spaceAfter=2),
        "marker": _style("marker", SIZES["marker"], fontName=FONT_ITALIC, spaceAfter=0),
    }


def _with(style: ParagraphStyle, **kw) -> ParagraphStyle:
    return ParagraphStyle(f"{style.name}_{'_'.join(map(str, kw.values()))}", style, **kw)


class _Heading(Paragraph):
    """A heading that becomes a PDF bookmark (outline entry) at ``level``."""

    def __init__(self, text: str, style: ParagraphStyle, level: int, key: str):
        super().__init__(escape(text), style)
        self.outline = (text, level, key)


# The page count in the footer ("Side 3 af 32") is a form XObject drawn on every page and defined
# once, when the last page is done: one layout pass instead of a second one to count the pages.
_PAGE_TOTAL_FORM = "page_total"
_FOOTER_SIZE = 8.5


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
        self.frame_w = pagesize[0] - 2 * _MARGIN
        self.frame_h = pagesize[1] - 2 * _MARGIN - _FOOTER_ROOM
        frame = Frame(
            _MARGIN,
            _MARGIN + _FOOTER_ROOM,
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
        y = _MARGIN - 0.4 * cm
        canvas.saveState()
        canvas.setFont(FONT, _FOOTER_SIZE)
        canvas.drawString(x, y, label)
        canvas.translate(x + label_w, y)
        canvas.doForm(_PAGE_TOTAL_FORM)
        canvas.restoreState()

    def afterFlowable(self, flowable) -> None:
        outline = getattr(flowable, "outline", None)
        if outline:
            text, level, key = outline
            self.canv.bookmarkPage(key)
            self.canv.addOutlineEntry(text, key, level=level, closed=False)


def _canvas_for(day: dt.date):
    """A Canvas whose creation date is ``day`` (noon UTC), the same all day: a file made twice on
    one day is the same file."""

    class _DayStamp:
        t = dt.datetime(day.year, day.month, day.day, 12, tzinfo=dt.UTC).timestamp()
        lt = (day.year, day.month, day.day, 12, 0, 0)
        YMDhms = lt
        dhh = dmm = 0
        tzname = "UTC"

    class _DayCanvas(Canvas):
        def __init__(self, *args, **kw):
            super().__init__(*args, **kw)
            self._doc._timeStamp = _DayStamp()
            self.setCreator("Ringsted Kommune – statuspipeline")
            self.setProducer("Ringsted Kommune – statuspipeline")
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


def _cell(
    content: desc.Cell, st, *, header: bool = False, whole_words: bool = False
) -> list[Paragraph]:
    out = []
    for line in content.lines:
        style = st["marker"] if line.small else st["cell_bold" if line.bold or header else "cell"]
        if content.align != "left":
            style = _with(style, alignment=_ALIGN[content.align])
        if whole_words:
            style = _with(style, hyphenationLang="")
        text = escape(line.text)
        if line.italic and not line.small:
            text = f"<i>{text}</i>"
        if header:  # break a header after its slash, as the notat prints "Gennemført/igangsat"
            text = text.replace("/ ", "/<br/>")
        out.append(Paragraph(text, style))
    return out or [Paragraph("", st["cell"])]


def _table(block: desc.Table, st, frame_w: float, frame_h: float) -> PdfTable:
    """A table whose header repeats on every page; rows stay whole unless taller than a page."""
    data = [[_cell(c, st, header=True, whole_words=True) for c in block.header]]
    style = [
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#808080")),
        ("BACKGROUND", (0, 0), (-1, 0), _colour("header")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 5.4),  # Word's default cell margins: 0.19 cm
        ("RIGHTPADDING", (0, 0), (-1, -1), 5.4),
        ("TOPPADDING", (0, 0), (-1, -1), 1),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 0.5),
    ]
    heights: list[float | None] = [None]
    for i, row in enumerate(block.rows, start=1):
        data.append([_cell(c, st, whole_words=block.goal_table) for c in row.cells])
        if row.fill:
            style.append(("BACKGROUND", (0, i), (-1, i), _colour(row.fill)))
        for j, c in enumerate(row.cells):
            if c.fill:
                style.append(("BACKGROUND", (j, i), (j, i), _colour(c.fill)))
        tall = block.min_row_cm and row.fill != "total"
        heights.append(None if not tall else block.min_row_cm * cm)
    table = PdfTable(
        data,
        colWidths=[w * cm for w in block.widths_cm],
        rowHeights=heights if any(heights) else None,
        repeatRows=1,
        splitByRow=1,
    )
    table.setStyle(TableStyle(style))
    table.wrap(frame_w, frame_h)
    if max(table._rowHeights) > frame_h * 0.9:
        table.splitInRow = 1  # only then may a row break across pages
    table.keep_height = sum(table._rowHeights[: 1 + block.keep_rows])
    return table


def _chart(block: desc.Chart, frame_w: float) -> Drawing:
    themes = [line for line in block.overview if not line.is_total]
    width, height = frame_w, block.height_cm * cm
    drawing = Drawing(width, height)
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


def _flowable(block, st, frame_w: float, frame_h: float):
    if isinstance(block, desc.Heading):
        # the title is the first bookmark; sections are top level, themes under them
        return _Heading(block.text, st[f"h{block.level}"], max(0, block.level - 1), block.key)
    if isinstance(block, desc.Para):
        style = (
            _with(st[block.style], alignment=_ALIGN[block.align])
            if block.align != "left"
            else st[block.style]
        )
        text = escape(block.text)
        if block.bold and block.style not in ("doctype", "sender_heading"):
            text = f"<b>{text}</b>"
        if block.italic:
            text = f"<i>{text}</i>"
        return Paragraph(text, style)
    if isinstance(block, desc.Table):
        return _table(block, st, frame_w, frame_h)
    return _chart(block, frame_w)


def _height(flowable, frame_w: float, frame_h: float) -> float:
    """The height a flowable needs to stay on the page of what follows: a table its header and
    first kept rows, anything else its whole height (with its space before and after)."""
    if hasattr(flowable, "keep_height"):
        return flowable.keep_height
    _, h = flowable.wrap(frame_w, frame_h)
    return h + flowable.getSpaceBefore() + flowable.getSpaceAfter()


def _story(layout: desc.Layout, st, frame_w: float, frame_h: float) -> list:
    """The flowables, with a conditional page break before each run of blocks kept with what
    follows them (the layout's one rule for where a section or a theme starts)."""
    flowables = [_flowable(b, st, frame_w, frame_h) for b in layout.blocks]
    kept = [
        isinstance(b, desc.Heading) or getattr(b, "keep_with_next", False) for b in layout.blocks
    ]
    story: list = []
    i = 0
    while i < len(flowables):
        j = i
        while j < len(flowables) - 1 and kept[j]:
            j += 1
        if j > i:  # flowables i..j-1 keep with j
            need = sum(_height(f, frame_w, frame_h) for f in flowables[i : j + 1])
            story.append(CondPageBreak(need))
            story += flowables[i:j]
            i = j
            continue
        f = flowables[i]
        if isinstance(layout.blocks[i], desc.Chart) and i + 1 < len(flowables):
            story.append(KeepTogether([Spacer(1, 8), f, flowables[i + 1]]))  # with its caption
            i += 2
            continue
        story.append(f)
        if isinstance(layout.blocks[i], desc.Table):
            story.append(Spacer(1, TABLE_GAP))
        i += 1
    return story


def write_pdf(layout: desc.Layout, path: Path, made_on: dt.date) -> Path:
    """Render ``layout`` as a PDF at ``path``, in one layout pass; created on ``made_on``."""
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
        creator="Ringsted Kommune – statuspipeline",
        lang=layout.language,
    )
    doc.build(_story(layout, _styles(), doc.frame_w, doc.frame_h), canvasmaker=_canvas_for(made_on))
    path.write_bytes(out.getvalue())
    return path
