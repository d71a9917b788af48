"""One document description, built once from the report model, that the Word and the PDF writer
both render: every heading, sentence, table header, column width and type size lives here, so the
two files cannot drift (the way docling exports one document to several formats).

A description is a flat sequence of blocks: ``Heading``, ``Para``, ``Table``, ``Chart``. The
writers map each block to their own means and add nothing a reader sees, except what only one
format has (page numbers, bookmarks, the chart drawn as a PNG or as vector graphics).

Where a block starts (one rule for both writers): a heading and a paragraph marked
``keep_with_next`` stay on the page of what follows them; a table's header row stays with its
first ``keep_rows`` rows. So a theme starts on the current page when its heading, its table header
and its first two rows fit there, and on the next page otherwise; nothing else breaks a page.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal

from pipeline.dates import format_danish_date
from pipeline.model import OverviewLine, StatusForm, StatusReport
from pipeline.vocabulary import (
    CONTACT_LABEL,
    DATE_LABEL,
    DOCUMENT_LABEL,
    FORM_BASED_ON,
    GOAL_HEADING,
    NOT_STARTED_HEADING,
    REMARK_HEADING,
    REWORD_LABEL,
    STARTED_HEADING,
    TOTALS_LABEL,
    theme_heading,
)
from pipeline.wording import (
    CHANGE_LABELS,
    DECISION_LEAD,
    INGEST_STATUS_LABELS,
    NO_DECISIONS_TEXT,
    NO_FINDINGS_TEXT,
    NO_RECENT_FINDINGS_TEXT,
    REVIEW_KIND_LABELS,
    SEVERITY_LABELS,
    STATUS_LABELS,
    earlier_findings_text,
)
from pipeline.write.text import bilag_tag

__all__ = [
    "SIZES",
    "Cell",
    "Chart",
    "Heading",
    "Layout",
    "Line",
    "Para",
    "Row",
    "Table",
    "form_layout",
    "line_height",
    "report_layout",
    "review_layout",
    "word_pt",
]

Align = Literal["left", "center", "right"]
ParaStyle = Literal["doctype", "subtitle", "body", "caption", "note", "sender", "sender_heading"]
Fill = Literal["", "header", "total", "review", "form"]

AUTHOR = "Ringsted Kommune"
LANGUAGE = "da-DK"
# Type sizes in points, the same in both files (Word's Calibri and the PDF's metric-compatible
# Carlito). The body is 11 pt, the notat's own size; tables are set smaller, as in the notat.
SIZES = {
    "doctype": 18.0,
    "title": 16.0,
    "subtitle": 11.0,
    "h1": 14.0,
    "h2": 12.0,
    "body": 11.0,
    "cell": 9.5,
    "caption": 8.5,
    "note": 8.5,
    "sender": 8.0,
    "sender_heading": 8.0,
    "marker": 7.5,
    "footer": 8.5,
}
# A single line is as high as the font's ascent and descent: 2500/2048 of its size in Carlito
# and Calibri (their win metrics, 1950 + 550 in 2048 units), laid out in whole twips as Word and
# LibreOffice lay out lines.
ASCENT_EM, DESCENT_EM = 1950 / 2048, 550 / 2048


def word_pt(cm: float) -> float:
    """A length given in cm, in points as the Word file holds it: in whole twips (1/20 pt), so
    the PDF's columns and margins are Word's to the twip."""
    return round(cm * 1440 / 2.54) / 20


def line_height(size: float) -> float:
    """The height in points of a single-spaced line of type ``size`` points."""
    return round(size * 20 * (ASCENT_EM + DESCENT_EM)) / 20


SPACE_AFTER = 4.0  # points after a paragraph
TABLE_GAP = 6.0  # points after a table

# The page and the table grid, the same in both files (Word's own measures where it has them).
MARGIN_CM = 2.0  # all four margins; the footer stands in the bottom margin, as in Word
FOOTER_FROM_EDGE_CM = 1.27  # the footer's bottom from the page's bottom edge (Word's default)
CELL_PADDING_CM = 0.19  # a cell's left and right margin (Word's default, 108 twips); 0 above/below
RULE_PT = 0.5  # the table grid's lines; a row is as high as its rule and its lines
CELL_SPACE_AFTER = 2.0  # points after each paragraph in a cell, the last one too (as Word)
# Automatic hyphenation (Danish), in both files by the same rules (pipeline/write/linebreak.py):
# a word is not hyphenated where the line would otherwise end within the zone of its end (Word's
# default 0.75 cm, 425 twips). Headings and the goal tables are not hyphenated.
HYPHENATION_ZONE_PT = 21.25
COLOURS = {
    "heading": "1F3A5F",
    "header": "D9E2F3",
    "total": "F2F2F2",
    "review": "FFF2CC",
    "form": "F2F2F2",
    "muted": "444444",
    "rule": "808080",  # the table grid
}
MARK = "X"
NONE_MARK = "–"  # a count with nothing to compare with (a theme new this period)


# --------------------------------------------------------------------------- blocks


@dataclass(frozen=True)
class Line:
    """One printed line (paragraph) of a table cell."""

    text: str
    bold: bool = False
    italic: bool = False
    small: bool = False  # the marker size: "ny" under a row's X


@dataclass(frozen=True)
class Cell:
    lines: tuple[Line, ...]
    align: Align = "left"
    fill: Fill = ""  # shading of this cell alone (the row's fill otherwise)


@dataclass(frozen=True)
class Row:
    cells: tuple[Cell, ...]
    fill: Fill = ""
    # A form's row: the ids of the goals it states (space-separated), which the Word form
    # carries invisibly (the goal cell's content control), so a filled form maps every mark to
    # its goal even after a wording is edited or a row moved.
    goal_ids: str = ""


@dataclass(frozen=True)
class Table:
    header: tuple[
        Cell, ...
    ]  # repeated at the top of every page the table runs onto; not hyphenated
    widths_cm: tuple[float, ...]
    rows: tuple[Row, ...]
    keep_rows: int = 1  # body rows kept on the page of the header row
    min_row_cm: float = 0.0  # the least height of a body row (the form's room to write)
    # Words whole, not hyphenated: the goal tables, as the notats print them (so ``python -m
    # pipeline extract`` reads the PDF report back), and tables of file names.
    goal_table: bool = False
    # Next period's form: the status cells are check boxes, the remark and the I alt counts
    # fields to fill in (Word: content controls in a document protected for filling in).
    form: bool = False


@dataclass(frozen=True)
class Heading:
    text: str
    level: int  # 0: the document's title; 1: a section; 2: a subsection (a theme)
    key: str  # a stable id: the PDF bookmark's name


@dataclass(frozen=True)
class Para:
    text: str
    style: ParaStyle = "body"
    align: Align = "left"
    keep_with_next: bool = False
    bold: bool = False
    italic: bool = False
    # A form's field to fill in after the text: its tag ("date"); the Word form makes it a
    # content control showing ``FORM_BLANK`` until it is filled.
    fill_in: str = ""


@dataclass(frozen=True)
class Chart:
    """The Overblik bar chart: per theme, started and not started side by side."""

    overview: tuple[OverviewLine, ...]
    started_label: str
    not_started_label: str
    alt_text: str  # the image's alternative text, read aloud by a screen reader
    title: str = "Overblik"
    height_cm: float = 6.0  # in both files; the Word image keeps the PNG's 5:2 shape


Block = Heading | Para | Table | Chart


@dataclass(frozen=True)
class Layout:
    """A document: its properties and its blocks, in reading order."""

    title: str
    subject: str
    blocks: tuple[Block, ...]
    author: str = AUTHOR
    language: str = LANGUAGE
    landscape: bool = False
    keywords: tuple[str, ...] = field(default=())

    @property
    def frame_cm(self) -> float:
        """The width text runs in: A4 less its margins."""
        return (29.7 if self.landscape else 21.0) - 2 * MARGIN_CM


# --------------------------------------------------------------------------- small builders


def _cell(
    *texts: str, bold: bool = False, italic: bool = False, align: Align = "left", fill: Fill = ""
) -> Cell:
    return Cell(tuple(Line(t, bold=bold, italic=italic) for t in texts if t), align, fill)


def _header(*texts: str, numeric_from: int | None = None) -> tuple[Cell, ...]:
    """Bold header cells; from column ``numeric_from`` on right-aligned over their numbers."""
    return tuple(
        _cell(
            t,
            bold=True,
            align="right" if numeric_from is not None and i >= numeric_from else "left",
        )
        for i, t in enumerate(texts)
    )


def _table(
    header: tuple[str, ...], widths: tuple[float, ...], rows: list[Row],
    numeric_from: int | None = None, **kw,
) -> Table:  # fmt: skip
    assert len(header) == len(widths), "one width per column"
    return Table(_header(*header, numeric_from=numeric_from), widths, tuple(rows), **kw)


def _count(value: int | None) -> str:
    return NONE_MARK if value is None else str(value)


def _identity(
    title: str,
    subtitle: str,
    date_line: str,
    sender: tuple[str, ...],
    *,
    doctype: str = DOCUMENT_LABEL,
) -> list[Block]:
    """The notat's own first lines: NOTAT, the title, the date and the sender block."""
    blocks: list[Block] = [Para(doctype, "doctype", bold=True), Heading(title, 0, "forside")]
    if subtitle:
        blocks.append(Para(subtitle, "subtitle"))
    blocks.append(Para(date_line, "body", align="right"))
    if sender:
        blocks.append(Para(CONTACT_LABEL, "sender_heading", align="right", bold=True))
        blocks += [Para(line, "sender", align="right") for line in sender]
    return blocks


