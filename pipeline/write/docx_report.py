"""The Word report and next period's Word form (statusskema). The only python-docx importer.

It lays out the report model as given: every number and Danish sentence comes from the model or
from ``pipeline.danish``. Table header rows repeat on every page (tblHeader) and a row is kept
on one page where it fits (cantSplit).
"""

from __future__ import annotations

import io
from pathlib import Path

from docx import Document as new_document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

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
from pipeline.model import StatusForm, StatusReport
from pipeline.write.chart_png import overview_chart_png
from pipeline.write.text import bilag_tag, xml_safe

__all__ = ["write_form_docx", "write_report_docx"]

MARK = "X"
PROPOSED_LABEL = "Foreslås omformuleret til:"
REVIEW_LABEL = "Til gennemsyn"
UNTAGGED_LABEL = "Uden bilagsnummer"
_HEADER_FILL = "D9E2F3"
_TOTAL_FILL = "F2F2F2"
_REVIEW_FILL = "FFF2CC"
_FONT = "Calibri"


# --------------------------------------------------------------------------- low-level helpers


def _set_cell_fill(cell, hex_fill: str) -> None:
    tc_pr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), hex_fill)
    tc_pr.append(shd)


def _row_flag(row, tag: str) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    el = OxmlElement(tag)
    el.set(qn("w:val"), "true")
    tr_pr.append(el)


def _add_field(paragraph, instr: str) -> None:
    """A Word field (PAGE, NUMPAGES) that Word and LibreOffice fill in when laying out."""
    for kind in ("begin", None, "separate", "end"):
        run = paragraph.add_run()
        if kind is None:
            text = OxmlElement("w:instrText")
            text.set(qn("xml:space"), "preserve")
            text.text = f" {instr} "
            run._r.append(text)
            continue
        fld = OxmlElement("w:fldChar")
        fld.set(qn("w:fldCharType"), kind)
        run._r.append(fld)
        if kind == "separate":
            paragraph.add_run("1")


def _para(
    container,
    text: str = "",
    *,
    bold: bool = False,
    italic: bool = False,
    size: float | None = None,
    align=None,
    space_after: float = 2,
    style: str | None = None,
):
    p = container.add_paragraph(style=style) if style else container.add_paragraph()
    if text:
        run = p.add_run(xml_safe(text))
        run.bold = bold or None
        run.italic = italic or None
        if size:
            run.font.size = Pt(size)
    if align is not None:
        p.alignment = align
    p.paragraph_format.space_after = Pt(space_after)
    p.paragraph_format.space_before = Pt(0)
    return p


def _cell_text(
    cell, lines: list[str] | str, *, bold: bool = False, italic: bool = False, align=None
) -> None:
    """Fill a cell with one paragraph per line (the cell's first paragraph reused)."""
    if isinstance(lines, str):
        lines = [lines]
    first = cell.paragraphs[0]
    for i, line in enumerate(lines or [""]):
        p = first if i == 0 else cell.add_paragraph()
        p.paragraph_format.space_after = Pt(2)
        if line:
            run = p.add_run(xml_safe(line))
            run.bold = bold or None
            run.italic = italic or None
        if align is not None:
            p.alignment = align


def _table(doc, header: list[str], widths_cm: list[float]):
    """A bordered table with a repeating, shaded header row."""
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, width in zip(table.columns, widths_cm, strict=True):
        column.width = Cm(width)  # the grid LibreOffice lays out by; cells carry it for Word
    hdr = table.rows[0]
    _row_flag(hdr, "w:tblHeader")
    _row_flag(hdr, "w:cantSplit")
    for cell, text, width in zip(hdr.cells, header, widths_cm, strict=True):
        cell.width = Cm(width)
        _cell_text(cell, text, bold=True)
        _set_cell_fill(cell, _HEADER_FILL)
    return table


def _add_row(table, widths_cm: list[float]):
    row = table.add_row()
    _row_flag(row, "w:cantSplit")
    for cell, width in zip(row.cells, widths_cm, strict=True):
        cell.width = Cm(width)
    return row


