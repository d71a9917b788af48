"""The Word report's line and page rules, as the PDF writer applies them (pipeline/write/linebreak,
pdf_report): one named test per rule where the two writers used to part ways. That the two files
then break their pages alike is checked on the council reports themselves, through LibreOffice
(test_reports.py::test_word_report_converts_with_libreoffice)."""

from __future__ import annotations

import ctypes
import ctypes.util
import datetime as dt
import itertools
import re
from pathlib import Path

import pdfplumber
import pyphen
import pytest

from pipeline.write import layout as L
from pipeline.write.layout import (
    CELL_SPACE_AFTER,
    RULE_PT,
    SIZES,
    SPACE_AFTER,
    line_height,
    word_pt,
)
from pipeline.write.linebreak import Hyphenation, LineRules, break_lines, danish_hyphen_points
from pipeline.write.pdf_report import _rules, _styles, write_pdf
from tests.fixtures.status_2020 import STATUS_2020
from tests.fixtures.status_2021 import STATUS_2021

MADE_ON = dt.date(2021, 6, 3)
CHARS = LineRules(measure=len)  # one point a character: the arithmetic can be read off the text


def _lines(text: str, width: float, rules: LineRules = CHARS) -> list[str]:
    return [
        line + ("-" if hyphenated else "") for line, hyphenated in break_lines(text, width, rules)
    ]


# --------------------------------------------------------------------------- hyphenation points


def test_danish_points_are_libreoffices_reading_of_the_patterns_not_liangs():
    """LibreOffice's libhyphen takes at each position the values of the longest pattern prefix it
    is in, where Liang's algorithm (pyphen) unites every matching pattern: "sy-stema-tisk", not
    "sy-ste-ma-tisk"; "tema" not at all, though "1ma" makes "kli-ma"."""
    assert danish_hyphen_points("systematisk") == [2, 7]
    assert pyphen.Pyphen(lang="da_DK").positions("systematisk") == [2, 5, 7]
    assert danish_hyphen_points("vurdering") == [3]
    assert danish_hyphen_points("tema") == []
    assert danish_hyphen_points("klima") == [3]
    assert danish_hyphen_points("Erfaringsudveksling") == [2, 4, 9, 15]


def _fixture_words() -> set[str]:
    texts = []
    for notat in (STATUS_2020, STATUS_2021):
        texts += [str(v) for v in vars(notat).values()]
    return {w for t in texts for w in re.findall(r"[^\W\d_]{4,}", t)}