def _goal_lines(wordings, proposed_text: str = "") -> tuple[Line, ...]:
    lines = [Line(f"{w.text} {bilag_tag(w.bilag)}".strip()) for w in wordings]
    if proposed_text:
        lines += [Line(REWORD_LABEL, bold=True), Line(proposed_text)]
    return tuple(lines)


def _mark_cell(marked: bool, marker: str) -> Cell:
    """The X, with the row's change marker ("ny", "ændret status") under it."""
    lines = [Line(MARK, bold=True)] if marked else []
    if marker:
        lines.append(Line(marker, italic=True, small=True))
    return Cell(tuple(lines), "center")


# --------------------------------------------------------------------------- the status report

# The goal table's header as the notat prints it; the slash of a status heading may break a line.
STARTED_HEADER = STARTED_HEADING.replace("/", "/ ")
THEME_HEADER = (GOAL_HEADING, STARTED_HEADER, NOT_STARTED_HEADING, REMARK_HEADING)
THEME_WIDTHS = (7.3, 2.6, 2.0, 5.1)
CHART_CAPTION = "Figur: Antal mål pr. tema, gennemført/igangsat og ikke igangsat."


def _chart_alt_text(overview: tuple[OverviewLine, ...]) -> str:
    parts = [
        f"{line.short_label}: {line.started} gennemført/igangsat, {line.not_started} ikke igangsat"
        for line in overview
        if not line.is_total
    ]
    return "Søjlediagram over antal mål pr. tema. " + "; ".join(parts) + "."


