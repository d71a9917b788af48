"""Word files from a document description (``pipeline.write.layout``). The only python-docx
importer.

It renders the blocks as given and adds what a Word reader expects of a published council
document: the language Danish (da-DK) on every style, so Word spell-checks and hyphenates the
text as Danish (automatic hyphenation is switched on in the settings); the title, author and
subject properties; Word's own Title and Heading styles; table header rows that repeat on every
page (tblHeader); rows kept on one page (cantSplit); alternative text on the chart image.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from docx import Document as new_document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from pipeline.write.chart_png import overview_chart_png
from pipeline.write.layout import (
    COLOURS,
    PAGE_OF,
    SIZES,
    SPACE_AFTER,
    TABLE_GAP,
    Cell,
    Chart,
    Heading,
    Layout,
    Para,
    Table,
)
from pipeline.write.text import xml_safe

__all__ = ["write_docx"]

_FONT = "Calibri"
_ALIGN = {
    "left": None,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
}
_STYLE_OF_LEVEL = {0: "Title", 1: "Heading 1", 2: "Heading 2"}
# what may follow w:suppressAutoHyphens in w:pPr (ECMA-376 CT_PPrBase, then CT_PPr)
_AFTER_SUPPRESS_HYPHENS = tuple(
    f"w:{tag}"
    for tag in [
        "kinsoku",
        "wordWrap",
        "overflowPunct",
        "topLinePunct",
        "autoSpaceDE",
        "autoSpaceDN",
        "bidi",
        "adjustRightInd",
        "snapToGrid",
        "spacing",
        "ind",
        "contextualSpacing",
        "mirrorIndents",
        "suppressOverlap",
        "jc",
        "textDirection",
        "textAlignment",
        "textboxTightWrap",
        "outlineLvl",
        "divId",
        "cnfStyle",
        "rPr",
        "sectPr",
        "pPrChange",
    ]
)


# --------------------------------------------------------------------------- low-level helpers


def _set_cell_fill(cell, hex_fill: str) -> None:
    tc_pr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), hex_fill)
    tc_pr.append(shd)


def _row_flag(row, tag: str, **attrs: str) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    el = OxmlElement(tag)
    for name, value in (attrs or {"val": "true"}).items():
        el.set(qn(f"w:{name}"), value)
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


def _set_language(doc, language: str) -> None:
    """The document's language on the default run properties and every style that names one,
    and automatic hyphenation on (Word hyphenates by the text's language)."""
    styles = doc.styles.element
    rpr_default = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    for rpr in [rpr_default, *styles.iter(qn("w:rPr"))]:
        lang = rpr.find(qn("w:lang"))
        if lang is None:
            lang = OxmlElement("w:lang")
            rpr.append(lang)
        for attr in ("w:val", "w:eastAsia", "w:bidi"):
            lang.set(qn(attr), language)
    settings = doc.settings.element
    for tag in ("w:autoHyphenation", "w:hyphenationZone", "w:consecutiveHyphenLimit"):
        old = settings.find(qn(tag))
        if old is not None:
            settings.remove(old)
    auto = OxmlElement("w:autoHyphenation")
    auto.set(qn("w:val"), "true")
    zone = OxmlElement("w:hyphenationZone")
    zone.set(qn("w:val"), "425")  # 0.75 cm, Word's default
    limit = OxmlElement("w:consecutiveHyphenLimit")
    limit.set(qn("w:val"), "2")
    # settings' children have a fixed order (Word refuses a file that breaks it): these three
    # come right after w:defaultTabStop
    anchor = settings.find(qn("w:defaultTabStop"))
    for el in (zone, limit, auto):  # addnext reverses: auto, limit, zone (the schema order)
        if anchor is not None:
            anchor.addnext(el)
        else:
            settings.insert(0, el)


def _new_document(layout: Layout, made_on: dt.date):
    doc = new_document()
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    if layout.landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_height, section.page_width = section.page_width, section.page_height
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2.0))
    normal = doc.styles["Normal"]
    normal.font.name = _FONT
    normal.font.size = Pt(SIZES["body"])
    # single line spacing, as the PDF sets its lines (the template's Normal has 1.15 and 10 pt)
    normal.paragraph_format.line_spacing = 1.0
    normal.paragraph_format.space_after = Pt(SPACE_AFTER)
    heading_rgb = RGBColor.from_string(COLOURS["heading"])
    for name, size, before, after in (
        ("Title", SIZES["title"], 0, 4),
        ("Heading 1", SIZES["h1"], 12, 6),
        ("Heading 2", SIZES["h2"], 10, 5),
    ):
        style = doc.styles[name]
        style.font.name = _FONT
        style.font.size = Pt(size)
        style.font.bold = True
        style.font.color.rgb = heading_rgb
        fmt = style.paragraph_format
        fmt.keep_with_next = True
        fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    # the template's Title carries a bottom border and expanded spacing: a plain bold title
    title_ppr = doc.styles["Title"].element.find(qn("w:pPr"))
    if title_ppr is not None and title_ppr.find(qn("w:pBdr")) is not None:
        title_ppr.remove(title_ppr.find(qn("w:pBdr")))
    title_rpr = doc.styles["Title"].element.find(qn("w:rPr"))
    for tag in ("w:spacing", "w:kern"):
        el = title_rpr.find(qn(tag)) if title_rpr is not None else None
        if el is not None:
            title_rpr.remove(el)
    _set_language(doc, layout.language)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run(PAGE_OF[0])
    _add_field(footer, "PAGE")
    footer.add_run(PAGE_OF[1])
    _add_field(footer, "NUMPAGES")

    stamp = dt.datetime(made_on.year, made_on.month, made_on.day, 12, 0, 0)
    props = doc.core_properties
    props.title = xml_safe(layout.title)
    props.subject = xml_safe(layout.subject)
    props.author = layout.author
    props.last_modified_by = layout.author
    props.language = layout.language
    props.keywords = xml_safe(", ".join(layout.keywords))
    props.created = stamp
    props.modified = stamp
    props.revision = 1
    return doc


