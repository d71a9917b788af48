"""Word's everyday habits, one named test each (issue: a notat written in Word is read, whatever
Word habits it carries, and never called "not a notat").

Each habit is an axis of the layout matrix (``tests.fixtures.layouts.HABIT_AXES``); the
renderings here are the python-docx + LibreOffice ones of ``NAMED_HABITS`` (and our own report
and form), each read as ``report`` reads it and compared field by field, plus a check of the
habit itself in the PDF, so a test cannot pass on a rendering that lost its habit.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.extract import extract_pdf
from pipeline.extract.pdf import read_pages
from pipeline.hashing import sha256_of
from pipeline.ingest import ingest_file
from tests.fixtures.layouts import NAMED_HABITS, Layout
from tests.fixtures.render import layout_pdf, missing_program
from tests.test_layout_matrix import assert_read

needs_soffice = pytest.mark.skipif(
    missing_program("docx") is not None, reason="the docx producer needs LibreOffice (soffice)"
)


def _named(producer: str, **habits) -> Layout:
    """The named habit layout of ``producer`` whose habits are exactly ``habits`` (others at
    their defaults) among those it sets."""
    for layout in NAMED_HABITS:
        if layout.producer == producer and all(getattr(layout, k) == v for k, v in habits.items()):
            return layout
    raise LookupError(f"no named {producer} layout with {habits}")


def _text(path: Path, page: int) -> str:
    return subprocess.run(
        ["pdftotext", "-f", str(page), "-l", str(page), "-layout", str(path), "-"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip


@needs_soffice
def test_header_typed_as_two_spaced_paragraphs_is_read():
    """The user's own habit: "Gennemført/" ¶ "igangsat", each with Word's 10 pt after, on a
    notat with Word's spacing on every paragraph (it was skipped as "not a notat")."""
    layout = _named("docx", header_paragraphs=True, space_after="word")
    lines = [ln for ln in _text(layout_pdf(layout), 1).splitlines() if ln.strip()]
    header = next(i for i, ln in enumerate(lines) if "Gennemført/" in ln)
    assert "igangsat" in lines[header + 1] and "Gennemført" not in lines[header + 1]
    assert_read(layout)


@needs_soffice
def test_word_spacing_on_every_paragraph_is_read():
    assert_read(_named("docx", space_after="word", header_paragraphs=False))


@needs_soffice
def test_a_numbering_column_is_read_into_goal_no_never_into_the_wording():
    layout = _named("docx", numbering="column")
    assert "1.1" in _text(layout_pdf(layout), 1) or "1.1" in _text(layout_pdf(layout), 2)
    assert_read(layout)  # compares goal_no ("1.1", …) and every wording without it
    doc = extract_pdf(layout_pdf(layout))
    assert [r.goal_no for r in doc.goal_rows[:3]] == ["1.1", "1.2", "1.3"]


@needs_soffice
def test_goal_tables_after_page_three_make_a_status_notat():
    """A long introduction: the kind is decided from the whole document."""
    layout = _named("docx", intro="long")
    path = layout_pdf(layout)
    first_tema = next(p.number for p in read_pages(path) if "Tema 1:" in p.text)
    assert first_tema > 3, "fixture: the first goal table must come after page 3"
    assert_read(layout)


@needs_soffice
def test_a_running_page_header_is_no_rows_and_gives_the_date():
    """A logo, the unit, the title and the date on every page; no "Dato:" line anywhere."""
    layout = _named("docx", page_header="running", contact="none")
    path = layout_pdf(layout)
    assert "Dato:" not in "".join(p.text for p in read_pages(path))
    assert_read(layout)  # the date comes from the running header; no row or remark gains text
    doc = extract_pdf(path)
    said = [f for f in doc.findings if f.code == "set_aside"]
    assert said and "Ringsted Kommune" in said[0].message


@needs_soffice
def test_a_notat_inside_a_layout_table_with_a_sidebar():
    """The contact block in a narrow left column beside the body: its lines level with the
    title, the intro or Tema 1 belong to neither."""
    assert_read(_named("docx", frame="sidebar", header_paragraphs=False))