def _summary(report: StatusReport) -> list[Block]:
    blocks: list[Block] = [Heading("Sammenfatning", 1, "sammenfatning")]
    blocks += [Para(sentence) for sentence in report.summary]
    if report.proposals:
        n = len(report.proposals)
        blocks.append(
            Para(
                f"Notatet lægger op til {n} {'beslutning' if n == 1 else 'beslutninger'} om "
                "målene; se Indstilling."
            )
        )
    return blocks


def _decisions(report: StatusReport) -> list[Block]:
    blocks: list[Block] = [Heading("Indstilling", 1, "indstilling")]
    if not report.proposals:
        return [*blocks, Para(NO_DECISIONS_TEXT)]
    blocks.append(Para(DECISION_LEAD, keep_with_next=True))
    rows = [
        Row(
            (
                _cell(str(p.theme_no)),
                _cell(p.wording),
                _cell(p.decision, bold=True),
                _cell(p.remark),
            )
        )
        for p in report.proposals
    ]
    blocks.append(_table(("Tema", "Mål", "Beslutning", "Begrundelse"), (1.3, 6.0, 5.0, 4.7), rows))
    return blocks


def _per_theme(lead: str, themes: list[OverviewLine], count: str) -> str:
    """``Mål uden markering: Tema 3: 1, Tema 4: 1.``; "" when no theme has any."""
    shown = [
        f"{line.short_label}: {getattr(line, count)}" for line in themes if getattr(line, count)
    ]
    return f"{lead}: {', '.join(shown)}." if shown else ""


