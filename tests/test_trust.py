"""Whether a page's text layer is read as its text, decided page by page (issue 12, 14)."""

from __future__ import annotations

import dataclasses

from pipeline.extract.pdf import PageLayout, Word
from pipeline.extract.trust import distrust, poorer


def _page(texts: list[str], image_cover: float = 0.0) -> PageLayout:
    words = tuple(
        Word(t, 10.0 * i, 10.0 * i + 8, 100.0, 110.0, 10.0, False) for i, t in enumerate(texts)
    )
    return PageLayout(1, 595.0, 842.0, words, (), 1 if image_cover else 0, "", image_cover)


DANISH = [
    "Der",
    "er",
    "udarbejdet",
    "en",
    "sag",
    "til",
    "økonomiudvalget",
    "omkring",
    "muligheder",
    "og",
    "udfordringer",
    "ved",
    "at",
    "implementere",
    "røgfri",
    "arbejdsplads",
    "og",
    "det",
    "er",
    "et",
    "mål",
    "i",
    "bilag",
    "1",
    "for",
    "kommunen",
    "at",
    "styrke",
    "indsatsen",
]


def test_a_danish_page_is_trusted():
    assert distrust(_page(DANISH)) is None


def test_a_page_of_unmapped_glyphs_is_undecodable():
    assert distrust(_page(["(cid:12)(cid:7)(cid:3)"] * 30)) == "undecodable"


def test_words_with_unmapped_letters_inside_are_undecodable():
    words = [w.replace("å", "(cid:1)").replace("ø", "(cid:2)") for w in DANISH]
    words += ["p(cid:1)", "m(cid:1)l"]
    assert distrust(_page(words)) == "undecodable"


def test_letters_shifted_by_one_are_undecodable():
    shifted = ["".join(chr(ord(c) + 1) for c in w) for w in DANISH]
    assert distrust(_page(shifted)) == "undecodable"


def test_private_use_code_points_are_undecodable():
    assert distrust(_page(["\ue001\ue002\ue003"] * 30)) == "undecodable"


def test_a_scanned_image_without_text_is_read_from_the_image():
    assert distrust(_page([], image_cover=0.98)) == "image"
    assert distrust(_page([])) is None  # a blank page


def test_an_invisible_text_layer_over_a_scan_is_read_from_the_image():
    assert distrust(_page(DANISH, image_cover=0.98), invisible_text=True) == "ocr_layer"


def test_visible_text_over_a_scan_is_kept_unless_the_image_says_more():
    """Issue 26, item 3: a scanned page's visible text (a scanner's OCR drawn visibly or under
    the image, or text over a letterhead background) is compared with OCR of the image and
    replaced only when it is poorer: fewer words, or no Tema heading where the image has one."""
    layer = _page(DANISH, image_cover=0.98)
    assert distrust(layer) == "scan_text"
    assert not poorer(layer, _page(DANISH))  # the same words: the layer is the page's text
    assert poorer(_page(DANISH[:20], image_cover=0.98), _page(DANISH))
    assert poorer(layer, _page(["Tema", "3:", "Det", "sunde", "arbejdsliv", *DANISH[5:]]))
    assert distrust(_page(DANISH)) is None  # no scan under it


def test_text_drawn_sideways_is_no_decoding_problem():
    """Upright text on a page shown turned reads sideways (letters out of order): that is the
    page's turn, which ingest puts right, not a font to OCR around."""
    shifted = ["".join(chr(ord(c) + 1) for c in w) for w in DANISH]
    page = dataclasses.replace(_page(shifted), sideways=0.95)
    assert distrust(_page(shifted)) == "undecodable"
    assert distrust(page) is None


def _styled(regular: list[str], bold: list[str]) -> PageLayout:
    words = [
        Word(t, 10.0 * i, 10.0 * i + 8, 100.0, 110.0, 10.0, False) for i, t in enumerate(regular)
    ]
    words += [Word(t, 10.0 * i, 10.0 * i + 8, 50.0, 60.0, 10.0, True) for i, t in enumerate(bold)]
    return PageLayout(1, 595.0, 842.0, tuple(words), (), 0, "", 0.0)


HEADINGS = ["Tema", "1:", "Sundhed", "i", "alle", "politikker", "Mål", "Gennemført/igangsat",
            "Ikke", "igangsat", "Bemærkning", "I", "alt", "Tema", "2:", "Mål", "for", "børn",
            "og", "unge", "Gennemført/igangsat", "Ikke", "igangsat", "Bemærkning"]  # fmt: skip


def test_body_font_shifted_under_danish_headings_is_undecodable():
    """Issue 28: the small letters of the body font shifted by one, the bold headings intact
    ("Tema 1" above "Kpnqfufodfvewjlmjoh"): the headings lifted the page's share of Danish
    words over the bar and 33 goals of garbage were read. The regular and the bold text are
    judged apart."""
    body = ["".join(chr(ord(c) + 1) if c.islower() else c for c in w) for w in DANISH]
    assert distrust(_styled(body, HEADINGS)) == "undecodable"
    assert distrust(_styled(body[:8], HEADINGS)) == "undecodable"  # eight words are enough


def test_a_page_of_danish_body_text_and_headings_is_trusted():
    assert distrust(_styled(DANISH, HEADINGS)) is None
    assert distrust(_styled(DANISH[:8], HEADINGS[:3])) is None


def test_body_font_shifted_for_some_letters_only_is_undecodable():
    """Issue 28: a map shifted for some letters only keeps the short common words ("i", "at",
    "til") and "Er opgaven igangsat" reads "Es pphaweo ihaohtat": the common words pass, the
    letter pairs do not."""
    kept = set("aeiptl")
    body = [
        "".join(chr(ord(c) + 1) if c.islower() and c not in kept else c for c in w) for w in DANISH
    ]
    page = _styled(body * 2, HEADINGS)
    assert distrust(page) == "undecodable"
    from pipeline.extract.trust import _common_share

    assert _common_share(" ".join(body * 2))[1] > 0.04  # the common words alone let it pass
