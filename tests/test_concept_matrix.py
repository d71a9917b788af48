"""The concept notat's rendering matrix: five producers, numbering and heading styles, run-on
areas, the title only in the running header, the date and sender block, footnotes and
endnotes; every rendering read back with every field compared (tests.fixtures.concept_layouts).

``CONCEPT_NAMED`` takes every value of every axis; ``CONCEPT_HELD_OUT`` was drawn with a seed of
its own, two layouts per producer. The named tests below each pick the layout that shows one
hard case and first check that the rendering really shows it.
"""

from __future__ import annotations

import dataclasses
import shutil
from functools import cache
from pathlib import Path

import pytest

from pipeline.extract import extract_pdf
from pipeline.extract.concept import body_lines
from pipeline.extract.pdf import read_pages
from pipeline.model import ExtractedDocument
from tests.fixtures.concept_data import TITLE, expected_initiatives
from tests.fixtures.concept_layouts import (
    CONCEPT_AXES,
    CONCEPT_HELD_OUT,
    CONCEPT_NAMED,
    ConceptLayout,
    notat_for,
)
from tests.fixtures.notat_data import SENDER
from tests.fixtures.producers import concept_docx, concept_html, concept_reportlab

_NEEDS = {"docx": "soffice", "chromium": "chromium", "wkhtmltopdf": "wkhtmltopdf"}


def concept_layout_pdf(layout: ConceptLayout) -> Path:
    missing = _NEEDS.get(layout.producer)
    if missing and not shutil.which(missing):
        pytest.skip(f"the {layout.producer} producer needs {missing} on PATH (.ci/run installs it)")
    if layout.producer == "docx":
        return concept_docx.render_layout(layout)
    if layout.producer == "reportlab":
        return concept_reportlab.render_layout(layout)
    return concept_html.render(layout)


@cache
def _extracted(layout: ConceptLayout) -> ExtractedDocument:
    return extract_pdf(concept_layout_pdf(layout))


def misread(layout: ConceptLayout) -> list[str]:
    """Every field of the rendering that was not read as printed."""
    doc = _extracted(layout)
    errors = []
    if doc.document.kind != "concept" or doc.failure:
        errors.append(f"kind {doc.document.kind!r}, failure {doc.failure!r}")
    if doc.document.title != TITLE:
        errors.append(f"title {doc.document.title!r}")
    want_date = "2015-05-12" if layout.contact == "top" else ""
    if doc.document.date != want_date:
        errors.append(f"date {doc.document.date!r}, want {want_date!r}")
    want_sender = SENDER if layout.contact == "top" else dict.fromkeys(SENDER, "")
    if doc.document.sender != want_sender:
        errors.append(f"sender block {doc.document.sender}")
    want = [dataclasses.astuple(e)[1:] for e in expected_initiatives("", notat_for(layout))]
    got = [dataclasses.astuple(g)[1:] for g in doc.initiatives]
    if len(got) != len(want):
        errors.append(f"{len(got)} initiatives, want {len(want)}")
    errors += [f"want {w}\n got {g}" for w, g in zip(want, got, strict=False) if w != g]
    errors += [f"finding {f.code}: {f.message}" for f in doc.findings]
    return errors


def _named(**axes: str) -> ConceptLayout:
    return next(
        layout
        for layout in CONCEPT_NAMED
        if all(getattr(layout, axis) == value for axis, value in axes.items())
    )


def test_the_named_sample_takes_every_value_of_every_axis():
    for axis, values in CONCEPT_AXES.items():
        seen = {getattr(layout, axis) for layout in CONCEPT_NAMED}
        assert set(values) <= seen, f"{axis}: {set(values) - seen} never rendered"
    producers = [layout.producer for layout in CONCEPT_NAMED]
    assert all(producers.count(p) >= 2 for p in CONCEPT_AXES["producer"])


@pytest.mark.slow
@pytest.mark.parametrize("layout", CONCEPT_NAMED, ids=lambda layout: layout.name)
def test_named_concept_layout_is_read_field_by_field(layout):
    errors = misread(layout)
    assert not errors, f"{layout.name}: {len(errors)} fields misread:\n" + "\n".join(errors[:10])


@pytest.mark.slow
@pytest.mark.parametrize("layout", CONCEPT_HELD_OUT, ids=lambda layout: layout.name)
def test_held_out_concept_layout_is_read_field_by_field(layout):
    errors = misread(layout)
    assert not errors, f"{layout.name}: {len(errors)} fields misread:\n" + "\n".join(errors[:10])