def _overview(report: StatusReport) -> list[Block]:
    blocks: list[Block] = [Heading("Overblik", 1, "overblik")]
    compared = report.previous_period is not None
    widths: tuple[float, ...] = (8.4, 3.2, 3.0, 2.4)
    header: tuple[str, ...] = ("Tema", STARTED_HEADER, NOT_STARTED_HEADING, TOTALS_LABEL)
    regrouped = compared and any(line.regrouped for line in report.overview)
    if compared:
        since = format_danish_date(report.previous_period)
        blocks.append(
            Para(
                f"Målene er talt som rækker i notaternes tabeller, sådan som notatet selv tæller "
                f"dem i I alt. For hvert tema gælder: mål ved status af {since} + nye − udgåede "
                "+ flyttet hertil − flyttet herfra"
                + (" ± delt/samlet" if regrouped else "")
                + " = i alt nu.",
                keep_with_next=True,
            )
        )
        header = ("Tema", "Sidste status", "Nye", "Udgået", "Flyttet hertil", "Flyttet herfra")
        widths = (3.2, 1.5, 1.1, 1.6, 1.5, 1.5)
        if regrouped:
            header += ("Delt/ samlet",)
            widths += (1.5,)
        header += (TOTALS_LABEL, STARTED_HEADER, NOT_STARTED_HEADING)
        widths += (1.1, 2.3, 1.7)
        if not regrouped:
            widths = (widths[0] + 1.5, *widths[1:])
    rows = []
    for line in report.overview:
        if compared:
            values = [
                _count(line.previous_total),
                _count(line.new_goals),
                _count(line.gone),
                _count(line.moved_in),
                _count(line.moved_out),
            ]
            if regrouped:
                values.append(_signed(line.regrouped))
            values += [str(line.total), str(line.started), str(line.not_started)]
        else:
            values = [str(line.started), str(line.not_started), str(line.total)]
        numbers = [_cell(v, bold=line.is_total, align="right") for v in values]
        label = _cell(line.label, bold=line.is_total)
        if line.formerly:
            label = Cell((*label.lines, Line(f"(før {line.formerly})", italic=True)))
        rows.append(Row((label, *numbers), "total" if line.is_total else ""))
    blocks.append(_table(header, widths, rows, keep_rows=len(rows), numeric_from=1))
    themes = [line for line in report.overview if not line.is_total]
    notes = []
    if compared:
        total = report.overview[-1]
        if total.revived:
            notes.append(
                f"Nye omfatter {total.revived} "
                f"{'genoptaget mål' if total.revived == 1 else 'genoptagne mål'}, der stod i en "
                "tidligere status."
            )
        unproposed = (total.gone or 0) - (total.gone_as_proposed or 0)
        if total.gone:
            notes.append(
                "Alle udgåede mål var foreslået udgået i sidste status."
                if not unproposed
                else f"{unproposed} af de udgåede mål var ikke foreslået udgået i sidste status; "
                "listen over ændringer viser målets sidste bemærkning."
            )
        if total.pending:
            notes.append(
                f"{total.pending} mål afventer administrationens afklaring og er talt som det "
                "mål fra sidste status, de måske er: hverken som nye eller udgåede."
            )
        if regrouped:
            notes.append(
                "Delt/samlet: rækker flere (+) eller færre (−), fordi et mål nu står i flere "
                "rækker (delt) eller i færre (lagt sammen med en anden række)."
            )
        back = _per_theme("Mål flyttet til Ikke igangsat", themes, "newly_not_started")
        notes += [back] if back else []
    unmarked = _per_theme("Mål uden markering", themes, "unmarked")
    notes += [unmarked] if unmarked else []
    blocks += [Para(n, "note") for n in notes]
    blocks.append(
        Chart(
            report.overview,
            STATUS_LABELS["started"],
            STATUS_LABELS["not_started"],
            _chart_alt_text(report.overview),
        )
    )
    blocks.append(Para(CHART_CAPTION, "caption"))
    return blocks


