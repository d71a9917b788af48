"""The status notat producers render what the data says, laid out like the municipality's notat.

Each test reads a rendered PDF back with poppler's ``pdftotext`` (or pdfplumber for positions)
and checks one hard property of the layout: every wording and *Tema* heading is printed, every
page ends with *Side X af Y*, a table row really breaks over a page, a bilag tag breaks over two
lines, the date stands right of the first table, and renders are cached.
"""

from __future__ import annotations

import itertools
import re
import subprocess
from pathlib import Path

import pdfplumber
import pytest

from tests.fixtures import render
from tests.fixtures.notat_data import StatusNotat
from tests.fixtures.printed import text_problems
from tests.fixtures.producers import goal_paragraphs
from tests.fixtures.render import NOTATS, PRODUCERS, fixture_pdf, notat_by_name

NOTAT_NAMES = tuple(NOTATS)
CASES = [
    pytest.param(producer, variant, name, id=f"{producer}-{variant}-{name}")
    for producer, variant in PRODUCERS
    for name in NOTAT_NAMES
]
RULED_CASES = [case for case in CASES if case.values[1] == "ruled"]


def _pdftotext(path: Path, *args: str) -> str:
    return subprocess.run(
        ["pdftotext", *args, str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def _squeeze(text: str) -> str:
    """Text without any whitespace, so line breaks inside a phrase do not matter."""
    return re.sub(r"\s+", "", text)


def _pages(path: Path) -> list[str]:
    """Each page's text in content-stream order, whitespace removed."""
    return [_squeeze(page) for page in _pdftotext(path, "-raw").split("\f")[:-1]]


def _head(text: str, words: int = 5) -> str:
    return _squeeze(" ".join(text.split()[:words]))


def _tail(text: str, words: int = 6) -> str:
    return _squeeze(" ".join(text.split()[-words:]))


def _row_page_spans(notat: StatusNotat, pages: list[str]) -> list[tuple[str, int, int]]:
    """(row label, first page, last page) of every row found, searching pages in order."""
    spans = []
    cursor = 0
    for theme in notat.themes:
        for row_no, row in enumerate(theme.rows, start=1):
            pieces = goal_paragraphs(row) + ([row.remark] if row.remark else [])
            start_phrase, end_phrase = _head(pieces[0]), _tail(pieces[-1])
            start = next((i for i in range(cursor, len(pages)) if start_phrase in pages[i]), None)
            if start is None:
                continue
            end = next((i for i in range(start, len(pages)) if end_phrase in pages[i]), start)
            spans.append((f"Tema {theme.no} række {row_no}", start + 1, end + 1))
            cursor = start
    return spans


@pytest.mark.parametrize(("producer", "variant", "notat_name"), CASES)
def test_every_wording_and_theme_heading_is_printed(status_pdf, producer, variant, notat_name):
    problems = text_problems(notat_by_name(notat_name), status_pdf(producer, notat_name, variant))
    assert not problems, problems[:5]


@pytest.mark.parametrize(("producer", "variant", "notat_name"), CASES)
def test_every_page_has_side_x_af_y_footer(status_pdf, producer, variant, notat_name):
    pages = _pdftotext(status_pdf(producer, notat_name, variant)).split("\f")[:-1]
    total = len(pages)
    assert total > 1
    for no, page in enumerate(pages, start=1):
        assert f"Side {no} af {total}" in page, f"page {no} lacks its footer"


@pytest.mark.parametrize(("producer", "variant", "notat_name"), RULED_CASES)
def test_a_table_row_breaks_across_a_page(status_pdf, producer, variant, notat_name):
    notat = notat_by_name(notat_name)
    spans = _row_page_spans(notat, _pages(status_pdf(producer, notat_name, variant)))
    rows = sum(len(t.rows) for t in notat.themes)
    assert len(spans) > rows * 0.9, "rows could not be located in the text"
    split = [label for label, first, last in spans if last == first + 1]
    assert split, "no row starts on one page and ends on the next"


def test_a_bilag_tag_breaks_over_two_lines():
    lines = _pdftotext(fixture_pdf("reportlab", "status_2020")).splitlines()
    broken = [
        (a, b)
        for a, b in itertools.pairwise(lines)
        if a.rstrip().endswith(("(bilag", "(Bilag")) and re.match(r"\s*[12]\)", b)
    ]
    assert broken, "no '(bilag' at a line end followed by 'N)' on the next line"


@pytest.mark.parametrize(("producer", "variant", "notat_name"), CASES)
def test_date_and_contact_block_stand_right_of_the_first_table(
    status_pdf, producer, variant, notat_name
):
    with pdfplumber.open(status_pdf(producer, notat_name, variant)) as pdf:
        words = pdf.pages[0].extract_words()
    dato = next(w for w in words if w["text"] == "Dato:")
    contact = next(w for w in words if w["text"] == "Kontaktoplysninger")
    header = next(w for w in words if w["text"] == "Bemærkning")
    assert dato["x0"] > header["x1"], "Dato: is not to the right of the first table"
    assert contact["x0"] > header["x1"]
    # At the height of the table's first rows, not at the top or bottom of the page.
    assert header["top"] - 40 <= dato["top"] <= header["top"] + 120


@pytest.mark.parametrize(("producer", "variant"), [pv for pv in PRODUCERS if pv[1] == "borderless"])
def test_borderless_variant_draws_no_lines(status_pdf, producer, variant):
    with pdfplumber.open(status_pdf(producer, "status_2020", variant)) as pdf:
        page = pdf.pages[1]
        assert not page.lines and not page.rects
    with pdfplumber.open(status_pdf(producer, "status_2020", "ruled")) as pdf:
        page = pdf.pages[1]
        assert page.lines or page.rects, "the ruled variant should draw lines"


@pytest.mark.parametrize(("producer", "variant"), PRODUCERS)
def test_second_request_reuses_the_cached_render(status_pdf, monkeypatch, producer, variant):
    first = status_pdf(producer, "status_2020", variant)
    module = render.producer_module(producer)

    def no_render(*_args, **_kwargs):
        raise AssertionError("rendered again although a cached PDF exists")

    monkeypatch.setattr(module, "render", no_render)
    again = fixture_pdf(producer, "status_2020", variant)
    assert again == first and again.stat().st_size > 10_000


def test_big_notat_has_about_the_requested_pages():
    path = fixture_pdf("reportlab", "big_35")
    with pdfplumber.open(path) as pdf:
        pages = len(pdf.pages)
    assert 30 <= pages <= 42
    themes = notat_by_name("big_35").themes
    assert [t.no for t in themes] == list(range(1, len(themes) + 1))
