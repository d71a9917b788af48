"""``pipeline.extract.pdf`` builds its glyph tuples with a device of its own instead of
pdfminer's ``LTChar`` objects: they must be what pdfplumber itself reports for every glyph."""

from __future__ import annotations

import pdfplumber
import pytest

from pipeline.extract import pdf as reader
from tests.fixtures.layouts import NAMED
from tests.fixtures.render import layout_pdf, missing_program

_KEYS = ("text", "x0", "x1", "top", "bottom", "fontname", "size", "upright")


# One layout of each producer of the matrix (content tokenized by pipeline.extract.content,
# glyphs boxed by its own device: both must come out as pdfminer's).
_ONE_PER_PRODUCER = list({layout.producer: layout for layout in reversed(NAMED)}.values())


@pytest.mark.parametrize("layout", _ONE_PER_PRODUCER, ids=lambda layout: layout.name)
def test_glyph_tuples_are_pdfplumbers_chars(layout):
    missing = missing_program(layout.producer)
    if missing:
        pytest.skip(f"the {layout.producer} producer needs {missing}")
    with pdfplumber.open(layout_pdf(layout)) as pdf:
        for page in pdf.pages[:3]:
            want = [tuple(c[k] for k in _KEYS) for c in page.chars]
            got = reader._page_objects(page, reader.DEFAULT_PAGE).chars
            assert [c[: len(_KEYS)] for c in got] == want, f"page {page.page_number}"
            # The one field of our own: text set at a slant (none in the matrix's notats).
            assert not any(c[len(_KEYS)] for c in got)
            assert want, "fixture: the page has text"


def test_pages_read_by_two_processes_are_the_pages_one_reads():
    """A long notat's pages read in parallel: the same layouts, in the same order."""
    from tests.fixtures.render import fixture_pdf

    path = fixture_pdf("reportlab", "big_35", "ruled")
    one = list(reader.read_pages(path))
    assert len(one) >= reader._PARALLEL_MIN_PAGES, "fixture: long enough to be read in parallel"
    assert list(reader.read_pages(path, workers=2)) == one


def test_a_reader_with_two_processes_gives_the_document_one_gives():
    """Through ingest (the forked reader, its limits): ``Limits.processes`` reads a long
    notat's pages in parallel and the extracted document is the same."""
    from pipeline.hashing import sha256_of
    from pipeline.ingest import Limits, ingest_file
    from tests.fixtures.render import fixture_pdf

    path = fixture_pdf("reportlab", "big_35", "ruled")
    sha = sha256_of(path)
    one = ingest_file(path, sha256=sha, limits=Limits(processes=1))
    two = ingest_file(path, sha256=sha, limits=Limits(processes=2))
    assert one.entry.status == two.entry.status == "ok"
    assert len(one.document.goal_rows) > 100
    assert two.document == one.document
