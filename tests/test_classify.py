"""Document kind from the pages' structure, never from the file name or a stray word."""

from __future__ import annotations

import itertools
import shutil
from pathlib import Path

import pytest

from pipeline.extract import extract_pdf
from pipeline.extract.classify import classify_pages
from pipeline.extract.pdf import read_pages
from tests.fixtures import other_docs
from tests.fixtures.producers import concept_docx, concept_reportlab, concept_weasyprint
from tests.fixtures.render import PRODUCERS


def _kind(path: Path, pages: int = 3) -> str:
    return classify_pages(list(itertools.islice(read_pages(path), pages)))


@pytest.mark.parametrize(
    "render",
    [
        pytest.param(
            concept_docx.render_pdf,
            id="docx",
            marks=pytest.mark.skipif(not shutil.which("soffice"), reason="no LibreOffice"),
        ),
        pytest.param(concept_reportlab.render_pdf, id="reportlab"),
        pytest.param(concept_weasyprint.render_pdf, id="weasyprint"),
    ],
)
def test_concept_notat_is_concept(render):
    assert _kind(render()) == "concept"
    # Page 1 holds only the introduction: the NOTAT label and the title heading decide.
    assert _kind(render(), pages=1) == "concept"


def test_minutes_naming_the_concept_are_unknown():
    assert _kind(other_docs.minutes_pdf()) == "unknown"


def test_letter_mentioning_tema_and_the_status_words_is_not_status():
    """Tema 2 once, and the table's column words in prose: still no goal table."""
    path = other_docs.letter_pdf()
    text = "\n".join(p.text for p in read_pages(path))
    assert "Tema 2" in text and "Ikke igangsat" in text and "Bemærkning" in text
    assert _kind(path) == "unknown"


def test_small_status_notat_is_status():
    assert _kind(other_docs.status_table_pdf()) == "status"


@pytest.mark.parametrize("producer,variant", PRODUCERS)
def test_status_notat_is_status_from_its_first_page(producer, variant, status_pdf):
    """Every status producer's render: the goal table header under *Tema 1:* on page 1."""
    assert _kind(status_pdf(producer, "status_2020", variant), pages=1) == "status"


def test_kind_does_not_depend_on_the_file_name(tmp_path):
    """A letter named like a concept notat stays unknown; a concept notat named like a letter stays concept."""
    letter = tmp_path / "koncept_sundhedshus.pdf"
    shutil.copyfile(other_docs.letter_pdf(), letter)
    concept = tmp_path / "brev.pdf"
    shutil.copyfile(concept_reportlab.render_pdf(), concept)
    assert extract_pdf(letter).document.kind == "unknown"
    assert extract_pdf(concept).document.kind == "concept"


def test_no_words_is_unknown():
    assert classify_pages([]) == "unknown"
