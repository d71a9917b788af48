"""The habit producers themselves, checked without the reader: every ``NAMED_HABITS`` rendering
prints the whole notat, and the content-stream producer's renderings really have the property
each of its habits names (read from the PDF's objects with pikepdf, not from its text).

The renderings are the layout matrix's (``tests.fixtures.render.layout_pdf``, cached in
``.cache/fixtures``); the reader's tests read the same files.
"""

from __future__ import annotations

import re
import subprocess
from decimal import Decimal
from itertools import pairwise

import pikepdf
import pytest

from tests.fixtures.layouts import NAMED_HABITS, Layout
from tests.fixtures.printed import text_problems
from tests.fixtures.producers.habits import WATERMARK_TEXT
from tests.fixtures.producers.status_stream import BASE14_LIGATURES, T1_LIGATURES, T1_TEXT
from tests.fixtures.render import layout_pdf, missing_program, notat_by_name, producer_module

pytestmark = pytest.mark.slow

L = Layout


def _id(layout: Layout) -> str:
    return layout.name


def _named(**axes) -> Layout:
    """The one NAMED_HABITS layout of the stream producer with these axes."""
    found = [
        layout
        for layout in NAMED_HABITS
        if layout.producer == "stream" and all(getattr(layout, k) == v for k, v in axes.items())
    ]
    assert found, f"no named stream layout with {axes}"
    return found[0]


def _operations(page: pikepdf.Page) -> list[tuple[list, str]]:
    return [(list(ops), str(op)) for ops, op in pikepdf.parse_content_stream(page)]


def _text_objects(page: pikepdf.Page) -> list[list[tuple[list, str]]]:
    """The page's text objects (``BT`` … ``ET``), each as its operations."""
    objects, current = [], None
    for operands, operator in _operations(page):
        if operator == "BT":
            current = []
        elif operator == "ET":
            objects.append(current)
            current = None
        elif current is not None:
            current.append((operands, operator))
    return objects


def _fonts(pdf: pikepdf.Pdf) -> dict[str, pikepdf.Dictionary]:
    fonts = {}
    for page in pdf.pages:
        for name, font in page.obj.Resources.Font.items():
            fonts[name] = font
    return fonts


@pytest.mark.parametrize("layout", NAMED_HABITS, ids=_id)
def test_named_habit_layout_prints_the_whole_notat(layout):
    """Every heading, wording and footer is in the rendering's text (pdftotext); Type3 glyphs
    named by T1 codes are read back through the T1 table (pdftotext reads /a28 as U+001C)."""
    missing = missing_program(layout.producer)
    if missing:
        pytest.skip(f"the {layout.producer} producer needs {missing} on PATH (.ci/run installs it)")
    glyph_names = T1_TEXT if layout.font_kind == "type3" else None
    notat = notat_by_name(layout.notat)
    problems = text_problems(notat, layout_pdf(layout), layout=layout, glyph_names=glyph_names)
    assert not problems, problems[:5]


@pytest.mark.parametrize(
    "layout", [x for x in NAMED_HABITS if x.intro == "long" and x.producer != "docx"], ids=_id
)
def test_long_intro_puts_the_first_goal_table_after_page_3(layout):
    pages = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(layout_pdf(layout)), "-"],
        capture_output=True, text=True, check=True,
    ).stdout.split("\f")  # fmt: skip
    first = next(no for no, text in enumerate(pages, start=1) if "Tema 1:" in text)
    assert first > 3, f"Tema 1 stands on page {first}"


def test_shuffled_glyphs_are_drawn_one_by_one_out_of_reading_order():
    """Every text object draws one glyph at its own ``Tm``, and the page's glyphs follow each
    other in no reading order: about as often up the page as down it."""
    layout = _named(glyph_order="shuffled", font_kind="embedded")
    with pikepdf.open(layout_pdf(layout)) as pdf:
        objects = _text_objects(pdf.pages[0])
        assert len(objects) > 500
        positions = []
        for operations in objects:
            shows = [ops for ops, op in operations if op in ("Tj", "TJ")]
            assert len(shows) == 1 and len(bytes(shows[0][0])) == 2, operations
            (matrix,) = [ops for ops, op in operations if op == "Tm"]
            positions.append((float(matrix[4]), float(matrix[5])))
    ups = sum(b[1] > a[1] + 1 for a, b in pairwise(positions))
    downs = sum(b[1] < a[1] - 1 for a, b in pairwise(positions))
    assert min(ups, downs) > 0.3 * len(positions), (ups, downs)


def test_stream_order_draws_each_line_in_reading_order():
    """The contrast: without the habit a text object draws a run of glyphs, down the page."""
    layout = _named(glyph_order="stream", font_kind="type3")
    with pikepdf.open(layout_pdf(layout)) as pdf:
        objects = _text_objects(pdf.pages[0])
    tops = [float(next(ops for ops, op in o if op == "Tm")[5]) for o in objects]
    ups = sum(b > a + 1 for a, b in pairwise(tops))
    assert ups < 0.25 * len(tops)  # up only to the next cell of a row, or the footer
    glyphs = [
        sum(len(bytes(x)) for x in ops[0] if isinstance(x, pikepdf.String))
        for o in objects
        for ops, op in o
        if op == "TJ"
    ]
    assert sum(glyphs) > 5 * len(objects)


