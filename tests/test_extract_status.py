"""Status notat extraction: every hard case of issue 2 as a named test, plus the fixture notats
of every producer compared field by field with ``expected_tables``.

The targeted tests render small notats with reportlab (platypus tables, as a Word user would lay
them out) so each case can be forced: a tag broken across lines, a row cut by a page break, a
contact block standing beside the table, a borderless table.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import subprocess
from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    BaseDocTemplate,
    Frame,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from pipeline.dates import format_danish_date
from pipeline.extract.pdf import read_pages
from pipeline.extract.settings import ReaderSettings
from pipeline.extract.status import StatusParse, _join_lines, parse_status_notat, split_wordings
from pipeline.extract.table import CellLine
from pipeline.settings import SettingsError
from tests.fixtures.compare import MAX_SPLIT_WORDS, field_errors
from tests.fixtures.notat_data import (
    CONTACT_BLOCK,
    Row,
    StatusNotat,
    Theme,
    expected_soft_problems,
    expected_tables,
    goal_row,
    tag_text,
)
from tests.fixtures.render import NOTATS, PRODUCERS

_FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
_FONT_BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
pdfmetrics.registerFont(TTFont("TDV", _FONT))
pdfmetrics.registerFont(TTFont("TDVB", _FONT_BOLD))
_BODY = ParagraphStyle("body", fontName="TDV", fontSize=9, leading=11)
_BOLD = ParagraphStyle("bold", fontName="TDVB", fontSize=9, leading=11)
_TITLE = ParagraphStyle("title", fontName="TDVB", fontSize=14, leading=17)
_TEMA = ParagraphStyle("tema", fontName="TDVB", fontSize=11, leading=14, spaceBefore=10)

TITLE = "Status på mål i strategi og handleplan for Sundhedspolitikken"
LONG_REMARK = " ".join(f"Sætning nummer {i} om indsatsen i kommunen." for i in range(1, 80))


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;")


def _goal_markup(row: Row) -> list[str]:
    out = [_esc(w.text) + (f" {tag_text(w)}" if w.bilag else "") for w in row.wordings]
    if row.proposed_text:
        out += ["Foreslås omformuleret til:", _esc(row.proposed_text)]
    return out


def render_notat(
    path: Path,
    notat: StatusNotat,
    *,
    ruled: bool = True,
    one_line_ikke: bool = False,
    goal_markup: dict[tuple[int, int], list[str]] | None = None,
    filler: int = 0,
    table_on_next_page: frozenset[int] = frozenset(),
    without_heading: frozenset[int] = frozenset(),
    headers: tuple[str, str, str, str] | None = None,
    widths_mm: tuple[float, float, float, float] | None = None,
    padding: float | None = None,
    paragraph_space: float = 0,
    mark_glyph: str = "",
    label_size: float | None = None,
) -> Path:
    """A status notat PDF: contact block beside the first table, footers, repeated headers.

    ``goal_markup`` replaces the goal cell of (theme_no, row_no) by the given paragraphs
    (reportlab markup, e.g. ``<br/>`` to force a line break); ``filler`` adds blank space
    before the first table to push rows towards a page break; the themes numbered in
    ``table_on_next_page`` have their heading where the page ends and their table on the next.
    ``headers`` replaces the four header cells (markup), ``widths_mm`` the column widths,
    ``padding`` every cell's padding; the themes numbered in ``without_heading`` are printed
    without their *Tema* heading; ``paragraph_space`` is the space after each paragraph
    of a cell; ``mark_glyph`` prints every mark as that glyph; ``label_size`` sets the size of
    the ``NOTAT`` label (default: the body's bold).
    """
    width, height = A4

    def later(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont("TDV", 8)
        canvas.drawString(width / 2 - 20, 12 * mm, f"Side {doc.page} af 9")
        canvas.drawString(20 * mm, height - 10 * mm, "Ringsted Kommune")
        canvas.restoreState()

    def first(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont("TDV", 8)
        y = height - 85 * mm
        canvas.drawString(width - 48 * mm, y + 12, f"Dato: {format_danish_date(notat.date)}")
        for line in CONTACT_BLOCK:
            canvas.drawString(width - 48 * mm, y, line)
            y -= 10
        canvas.restoreState()
        later(canvas, doc)

    doc = BaseDocTemplate(str(path), pagesize=A4)
    frame = Frame(20 * mm, 20 * mm, width - 72 * mm, height - 40 * mm, id="body")
    doc.addPageTemplates(
        [PageTemplate("first", [frame], onPage=first), PageTemplate("later", [frame], onPage=later)]
    )
    label = (
        _BOLD
        if label_size is None
        else ParagraphStyle("label", _BOLD, fontSize=label_size, leading=label_size * 1.2)
    )
    cell = ParagraphStyle("cell", _BODY, spaceAfter=paragraph_space)
    story = [
        NextPageTemplate("later"),
        Paragraph("NOTAT", label),
        Spacer(1, 6),
        Paragraph(_esc(notat.title), _TITLE),
        Paragraph(_esc(notat.subtitle), _BOLD),
        Spacer(1, 6),
        Paragraph(_esc(notat.intro), _BODY),
        Spacer(1, filler),
    ]
    ikke = "Ikke igangsat" if one_line_ikke else "Ikke<br/>igangsat"
    widths = [
        50 * mm,
        26 * mm,
        (30 if one_line_ikke else 21) * mm,
        (34 if one_line_ikke else 43) * mm,
    ]
    if widths_mm is not None:
        widths = [w * mm for w in widths_mm]
    header_cells = headers or ("Mål", "Gennemført/<br/>igangsat", ikke, "Bemærkning")
    for theme in notat.themes:
        if theme.no not in without_heading:
            story.append(Paragraph(_esc(theme.heading), _TEMA))
        if theme.no in table_on_next_page:
            story.append(PageBreak())
        data = [[Paragraph(text, _BOLD) for text in header_cells]]
        for row_no, row in enumerate(theme.rows, start=1):
            markup = (goal_markup or {}).get((theme.no, row_no)) or _goal_markup(row)
            mark = mark_glyph or row.mark
            data.append(
                [
                    [Paragraph(m, cell) for m in markup],
                    mark if row.marks_started else "",
                    mark if row.marks_not_started else "",
                    Paragraph(_esc(row.remark), cell),
                ]
            )
        started, not_started = theme.totals_to_print
        data.append([Paragraph("I alt", _BOLD), str(started), str(not_started), ""])
        style = [("VALIGN", (0, 0), (-1, -1), "TOP"), ("FONT", (1, 1), (2, -1), "TDV", 9)]
        if ruled:
            style.append(("GRID", (0, 0), (-1, -1), 0.5, "black"))
        else:
            style += [("TOPPADDING", (0, 0), (-1, -1), 6), ("BOTTOMPADDING", (0, 0), (-1, -1), 6)]
        if padding is not None:
            style += [
                (side, (0, 0), (-1, -1), padding)
                for side in ("TOPPADDING", "BOTTOMPADDING", "LEFTPADDING", "RIGHTPADDING")
            ]
        story.append(
            Table(data, colWidths=widths, repeatRows=1, splitInRow=1, style=TableStyle(style))
        )
    doc.build(story)
    return path


def notat(*themes: Theme, date: dt.date = dt.date(2020, 5, 28)) -> StatusNotat:
    return StatusNotat(
        TITLE, "Er opgaven igangsat/gennemført?", date, "Indledning om bilag.", themes
    )


def extract(path: Path) -> StatusParse:
    return parse_status_notat("doc", read_pages(path))


def assert_matches(parsed: StatusParse, expected: StatusNotat) -> None:
    """Field by field against expected_tables (page columns checked separately)."""
    want = expected_tables(expected, "doc")
    rows = [
        {
            k: v
            for k, v in dataclasses.asdict(r).items()
            if k not in ("page_first", "page_last", "statements")
        }
        for r in parsed.goal_rows
    ]
    statements = [dataclasses.asdict(s) for r in parsed.goal_rows for s in r.statements]
    totals = [dataclasses.asdict(t) for t in parsed.theme_totals]
    assert rows == want["goal_rows"]
    assert statements == want["goal_statements"]
    assert totals == want["theme_totals"]


def _simple_theme(no: int = 1, *rows: Row, title: str = "Sundhedstilbud og sunde rammer") -> Theme:
    return Theme(no, title, rows or (goal_row("g", ("Motionsvejledning", "1")),))


# --------------------------------------------------------------------------- targeted cases


def test_ruled_table_rows_status_remarks_and_totals(tmp_path):
    doc = notat(
        Theme(
            1,
            "Sundhedstilbud og sunde rammer",
            (
                goal_row("a", ("Motionsvejledning", "1"), ("Indsats vedr. motionsvejledning", "2")),
                goal_row(
                    "b", ("Del af driften", "2"), status="not_started", remark="Del af driften."
                ),
                goal_row("c", ("Tryghed i trafikken for skolebørn", "2")),
            ),
        ),
        Theme(2, "Det sunde liv for børn og unge", (goal_row("d", ("Unges rygevaner", "1")),)),
    )
    parsed = extract(render_notat(tmp_path / "n.pdf", doc))
    assert_matches(parsed, doc)
    assert parsed.findings == []


def test_borderless_table_rows_from_whitespace(tmp_path):
    doc = notat(
        _simple_theme(
            1,
            goal_row("a", ("Motionsvejledning", "1"), ("Indsats vedr. motionsvejledning", "2")),
            goal_row(
                "b",
                ("Viden om sammenhængen mellem blodtryk og sundhed", "2"),
                status="not_started",
                remark="Del af driften. Udviklingen følges i den regionale sundhedsprofil.",
            ),
            goal_row("c", ("Tryghed i trafikken for skolebørn", "2")),
        )
    )
    parsed = extract(render_notat(tmp_path / "n.pdf", doc, ruled=False))
    assert_matches(parsed, doc)


def test_header_ikke_igangsat_on_one_line(tmp_path):
    doc = notat(
        _simple_theme(
            4,
            goal_row("a", ("Øge antallet af borgere i rehabilitering", "2"), status="not_started"),
            goal_row("b", ("Basismåling af borgernes oplevelse af ejerskab", "2")),
        )
    )
    parsed = extract(render_notat(tmp_path / "n.pdf", doc, one_line_ikke=True))
    assert_matches(parsed, doc)


def test_tag_broken_across_lines(tmp_path):
    doc = notat(
        _simple_theme(
            1, goal_row("a", ("Fokus på krop og bevægelse", "2"), ("Hygiejne", "2", "(Bilag 2)"))
        )
    )
    markup = {(1, 1): ["Fokus på krop og bevægelse (bilag<br/>2)", "Hygiejne<br/>(Bilag 2)"]}
    parsed = extract(render_notat(tmp_path / "n.pdf", doc, goal_markup=markup))
    assert_matches(parsed, doc)


def test_untagged_wording_gets_empty_bilag_and_warning(tmp_path):
    doc = notat(_simple_theme(1, goal_row("a", ("Færre borgere får KOL", ""))))
    parsed = extract(render_notat(tmp_path / "n.pdf", doc))
    assert_matches(parsed, doc)
    (finding,) = parsed.findings
    assert (finding.code, finding.severity, finding.theme_no, finding.row_no) == (
        "untagged_wording",
        "warning",
        1,
        1,
    )
    assert "række 1" in finding.message and "side 1" in finding.message


def test_a_lone_letter_in_the_goal_cell_is_no_wording_but_a_warning(tmp_path):
    """A speck OCR reads "i", or a stray keystroke, on a paragraph of its own in a goal cell is
    no goal (it would be reported as a new goal "i"): it is left out, and a warning names it."""
    doc = notat(_simple_theme(1, goal_row("a", ("Bevægelse og kost for de helt små børn", "2"))))
    markup = {(1, 1): ["Bevægelse og kost for de helt små børn (bilag 2)", "i"]}
    parsed = extract(render_notat(tmp_path / "n.pdf", doc, goal_markup=markup))
    assert_matches(parsed, doc)
    (finding,) = parsed.findings
    assert (finding.code, finding.severity, finding.row_no) == ("stray_text", "warning", 1)
    assert "»i«" in finding.message and "side 1" in finding.message


def test_lowercase_x_is_a_mark_but_x_in_remark_is_not(tmp_path):
    doc = notat(
        _simple_theme(
            2,
            goal_row(
                "a",
                ("Unges rygevaner", "1"),
                status="not_started",
                mark="x",
                remark="Alle unge anbefales rygestop gennem app’en X-hale",
            ),
            goal_row("b", ("Ekstra hjemmebesøg", "1"), remark="X X"),
        )
    )
    # The second row's remark "X X" is text in the remark column, never a mark.
    parsed = extract(render_notat(tmp_path / "n.pdf", doc))
    assert_matches(parsed, doc)


def test_two_marks_and_no_mark_are_findings(tmp_path):
    doc = notat(
        _simple_theme(
            1,
            goal_row("a", ("Motionsvejledning", "1"), status="both"),
            goal_row("b", ("Indførelse af et digitalt bookingsystem", "2"), status=""),
        )
    )
    parsed = extract(render_notat(tmp_path / "n.pdf", doc))
    assert_matches(parsed, doc)
    codes = {(f.code, f.row_no, f.severity) for f in parsed.findings}
    assert codes == {("two_marks", 1, "error"), ("no_mark", 2, "error")}
    assert all("Tema 1" in f.message and "side 1" in f.message for f in parsed.findings)


def test_totals_mismatch_is_a_finding_and_extraction_goes_on(tmp_path):
    doc = notat(
        Theme(
            1,
            "Sundhedstilbud og sunde rammer",
            (goal_row("a", ("Motionsvejledning", "1")),),
            printed_totals=(24, 3),
        ),
        _simple_theme(2, goal_row("b", ("Unges rygevaner", "1"))),
    )
    parsed = extract(render_notat(tmp_path / "n.pdf", doc))
    assert_matches(parsed, doc)
    (finding,) = parsed.findings
    assert (finding.code, finding.theme_no, finding.severity) == ("totals_mismatch", 1, "error")
    assert [r.theme_no for r in parsed.goal_rows] == [1, 2]


def test_reword_proposal_is_not_a_wording(tmp_path):
    doc = notat(
        _simple_theme(
            2,
            goal_row(
                "a",
                ("Udarbejdelse af en folder om den sunde madpakke", "2"),
                status="not_started",
                proposed_text="Der sættes fokus på den sunde madpakke i daginstitutioner og skoler.",
                remark="Foreslås omformuleret: Der udarbejdes ikke foldere.",
            ),
        )
    )
    parsed = extract(render_notat(tmp_path / "n.pdf", doc))
    assert_matches(parsed, doc)
    assert parsed.goal_rows[0].proposal == "reword"
    assert len(parsed.goal_rows[0].statements) == 1


def test_drop_proposal_mid_sentence_any_case(tmp_path):
    doc = notat(
        _simple_theme(
            4,
            goal_row(
                "a",
                ("Samarbejde med sundhedsregionen omkring klinisk funktion", "2"),
                remark="Det 4-årige mål foreslås udgået, da samarbejdet organiseres i Sundhedsaftalen.",
            ),
            goal_row(
                "b",
                ("Screeningsmodeller skal på sigt forenes", "2"),
                remark="FORESLÅS UDGÅET: Målet kan ikke understøttes.",
            ),
        )
    )
    parsed = extract(render_notat(tmp_path / "n.pdf", doc))
    assert_matches(parsed, doc)
    assert [r.proposal for r in parsed.goal_rows] == ["drop", "drop"]


def test_hyphen_at_line_end_is_kept(tmp_path):
    doc = notat(
        _simple_theme(
            1,
            goal_row("a", ("Formidle information om KRAM-faktorer til borgerne", "1")),
            goal_row("b", ("Sygemeldte, ledighedsydelses- og ressourceforløbsborgere", "2")),
        )
    )
    markup = {
        (1, 1): ["Formidle information om KRAM-<br/>faktorer til borgerne (bilag 1)"],
        (1, 2): ["Sygemeldte, ledighedsydelses-<br/>og ressourceforløbsborgere (bilag 2)"],
    }
    parsed = extract(render_notat(tmp_path / "n.pdf", doc, goal_markup=markup))
    assert_matches(parsed, doc)


def test_danish_characters_survive(tmp_path):
    doc = notat(
        _simple_theme(
            1,
            goal_row(
                "a",
                ("Alle vordende førstegangsforældre tilbydes kurset ’Klar til barn’", "1"),
                remark="Sundhed og Træning varetager forebyggelse jf. §119 – også ”redebyggeri”.",
            ),
        )
    )
    parsed = extract(render_notat(tmp_path / "n.pdf", doc))
    assert_matches(parsed, doc)


def test_contact_block_footer_and_page_header_do_not_leak(tmp_path):
    rows = tuple(
        goal_row(f"g{i}", (f"Mål nummer {i} om sundhed", "2"), remark=f"Bemærkning {i}.")
        for i in range(1, 40)
    )
    doc = notat(_simple_theme(1, *rows))
    for ruled in (True, False):
        parsed = extract(render_notat(tmp_path / f"n{ruled}.pdf", doc, ruled=ruled))
        assert_matches(parsed, doc)
        text = " ".join(
            r.remark + " " + " ".join(s.text for s in r.statements) for r in parsed.goal_rows
        )
        for leak in ("Kontaktoplysninger", "Amtstue", "EAN", "Side", "Ringsted Kommune", "Dato"):
            assert leak not in text
        assert parsed.goal_rows[-1].page_last >= 2


def test_dato_and_title(tmp_path):
    doc = notat(_simple_theme(1), date=dt.date(2021, 6, 3))
    parsed = extract(render_notat(tmp_path / "n.pdf", doc))
    assert parsed.date == "2021-06-03"
    assert parsed.title == TITLE


def test_theme_title_may_wrap(tmp_path):
    title = "Rehabilitering, genoptræning og behandling af borgere med kroniske sygdomme i hele kommunen"
    doc = notat(Theme(4, title, (goal_row("a", ("Motionsvejledning", "1")),)))
    parsed = extract(render_notat(tmp_path / "n.pdf", doc))
    assert_matches(parsed, doc)


def _pdftotext(path: Path, page: int) -> str:
    out = subprocess.run(
        ["pdftotext", "-f", str(page), "-l", str(page), str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return " ".join(out.split())


def test_row_split_across_pages_is_one_row(tmp_path):
    rows = (
        goal_row("a", ("Motionsvejledning", "1")),
        goal_row(
            "b",
            ("Tilbud om uddannelse, sparring og vejledning til foreninger", "2"),
            remark=LONG_REMARK,
            status="not_started",
        ),
        goal_row("c", ("Tryghed i trafikken for skolebørn", "2")),
    )
    doc = notat(_simple_theme(1, *rows))
    for ruled in (True, False):
        path = render_notat(tmp_path / f"n{ruled}.pdf", doc, ruled=ruled, filler=300)
        parsed = extract(path)
        assert_matches(parsed, doc)
        split = parsed.goal_rows[1]
        assert split.page_first < split.page_last
        # Independent check: the row's first words stand on page_first, its last on page_last.
        assert "Sætning nummer 1 om" in _pdftotext(path, split.page_first)
        assert "Sætning nummer 79 om" in _pdftotext(path, split.page_last)
        assert "Sætning nummer 79 om" not in _pdftotext(path, split.page_first)


def test_row_split_between_wordings_and_repeated_header(tmp_path):
    many = tuple((f"Formulering nummer {i} af målet", "2") for i in range(1, 60))
    rows = (goal_row("a", ("Motionsvejledning", "1")), goal_row("b", *many, remark="Kort."))
    doc = notat(_simple_theme(1, *rows))
    for ruled in (True, False):
        path = render_notat(tmp_path / f"n{ruled}.pdf", doc, ruled=ruled, filler=200)
        parsed = extract(path)
        assert_matches(parsed, doc)
        assert parsed.goal_rows[1].page_first < parsed.goal_rows[1].page_last
        assert "Gennemført" in _pdftotext(path, parsed.goal_rows[1].page_last)  # header repeated


def test_tema_heading_at_the_foot_of_a_page_and_its_table_on_the_next(tmp_path):
    first = _simple_theme(
        1, *(goal_row(f"a{i}", (f"Første temas mål nummer {i}", "1")) for i in range(1, 9))
    )
    second = Theme(
        2,
        "Det sunde liv for børn og unge",
        (
            goal_row("b1", ("Tryghed i trafikken for skolebørn", "2"), status="not_started"),
            goal_row("b2", ("Motion i skoletiden", "1"), remark="Igangsat i 2019."),
        ),
    )
    doc = notat(first, second)
    for ruled in (True, False):
        path = render_notat(
            tmp_path / f"n{ruled}.pdf", doc, ruled=ruled, filler=150,
            table_on_next_page=frozenset({2}),
        )  # fmt: skip
        parsed = extract(path)
        assert_matches(parsed, doc)
        heading_page = next(p for p in (1, 2) if "Tema 2" in _pdftotext(path, p))
        assert "Tryghed i trafikken" not in _pdftotext(path, heading_page)
        assert parsed.goal_rows[-2].theme_title == "Det sunde liv for børn og unge"
        assert parsed.goal_rows[-2].page_first == heading_page + 1


# --------------------------------------------------------------------------- issue 11: every producer


def _three_rows() -> Theme:
    return _simple_theme(
        1,
        goal_row(
            "a",
            ("Kompetenceudvikling af kommunens frontmedarbejdere", "1"),
            ("Kompetenceudvikling i forhold til tidlig opsporing", "2"),
            status="not_started",
            remark="Igangsættes i 4. kvartal 2020.",
        ),
        goal_row("b", ("Motionsvejledning", "1"), ("Indsats vedr. motionsvejledning", "2")),
        goal_row("c", ("Tryghed i trafikken for skolebørn", "2"), remark="Del af driften."),
    )


@pytest.mark.parametrize("ruled", [True, False], ids=["ruled", "borderless"])
def test_header_broken_inside_a_word(tmp_path, ruled):
    """Narrow status columns: the engine breaks the headings inside their words."""
    doc = notat(_three_rows())
    headers = ("Mål", "Gennemfør<br/>t/<br/>igangsat", "Ikke<br/>igangsa<br/>t", "Bemærk<br/>ning")
    parsed = extract(render_notat(tmp_path / "n.pdf", doc, ruled=ruled, headers=headers))
    assert_matches(parsed, doc)


@pytest.mark.parametrize(
    "headers",
    [
        ("Mål", "Gennemført / igangsat", "Ikke-igangsat", "Bemærkninger"),
        ("Mål", "Igangsat/<br/>gennemført", "Ikke-<br/>igangsat", "Bemærkning"),
        ("MÅL", "GENNEMFØRT/<br/>IGANGSAT", "IKKE<br/>IGANGSAT", "BEMÆRKNING"),
        ("Mål", "Gennem-<br/>ført/ igang-<br/>sat", "Ikke igang-<br/>sat", "Bemærk-<br/>ning"),
    ],
    ids=["spaced-slash", "reversed", "capitals", "hyphenated"],
)
def test_header_wordings_offices_write(tmp_path, headers):
    doc = notat(_three_rows())
    parsed = extract(render_notat(tmp_path / "n.pdf", doc, headers=headers))
    assert_matches(parsed, doc)


@pytest.mark.parametrize("glyph", ["×", "✓", "✗", "✔", "x"])
def test_any_single_mark_glyph_counts(tmp_path, glyph):
    doc = notat(_three_rows())
    parsed = extract(render_notat(tmp_path / "n.pdf", doc, mark_glyph=glyph))
    assert_matches(parsed, doc)
    assert not [f for f in parsed.findings if f.code in ("no_mark", "two_marks")]


@pytest.mark.parametrize("ruled", [True, False], ids=["ruled", "borderless"])
def test_compact_table_without_cell_padding(tmp_path, ruled):
    """Zero cell padding: the first row stands right under the header, cells' text touches."""
    doc = notat(_three_rows())
    parsed = extract(render_notat(tmp_path / "n.pdf", doc, ruled=ruled, padding=0))
    assert_matches(parsed, doc)


def test_borderless_wordings_set_apart_like_rows_stay_in_their_row(tmp_path):
    """No rules and no padding: the gap between a row's two wordings is the gap between rows,
    so only the marks and the cells' text can tell where a row starts."""
    doc = notat(_three_rows())
    path = render_notat(tmp_path / "n.pdf", doc, ruled=False, padding=0, paragraph_space=6)
    parsed = extract(path)
    assert_matches(parsed, doc)
    assert [len(r.statements) for r in parsed.goal_rows] == [2, 2, 1]


def test_borderless_row_without_a_mark_is_still_a_row(tmp_path):
    doc = notat(
        _simple_theme(
            1,
            goal_row("a", ("Motionsvejledning", "1"), ("Indsats vedr. motionsvejledning", "2")),
            goal_row("b", ("Walk and talk for sygemeldte", "2"), status="", remark="Afventer."),
            goal_row("c", ("Tryghed i trafikken for skolebørn", "2")),
        )
    )
    parsed = extract(
        render_notat(tmp_path / "n.pdf", doc, ruled=False, padding=0, paragraph_space=6)
    )
    assert_matches(parsed, doc)
    assert [(f.code, f.row_no) for f in parsed.findings] == [("no_mark", 2)]


def test_title_is_the_title_line_not_the_notat_label(tmp_path):
    """The label NOTAT set larger than the title is still not the title."""
    doc = notat(_three_rows())
    parsed = extract(render_notat(tmp_path / "n.pdf", doc, label_size=22))
    assert parsed.title == TITLE


def test_tema_heading_without_a_readable_table_is_an_error_naming_its_page(tmp_path):
    """Tema 2's header says nothing the reader knows: an error finding names Tema 2 and its
    page; Tema 1 is read as usual."""
    doc = notat(_simple_theme(1), _simple_theme(2, title="Det sunde liv for børn og unge"))
    path = render_notat(tmp_path / "n.pdf", doc)
    parsed = extract(path)
    assert parsed.failure == ""
    assert len(parsed.goal_rows) == 2
    unknown = ("Indsats", "Status", "Udført", "Note")
    path = render_notat(tmp_path / "u.pdf", doc, headers=unknown)
    parsed = extract(path)
    assert parsed.goal_rows == []
    codes = {(f.code, f.theme_no, f.severity) for f in parsed.findings}
    assert {
        ("no_table", 1, "error"),
        ("no_table", 2, "error"),
        ("no_goal_table", None, "error"),
    } <= codes
    assert all("side 1" in f.message for f in parsed.findings if f.code == "no_table")
    assert parsed.failure == "no goal table could be read on its page"


def test_goal_table_without_a_tema_heading_is_an_error_naming_its_page(tmp_path):
    doc = notat(_simple_theme(1), _simple_theme(2, title="Det sunde liv for børn og unge"))
    parsed = extract(render_notat(tmp_path / "n.pdf", doc, without_heading=frozenset({2})))
    assert [r.theme_no for r in parsed.goal_rows] == [1]  # Tema 1 read, the orphan table not
    (orphan,) = [f for f in parsed.findings if f.code == "table_without_theme"]
    assert orphan.severity == "error" and "Side 1" in orphan.message


def test_settings_error_names_the_bad_setting():
    with pytest.raises(ValueError, match=r"ReaderSettings\.header_max_lines"):
        ReaderSettings(header_max_lines=0)
    with pytest.raises(SettingsError, match=r"ReaderSettings\.run_gap"):
        ReaderSettings(run_gap="wide")
    with pytest.raises(ValueError, match=r"ReaderSettings\.paragraph_gap"):
        ReaderSettings(paragraph_gap=-1)


def test_words_broken_for_want_of_room_are_joined_again():
    """A word too long for its column, broken inside without a hyphen where the producer marks
    its other line ends with a space, is one word again; a line that begins with a word the
    notat uses elsewhere, or an abbreviation, stays a word of its own."""
    lexicon = frozenset({"fokus", "til"})

    def line(text: str, top: float, fills: bool = False) -> CellLine:
        return CellLine(text, top, top + 10, 10, 1, fills)

    assert _join_lines(
        [line("Motionsvejledni", 0, True), line("ng (bilag 1)", 12)], None, lexicon
    ) == ("Motionsvejledning (bilag 1)")
    assert _join_lines([line("medarbejdernes", 0, True), line("fokus på", 12)], None, lexicon) == (
        "medarbejdernes fokus på"
    )
    assert _join_lines([line("forebyggelse", 0, True), line("jf. §119", 12)], None, lexicon) == (
        "forebyggelse jf. §119"
    )
    assert _join_lines([line("Motionsvejledni", 0, False), line("ng", 12)], None, lexicon) == (
        "Motionsvejledni ng"
    )
    assert (
        _join_lines([line("børn fra 6-", 0), line("13 år", 12)], None, lexicon)
        == "børn fra 6-13 år"
    )


def test_split_wordings_paragraphs_and_tags():
    text = "Uden henvisning\nMed henvisning (bilag\n2) Tredje (Bilag 1)\nForeslås omformuleret til:\nNy tekst"
    wordings, proposed = split_wordings(text)
    assert wordings == [("Uden henvisning", ""), ("Med henvisning", "2"), ("Tredje", "1")]
    assert proposed == "Ny tekst"


# --------------------------------------------------------------------------- fixture notats


_PROBLEM_OF_CODE = {
    "no_mark": "no_mark",
    "two_marks": "two_marks",
    "untagged_wording": "untagged",
    "totals_mismatch": "totals_mismatch",
}


@pytest.fixture(scope="module")
def extracted(status_pdf):
    """Each fixture PDF extracted once per module: (path, parse)."""
    cache: dict[tuple[str, str, str], tuple[Path, StatusParse]] = {}

    def get(producer: str, notat_name: str, variant: str) -> tuple[Path, StatusParse]:
        key = (producer, notat_name, variant)
        if key not in cache:
            path = status_pdf(producer, notat_name, variant)
            cache[key] = (path, extract(path))
        return cache[key]

    return get


_CASES = [(p, v, n) for p, v in PRODUCERS for n in sorted(NOTATS)]


@pytest.mark.parametrize(("producer", "variant", "notat_name"), _CASES)
def test_fixture_notat_matches_expected_tables(extracted, producer, variant, notat_name):
    _, parsed = extracted(producer, notat_name, variant)
    split: list[str] = []  # words a narrow column broke inside, read as two (compare.py)
    errors = field_errors(
        title=parsed.title, date=parsed.date, goal_rows=parsed.goal_rows,
        theme_totals=parsed.theme_totals, doc_id="doc", notat=NOTATS[notat_name],
        split_words=split,
    )  # fmt: skip
    assert not errors, errors[:10]
    assert len(split) <= MAX_SPLIT_WORDS, split


@pytest.mark.parametrize(("producer", "variant", "notat_name"), _CASES)
def test_fixture_notat_soft_problems_are_findings(extracted, producer, variant, notat_name):
    _, parsed = extracted(producer, notat_name, variant)
    found = sorted(
        {(f.theme_no, f.row_no, _PROBLEM_OF_CODE[f.code]) for f in parsed.findings},
        key=repr,
    )
    assert found == sorted(set(expected_soft_problems(NOTATS[notat_name])), key=repr)
    for f in parsed.findings:
        assert f"Tema {f.theme_no}" in f.message and "side " in f.message
        if f.row_no is not None:
            assert f"række {f.row_no}" in f.message


def _tokens(text: str) -> set[str]:
    return {t.strip(".,:;()”’") for t in text.split()}


@pytest.mark.parametrize(("producer", "variant", "notat_name"), _CASES)
def test_fixture_notat_pages_of_rows(extracted, producer, variant, notat_name):
    """page_first/page_last checked against pdftotext: a row's first word stands on its first
    page and its last words on its last page."""
    path, parsed = extracted(producer, notat_name, variant)
    pages = {n: _tokens(_pdftotext(path, n)) for n in range(1, parsed.pages + 1)}
    for row in parsed.goal_rows:
        split_row = row.page_first < row.page_last
        first = row.statements[0].text.split()[0].strip(".,:;()”’")
        # A row may start with nothing but its X at the foot of a page (WeasyPrint does this).
        starts = pages[row.page_first] | (pages[row.page_first + 1] if split_row else set())
        assert first in starts, (row.theme_no, row.row_no)
        ends = [row.statements[-1].text, row.remark, row.proposed_text]
        last_words = [t.split()[-1].strip(".,:;()”’") for t in ends if t]
        if row.statements[-1].bilag:
            last_words.append("bilag")  # the tag "(bilag N)" may stand alone on the next page
        assert any(w in pages[row.page_last] for w in last_words), (
            row.theme_no,
            row.row_no,
            row.page_last,
            last_words,
        )


def test_the_settings_reach_every_step(tmp_path):
    """``extract_pdf(settings=...)`` is the one door the reader's tolerances come in by: a change
    in any step's group changes what that step reads, and only that."""
    from pipeline.extract import extract_pdf
    from pipeline.extract.settings import SenderSettings, TitleSettings

    path = render_notat(tmp_path / "n.pdf", notat(_simple_theme(1)))
    plain = extract_pdf(path)
    assert plain.document.kind == "status" and plain.document.title == TITLE
    assert plain.document.sender_centre and plain.goal_rows

    no_title = extract_pdf(path, settings=ReaderSettings(title=TitleSettings(min_chars=500)))
    assert no_title.document.title == "" and no_title.goal_rows == plain.goal_rows

    no_sender = extract_pdf(path, settings=ReaderSettings(sender=SenderSettings(block_gap=0.01)))
    assert not no_sender.document.sender_centre
    assert no_sender.document.title == plain.document.title

    # A header row of at most one word: no goal table's header is found, and the notat fails
    # loudly rather than reading rows without columns.
    headless = extract_pdf(path, settings=ReaderSettings(header_max_words=1))
    assert not headless.goal_rows and headless.failure


# The header of Tema 2 as a 1-bit scan's OCR read it (the held-out scan of issue 26): "Mål" came
# back "Nål", and the whole theme was lost (no_table) until the status headings beside it were
# let to say that it is the goal heading.
_OCR_HEADER = [
    ("Nål", 71.5, 470.9), ("Gennemført/", 259.8, 471.0), ("Ikke", 334.0, 470.9),
    ("Bemærkning", 384.8, 470.9), ("igangsat", 260.1, 484.3), ("igangsat", 333.7, 484.4),
]  # fmt: skip


def _header_lines(first: str) -> list:
    from pipeline.extract.layout import group_lines
    from pipeline.extract.primitives import Word

    words = [(first, *_OCR_HEADER[0][1:]), *_OCR_HEADER[1:]]
    return group_lines(
        Word(t, x, x + 6.0 * len(t), top, top + 9.8, 9.8, True) for t, x, top in words
    )


@pytest.mark.parametrize("first", ["Mål", "Nål", "MåI", "Mal"])
def test_a_goal_heading_ocr_read_one_letter_off_still_makes_the_header(first):
    from pipeline.extract.header import find_headers

    (header,) = find_headers(_header_lines(first), 4, ReaderSettings())
    assert [c.key for c in header.cells] == ["goal", "started", "not_started", "remark"]
    assert header.cells[0].x0 == pytest.approx(71.5)


@pytest.mark.parametrize("first", ["Tema", "Nålen", "Status", "I alt"])
def test_a_word_further_off_the_goal_heading_makes_no_header(first):
    """Only a word one letter from the goal heading is taken for it: another word before the
    status headings (a sentence that names them) is no table's header."""
    from pipeline.extract.header import find_headers

    assert find_headers(_header_lines(first), 4, ReaderSettings()) == []