# --------------------------------------------------------------------------- blocks


def _paragraph(doc, block: Para) -> None:
    p = doc.add_paragraph()
    run = p.add_run(xml_safe(block.text))
    run.bold = block.bold or None
    run.italic = block.italic or None
    if block.style != "body":
        run.font.size = Pt(SIZES[block.style])
    if block.style in ("caption", "note", "sender", "subtitle"):
        run.font.color.rgb = RGBColor.from_string(COLOURS["muted"])
    if block.style in ("caption", "subtitle"):
        run.italic = True
    if _ALIGN[block.align] is not None:
        p.alignment = _ALIGN[block.align]
    fmt = p.paragraph_format
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(
        {"doctype": 10, "subtitle": 8, "sender": 0, "sender_heading": 1}.get(
            block.style, SPACE_AFTER
        )
    )
    if block.keep_with_next:
        fmt.keep_with_next = True


def _no_hyphenation(paragraph) -> None:
    """w:suppressAutoHyphens, at its place in the paragraph properties' fixed order."""
    ppr = paragraph._p.get_or_add_pPr()
    ppr.insert_element_before(OxmlElement("w:suppressAutoHyphens"), *_AFTER_SUPPRESS_HYPHENS)


def _fill_cell(
    cell, content: Cell, width_cm: float, *, keep: bool, whole_words: bool = False
) -> None:
    """One paragraph per line (the cell's first paragraph reused); ``whole_words``: not
    hyphenated."""
    cell.width = Cm(width_cm)
    first = cell.paragraphs[0]
    for i, line in enumerate(content.lines or ()):
        p = first if i == 0 else cell.add_paragraph()
        run = p.add_run(xml_safe(line.text))
        run.bold = line.bold or None
        run.italic = line.italic or None
        if line.small:
            run.font.size = Pt(SIZES["marker"])
    for p in cell.paragraphs:
        p.paragraph_format.space_after = Pt(2)
        if keep:
            p.paragraph_format.keep_with_next = True
        if whole_words:
            _no_hyphenation(p)
        if _ALIGN[content.align] is not None:
            p.alignment = _ALIGN[content.align]
        for run in p.runs:
            if run.font.size is None:
                run.font.size = Pt(SIZES["cell"])


def _table(doc, block: Table) -> None:
    """A bordered table with a repeating, shaded header row, kept with its first rows."""
    widths = block.widths_cm
    table = doc.add_table(rows=1 + len(block.rows), cols=len(widths))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Cm(width)  # the grid LibreOffice lays out by; cells carry it for Word
    header = table.rows[0]
    _row_flag(header, "w:tblHeader")
    _row_flag(header, "w:cantSplit")
    for cell, content, width in zip(header.cells, block.header, widths, strict=True):
        _fill_cell(cell, content, width, keep=True, whole_words=True)
        _set_cell_fill(cell, COLOURS["header"])
    for i, (tr, row) in enumerate(zip(table.rows[1:], block.rows, strict=True)):
        _row_flag(tr, "w:cantSplit")
        if block.min_row_cm and row.fill != "total":
            _row_flag(tr, "w:trHeight", val=str(int(block.min_row_cm * 567)), hRule="atLeast")
        keep = i + 1 < block.keep_rows and i + 1 < len(block.rows)
        for cell, content, width in zip(tr.cells, row.cells, widths, strict=True):
            _fill_cell(cell, content, width, keep=keep, whole_words=block.goal_table)
            fill = content.fill or row.fill
            if fill:
                _set_cell_fill(cell, COLOURS[fill])
    gap = doc.add_paragraph()  # Word needs a paragraph between two tables: one of TABLE_GAP
    gap.paragraph_format.space_after = Pt(0)
    gap.paragraph_format.line_spacing = Pt(TABLE_GAP)


def _chart(doc, block: Chart, frame_cm: float) -> None:
    png = overview_chart_png(block.overview, block.started_label, block.not_started_label)
    p = doc.add_paragraph()
    p.paragraph_format.keep_with_next = True  # with its caption
    p.add_run().add_picture(io.BytesIO(png), height=Cm(min(block.height_cm, frame_cm / 2.5)))
    doc_pr = p._p.find(".//" + qn("wp:docPr"))
    doc_pr.set("descr", xml_safe(block.alt_text))
    doc_pr.set("title", xml_safe(block.title))


def write_docx(layout: Layout, path: Path, made_on: dt.date) -> Path:
    """Render ``layout`` as a Word file at ``path``; ``made_on`` is its creation date."""
    doc = _new_document(layout, made_on)
    for block in layout.blocks:
        if isinstance(block, Heading):
            doc.add_paragraph(xml_safe(block.text), style=_STYLE_OF_LEVEL[block.level])
        elif isinstance(block, Para):
            _paragraph(doc, block)
        elif isinstance(block, Table):
            _table(doc, block)
        elif isinstance(block, Chart):
            _chart(doc, block, layout.frame_cm)
    doc.save(str(path))
    return path
