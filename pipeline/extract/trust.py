"""Whether a page's text layer says what the page shows, decided page by page.

A page is read from its image instead when it is a scanned image without text, a scanned image
under an invisible text layer (a scanner's or ocrmypdf's own OCR, whose glyphs are boxed as
the OCR engine saw them, not as the page prints them), or when its text is not plausibly Danish:
glyphs without a Unicode map (``(cid:N)``), private-use code points, or letters that decode to
words no Danish page is made of (a font with a shifted map): too few common Danish words, or
letter pairs too unlike those of Danish words (a map shifted for some letters only: "Er opgaven"
reads "Es pphaweo"). These are judged for the page's regular and its bold text apart as well: a
page whose body font is shifted but whose headings are not ("Tema 1: …" above
"Kpnqfufodfvewjlmjoh …") is no more Danish for its headings.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Literal

from pipeline.danish_letter_pairs import letter_pairs, mean_log_p
from pipeline.extract.primitives import PageLayout
from pipeline.extract.settings import DEFAULT_SETTINGS, TrustSettings
from pipeline.vocabulary import DANISH_COMMON_WORDS

__all__ = ["Distrust", "distrust", "poorer"]

# "scan_text": a scanned image under visible text (a scanner's OCR drawn in a visible mode, or
# under the image): read from the image too, and the layer kept unless it is poorer (``poorer``).
Distrust = Literal["image", "ocr_layer", "undecodable", "scan_text"]

# The thresholds: TrustSettings (``pipeline.extract.settings``).
DEFAULT_TRUST: TrustSettings = DEFAULT_SETTINGS.trust
_CID = re.compile(r"\(cid:\d+\)")
_TOKEN = re.compile(r"[^\W\d_]+")


def _bad_share(text: str) -> float:
    cids = _CID.findall(text)
    rest = _CID.sub("", text)
    bad = len(cids) + sum(
        1
        for c in rest
        if c == "\ufffd" or (unicodedata.category(c) in ("Co", "Cc", "Cn") and not c.isspace())
    )
    total = len(cids) + sum(1 for c in rest if not c.isspace())
    return bad / total if total else 0.0


def _common_share(text: str) -> tuple[int, float]:
    tokens = [t.casefold() for t in _TOKEN.findall(_CID.sub(" ", text))]
    if not tokens:
        return 0, 0.0
    return len(tokens), sum(t in DANISH_COMMON_WORDS for t in tokens) / len(tokens)


def distrust(
    page: PageLayout, invisible_text: bool = False, settings: TrustSettings = DEFAULT_TRUST
) -> Distrust | None:
    """Why the page's text layer cannot be read as the page's text, or None when it can.
    ``invisible_text``: the page draws its text in an invisible render mode."""
    scanned = page.image_cover >= settings.scan_cover
    if not page.words:
        return "image" if page.image_cover >= settings.image_cover else None
    if scanned and invisible_text:
        return "ocr_layer"
    if page.sideways > settings.sideways:
        return None  # text drawn turned: a question of the page's turn, not of its font
    text = " ".join(w.text for w in page.words)
    if _bad_share(text) > settings.max_bad_share:
        return "undecodable"
    # Letters the font could not map, inside words: the words cannot be read as printed.
    broken = sum(1 for w in page.words if _CID.search(w.text) and _CID.sub("", w.text).isalpha())
    if broken >= max(settings.min_broken_words, settings.max_broken_words * len(page.words)):
        return "undecodable"
    n, share = _common_share(text)
    if n >= settings.min_words and share < settings.min_common_share:
        return "undecodable"
    for bold in (False, True):
        styled = " ".join(w.text for w in page.words if w.bold == bold)
        n, share = _common_share(styled)
        if n >= settings.min_style_words and share < settings.min_common_share:
            return "undecodable"
        pairs = letter_pairs(_CID.sub(" ", styled))
        if len(pairs) >= settings.min_pairs and mean_log_p(pairs) < settings.min_mean_log_p:
            return "undecodable"
    return "scan_text" if scanned else None


_THEME = re.compile(r"\bTema\s+(\d{1,2})\s*[:.]", re.IGNORECASE)


def poorer(layer: PageLayout, image: PageLayout, settings: TrustSettings = DEFAULT_TRUST) -> bool:
    """The page's text layer says less than OCR reads on its image: fewer letters or words
    (lines lost; letters that do not join into words), or no *Tema* heading where the image
    has one."""

    def letters(page: PageLayout) -> int:
        return sum(c.isalnum() for w in page.words for c in w.text)

    def words(page: PageLayout) -> int:
        least = settings.layer_word_letters
        return sum(sum(c.isalnum() for c in w.text) >= least for w in page.words)

    share = settings.layer_share
    if letters(layer) < share * letters(image) or words(layer) < share * words(image):
        return True
    themes = set(_THEME.findall(" ".join(w.text for w in image.words)))
    return bool(themes - set(_THEME.findall(" ".join(w.text for w in layer.words))))
