"""Rules found in a page's ink (pipeline.ingest.ink.rules_in), on drawn ink: a hairline a 1-bit
scan broke into dashes is one rule reaching its corners; text never becomes a rule."""

from __future__ import annotations

import numpy as np

from pipeline.ingest.ink import rules_in

DPI = 300


def _page() -> np.ndarray:
    return np.zeros((900, 1500), dtype=bool)


def _box(ink: np.ndarray) -> None:
    """A table's frame: left and right borders, top and bottom rules, all solid."""
    ink[100:103, 100:1400] = True
    ink[800:803, 100:1400] = True
    ink[100:803, 100:103] = True
    ink[100:803, 1397:1400] = True


def test_a_hairline_broken_into_dashes_is_one_rule_to_its_corners():
    ink = _page()
    _box(ink)
    # A row's rule as a 1-bit scan leaves it: dashes 25-120 px long, gaps up to 55 px, and
    # none of it within 25 px of the borders.
    x = 125
    for length, gap in [(110, 50), (120, 55), (30, 40), (115, 50), (100, 55), (25, 45)] * 2:
        ink[450:452, x : min(x + length, 1372)] = True
        x += length + gap
    horizontal, _ = rules_in(ink, DPI)
    row_rule = [r for r in horizontal if 440 <= r[0] <= 460]
    assert len(row_rule) == 1
    _, _, start, end = row_rule[0]
    assert start <= 103 and end >= 1397


def test_underlined_words_dashes_and_full_stops_are_not_rules():
    ink = _page()
    ink[300:303, 200:500] = True  # an underline, as long as a rule: a rule, as before
    for x in range(200, 1200, 30):  # a row of full stops
        ink[500:505, x : x + 5] = True
    ink[600:603, 200:240] = True  # a dash
    horizontal, vertical = rules_in(ink, DPI)
    assert [(a, s, e) for a, _, s, e in horizontal] == [(300, 200, 500)]
    assert vertical == []


def test_the_tops_of_large_letters_run_together_are_no_rule():
    ink = _page()
    # A bold title's letters in a copy of a copy: their tops one long run, their stems below.
    ink[200:206, 200:700] = True
    for x in range(200, 700, 24):
        ink[206:260, x : x + 12] = True
    horizontal, _ = rules_in(ink, DPI)
    assert horizontal == []


def test_a_rule_with_text_close_beside_it_stays_a_rule():
    """A cell without padding: its lines of text stand a few pixels from the rule on either
    side, with paper between; the rule is a rule (the check above must not take it for text)."""
    ink = _page()
    _box(ink)
    ink[100:803, 700:703] = True  # the rule between two columns
    for top in range(120, 780, 40):  # lines of letters 4 px left and right of it
        for x in range(560, 696, 14):
            ink[top : top + 25, x : x + 9] = True
        for x in range(707, 850, 14):
            ink[top : top + 25, x : x + 9] = True
        ink[top : top + 25, 690:696] = True  # a letter's stroke along the rule's side
        ink[top : top + 25, 707:713] = True
    _, vertical = rules_in(ink, DPI)
    assert any(s <= 103 and e >= 800 and 699 <= a <= 703 for a, _, s, e in vertical)