def _new_document(*, landscape: bool = False):
    doc = new_document()
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_height, section.page_width = section.page_width, section.page_height
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2.0))
    section.top_margin, section.bottom_margin = Cm(2.0), Cm(2.0)
    normal = doc.styles["Normal"]
    normal.font.name = _FONT
    normal.font.size = Pt(10)
    for name, size in (("Heading 1", 14), ("Heading 2", 12)):
        style = doc.styles[name]
        style.font.name = _FONT
        style.font.size = Pt(size)
        style.font.color.rgb = RGBColor(0x1F, 0x3A, 0x5F)
        style.paragraph_format.keep_with_next = True
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("Side ")
    _add_field(footer, "PAGE")
    footer.add_run(" af ")
    _add_field(footer, "NUMPAGES")
    # Reproducible core properties: no "now" in the file's metadata.
    return doc


def _set_properties(doc, title: str, period) -> None:
    import datetime as dt

    stamp = dt.datetime(period.year, period.month, period.day, 12, 0, 0)
    props = doc.core_properties
    props.title = xml_safe(title)
    props.author = "Ringsted Kommune"
    props.last_modified_by = "Ringsted Kommune"
    props.created = stamp
    props.modified = stamp
    props.revision = 1


def _goal_lines(wordings, proposed_text: str) -> list[str]:
    lines = [f"{xml_safe(w.text)} {bilag_tag(w.bilag)}".strip() for w in wordings]
    if proposed_text:
        lines += [PROPOSED_LABEL, proposed_text]
    return lines


def _heading(doc, text: str, level: int = 1) -> None:
    doc.add_heading(xml_safe(text), level=level)


# --------------------------------------------------------------------------- the status report

_THEME_WIDTHS = [7.3, 2.6, 2.0, 5.1]
_THEME_HEADER = ["Mål", "Gennemført/ igangsat", "Ikke igangsat", "Bemærkning"]


def _front_matter(doc, title: str, subtitle: str, period, intro: str) -> None:
    _para(doc, "NOTAT", bold=True, size=18, space_after=10)
    _para(doc, title, bold=True, size=15, space_after=4)
    if subtitle:
        _para(doc, subtitle, italic=True, size=11, space_after=8)
    _para(doc, f"Dato: {format_danish_date(period)}", space_after=10)
    _para(doc, intro, space_after=10)


def _overview(doc, report: StatusReport) -> None:
    _heading(doc, "Overblik")
    has_previous = report.previous_period is not None
    if has_previous:
        _para(
            doc, f"Ændring er i forhold til status af {format_danish_date(report.previous_period)}."
        )
    header = ["Tema", STATUS_LABELS["started"], STATUS_LABELS["not_started"], "I alt"]
    widths = [6.8, 2.6, 2.0, 1.6]
    if has_previous:
        header += ["Ændring gennemført/ igangsat", "Ændring ikke igangsat"]
        widths = [5.1, 2.6, 2.0, 1.3, 3.0, 3.0]
    table = _table(doc, header, widths)
    for line in report.overview:
        row = _add_row(table, widths)
        values = [line.label, str(line.started), str(line.not_started), str(line.total)]
        if has_previous:
            values += [line.started_change, line.not_started_change]
        for i, (cell, value) in enumerate(zip(row.cells, values, strict=True)):
            _cell_text(
                cell, value, bold=line.is_total, align=None if i == 0 else WD_ALIGN_PARAGRAPH.CENTER
            )
            if line.is_total:
                _set_cell_fill(cell, _TOTAL_FILL)
    unmarked = [line for line in report.overview if line.unmarked and not line.is_total]
    if unmarked:
        _para(
            doc,
            "Mål uden markering: "
            + ", ".join(f"{line.short_label}: {line.unmarked}" for line in unmarked)
            + ".",
            italic=True,
        )
    png = overview_chart_png(
        report.overview, STATUS_LABELS["started"], STATUS_LABELS["not_started"]
    )
    _para(doc, space_after=0)
    doc.add_picture(io.BytesIO(png), width=Cm(16.5))
    _para(
        doc, "Figur: Antal mål pr. tema, gennemført/igangsat og ikke igangsat.", italic=True, size=9
    )


