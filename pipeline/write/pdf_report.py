"""The PDF report. The only reportlab importer.

Same sections as the Word report, laid out from the same model. The theme tables are printed the
way the municipality's notats print them (``Tema N: …`` heading, header ``Mål | Gennemført/
igangsat | Ikke igangsat | Bemærkning``, ``(bilag N)`` after each wording, ``I alt`` row), so the
PDF can be read back by ``python -m pipeline extract``. The file is byte-for-byte reproducible:
reportlab's invariant mode plus a creation date taken from the reporting period.
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
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Frame,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from pipeline.danish import (
    CHANGE_LABELS,
    INGEST_STATUS_LABELS,
    NO_FINDINGS_TEXT,
    NO_RECENT_FINDINGS_TEXT,
    PROPOSAL_LABELS,
    SEVERITY_LABELS,
    STATUS_LABELS,
    earlier_findings_text,
    format_danish_date,
)
from pipeline.model import StatusReport
from pipeline.write.text import FONT_DIR, bilag_tag

__all__ = ["write_report_pdf"]

FONT, FONT_BOLD = "DejaVuSans", "DejaVuSans-Bold"
MARK = "X"
PROPOSED_LABEL = "Foreslås omformuleret til:"
REVIEW_LABEL = "Til gennemsyn"
UNTAGGED_LABEL = "Uden bilagsnummer"
_MARGIN = 2 * cm
_FRAME_W = A4[0] - 2 * _MARGIN
_FRAME_H = A4[1] - 2 * _MARGIN - 0.6 * cm
_HEADER_BG = colors.HexColor("#D9E2F3")
_TOTAL_BG = colors.HexColor("#F2F2F2")
_REVIEW_BG = colors.HexColor("#FFF2CC")
_STARTED = colors.HexColor("#2E6F40")
_NOT_STARTED = colors.HexColor("#C87828")
_HEADING_COLOUR = colors.HexColor("#1F3A5F")


def _register_fonts() -> None:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT, str(FONT_DIR / "DejaVuSans.ttf")))
        pdfmetrics.registerFont(TTFont(FONT_BOLD, str(FONT_DIR / "DejaVuSans-Bold.ttf")))
        pdfmetrics.registerFontFamily(
            FONT, normal=FONT, bold=FONT_BOLD, italic=FONT, boldItalic=FONT_BOLD
        )


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName=FONT, fontSize=9.5, leading=12, spaceAfter=3)
    return {
        "body": base,
        "notat": ParagraphStyle(
            "notat", base, fontName=FONT_BOLD, fontSize=18, leading=22, spaceAfter=10
        ),
        "title": ParagraphStyle(
            "title", base, fontName=FONT_BOLD, fontSize=15, leading=19, spaceAfter=4
        ),
        "subtitle": ParagraphStyle(
            "subtitle",
            base,
            fontSize=11,
            leading=14,
            spaceAfter=8,
            textColor=colors.HexColor("#444444"),
        ),
        "h1": ParagraphStyle(
            "h1",
            base,
            fontName=FONT_BOLD,
            fontSize=14,
            leading=18,
            spaceBefore=12,
            spaceAfter=6,
            textColor=_HEADING_COLOUR,
            keepWithNext=1,
        ),
        "h2": ParagraphStyle(
            "h2",
            base,
            fontName=FONT_BOLD,
            fontSize=11.5,
            leading=15,
            spaceBefore=10,
            spaceAfter=5,
            textColor=_HEADING_COLOUR,
            keepWithNext=1,
        ),
        "cell": ParagraphStyle("cell", base, fontSize=9, leading=11, spaceAfter=2),
        "cell_bold": ParagraphStyle(
            "cell_bold", base, fontName=FONT_BOLD, fontSize=9, leading=11, spaceAfter=2
        ),
        "mark": ParagraphStyle(
            "mark", base, fontName=FONT_BOLD, fontSize=10, leading=12, alignment=TA_CENTER
        ),
        "caption": ParagraphStyle(
            "caption", base, fontSize=8.5, leading=11, textColor=colors.HexColor("#444444")
        ),
    }


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text), style)


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
    def __init__(self, target, **kw):
        super().__init__(
            target,
            pagesize=A4,
            leftMargin=_MARGIN,
            rightMargin=_MARGIN,
            topMargin=_MARGIN,
            bottomMargin=_MARGIN,
            invariant=1,
            initialFontName=FONT,  # no stray Helvetica reference in the file
            initialFontSize=9.5,
            **kw,
        )
        frame = Frame(
            _MARGIN,
            _MARGIN + 0.6 * cm,
            _FRAME_W,
            _FRAME_H,
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
        label = f"Side {doc.page} af "
        label_w = pdfmetrics.stringWidth(label, FONT, _FOOTER_SIZE)
        x = (A4[0] - label_w - pdfmetrics.stringWidth("00", FONT, _FOOTER_SIZE)) / 2
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


def _canvas_for(period: dt.date):
    """A Canvas whose creation date is the reporting period (noon UTC), not the time of the run."""

    class _PeriodStamp:
        t = dt.datetime(period.year, period.month, period.day, 12, tzinfo=dt.UTC).timestamp()
        lt = (period.year, period.month, period.day, 12, 0, 0)
        YMDhms = lt
        dhh = dmm = 0
        tzname = "UTC"

    class _PeriodCanvas(Canvas):
        def __init__(self, *args, **kw):
            super().__init__(*args, **kw)
            self._doc._timeStamp = _PeriodStamp()
            self.setCreator("Ringsted Kommune – statuspipeline")
            self.setProducer("Ringsted Kommune – statuspipeline")

        def save(self) -> None:
            # every page is shown: define the page total the footers refer to
            self.beginForm(_PAGE_TOTAL_FORM, lowery=-_FOOTER_SIZE)
            self.setFont(FONT, _FOOTER_SIZE)
            self.drawString(0, 0, str(self.getPageNumber() - 1))
            self.endForm()
            super().save()

    return _PeriodCanvas


# --------------------------------------------------------------------------- tables


def _grid_style(extra: list | None = None) -> TableStyle:
    return TableStyle(
        [
            ("FONTNAME", (0, 0), (-1, -1), FONT),
            ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#808080")),
            ("BACKGROUND", (0, 0), (-1, 0), _HEADER_BG),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 4),
            ("RIGHTPADDING", (0, 0), (-1, -1), 4),
            ("TOPPADDING", (0, 0), (-1, -1), 3),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            *(extra or []),
        ]
    )


def _cell(lines: list[str] | str, style: ParagraphStyle) -> list[Paragraph]:
    if isinstance(lines, str):
        lines = [lines]
    return [_p(line, style) for line in lines if line] or [_p("", style)]


def _table(data: list[list], widths_cm: list[float], extra_style: list | None = None) -> Table:
    """A table whose header repeats on every page; rows stay whole unless taller than a page."""
    table = Table(data, colWidths=[w * cm for w in widths_cm], repeatRows=1, splitByRow=1)
    table.setStyle(_grid_style(extra_style))
    _, _ = table.wrap(_FRAME_W, _FRAME_H)
    if max(table._rowHeights) > _FRAME_H * 0.9:
        table.splitInRow = 1  # only then may a row break across pages
    return table


_THEME_WIDTHS = [7.3, 2.6, 2.0, 5.1]


def _theme_table(theme, st) -> Table:
    header = [
        _p("Mål", st["cell_bold"]),
        Paragraph("Gennemført/<br/>igangsat", st["cell_bold"]),
        Paragraph("Ikke<br/>igangsat", st["cell_bold"]),
        _p("Bemærkning", st["cell_bold"]),
    ]
    data = [header]
    for r in theme.rows:
        goal = [_p(f"{w.text} {bilag_tag(w.bilag)}".strip(), st["cell"]) for w in r.wordings]
        if r.proposed_text:
            goal += [_p(PROPOSED_LABEL, st["cell_bold"]), _p(r.proposed_text, st["cell"])]
        data.append(
            [
                goal,
                _p(MARK if r.status == "started" else "", st["mark"]),
                _p(MARK if r.status == "not_started" else "", st["mark"]),
                _cell(r.remark, st["cell"]),
            ]
        )
    data.append(
        [
            _p("I alt", st["cell_bold"]),
            _p(str(theme.started), st["mark"]),
            _p(str(theme.not_started), st["mark"]),
            _p("", st["cell"]),
        ]
    )
    last = len(data) - 1
    return _table(data, _THEME_WIDTHS, [("BACKGROUND", (0, last), (-1, last), _TOTAL_BG)])


def _overview_chart(report: StatusReport) -> Drawing:
    themes = [line for line in report.overview if not line.is_total]
    width, height = _FRAME_W, 7 * cm
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
        (_STARTED, STATUS_LABELS["started"]),
        (_NOT_STARTED, STATUS_LABELS["not_started"]),
    ]
    drawing.add(legend)
    if not themes:
        drawing.add(String(width / 2, height / 2, "Ingen temaer", fontName=FONT))
    return drawing


# --------------------------------------------------------------------------- the story


def _story(report: StatusReport, st) -> list:
    story: list = []
    story.append(_Heading("NOTAT", st["notat"], 0, "notat"))
    story.append(_p(report.title, st["title"]))
    if report.subtitle:
        story.append(_p(report.subtitle, st["subtitle"]))
    story.append(_p(f"Dato: {format_danish_date(report.period)}", st["body"]))
    story.append(Spacer(1, 6))
    story.append(_p(report.intro, st["body"]))

    # Overblik
    story.append(_Heading("Overblik", st["h1"], 0, "overblik"))
    has_previous = report.previous_period is not None
    if has_previous:
        story.append(
            _p(
                f"Ændring er i forhold til status af {format_danish_date(report.previous_period)}.",
                st["body"],
            )
        )
    header = ["Tema", STATUS_LABELS["started"], STATUS_LABELS["not_started"], "I alt"]
    widths = [6.8, 2.6, 2.0, 1.6]
    if has_previous:
        header += ["Ændring gennemført/ igangsat", "Ændring ikke igangsat"]
        widths = [5.1, 2.6, 2.0, 1.3, 3.0, 3.0]
    data = [[_p(h, st["cell_bold"]) for h in header]]
    for line in report.overview:
        s = st["cell_bold"] if line.is_total else st["cell"]
        m = st["mark"] if line.is_total else ParagraphStyle("c", st["cell"], alignment=TA_CENTER)
        values = [str(line.started), str(line.not_started), str(line.total)]
        if has_previous:
            values += [line.started_change, line.not_started_change]
        data.append([_p(line.label, s), *[_p(v, m) for v in values]])
    story.append(_table(data, widths, [("BACKGROUND", (0, len(data) - 1), (-1, -1), _TOTAL_BG)]))
    unmarked = [line for line in report.overview if line.unmarked and not line.is_total]
    if unmarked:
        story.append(
            _p(
                "Mål uden markering: "
                + ", ".join(f"{line.short_label}: {line.unmarked}" for line in unmarked)
                + ".",
                st["caption"],
            )
        )
    story.append(Spacer(1, 8))
    story.append(
        KeepTogether(
            [
                _overview_chart(report),
                _p(
                    "Figur: Antal mål pr. tema, gennemført/igangsat og ikke igangsat.",
                    st["caption"],
                ),
            ]
        )
    )

    # Status pr. tema — laid out as the notat does, so the extractor can read it back
    story.append(_Heading("Status pr. tema", st["h1"], 0, "temaer"))
    for theme in report.themes:
        title = f"Tema {theme.theme_no}: {theme.title}"
        story.append(_Heading(title, st["h2"], 1, f"tema{theme.theme_no}"))
        story.append(_theme_table(theme, st))

    # Ændringer siden sidste status
    story.append(_Heading("Ændringer siden sidste status", st["h1"], 0, "aendringer"))
    if not has_previous:
        story.append(_p("Der er ingen tidligere status at sammenligne med.", st["body"]))
    else:
        story.append(
            _p(
                f"Sammenlignet med status af {format_danish_date(report.previous_period)}.",
                st["body"],
            )
        )
        if not report.changes:
            story.append(_p("Ingen ændringer.", st["body"]))
        else:
            data = [[_p(h, st["cell_bold"]) for h in ("Tema", "Ændring", "Mål", "Før", "Nu")]]
            for c in report.changes:
                data.append(
                    [
                        _p(str(c.theme_no), st["cell"]),
                        _p(CHANGE_LABELS.get(c.kind, c.kind), st["cell"]),
                        _cell(c.wording, st["cell"]),
                        _cell(c.before, st["cell"]),
                        _cell(c.after, st["cell"]),
                    ]
                )
            story.append(_table(data, [1.3, 2.7, 5.6, 3.7, 3.7]))

    # Forslag
    story.append(_Heading("Forslag", st["h1"], 0, "forslag"))
    if not report.proposals:
        story.append(
            _p(
                "Notatet indeholder ingen forslag om at lade mål udgå eller omformulere dem.",
                st["body"],
            )
        )
    else:
        data = [
            [
                _p(h, st["cell_bold"])
                for h in ("Tema", "Mål", "Forslag", "Ny formulering / begrundelse")
            ]
        ]
        for p in report.proposals:
            detail = [p.proposed_text] if p.proposal == "reword" else [p.remark]
            if p.proposal == "reword" and p.remark:
                detail.append(p.remark)
            data.append(
                [
                    _p(str(p.theme_no), st["cell"]),
                    _cell(p.wording, st["cell"]),
                    _p(PROPOSAL_LABELS[p.proposal], st["cell"]),
                    _cell(detail, st["cell"]),
                ]
            )
        story.append(_table(data, [1.3, 6.0, 2.8, 6.9]))

    # Afstemning af bilag 1 og 2
    story.append(_Heading("Afstemning af bilag 1 og 2", st["h1"], 0, "afstemning"))
    story.append(
        _p(
            "Hvert mål med dets formuleringer i bilag 1 og bilag 2. Mål, der står flere "
            f"steder, er noteret; sammenkoblinger markeret »{REVIEW_LABEL}« bør "
            "efterses.",
            st["body"],
        )
    )
    data = [[_p(h, st["cell_bold"]) for h in ("Tema", "Bilag 1", "Bilag 2", "Bemærkning")]]
    review_rows = []
    for g in report.reconciliation:
        note = [f"{REVIEW_LABEL}: {g.note}" if g.needs_review else g.note]
        note = [n for n in note if n] + [f"{UNTAGGED_LABEL}: »{t}«" for t in g.untagged]
        data.append(
            [
                _p(", ".join(str(t) for t in g.theme_nos), st["cell"]),
                _cell(list(g.bilag1) or ["–"], st["cell"]),
                _cell(list(g.bilag2) or ["–"], st["cell"]),
                _cell(note, st["cell"]),
            ]
        )
        if g.needs_review:
            review_rows.append(len(data) - 1)
    story.append(
        _table(
            data,
            [1.3, 6.0, 6.0, 3.7],
            [("BACKGROUND", (0, i), (-1, i), _REVIEW_BG) for i in review_rows],
        )
    )

    # Kontrol
    story.append(_Heading("Kontrol", st["h1"], 0, "kontrol"))
    story.append(_Heading("Fund i notaterne", st["h2"], 1, "fund"))
    if report.findings:
        data = [[_p(h, st["cell_bold"]) for h in ("Fil", "Tema", "Række", "Alvor", "Besked")]]
        for f in report.findings:
            data.append(
                [
                    _cell(f.file, st["cell"]),
                    _p("" if f.theme_no is None else str(f.theme_no), st["cell"]),
                    _p("" if f.row_no is None else str(f.row_no), st["cell"]),
                    _p(SEVERITY_LABELS.get(f.severity, f.severity), st["cell"]),
                    _cell(f.message, st["cell"]),
                ]
            )
        story.append(_table(data, [4.6, 1.4, 1.6, 2.2, 7.2]))
    elif report.earlier_findings:
        story.append(_p(NO_RECENT_FINDINGS_TEXT, st["body"]))
    else:
        story.append(_p(NO_FINDINGS_TEXT, st["body"]))
    if report.earlier_findings:
        story.append(_p(earlier_findings_text(report.earlier_findings), st["body"]))
    story.append(_Heading("Filer, der ikke er læst", st["h2"], 1, "filer"))
    if report.skipped_files:
        data = [[_p(h, st["cell_bold"]) for h in ("Fil", "Status", "Årsag")]]
        for s in report.skipped_files:
            data.append(
                [
                    _cell(s.file, st["cell"]),
                    _p(INGEST_STATUS_LABELS.get(s.status, s.status), st["cell"]),
                    _cell(s.reason, st["cell"]),
                ]
            )
        story.append(_table(data, [5.0, 2.6, 9.4]))
    else:
        story.append(_p("Alle filer i inputmappen er læst.", st["body"]))
    return story


def write_report_pdf(report: StatusReport, path: Path) -> Path:
    """statusrapport_<date>.pdf, laid out in one pass."""
    _register_fonts()
    out = io.BytesIO()
    doc = _ReportDoc(
        out,
        title=report.title,
        author="Ringsted Kommune",
        subject=f"Status {report.period.isoformat()}",
        creator="Ringsted Kommune – statuspipeline",
        lang="da-DK",
    )
    doc.build(_story(report, _styles()), canvasmaker=_canvas_for(report.period))
    path.write_bytes(out.getvalue())
    return path