def _signed(value: int | None) -> str:
    if value is None:
        return NONE_MARK
    return f"+{value}" if value > 0 else f"−{-value}" if value < 0 else "0"


def _changes(report: StatusReport) -> list[Block]:
    blocks: list[Block] = [Heading("Ændringer siden sidste status", 1, "aendringer")]
    if report.previous_period is None:
        return [*blocks, Para("Der er ingen tidligere status at sammenligne med.")]
    since = format_danish_date(report.previous_period)
    if not report.changes:
        blocks.append(Para(f"Ingen mål er ændret siden status af {since}."))
    else:
        blocks.append(
            Para(
                f"Mål, der er nye, udgået, flyttet, har ændret status, måltal eller omfang, eller "
                f"som afventer afklaring, siden status af {since}. For et udgået mål står "
                "under Nu, hvorfor det udgik: forslaget i sidste status, eller at det ikke var "
                "foreslået, med målets sidste bemærkning.",
                keep_with_next=True,
            )
        )
        rows = [
            Row(
                (
                    _cell(str(c.theme_no)),
                    _cell(CHANGE_LABELS.get(c.kind, c.kind)),
                    _cell(c.wording),
                    _cell(c.before),
                    _cell(c.after),
                )
            )
            for c in report.changes
        ]
        blocks.append(
            _table(("Tema", "Ændring", "Mål", "Før", "Nu"), (1.3, 2.7, 5.6, 3.7, 3.7), rows)
        )
    blocks.append(Heading("Ny ordlyd, samme mål", 2, "rettelser"))
    if not report.wording_fixes:
        return [*blocks, Para("Ingen formuleringer har fået ny ordlyd.")]
    blocks.append(
        Para(
            "Formuleringer, der har fået ny ordlyd, uden at målet er ændret: stavning (også "
            "stavefejl i det nye notat), ordstilling, forkortelser, synonymer eller samme mål "
            "sagt med andre ord.",
            keep_with_next=True,
        )
    )
    rows = [
        Row((_cell(str(c.theme_no)), _cell(c.wording), _cell(c.before), _cell(c.after)))
        for c in report.wording_fixes
    ]
    blocks.append(_table(("Tema", "Mål", "Før", "Nu"), (1.3, 5.9, 4.9, 4.9), rows))
    return blocks


