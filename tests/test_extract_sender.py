"""The sender block (*Kontaktoplysninger*) read from page primitives built by hand.

The rendering matrix checks the block on every producer (tests/test_layout_matrix.py); these
tests each guard one hard case no producer there prints.
"""

from __future__ import annotations

from pipeline.extract.pdf import PageLayout, Word
from pipeline.extract.sender import SenderBlock, find_sender_block
from tests.fixtures.notat_data import SENDER


class _Page:
    """Words set line by line on an A4 page; ``line`` starts each line at ``x0``."""

    def __init__(self) -> None:
        self.words: list[Word] = []

    def line(self, text: str, *, x0: float, top: float, size: float = 8.0) -> _Page:
        x = x0
        for token in text.split():
            width = len(token) * size * 0.5
            self.words.append(Word(token, x, x + width, top, top + size, size, False))
            x += width + size * 0.3
        return self

    def block(self, lines: list[str], *, x0: float, top: float, pitch: float = 10.0) -> _Page:
        for k, text in enumerate(lines):
            if text:
                self.line(text, x0=x0, top=top + k * pitch)
        return self

    def layout(self) -> PageLayout:
        return PageLayout(1, 595.0, 842.0, tuple(self.words), (), 0)


_USERS_BLOCK = [
    "Dato: 28. maj 2020",
    "",
    "Kontaktoplysninger",
    "",
    "Social- og Sundhedscenter",
    "",
    "Administration",
    "Amtstue Allé 71",
    "4100 Ringsted",
    "",
    "Tel.: +45 57 62 80 10",
    "",
    "socialogsundhed@ringsted.dk",
    "www.ringsted.dk",
    "EAN: 5798007643577",
]


def test_the_users_block_with_its_blank_lines():
    page = _Page().block(_USERS_BLOCK, x0=430.0, top=200.0)
    # The table's remark column beside it, in body type, left of the block.
    page.line("Igangsættes i 4. kvartal 2020.", x0=300.0, top=240.0, size=10.0)
    assert find_sender_block(page.layout()).as_dict() == SENDER


def test_a_name_wrapped_in_a_narrow_column_is_one_name():
    lines = ["Kontaktoplysninger", "Social- og", "Sundhedscenter", "Administration",
             "Amtstue Allé 71", "4100 Ringsted"]  # fmt: skip
    block = find_sender_block(_Page().block(lines, x0=450.0, top=100.0).layout())
    assert block.sender_centre == "Social- og Sundhedscenter"
    assert block.sender_unit == "Administration"
    assert block.sender_address == "Amtstue Allé 71, 4100 Ringsted"


def test_an_email_broken_inside_is_one_address():
    lines = ["Kontaktoplysninger", "Social- og Sundhedscenter", "socialogsundhed@ringste",
             "d.dk", "www.ringsted.dk"]  # fmt: skip
    block = find_sender_block(_Page().block(lines, x0=450.0, top=100.0).layout())
    assert block.sender_email == "socialogsundhed@ringsted.dk"
    assert block.sender_web == "www.ringsted.dk"


def test_body_text_below_the_block_is_not_in_it():
    """A block at the top right without an address, the intro running full width right under
    it: the intro's words that stand in the block's column are no unit."""
    lines = ["Kontaktoplysninger", "Social- og Sundhedscenter", "Administration",
             "Tel.: +45 57 62 80 10"]  # fmt: skip
    page = _Page().block(lines, x0=430.0, top=60.0)
    intro = "Angivelse af bilagsnummer efter hvert mål henviser til bilag fra sagens behandling i"
    page.line(f"{intro} Byrådet den 15. januar 2018, punkt 16", x0=71.0, top=100.0)
    block = find_sender_block(page.layout())
    assert block == SenderBlock(
        sender_centre="Social- og Sundhedscenter",
        sender_unit="Administration",
        sender_phone="+45 57 62 80 10",
    )


def test_no_label_no_block():
    page = _Page().block(["Social- og Sundhedscenter", "Amtstue Allé 71"], x0=430.0, top=60.0)
    assert find_sender_block(page.layout()) == SenderBlock()