@pytest.mark.skipif(not ctypes.util.find_library("hyphen"), reason="no libhyphen on this machine")
def test_danish_points_equal_libhyphens_on_every_word_of_the_notats():
    lib = ctypes.CDLL(ctypes.util.find_library("hyphen"))
    lib.hnj_hyphen_load.restype = ctypes.c_void_p
    lib.hnj_hyphen_load.argtypes = [ctypes.c_char_p]
    lib.hnj_hyphen_hyphenate2.argtypes = (
        [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
        + [ctypes.c_char_p] * 2
        + [ctypes.c_void_p] * 3
    )
    dic = lib.hnj_hyphen_load(str(pyphen.LANGUAGES["da_DK"]).encode())
    words = [
        w
        for w in _fixture_words()
        if w.lower().encode("latin-1", "ignore").decode("latin-1") == w.lower()
    ]
    assert len(words) > 300
    for word in words:
        encoded = word.lower().encode("latin-1")
        hyphens = ctypes.create_string_buffer(len(encoded) + 5)
        out = ctypes.create_string_buffer(len(encoded) * 3 + 10)
        nul = ctypes.c_void_p()
        lib.hnj_hyphen_hyphenate2(dic, encoded, len(encoded), hyphens, out, ctypes.byref(nul),
                                  ctypes.byref(nul), ctypes.byref(nul))  # fmt: skip
        points = [i + 1 for i, v in enumerate(hyphens.raw[: len(encoded)]) if v & 1]
        expected = [n for n in points if 2 <= n <= len(word) - 2]
        assert danish_hyphen_points(word) == expected, word


# --------------------------------------------------------------------------- line breaking


def test_a_word_is_hyphenated_only_outside_the_hyphenation_zone():
    """Word's hyphenation zone: the word that does not fit is hyphenated only if the line
    without it would end farther than the zone from the margin (its last space counted)."""
    text = "abcdefghijklm systematisk"  # "abcdefghijklm " is 14 points
    assert _lines(text, 20, LineRules(len, Hyphenation(zone=6))) == [
        "abcdefghijklm sy-",
        "stematisk",
    ]
    assert _lines(text, 20, LineRules(len, Hyphenation(zone=7))) == [
        "abcdefghijklm",
        "systematisk",
    ]


def test_a_word_is_hyphenated_at_its_last_point_that_fits_with_the_hyphen():
    rules = LineRules(len, Hyphenation(zone=0))
    assert _lines("ab systematisk", 11, rules) == ["ab systema-", "tisk"]
    assert _lines("ab systematisk", 10, rules) == ["ab sy-", "stematisk"]
    # punctuation stays outside the word: '”Strategier,' is hyphenated as 'Strategier'
    assert _lines("ab ”Strategier, cd", 10, rules) == ["ab ”Stra-", "tegier, cd"]
    # a word of four letters is not hyphenated (the minimum is five)
    assert _lines("abcdef huse", 9, rules) == ["abcdef", "huse"]


def test_a_line_breaks_after_a_hyphen_inside_a_word_never_at_a_no_break_space():
    assert _lines("genåbning efter covid-19 slut", 22) == ["genåbning efter covid-", "19 slut"]
    assert _lines("fra 2017-2021 i", 9) == ["fra 2017-", "2021 i"]
    kept = "børn fra 6\u00a0-\u00a013\u00a0år"
    assert _lines(kept, 12) == ["børn fra", "6\u00a0-\u00a013\u00a0år"]


def test_a_word_longer_than_the_line_is_cut_where_the_line_is_full():
    assert _lines("ab afstemning_2023-06-01.xlsx", 10) == [
        "ab",
        "afstemning",  # cut: ten characters fill the line
        "_2023-06-",  # then the breaks after its hyphens
        "01.xlsx",
    ]


def test_spaces_hang_at_the_line_end_and_are_never_squeezed():
    assert _lines("abc  def", 3) == ["abc", "def"]
    assert _lines("abc def", 6) == ["abc", "def"]  # 7 points do not fit in 6


# --------------------------------------------------------------------------- the PDF's pages


def _rules_y(pdf: Path, page: int = 0) -> list[float]:
    with pdfplumber.open(pdf) as doc:
        edges = doc.pages[page].edges
        return sorted({round(e["top"], 2) for e in edges if abs(e["top"] - e["bottom"]) < 0.1})


def test_a_pdf_table_row_is_as_high_as_a_word_row(tmp_path):
    """Word makes a row as high as its rule, its lines and the space after every paragraph in it,
    the last one's too (reportlab leaves that one out of a cell: the PDF pads for it); the table's
    bottom rule takes room below its last row."""
    long = " ".join(["kommunalbestyrelsen"] * 12)
    rows = (
        L.Row((L._cell("linje"), L._cell("x"))),
        L.Row((L._cell("linje", "linje"), L._cell("x"))),
        L.Row((L._cell(long), L._cell("x"))),
    )
    table = L.Table(L._header("A", "B"), (8.0, 2.0), rows)
    pdf = write_pdf(L.Layout("t", "s", (table,)), tmp_path / "rows.pdf", MADE_ON)
    ys = _rules_y(pdf)
    heights = [b - a for a, b in itertools.pairwise(ys)]
    line, after = line_height(SIZES["cell"]), CELL_SPACE_AFTER
    text_width = word_pt(8.0) - 2 * word_pt(L.CELL_PADDING_CM)
    wrapped = len(break_lines(long, text_width, _rules(_styles()["cell"])))
    assert wrapped > 2
    assert heights == pytest.approx(
        [
            line + after + RULE_PT,  # the header
            line + after + RULE_PT,
            2 * (line + after) + RULE_PT,
            wrapped * line + after + RULE_PT + RULE_PT,  # and the bottom rule
        ],
        abs=0.02,
    )


def _baselines(pdf: Path, size: float) -> list[float]:
    """The baselines (from the page's top) of the first page's lines of type ``size``."""
    with pdfplumber.open(pdf) as doc:
        page = doc.pages[0]
        return sorted(
            {round(page.height - c["matrix"][5], 2) for c in page.chars if c["size"] == size}
        )


def test_the_space_between_paragraphs_is_the_larger_of_the_two_as_in_word(tmp_path):
    """Word sets the larger of a paragraph's space after and the next one's space before between
    them, not their sum; a heading kept with what follows it must not change that."""
    blocks = (L.Para("Brødtekst før."), L.Heading("Overskrift", 1, "o"), L.Para("Brødtekst."))
    pdf = write_pdf(L.Layout("t", "s", blocks), tmp_path / "gap.pdf", MADE_ON)
    body, h1 = SIZES["body"], SIZES["h1"]
    (heading,) = _baselines(pdf, h1)
    first = _baselines(pdf, body)[0]
    # from the body line's baseline: the rest of its line, the gap, the heading's type above
    # its baseline (reportlab sets a first baseline one type size below the line's top)
    gap = heading - first - (line_height(body) - body) - h1
    assert gap == pytest.approx(max(SPACE_AFTER, 12.0), abs=0.01)


def test_a_paragraph_broken_across_pages_keeps_the_lines_it_was_broken_into(tmp_path):
    words = " ".join(f"ord{i} kommunalbestyrelsen" for i in range(400))
    filler = tuple(L.Para("Linje") for _ in range(30))
    pdf = write_pdf(L.Layout("t", "s", (*filler, L.Para(words))), tmp_path / "long.pdf", MADE_ON)
    frame = word_pt(21.0) - 2 * word_pt(L.MARGIN_CM)
    expected = _lines(words, frame, _rules(_styles()["body"]))
    with pdfplumber.open(pdf) as doc:
        pages = len(doc.pages)
        printed = [
            line.replace("\u00ad", "-")
            for page in doc.pages
            for line in (page.extract_text() or "").splitlines()
            if "ord" in line
        ]
    assert pages >= 3
    assert printed == expected


def test_a_table_running_onto_the_next_page_leaves_room_for_its_bottom_rule(tmp_path):
    """Word closes a table's part on a page with its bottom rule, and keeps room for it: a row
    that fits only without that rule goes to the next page."""
    body = line_height(SIZES["body"]) + SPACE_AFTER
    row = line_height(SIZES["cell"]) + CELL_SPACE_AFTER + RULE_PT
    frame = word_pt(29.7) - 2 * word_pt(L.MARGIN_CM)
    # paragraphs enough that the rows would fill the rest to within less than a rule
    lead = next(m for m in range(1, 40) if (frame - m * body) % row < RULE_PT)
    room = frame - lead * body
    assert int(room // row) > int((room - RULE_PT) // row)  # the rule costs a row here
    rows = tuple(L.Row((L._cell(f"række{i}"),)) for i in range(60))
    blocks = (*(L.Para(f"Linje {i}") for i in range(lead)), L.Table(L._header("H"), (5.0,), rows))
    pdf = write_pdf(L.Layout("t", "s", blocks), tmp_path / "split.pdf", MADE_ON)
    with pdfplumber.open(pdf) as doc:
        first_page = [
            w["text"] for w in doc.pages[0].extract_words() if w["text"].startswith("række")
        ]
    fitting = int((room - RULE_PT) // row) - 1  # less the header row
    assert first_page[-1] == f"række{fitting - 1}"