def _theme_tables(report: StatusReport) -> list[Block]:
    # The section's heading and its lead-in stand on the page of the first theme's table.
    blocks: list[Block] = [
        Heading("Status pr. tema", 1, "temaer"),
        Para(report.intro, keep_with_next=True),
    ]
    if report.previous_period is not None:
        blocks.append(
            Para(
                "Under krydset står, hvad der er ændret i rækken siden status af "
                f"{format_danish_date(report.previous_period)}: ny, genoptaget, flyttet (fra et "
                "andet tema), ændret status, mål ændret (måltal eller omfang), omformuleret (som "
                "foreslået), delt, lagt sammen eller afventer afklaring (administrationen afgør, "
                "om målet er det samme som et mål fra sidste status).",
                "note",
                keep_with_next=True,
            )
        )
    for theme in report.themes:
        heading = theme_heading(theme.theme_no, theme.title)
        blocks.append(Heading(heading, 2, f"tema{theme.theme_no}"))
        rows = [
            Row(
                (
                    Cell(_goal_lines(r.wordings, r.proposed_text)),
                    _mark_cell(
                        r.status == "started", r.marker if r.status != "not_started" else ""
                    ),
                    _mark_cell(
                        r.status == "not_started", r.marker if r.status == "not_started" else ""
                    ),
                    _cell(r.remark),
                )
            )
            for r in theme.rows
        ]
        rows.append(
            Row(
                (
                    _cell(TOTALS_LABEL, bold=True),
                    _cell(str(theme.started), bold=True, align="center"),
                    _cell(str(theme.not_started), bold=True, align="center"),
                    _cell(),
                ),
                "total",
            )
        )
        blocks.append(
            Table(_header(*THEME_HEADER), THEME_WIDTHS, tuple(rows), keep_rows=2, goal_table=True)
        )
    return blocks


def _control(report: StatusReport) -> list[Block]:
    blocks: list[Block] = [
        Heading("Kontrol", 1, "kontrol"),
        Heading("Fund i notaterne", 2, "fund"),
    ]
    if report.findings:
        rows = [
            Row(
                (
                    _cell(f.file),
                    _cell("" if f.theme_no is None else str(f.theme_no)),
                    _cell("" if f.row_no is None else str(f.row_no)),
                    _cell(SEVERITY_LABELS.get(f.severity, f.severity)),
                    _cell(f.message),
                )
            )
            for f in report.findings
        ]
        blocks.append(
            _table(("Notat", "Tema", "Række", "Alvor", "Besked"), (4.6, 1.4, 1.6, 2.2, 7.2), rows)
        )
    elif report.earlier_findings:
        blocks.append(Para(NO_RECENT_FINDINGS_TEXT))
    else:
        blocks.append(Para(NO_FINDINGS_TEXT))
    if report.earlier_findings:
        blocks.append(Para(earlier_findings_text(report.earlier_findings)))
    blocks.append(Heading("Filer, der ikke er læst", 2, "filer"))
    if not report.skipped_files:
        return [*blocks, Para("Alle filer i inputmappen er læst.")]
    rows = [
        Row(
            (
                _cell(s.file),
                _cell(INGEST_STATUS_LABELS.get(s.status, s.status)),
                _cell(s.reason),
            )
        )
        for s in report.skipped_files
    ]
    # a file's name is printed whole, never broken or hyphenated inside
    blocks.append(_table(("Fil", "Status", "Årsag"), (5.0, 2.6, 9.4), rows, goal_table=True))
    return blocks


def report_layout(report: StatusReport) -> Layout:
    """statusrapport_<date>: the council's report."""
    blocks = [
        *_identity(
            report.title,
            report.subtitle,
            f"{DATE_LABEL} {format_danish_date(report.period)}",
            report.sender,
        ),
        *_summary(report),
        *_decisions(report),
        *_overview(report),
        *_changes(report),
        *_theme_tables(report),
        *_control(report),
    ]
    return Layout(
        title=report.title,
        subject=f"Status af {format_danish_date(report.period)}",
        blocks=tuple(blocks),
        keywords=("Sundhedspolitik", "status", report.period.isoformat()),
    )


# --------------------------------------------------------------------------- the working paper

REVIEW_TITLE = "Afstemning af målene i bilag 1 og bilag 2"