@pytest.mark.parametrize(
    "layout", [x for x in NAMED_HABITS if x.font_kind == "type3"], ids=_id
)  # fmt: skip
def test_type3_fonts_name_their_glyphs_by_t1_code_and_carry_no_unicode_map(layout):
    with pikepdf.open(layout_pdf(layout)) as pdf:
        fonts = _fonts(pdf)
        assert fonts and all(font.Subtype == "/Type3" for font in fonts.values())
        names: set[str] = set()
        for font in fonts.values():
            assert "/ToUnicode" not in font
            differences = list(font.Encoding.Differences)
            codes = [int(x) for x in differences if isinstance(x, int)]
            glyphs = [str(x) for x in differences if isinstance(x, pikepdf.Name)]
            assert glyphs == [f"/a{code}" for code in codes]
            assert set(font.CharProcs.keys()) == set(glyphs)
            for glyph in glyphs:  # every glyph a filled outline
                proc = font.CharProcs[glyph].read_bytes().decode()
                assert " d1\n" in proc
                assert re.search(r" [cl]\n", proc) and proc.rstrip().endswith("f"), glyph
            names |= set(glyphs)
    assert {"/a65", "/a248", "/a229"} <= names  # A, ø, å at their T1 codes
    assert names & {f"/a{code}" for code in T1_LIGATURES.values()}  # TeX's ligatures


def test_base14_helvetica_is_not_embedded_and_gives_its_ligatures_zero_width():
    layout = _named(font_kind="base14", glyph_order="stream")
    with pikepdf.open(layout_pdf(layout)) as pdf:
        fonts = _fonts(pdf)
        text = {str(f.BaseFont): f for f in fonts.values()}
        assert {"/Helvetica", "/Helvetica-Bold"} <= set(text)
        for name in ("/Helvetica", "/Helvetica-Bold"):
            font = text[name]
            assert font.Subtype == "/Type1" and "/FontDescriptor" not in font
            assert font.Encoding.BaseEncoding == "/WinAnsiEncoding"
            differences = list(font.Encoding.Differences)
            for ligature, code in BASE14_LIGATURES.items():
                at = differences.index(code)
                assert str(differences[at + 1]) == f"/{ligature}"
                assert int(font.Widths[code - int(font.FirstChar)]) == 0
            assert int(font.Widths[ord("f") - int(font.FirstChar)]) > 0
        shown = [
            bytes(x)
            for page in pdf.pages
            for ops, op in _operations(page)
            if op in ("Tj", "TJ")
            for x in (ops[0] if op == "TJ" else ops)
            if isinstance(x, pikepdf.String)
        ]
    for ligature, code in BASE14_LIGATURES.items():
        assert any(bytes([code]) in s for s in shown)
        assert not any(ligature.encode() in s for s in shown)  # always drawn as the ligature


def test_base14_text_is_placed_where_the_ligatures_true_widths_put_it():
    """The glyph after a zero-width ligature is moved on by the ligature's real width (a TJ
    number), so the page looks right though the font's widths are wrong."""
    layout = _named(font_kind="base14", glyph_order="stream")
    with pikepdf.open(layout_pdf(layout)) as pdf:
        arrays = [list(ops[0]) for page in pdf.pages for ops, op in _operations(page) if op == "TJ"]
    code = bytes([BASE14_LIGATURES["fi"]])
    moved = [
        array[i + 1]
        for array in arrays
        for i, part in enumerate(array[:-1])
        if isinstance(part, pikepdf.String) and bytes(part).endswith(code)
    ]
    assert moved and all(isinstance(m, Decimal | int) and float(m) < -400 for m in moved)


@pytest.mark.parametrize(
    "layout", [x for x in NAMED_HABITS if x.producer == "stream" and x.watermark == "draft"],
    ids=_id,
)  # fmt: skip
def test_watermark_is_filled_letter_outlines_turned_behind_the_text(layout):
    """Every page starts with a light grey fill of curves and lines under a 45° turn, before
    any text object: "UDKAST" as letter outlines, not text."""
    with pikepdf.open(layout_pdf(layout)) as pdf:
        for page in pdf.pages:
            operations = _operations(page)
            first_text = next(i for i, (_, op) in enumerate(operations) if op == "BT")
            before = operations[:first_text]
            fill = next(i for i, (_, op) in enumerate(before) if op == "f")
            grey = next(float(ops[0]) for ops, op in before[:fill] if op == "g")
            turns = [[float(v) for v in ops] for ops, op in before[:fill] if op == "cm"]
            curves = sum(op in ("c", "l") for _, op in before[:fill])
            assert 0.7 < grey < 1.0
            assert any(abs(t[0] - 0.7071) < 1e-3 and abs(t[1] - 0.7071) < 1e-3 for t in turns)
            assert curves > 10 * len(WATERMARK_TEXT)
            assert not any(op in ("Tj", "TJ") for _, op in before)


def test_stream_renderings_are_deterministic(tmp_path):
    """The same layout rendered twice prints the same text (the shuffle has its own seed)."""
    layout = _named(glyph_order="shuffled", font_kind="embedded")
    module = producer_module("stream")
    texts = []
    for name in ("one.pdf", "two.pdf"):
        pdf = module.render(notat_by_name(layout.notat), tmp_path / name, layout)
        with pikepdf.open(pdf) as opened:
            texts.append(opened.pages[0].obj.Contents.read_bytes())
    assert texts[0] == texts[1]