@needs_soffice
def test_a_watermarks_letter_outlines_are_no_rules():
    layout = _named("docx", watermark="draft", numbering="none")
    pages = list(read_pages(layout_pdf(layout)))
    assert all(p.ignored_shapes > 0 for p in pages), "fixture: UDKAST drawn on every page"
    assert_read(layout)
    doc = extract_pdf(layout_pdf(layout))
    assert any(f.code == "set_aside" and "vandmærke" in f.message for f in doc.findings)


@needs_soffice
def test_soft_hyphens_are_no_part_of_the_words():
    layout = _named("docx", soft_hyphens=True, header_paragraphs=False)
    text = "".join(p.text for p in read_pages(layout_pdf(layout)))
    assert "-\n" in text or any(w.text.endswith("-") for p in read_pages(layout_pdf(layout))
                                for w in p.words), "fixture: words broken at soft hyphens"  # fmt: skip
    assert_read(layout)


@needs_soffice
def test_every_habit_at_once():
    assert_read(_named("docx", frame="sidebar", header_paragraphs=True))


@needs_soffice
def test_no_rendering_with_tema_headings_and_goal_rows_is_skipped_as_not_a_notat():
    """Through ingest, as ``report`` reads an input folder: every habit rendering of python-docx
    is a status notat, read ``ok`` (a notat that fails would be ``failed``, never skipped)."""
    for layout in NAMED_HABITS:
        if layout.producer != "docx":
            continue
        path = layout_pdf(layout)
        result = ingest_file(path, sha256=sha256_of(path))
        assert result.entry.kind == "status", (layout.name, result.entry.reason)
        assert result.entry.status == "ok", (layout.name, result.entry.reason)


