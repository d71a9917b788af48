"""Danish dates and text normalization (CONTRACT.md: whitespace-normalized, NFC)."""

from __future__ import annotations

import datetime as dt
import unicodedata

import pytest

from pipeline.dates import find_dato, format_danish_date, parse_danish_date
from pipeline.text import normalize_text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("28. maj 2020", dt.date(2020, 5, 28)),
        ("3. juni 2021", dt.date(2021, 6, 3)),
        ("1. december 2019", dt.date(2019, 12, 1)),
        ("15. Januar 2018", dt.date(2018, 1, 15)),
        ("28.05.2020", dt.date(2020, 5, 28)),
        ("30. februar 2020", None),
        ("ingen dato", None),
    ],
)
def test_danish_month_names_give_iso_dates(text, expected):
    assert parse_danish_date(text) == expected


def test_dato_line_is_found_among_the_contact_block():
    block = "Kontaktoplysninger\nDato: 28. maj 2020\nSocial- og Sundhedscenter"
    assert find_dato(block).isoformat() == "2020-05-28"


def test_danish_date_formatting_round_trips():
    day = dt.date(2021, 6, 3)
    assert format_danish_date(day) == "3. juni 2021"
    assert parse_danish_date(format_danish_date(day)) == day


def test_normalize_text_folds_white_space_and_composes_letters():
    decomposed = unicodedata.normalize("NFD", "  Færre\n borgere\tpå  sundhedsområdet ’X’ – § ")
    assert normalize_text(decomposed) == "Færre borgere på sundhedsområdet ’X’ – §"
    assert unicodedata.is_normalized("NFC", normalize_text(decomposed))


def test_normalize_text_keeps_real_hyphens():
    assert normalize_text("ledighedsydelses-\nog ressourceforløbsborgere") == (
        "ledighedsydelses- og ressourceforløbsborgere"
    )