def _tagged(goal) -> Cell:
    """A goal's distinct wordings, each with its bilag."""
    texts = [f"{t} {bilag_tag('1')}" for t in goal.bilag1]
    texts += [f"{t} {bilag_tag('2')}" for t in goal.bilag2]
    texts += [f"{t} (uden bilagsnummer)" for t in goal.untagged]
    return _cell(*dict.fromkeys(texts))


def _unbroken(text: str) -> str:
    """A text holding a file name with its hyphens made non-breaking, so no line breaks a file
    name at its hyphen ("afstemning_2023-06-01.xlsx")."""
    return text.replace("-", "\u2011")


def review_layout(report: StatusReport) -> Layout:
    """afstemning_<date>: the administration's working paper on how the goals were matched."""
    day = format_danish_date(report.period)
    blocks: list[Block] = [
        *_identity(
            REVIEW_TITLE,
            f"Arbejdspapir til administrationen til status af {day}",
            f"{DATE_LABEL} {day}",
            report.sender,
            doctype="ARBEJDSPAPIR",
        ),
        Heading("Om arbejdspapiret", 1, "om"),
        Para(
            "Hvert mål i statusnotatet kan stå med en formulering fra bilag 1, en fra bilag 2 "
            "eller begge, og det kan stå flere steder. Programmet har samlet de formuleringer, "
            "der handler om samme mål, også på tværs af perioderne, så et mål kan følges fra "
            "status til status."
        ),
        Para(
            "Hvor programmet ikke kan afgøre, om to formuleringer er samme mål, stiller det et "
            "spørgsmål herunder. Spørgsmålene står med de samme numre i regnearket "
            f"{_unbroken(report.review_workbook)}, hvor afgørelsen skrives i kolonnen »Afgørelse« "
            "(»samme mål« eller »forskellige mål«). Gem regnearket i inputmappen og kør "
            "rapporten igen: afgørelserne bruges da, og der spørges ikke om dem igen."
        ),
        Heading("Spørgsmål til afklaring", 1, "gennemsyn"),
    ]
    if not report.questions:
        blocks.append(Para("Der er ingen spørgsmål at afklare."))
    else:
        blocks.append(
            Para(
                "Hvert spørgsmål gælder et mål og de mål, det måske er det samme som, det mest "
                "sandsynlige først. Mål, som reglerne ved er andre mål (en anden målgruppe, "
                "sygdom, alder, et andet sted), tilbydes ikke, men nævnes med grunden.",
                keep_with_next=True,
            )
        )
        rows = [
            Row(
                (
                    _cell(str(q.number)),
                    _cell(REVIEW_KIND_LABELS.get(q.kind, q.kind), bold=True),
                    _cell(q.text, _unbroken(q.where)),
                    Cell(
                        tuple(
                            line
                            for k, (text, where) in enumerate(q.partners, start=1)
                            for line in (
                                Line(f"{k}. {text}" if len(q.partners) > 1 else text),
                                Line(_unbroken(where), italic=True),
                            )
                        )
                    ),
                    _cell(q.why),
                ),
                "review",
            )
            for q in report.questions
        ]
        blocks.append(
            _table(
                ("Nr.", "Slags", "Mål", "Måske samme mål som", "Hvorfor der spørges"),
                (1.0, 2.2, 4.3, 4.8, 4.7),
                rows,
                goal_table=True,  # file names in the places: never broken inside
            )
        )
    blocks.append(Heading("Mål, der står flere steder", 1, "flere"))
    repeated = [g for g in report.reconciliation if g.occurrences > 1 and not g.needs_review]
    if not repeated:
        blocks.append(Para("Intet mål står mere end ét sted i notatet."))
    else:
        rows = [
            Row(
                (
                    _cell(", ".join(str(t) for t in g.theme_nos)),
                    _tagged(g),
                    _cell(*g.notes),
                )
            )
            for g in repeated
        ]
        blocks.append(_table(("Tema", "Mål", REMARK_HEADING), (1.3, 9.2, 6.5), rows))
    blocks.append(Heading("Alle mål og deres formuleringer", 1, "alle"))
    blocks.append(
        Para(
            "Hvert mål med dets formulering i bilag 1 og i bilag 2, som de står i statusnotatet.",
            keep_with_next=True,
        )
    )
    rows = []
    for g in report.reconciliation:
        untagged = [f"{t} (uden bilagsnummer)" for t in g.untagged]
        rows.append(
            Row(
                (
                    _cell(", ".join(str(t) for t in g.theme_nos)),
                    _cell(*g.bilag1, *untagged)
                    if g.bilag1 or untagged
                    else _cell("står ikke i bilag 1", italic=True),
                    _cell(*g.bilag2) if g.bilag2 else _cell("står ikke i bilag 2", italic=True),
                ),
                "review" if g.needs_review else "",
            )
        )
    blocks.append(_table(("Tema", "Bilag 1", "Bilag 2"), (1.3, 7.85, 7.85), rows))
    return Layout(
        title=f"{REVIEW_TITLE} – status af {day}",
        subject="Arbejdspapir til administrationen",
        blocks=tuple(blocks),
    )