def _theme_tables(doc, report: StatusReport) -> None:
    _heading(doc, "Status pr. tema")
    for theme in report.themes:
        _heading(doc, f"Tema {theme.theme_no}: {theme.title}", level=2)
        table = _table(doc, _THEME_HEADER, _THEME_WIDTHS)
        for r in theme.rows:
            row = _add_row(table, _THEME_WIDTHS)
            cells = row.cells
            _cell_text(cells[0], _goal_lines(r.wordings, r.proposed_text))
            if r.proposed_text:  # the label in bold, as the notat prints it
                label_p = cells[0].paragraphs[len(r.wordings)]
                for run in label_p.runs:
                    run.bold = True
            _cell_text(
                cells[1], MARK if r.status == "started" else "", align=WD_ALIGN_PARAGRAPH.CENTER
            )
            _cell_text(
                cells[2], MARK if r.status == "not_started" else "", align=WD_ALIGN_PARAGRAPH.CENTER
            )
            _cell_text(cells[3], r.remark)
        total = _add_row(table, _THEME_WIDTHS)
        for cell, value in zip(
            total.cells, ["I alt", str(theme.started), str(theme.not_started), ""], strict=True
        ):
            _cell_text(
                cell,
                value,
                bold=True,
                align=None if value == "I alt" else WD_ALIGN_PARAGRAPH.CENTER,
            )
            _set_cell_fill(cell, _TOTAL_FILL)
        _para(doc, space_after=6)


def _changes(doc, report: StatusReport) -> None:
    _heading(doc, "Ændringer siden sidste status")
    if report.previous_period is None:
        _para(doc, "Der er ingen tidligere status at sammenligne med.")
        return
    _para(doc, f"Sammenlignet med status af {format_danish_date(report.previous_period)}.")
    if not report.changes:
        _para(doc, "Ingen ændringer.")
        return
    widths = [1.3, 2.7, 5.6, 3.7, 3.7]
    table = _table(doc, ["Tema", "Ændring", "Mål", "Før", "Nu"], widths)
    for c in report.changes:
        row = _add_row(table, widths)
        for cell, value in zip(
            row.cells,
            [str(c.theme_no), CHANGE_LABELS.get(c.kind, c.kind), c.wording, c.before, c.after],
            strict=True,
        ):
            _cell_text(cell, value)


def _proposals(doc, report: StatusReport) -> None:
    _heading(doc, "Forslag")
    if not report.proposals:
        _para(doc, "Notatet indeholder ingen forslag om at lade mål udgå eller omformulere dem.")
        return
    widths = [1.3, 6.0, 2.8, 6.9]
    table = _table(doc, ["Tema", "Mål", "Forslag", "Ny formulering / begrundelse"], widths)
    for p in report.proposals:
        row = _add_row(table, widths)
        detail = [p.proposed_text] if p.proposal == "reword" else [p.remark]
        if p.proposal == "reword" and p.remark:
            detail.append(p.remark)
        for cell, value in zip(
            row.cells,
            [str(p.theme_no), p.wording, PROPOSAL_LABELS[p.proposal], detail],
            strict=True,
        ):
            _cell_text(cell, value)


def _reconciliation(doc, report: StatusReport) -> None:
    _heading(doc, "Afstemning af bilag 1 og 2")
    _para(
        doc,
        "Hvert mål med dets formuleringer i bilag 1 og bilag 2. Mål, der står flere "
        f"steder, er noteret; sammenkoblinger markeret »{REVIEW_LABEL}« bør efterses.",
    )
    widths = [1.3, 6.0, 6.0, 3.7]
    table = _table(doc, ["Tema", "Bilag 1", "Bilag 2", "Bemærkning"], widths)
    for g in report.reconciliation:
        row = _add_row(table, widths)
        note = [f"{REVIEW_LABEL}: {g.note}" if g.needs_review else g.note]
        note = [n for n in note if n] + [f"{UNTAGGED_LABEL}: »{t}«" for t in g.untagged]
        values = [
            ", ".join(str(t) for t in g.theme_nos),
            list(g.bilag1) or ["–"],
            list(g.bilag2) or ["–"],
            note,
        ]
        for cell, value in zip(row.cells, values, strict=True):
            _cell_text(cell, value, bold=False)
            if g.needs_review:
                _set_cell_fill(cell, _REVIEW_FILL)


