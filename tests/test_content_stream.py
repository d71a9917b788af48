"""``pipeline.extract.content`` tokenizes page content itself: every operand and operator must be
what pdfminer's own ``PDFContentParser`` makes of the same bytes, and what it leaves to pdfminer
must run through pdfminer, with the same result on the page."""

from __future__ import annotations

import pdfplumber
import pytest
from pdfminer.pdfinterp import PDFContentParser
from pdfminer.pdftypes import PDFStream, stream_value
from pdfminer.psparser import PSEOF

from pipeline.extract import content
from pipeline.extract import pdf as reader
from tests.fixtures.layouts import NAMED
from tests.fixtures.render import fixture_pdf, layout_pdf, missing_program


def _stock(data: bytes) -> list:
    """pdfminer's reading of one content stream: the objects its interpreter is handed."""
    stream = PDFStream({}, data)
    stream.objid = 1
    try:
        parser = PDFContentParser([stream])
    except PSEOF:
        return []
    out = []
    while True:
        try:
            out.append(parser.nextobject()[1])
        except PSEOF:
            return out


def _typed(obj):
    """An object with its type spelled out, so 1 and 1.0 and True differ."""
    if isinstance(obj, list):
        return ["list", *(_typed(x) for x in obj)]
    if isinstance(obj, dict):
        return ["dict", *sorted((k, repr(_typed(v))) for k, v in obj.items())]
    return type(obj).__name__, repr(obj)


STREAMS = {
    "numbers": b"1 -2 +3 4.5 -.5 .25 5. 1.2.3 - + . 007 0g",
    "names": b"/F1 /A#42C /Bad#zz /Odd#4 /Empty# / /Two##41 /Lat\xe6 /Tj",
    "operators": b"BT T* ' \" Tj TJ ET q Q cm re W* n f* B* b* d0 d1 true false null",
    "plain string": b"(Hello world) Tj () Tj",
    "escapes": rb"(a\(b\)c \\ \n\r\t\b\f \101\60\0071 \q end) Tj",
    "line continuation": b"(one\\\ntwo\\\r\nthree\\\rfour) Tj",
    "nested parentheses": b"(a (nested (deep)) string) Tj",
    "hex strings": b"<48656C6C6F> Tj <48 65 6c 6C6f> Tj <486> Tj <> Tj <4>Tj",
    "hex then dict end": b"<< /A <41>>> BDC <41> > Tj",
    "text arrays": b"[<0C07>6<0F>-1 <>3.5 -.5 5. 1.2.3<41>-5-3 +7]TJ [ ] TJ [<414>]TJ [<41 42>]TJ",
    "arrays": b"[(a) -120 <0102> 3.5 [1 2 [3]] /N true] TJ",
    "dicts": b"/Span << /MCID 0 /ActualText (x) /Nested << /K [1 2] >> /None null >> BDC EMC",
    "procedures": b"{ 1 2 add } /P",
    "comments": b"% a comment\n1 0 0 1 0 0 cm % to the end\r(% not a comment) Tj",
    "whitespace": b"\x00 1\t2\x0c3\r\n4\x00re",
    "stray bytes": b") * & \x80 # 1 2 m",
    "unclosed array at the end": b"1 2 m [ (a) 3",
    "unknown operator keeps its operands": b"1 2 frob 3 4 l",
    "empty": b"",
    "only whitespace": b" \n\r\t ",
}


@pytest.mark.parametrize("data", STREAMS.values(), ids=STREAMS.keys())
def test_tokens_are_pdfminers(data):
    assert [_typed(x) for x in content.tokenize(data)] == [_typed(x) for x in _stock(data)]


LEFT_TO_PDFMINER = {
    "inline image": b"q BI /W 2 /H 1 /BPC 8 /CS /G ID \x00\xff EI Q",
    "ID outside an inline image": b"1 2 ID 3 4 l",
    "octal escape past 255": rb"(\777) Tj",
    "string left open": b"(never closed Tj",
    "hex string left open": b"<4142",
    "bracket that closes another": b"[1 2 >> m",
    "bracket that closes nothing": b"1 2 ] m",
    "dictionary key without value": b"<< /A 1 /B >> BDC",
}


@pytest.mark.parametrize("data", LEFT_TO_PDFMINER.values(), ids=LEFT_TO_PDFMINER.keys())
def test_what_it_cannot_read_is_left_to_pdfminer(data):
    with pytest.raises(content._Unsupported):
        content.tokenize(data)


def test_a_page_it_leaves_to_pdfminer_gets_pdfminers_reading(tmp_path, monkeypatch):
    """A page whose content the tokenizer refuses: its glyphs come from pdfminer's own parser,
    still exactly pdfplumber's chars."""
    path = fixture_pdf("reportlab", "status_2020", "ruled")
    refused = []

    def refuse(data: bytes):
        refused.append(len(data))
        raise content._Unsupported("test")

    monkeypatch.setattr(content, "tokenize", refuse)
    with pdfplumber.open(path) as pdf:
        page = pdf.pages[0]
        want = [(c["text"], c["x0"], c["top"]) for c in page.chars]
        got = [(c[0], c[1], c[3]) for c in reader._page_objects(page, reader.DEFAULT_PAGE).chars]
    assert refused, "the tokenizer was asked"
    assert got == want and want


# One layout of each producer of the matrix.
_ONE_PER_PRODUCER = list({layout.producer: layout for layout in reversed(NAMED)}.values())


@pytest.mark.parametrize("layout", _ONE_PER_PRODUCER, ids=lambda layout: layout.name)
def test_every_page_of_a_notat_is_tokenized_as_pdfminer_reads_it(layout):
    """On a notat of each producer the tokenizer takes every page (none is left to pdfminer)
    and hands the interpreter exactly pdfminer's objects."""
    missing = missing_program(layout.producer)
    if missing:
        pytest.skip(f"the {layout.producer} producer needs {missing}")
    with pdfplumber.open(layout_pdf(layout)) as pdf:
        for page in pdf.pages:
            data = b"\n".join(stream_value(s).get_data() for s in page.page_obj.contents)
            got = content.tokenize(data)
            assert [_typed(x) for x in got] == [_typed(x) for x in _stock(data)], page.page_number