# --------------------------------------------------------------------------- next period's form

FORM_WIDTHS = (8.3, 2.6, 2.0, 6.8, 6.0)
FORM_ROW_CM = 2.2  # room for a hand-written remark on the printed form
FORM_TOTAL_HINT = "Skriv antal X"
FORM_DATE_LABEL, FORM_BLANK = DATE_LABEL, "____________________"
FORM_DATE_LINE = f"{FORM_DATE_LABEL} {FORM_BLANK}"  # filled in by hand (printed)
# The titles Word shows on the form's fields (its content controls), by the field's kind.
FORM_FIELD_TITLES = {
    "goal": GOAL_HEADING, "status": "Status", "remark": REMARK_HEADING, "total": "Antal X",
    "date": DATE_LABEL.removesuffix(":"),
}  # fmt: skip


def form_layout(form: StatusForm) -> Layout:
    """statusskema_<date>: next period's form, landscape, with room to write by hand."""
    day = format_danish_date(form.based_on_period)
    identity = _identity(form.title, "Statusskema til næste status", FORM_DATE_LINE, form.sender)
    identity = [
        replace(b, text=FORM_DATE_LABEL, fill_in="date")
        if isinstance(b, Para) and b.text == FORM_DATE_LINE
        else b
        for b in identity
    ]
    blocks: list[Block] = [
        *identity,
        Para(f"{FORM_BASED_ON} {day}."),
        Para(form.intro),
    ]
    if form.instructions:
        blocks.append(Para(form.instructions, italic=True))
    last_header = f"Status {day} (til orientering)"
    for theme in form.themes:
        heading = theme_heading(theme.theme_no, theme.title)
        blocks.append(Heading(heading, 1, f"tema{theme.theme_no}"))
        rows = [
            Row(
                (
                    Cell(_goal_lines(r.wordings)),
                    _cell(),
                    _cell(),
                    _cell(),
                    _cell(STATUS_LABELS[r.last_status], r.last_remark, italic=True, fill="form"),
                ),
                goal_ids=" ".join(r.goal_ids),
            )
            for r in theme.rows
        ]
        rows.append(
            Row(
                (
                    _cell(TOTALS_LABEL, bold=True),
                    _cell(FORM_TOTAL_HINT, italic=True, align="center"),
                    _cell(FORM_TOTAL_HINT, italic=True, align="center"),
                    _cell(),
                    _cell(fill="form"),
                ),
                "total",
            )
        )
        blocks.append(
            Table(
                _header(*THEME_HEADER, last_header),
                FORM_WIDTHS,
                tuple(rows),
                keep_rows=2,
                min_row_cm=FORM_ROW_CM,
                goal_table=True,
                form=True,
            )
        )
    return Layout(
        title=f"Statusskema – {form.title}",
        subject=f"Statusskema på grundlag af status af {day}",
        blocks=tuple(blocks),
        landscape=True,
    )