# --------------------------------------------------------------------------- named hard cases


def _lines(layout: ConceptLayout):
    lines, body = body_lines(list(read_pages(concept_layout_pdf(layout))))
    return lines, body


def test_area_headings_in_bold_body_text_are_areas():
    layout = _named(producer="docx", area_heading="bold_body")
    lines, body = _lines(layout)
    heading = next(ln for ln in lines if ln.text.startswith("3. Sundhed tæt på borgerne"))
    assert heading.bold and abs(heading.size - body) < 0.5, "fixture: bold text at body size"
    assert not misread(layout)
    assert {r.area_no for r in _extracted(layout).initiatives} == set(range(1, 8))


@pytest.mark.parametrize("style", ["plain", "underline"])
def test_group_heading_in_body_type_heads_its_unnumbered_paragraphs(style):
    layout = _named(producer="docx", group_heading=style)
    lines, _ = _lines(layout)
    group = "Nye kommunale indsatser der udvikles i samarbejde med arbejdsmarkedsområdet"
    heading = next(ln for ln in lines if ln.text == group)
    assert not heading.bold, "fixture: the group heading is not bold"
    rows = [r for r in _extracted(layout).initiatives if r.group_title == group]
    assert [r.item_no for r in rows] == ["", ""]
    assert rows[1].text.endswith("der både har fysiske og psykiske problemer.")


def test_unnumbered_group_first_under_the_proposals_heading():
    layout = _named(producer="weasyprint", group_order="unnumbered_first")
    area1 = [r for r in _extracted(layout).initiatives if r.area_no == 1]
    assert [(r.group_title.split()[:2], r.item_no) for r in area1[:3]] == [
        (["Nye", "kommunale"], ""),
        (["Nye", "kommunale"], ""),
        (["Eksisterende", "indsatser"], "1"),
    ]
    assert not misread(layout)


def test_title_only_in_the_running_header_with_its_bilag():
    layout = _named(producer="chromium", title="header")
    first = next(iter(read_pages(concept_layout_pdf(layout))))
    assert f"{TITLE} · Bilag 1" in first.text, "fixture: title and bilag on one header line"
    assert _extracted(layout).document.title == TITLE


def test_reportlab_header_with_the_bilag_first_and_no_title_line():
    layout = _named(producer="reportlab", title="header")
    first = next(iter(read_pages(concept_layout_pdf(layout))))
    assert f"Bilag 1 – {TITLE}" in first.text
    assert _extracted(layout).document.title == TITLE


def test_words_automatic_numbering_reads_like_typed_numbers(tmp_path):
    import zipfile

    layout = _named(producer="docx", numbering="auto", group_heading="underline")
    concept_docx.build_docx(notat_for(layout), tmp_path / "k.docx", layout)
    xml = zipfile.ZipFile(tmp_path / "k.docx").read("word/document.xml").decode()
    assert "<w:numPr>" in xml and ">1.</w:t>" not in xml, "fixture: Word's numbering, not typed"
    numbers = [r.item_no for r in _extracted(layout).initiatives if r.area_no == 3]
    assert numbers == ["1", "2", "3", "4", "5", "6", "7"]


def test_endnotes_after_the_closing_section_are_no_initiative():
    layout = _named(producer="wkhtmltopdf", numbering="auto")
    text = "\n".join(p.text for p in read_pages(concept_layout_pdf(layout)))
    assert "Noter" in text and "http://www.kora.dk" in text, "fixture: endnotes printed"
    assert not any("http" in r.text for r in _extracted(layout).initiatives)


def test_sender_block_and_date_of_a_concept_notat():
    layout = _named(producer="weasyprint", contact="top")
    doc = _extracted(layout).document
    assert doc.sender == SENDER
    assert doc.date == "2015-05-12"
    assert doc.title == TITLE


def test_word_numbered_area_headings_are_areas(tmp_path):
    """Word's heading numbering: the number is drawn by Word, no text of the heading itself."""
    from docx import Document as Docx

    layout = _named(producer="docx", area_heading="numbered")
    concept_docx.build_docx(notat_for(layout), tmp_path / "k.docx", layout)
    headings = [p for p in Docx(str(tmp_path / "k.docx")).paragraphs if "Vi guider" in p.text]
    assert headings[0].text == "Vi guider borgerne hele vejen", "fixture: no typed number"
    assert not misread(layout)
