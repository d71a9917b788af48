"""A phone's photo of a page stood upright and evenly lit before it is read (issue 26), and a
flat scan handed on untouched: ``pipeline.ingest.photo`` on pages drawn here, photographed
and scanned by the suite's own scanner (tests/fixtures/producers/scan.py). No OCR needed; the
whole-notat photo read by OCR is tests/test_scans.py."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter

from pipeline.ingest.ink import otsu, rules_in
from pipeline.ingest.photo import _reduced, _text_frame, evened, upright
from tests.fixtures.producers.scan import ScanKind, _photographed, _scanned_once

DPI = 150
COLUMNS = (0.12, 0.45, 0.58, 0.70, 0.88)  # the table's upright rules, shares of the width
ROWS = 14


def ruled_page(seed: int = 1, rules: bool = True) -> Image.Image:
    """An A4 page at ``DPI``: a title, a ruled table of ``ROWS`` rows and four columns, the
    first and the last holding lines of "words" (short bars of letter height); without
    ``rules``, the same table borderless. Printed (a little soft at the edges)."""
    w, h = round(8.27 * DPI), round(11.69 * DPI)
    page = Image.new("L", (w, h), 255)
    draw = ImageDraw.Draw(page)
    rng = np.random.default_rng(seed)
    letter = round(0.11 * DPI)
    draw.rectangle((0.12 * w, 0.08 * h, 0.6 * w, 0.08 * h + 1.5 * letter), fill=0)  # the title
    top, bottom = 0.15 * h, 0.92 * h
    for k in range((ROWS + 1) if rules else 0):
        y = top + k * (bottom - top) / ROWS
        draw.line((COLUMNS[0] * w, y, COLUMNS[-1] * w, y), fill=0, width=2)
    for x in COLUMNS if rules else ():
        draw.line((x * w, top, x * w, bottom), fill=0, width=2)
    for k in range(ROWS):
        y = top + k * (bottom - top) / ROWS + 0.4 * letter
        for first, last in ((COLUMNS[0], COLUMNS[1]), (COLUMNS[3], COLUMNS[4])):
            for line in range(3):
                x = first * w + 0.5 * letter
                while x < last * w - 4 * letter:
                    length = rng.integers(2, 7) * 0.55 * letter
                    yy = y + line * 1.5 * letter
                    draw.rectangle((x, yy, x + length, yy + letter), fill=0)
                    x += length + 0.5 * letter
    return page.filter(ImageFilter.GaussianBlur(0.6))


def _ink(image: Image.Image) -> np.ndarray:
    gray = np.asarray(image)
    return gray < min(otsu(gray), 200)


def _upright_rules(image: Image.Image) -> int:
    """How many of the table's upright rules the reader finds on ``image``."""
    _, vertical = rules_in(_ink(image), DPI)
    return len(vertical)


@pytest.mark.parametrize("seed", [7, 2020, 31])
def test_a_photographed_table_stands_upright_again_and_its_rules_are_found(seed):
    page = ruled_page()
    assert _upright_rules(page) == len(COLUMNS)
    photo = _photographed(page, np.random.default_rng(seed))
    assert _upright_rules(photo) < len(COLUMNS)  # the slant hides them from the reader
    lit = evened(photo, DPI)
    seen = upright(lit, _ink(lit), DPI)
    assert seen is not lit
    assert _upright_rules(seen) == len(COLUMNS)


@pytest.mark.parametrize("angle", [0.0, 1.5, -2.0])
def test_a_flat_scan_is_handed_on_untouched(angle):
    """A scan's paper is evenly lit and its rules parallel, however it is tilted: the very same
    image goes on (and so reads exactly as before there was a photo step)."""
    kind = ScanKind(dpi=DPI, angle=angle, speckle=0.002, jpeg_quality=60)
    scan = _scanned_once(ruled_page(), kind, angle, np.random.default_rng(0))
    assert evened(scan, DPI) is scan
    assert upright(scan, _ink(scan), DPI) is scan


def _text_slant(image: Image.Image) -> float:
    """How far the text's margins lean towards each other, in degrees."""
    ink = _ink(image)
    frame = _text_frame(ink, _reduced(ink, 2), 2, DPI)
    assert frame is not None
    left, right, _, _ = frame
    return float(abs(np.degrees(np.arctan(left.slope) - np.arctan(right.slope))))


def test_a_photographed_borderless_table_stands_upright_by_its_text():
    page = ruled_page(rules=False)
    photo = _photographed(page, np.random.default_rng(5))
    assert _text_slant(photo) > 1.0
    lit = evened(photo, DPI)
    seen = upright(lit, _ink(lit), DPI)
    assert seen is not lit
    assert _text_slant(seen) < 0.2


def test_a_flat_scan_of_a_borderless_table_is_handed_on_untouched():
    kind = ScanKind(dpi=DPI, angle=1.0, speckle=0.002)
    scan = _scanned_once(ruled_page(rules=False), kind, kind.angle, np.random.default_rng(0))
    assert upright(scan, _ink(scan), DPI) is scan


def test_a_page_with_too_little_to_tell_its_slant_by_is_handed_on_untouched():
    page = ruled_page(rules=False)
    ImageDraw.Draw(page).rectangle((0, 0.3 * page.height, page.width, page.height), fill=255)
    photo = _photographed(page, np.random.default_rng(3))
    assert upright(photo, _ink(photo), DPI) is photo


def test_a_photos_uneven_light_is_evened_out():
    """Paper in the shadow and in the light comes out alike (a blank sheet photographed)."""
    sheet = Image.new("L", ruled_page().size, 255)
    photo = _photographed(sheet, np.random.default_rng(7))
    raw = np.asarray(photo, dtype=np.float32)[50:-50, 50:-50]  # inside the photo's page edges
    lit = np.asarray(evened(photo, DPI), dtype=np.float32)[50:-50, 50:-50]
    assert np.percentile(raw, 95) - np.percentile(raw, 5) > 40  # a shadow across it
    assert np.percentile(lit, 95) - np.percentile(lit, 5) < 30
    assert np.percentile(lit, 5) > 210