def _control(doc, report: StatusReport) -> None:
    _heading(doc, "Kontrol")
    _heading(doc, "Fund i notaterne", level=2)
    if report.findings:
        widths = [4.6, 1.4, 1.6, 2.2, 7.2]
        table = _table(doc, ["Fil", "Tema", "Række", "Alvor", "Besked"], widths)
        for f in report.findings:
            row = _add_row(table, widths)
            values = [
                f.file,
                "" if f.theme_no is None else str(f.theme_no),
                "" if f.row_no is None else str(f.row_no),
                SEVERITY_LABELS.get(f.severity, f.severity),
                f.message,
            ]
            for cell, value in zip(row.cells, values, strict=True):
                _cell_text(cell, value)
    elif report.earlier_findings:
        _para(doc, NO_RECENT_FINDINGS_TEXT)
    else:
        _para(doc, NO_FINDINGS_TEXT)
    if report.earlier_findings:
        _para(doc, earlier_findings_text(report.earlier_findings))
    _heading(doc, "Filer, der ikke er læst", level=2)
    if report.skipped_files:
        widths = [5.0, 2.6, 9.4]
        table = _table(doc, ["Fil", "Status", "Årsag"], widths)
        for s in report.skipped_files:
            row = _add_row(table, widths)
            for cell, value in zip(
                row.cells,
                [s.file, INGEST_STATUS_LABELS.get(s.status, s.status), s.reason],
                strict=True,
            ):
                _cell_text(cell, value)
    else:
        _para(doc, "Alle filer i inputmappen er læst.")


def write_report_docx(report: StatusReport, path: Path) -> Path:
    """statusrapport_<date>.docx: the same sections, in the same order, as the PDF report."""
    doc = _new_document()
    _set_properties(doc, report.title, report.period)
    _front_matter(doc, report.title, report.subtitle, report.period, report.intro)
    _overview(doc, report)
    _theme_tables(doc, report)
    _changes(doc, report)
    _proposals(doc, report)
    _reconciliation(doc, report)
    _control(doc, report)
    doc.save(str(path))
    return path


# --------------------------------------------------------------------------- next period's form

_FORM_WIDTHS = [8.3, 2.6, 2.0, 6.8, 6.0]


def write_form_docx(form: StatusForm, path: Path) -> Path:
    """statusskema_<date>.docx: goals after the proposals, empty status columns, last status."""
    doc = _new_document(landscape=True)
    _set_properties(doc, f"Statusskema – {form.title}", form.based_on_period)
    _para(doc, "NOTAT", bold=True, size=18, space_after=10)
    _para(doc, form.title, bold=True, size=15, space_after=4)
    _para(doc, "Statusskema til næste status", italic=True, size=11, space_after=8)
    _para(doc, "Dato: ", space_after=4)
    _para(
        doc,
        f"Udarbejdet på grundlag af status af {format_danish_date(form.based_on_period)}.",
        space_after=10,
    )
    _para(doc, form.intro, space_after=6)
    if form.instructions:
        _para(doc, form.instructions, italic=True, space_after=10)
    last_header = f"Status {format_danish_date(form.based_on_period)} (til orientering)"
    for theme in form.themes:
        _heading(doc, f"Tema {theme.theme_no}: {theme.title}", level=2)
        table = _table(doc, [*_THEME_HEADER, last_header], _FORM_WIDTHS)
        for r in theme.rows:
            row = _add_row(table, _FORM_WIDTHS)
            cells = row.cells
            _cell_text(cells[0], _goal_lines(r.wordings, ""))
            last = [STATUS_LABELS[r.last_status]]
            if r.last_remark:
                last.append(r.last_remark)
            _cell_text(cells[4], last, italic=True)
            _set_cell_fill(cells[4], _TOTAL_FILL)
        total = _add_row(table, _FORM_WIDTHS)
        _cell_text(total.cells[0], "I alt", bold=True)
        _set_cell_fill(total.cells[4], _TOTAL_FILL)
        _para(doc, space_after=6)
    doc.save(str(path))
    return path
