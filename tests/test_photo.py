"""A phone's photo of a page stood upright and evenly lit before it is read (issue 26), and a
flat scan handed on untouched: ``pipeline.ingest.photo`` on pages drawn here, photographed
and scanned by the suite's own scanner (tests/fixtures/producers/scan.py). No OCR needed; the
whole-notat photo read by OCR is tests/test_scans.py."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw

from pipeline.ingest.ink import otsu, rules_in
from pipeline.ingest.photo import evened, upright
from tests.fixtures.producers.scan import ScanKind, _photographed, _scanned_once

DPI = 150
COLUMNS = (0.12, 0.45, 0.58, 0.70, 0.88)  # the table's upright rules, shares of the width
ROWS = 14


def ruled_page(seed: int = 1) -> Image.Image:
    """An A4 page at ``DPI``: a title, a ruled table of ``ROWS`` rows and four columns, each
    cell holding lines of "words" (short bars of letter height)."""
    w, h = round(8.27 * DPI), round(11.69 * DPI)
    page = Image.new("L", (w, h), 255)
    draw = ImageDraw.Draw(page)
    rng = np.random.default_rng(seed)
    letter = round(0.11 * DPI)
    draw.rectangle((0.12 * w, 0.08 * h, 0.6 * w, 0.08 * h + 1.5 * letter), fill=0)  # the title
    top, bottom = 0.15 * h, 0.92 * h
    for k in range(ROWS + 1):
        y = top + k * (bottom - top) / ROWS
        draw.line((COLUMNS[0] * w, y, COLUMNS[-1] * w, y), fill=0, width=2)
    for x in COLUMNS:
        draw.line((x * w, top, x * w, bottom), fill=0, width=2)
    for k in range(ROWS):
        y = top + k * (bottom - top) / ROWS + 0.4 * letter
        for line in range(3):
            x = COLUMNS[0] * w + 0.5 * letter
            while x < COLUMNS[1] * w - 4 * letter:
                length = rng.integers(2, 7) * 0.55 * letter
                yy = y + line * 1.5 * letter
                draw.rectangle((x, yy, x + length, yy + letter), fill=90)
                x += length + 0.5 * letter
    return page


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


def test_a_page_without_rules_is_handed_on_untouched():
    page = ruled_page()
    draw = ImageDraw.Draw(page)
    draw.rectangle((0, 0.14 * page.height, page.width, page.height), fill=255)  # no table
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