@needs_soffice
def test_our_own_three_period_report_reads_back_as_its_latest_period(tmp_path):
    """The council report of three periods (its goal tables after the change lists and the
    chart) read as a notat: the latest period's rows, marks, remarks and wordings."""
    from tests.fixtures.status_2020 import STATUS_2020
    from tests.fixtures.status_2021 import STATUS_2021
    from tests.fixtures.status_2022 import STATUS_2022

    folder = tmp_path / "in"
    folder.mkdir()
    for notat in (STATUS_2020, STATUS_2021, STATUS_2022):
        day = notat.date.isoformat()
        shutil.copy(layout_pdf(Layout("docx"), notat, f"docx_{day}"), folder / f"{day}.pdf")
    out = tmp_path / "out"
    run = subprocess.run(
        [sys.executable, "-m", "pipeline", "report", "--input", str(folder), "--output", str(out)],
        capture_output=True, text=True,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    report = out / "statusrapport_2022-06-02.pdf"
    first_tema = next(p.number for p in read_pages(report) if "Tema 1:" in p.text)
    assert first_tema > 1, "fixture: the report's goal tables follow its summary and changes"

    doc = extract_pdf(report)
    assert doc.document.kind == "status" and not doc.failure
    assert doc.document.date == "2022-06-02"
    assert not [f for f in doc.findings if f.severity == "error" and f.code != "no_mark"]
    rows = _latest_rows(out / "tables", "2022-06-02")
    got = {
        (r.theme_no, r.row_no): (r.status, r.remark, [(s.text, s.bilag) for s in r.statements])
        for r in doc.goal_rows
    }
    assert got == rows


def _latest_rows(tables: Path, day: str) -> dict:
    """The period's goal rows as the run recorded them: (theme, row) → (status, remark,
    [(wording, bilag)])."""
    import csv

    with open(tables / "documents.csv", encoding="utf-8") as f:
        doc_id = next(d["doc_id"] for d in csv.DictReader(f) if d["date"] == day)
    rows: dict = {}
    with open(tables / "goal_rows.csv", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            if r["doc_id"] == doc_id:
                rows[int(r["theme_no"]), int(r["row_no"])] = (r["status"], r["remark"], [])
    with open(tables / "goal_statements.csv", encoding="utf-8") as f:
        for s in csv.DictReader(f):
            if s["doc_id"] == doc_id:
                rows[int(s["theme_no"]), int(s["row_no"])][2].append((s["text"], s["bilag"]))
    return rows


def test_glyphs_drawn_in_any_order_are_read():
    """Each glyph its own text object, the page's glyphs in shuffled order (regular and bold
    interleaved): words are read from where the glyphs stand, not from the stream."""
    layout = _named("stream", glyph_order="shuffled", font_kind="embedded")
    assert_read(layout)


def test_type3_glyph_names_are_read_without_ocr():
    """pdfTeX's bitmap fonts: Type3 glyphs named /aNN (T1 codes), no ToUnicode. The names carry
    the text; the page's text layer is trusted, not sent to OCR."""
    from pipeline.extract.trust import distrust

    layout = _named("stream", font_kind="type3", glyph_order="stream")
    pages = list(read_pages(layout_pdf(layout)))
    assert all(distrust(p) is None for p in pages)
    assert_read(layout)


def test_zero_width_ligatures_break_no_words():
    """Helvetica, not embedded, its fi and fl ligatures given zero width in /Widths and the
    text placed glyph by glyph: "for", "trafikken", "sundhedsprofil" stay whole."""
    layout = _named("stream", font_kind="base14", glyph_order="stream")
    text = " ".join(w.text for p in read_pages(layout_pdf(layout)) for w in p.words)
    assert "sundhedsprofil" in text and "sundhedsprofi l" not in text
    assert_read(layout)


def test_a_sender_line_level_with_the_title_is_no_part_of_it():
    """The sender block at the top right in nearly the title's size, its third line level with
    the title's second: the title is the title alone, the block the block."""
    from pipeline.extract.pdf import PageLayout, Word
    from pipeline.extract.sender import find_sender_block
    from pipeline.extract.status import parse_status_notat

    words: list[Word] = []

    def line(text: str, x0: float, top: float, size: float, bold: bool = False) -> None:
        x = x0
        for token in text.split():
            width = len(token) * size * 0.5
            words.append(Word(token, x, x + width, top, top + size, size, bold))
            x += width + size * 0.28

    line("NOTAT", 70, 60, 14, bold=True)
    line("Status på mål i strategi", 70, 90, 15, bold=True)
    line("og handleplan for", 70, 108, 15, bold=True)
    line("Sundhedspolitikken", 70, 126, 15, bold=True)
    block = ["Kontaktoplysninger", "Social- og Sundhedscenter", "Amtstue Allé 71",
             "4100 Ringsted", "Tel.: +45 57 62 80 10"]  # fmt: skip
    for k, text in enumerate(block):
        # a word space or so right of the title; "Amtstue Allé 71" level with its second line
        line(text, 265, 74 + 17 * k, 13, bold=k == 0)
    line("Tema 1: Sundhedstilbud og sunde rammer", 70, 200, 12, bold=True)
    line("Mål", 70, 230, 11, bold=True)
    line("Gennemført/", 300, 230, 11, bold=True)
    line("igangsat", 300, 244, 11, bold=True)
    line("Ikke", 380, 230, 11, bold=True)
    line("igangsat", 380, 244, 11, bold=True)
    line("Bemærkning", 440, 230, 11, bold=True)
    line("Motionsvejledning (bilag 1)", 70, 270, 11)
    line("X", 320, 270, 11)
    line("I alt", 70, 300, 11, bold=True)
    line("1", 320, 300, 11)
    line("0", 395, 300, 11)
    page = PageLayout(1, 595.0, 842.0, tuple(words), (), 0)
    assert find_sender_block(page).sender_address == "Amtstue Allé 71, 4100 Ringsted"
    parsed = parse_status_notat("doc", [page])
    assert parsed.title == "Status på mål i strategi og handleplan for Sundhedspolitikken"
    assert [s.text for s in parsed.goal_rows[0].statements] == ["Motionsvejledning"]
