"""Pages read from their image: tesseract's Danish words and the image's own ruling lines, as the
same ``PageLayout`` a born-digital page gives, for the same reader.

A page is rendered (pypdfium2), cleaned of speckle and JPEG noise, binarized, deskewed by the
angle at which its text lines stand sharpest, and its straight ink runs taken as rules
(``ink``). Tesseract (``tesseract``, hOCR) reads the page with the rules painted out; each word
comes with its box, its line's baseline and size, and a confidence. Marks are decided from ink:
a compact blob of ink that no word of text explains is a mark when it is a cross, whatever
letter OCR made of it (or none), while speckle is too small to be one.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from PIL import Image

from pipeline.extract.pdf import PageLayout, Rule, Word
from pipeline.ingest.ink import (
    alone,
    clean,
    crossed,
    despeckle,
    explained,
    grouped,
    ink_blobs,
    letters_checked,
    line_strokes,
    lines_missing_ink,
    otsu,
    rules_in,
    skew_angle,
    split_at_spaces,
)
from pipeline.ingest.ocr_settings import DEFAULT_OCR, OcrSettings
from pipeline.ingest.photo import evened, upright
from pipeline.ingest.tesseract import (
    OcrError,
    OcrWord,
    ocr_missing,
    parse_hocr,
    punctuation_joined,
    read_digits,
    read_lines,
    read_words,
)

__all__ = [
    "DEFAULT_OCR",
    "OcrError",
    "OcrPage",
    "OcrSettings",
    "ocr_missing",
    "ocr_page",
    "read_page",
]

PRODUCER = "OCR (tesseract)"


def read_page(path: Path, page: PageLayout, settings: OcrSettings = DEFAULT_OCR) -> OcrPage:
    """``page`` of ``path`` read from its image. Raises OcrError."""
    for number, image in render_pages(path, [page.number], settings.dpi):
        return ocr_page(image, number, page.width, page.height, settings)
    raise OcrError(f"page {page.number} could not be rendered for OCR")


def render_pages(path: Path, numbers: list[int], dpi: int) -> Iterator[tuple[int, Image.Image]]:
    """The pages ``numbers`` (1-based) of ``path`` as greyscale images at ``dpi``, cleaned."""
    import pypdfium2

    try:
        pdf = pypdfium2.PdfDocument(str(path))
    except pypdfium2.PdfiumError as e:
        raise OcrError(f"the pages could not be rendered for OCR ({e})") from e
    try:
        for number in numbers:
            page = pdf[number - 1]
            try:
                bitmap = page.render(scale=render_scale(page, dpi), grayscale=True)
                yield number, clean(bitmap.to_pil().convert("L"))
            finally:
                page.close()
    finally:
        pdf.close()


# The most pixels a page is rendered with for OCR: a page of an A3 sheet at 300 dpi is 17
# million; an image page of any size is scaled to this before anything else is done with it, so
# reading it stays far inside the reader's memory limit (a byte per pixel, a few copies).
MAX_PIXELS = 40_000_000


def render_scale(page, dpi: int) -> float:
    """Pixels per point to render ``page`` with: ``dpi``, but never more than twice the pixels
    of the scanned image that covers the page (more shows OCR nothing new) and never more than
    ``MAX_PIXELS`` in all (a scan laid on a page metres wide)."""
    import math

    import pypdfium2.raw as pdfium_c

    width, height = page.get_size()
    scale = dpi / 72
    native = []
    for image in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,), max_depth=2):
        left, bottom, right, top = image.get_bounds()
        if (right - left) * (top - bottom) >= 0.25 * width * height:
            px_width, px_height = image.get_px_size()
            native.append(max(px_width / max(right - left, 1), px_height / max(top - bottom, 1)))
    if native:
        scale = min(scale, 2 * max(native))
    return min(scale, math.sqrt(MAX_PIXELS / max(width * height, 1.0)))


@dataclass(frozen=True)
class OcrPage:
    """A page read from its image, with how sure OCR was of each of its words."""

    layout: PageLayout
    confidences: tuple[float, ...]  # tesseract's (0–100), one per word of the layout
    skew_degrees: float

    def doubts(self, low: float) -> list[tuple[Word, float]]:
        """The words OCR was less sure of than ``low``, with its confidence."""
        return [
            (w, c)
            for w, c in zip(self.layout.words, self.confidences, strict=True)
            if c < low and any(ch.isalnum() for ch in w.text)
        ]


# Where a line's text stands about its baseline, in multiples of its size (as pdfminer boxes
# a letter: from the font's ascent above the baseline to its descent below).
_ASCENT, _DESCENT = 0.78, 0.22


_BOLD_INK = 1.2  # a line whose strokes are this much heavier than the usual line is bold
_FEW_LETTERS = 8  # a line of fewer letters than this shows its weight less surely: it needs


def _bold_ink(letters: int) -> float:
    """How much heavier than the usual line a line of ``letters`` letters must be to be bold
    (one short word's strokes, a colon's dots, weigh unevenly)."""
    return _BOLD_INK if letters >= _FEW_LETTERS else 1.4


def _reread_lines(image: Image.Image, ink: np.ndarray, words: list[OcrWord], em_px: float,
                  settings: OcrSettings) -> list[OcrWord]:  # fmt: skip
    """Lines beside which ink stands that none of their words explains, read again as one line
    each (tesseract's sparse reading leaves out a letter, a full stop, a tag's "2)"); the new
    reading replaces the old where it holds all the old one's letters and more."""
    missing = lines_missing_ink(ink, words, em_px, settings)
    if not missing:
        return words
    by_line: dict[int, list[OcrWord]] = {}
    for w in words:
        by_line.setdefault(w.line, []).append(w)
    out = [w for w in words if w.line not in missing]
    crops = {}
    for line, boxes in missing.items():
        old = by_line[line]
        x0 = min([w.x0 for w in old] + [b[0] for b in boxes]) - round(0.3 * em_px)
        x1 = max([w.x1 for w in old] + [b[2] for b in boxes]) + round(0.3 * em_px)
        top = min([w.top for w in old] + [b[1] for b in boxes]) - round(0.15 * em_px)
        bottom = max([w.bottom for w in old] + [b[3] for b in boxes]) + round(0.15 * em_px)
        crops[line] = (max(0, x0), max(0, top), x1, bottom)
    try:  # every line in one tesseract run, each read as the one line it is
        readings = read_lines([image.crop(box) for box in crops.values()], settings.page_timeout)
    except OcrError:
        return words
    next_line = max(by_line) + 1
    for (line, (x0, top, _, _)), read in zip(crops.items(), readings, strict=True):
        new = [
            replace(w, x0=w.x0 + x0, x1=w.x1 + x0, top=w.top + top, bottom=w.bottom + top,
                    baseline=w.baseline + top, line=next_line)
            for w in read
        ]  # fmt: skip
        next_line += 1
        sure = [w for w in new if w.confidence >= settings.low_confidence]
        out += _merged(by_line[line], sure, missing[line])
    return out


def _merged(old: list[OcrWord], new: list[OcrWord], boxes) -> list[OcrWord]:
    """The old reading of a line with what the new one adds: a new word in place of the old
    words it overlaps when it holds all their letters and more ("lodtryk" → "blodtryk",
    "forelægges" → "forelægges."), or beside them when it covers ink they left out ("2)")."""
    kept = list(old)
    for w in new:
        under = [
            o
            for o in kept
            if min(o.x1, w.x1) - max(o.x0, w.x0) > 0.5 * min(o.x1 - o.x0, w.x1 - w.x0)
        ]
        if under:
            before = "".join(o.text for o in sorted(under, key=lambda o: o.x0))
            if len(w.text) > len(before) and _holds(w.text, before):
                kept = [o for o in kept if o not in under] + [w]
        elif any(b[0] < w.x1 and b[2] > w.x0 for b in boxes) and not _again(w, kept):
            kept.append(w)
    return kept


def _again(w: OcrWord, words: list[OcrWord]) -> bool:
    """``w`` is a word already read, a little aside (a narrow "i" read twice)."""
    middle = (w.x0 + w.x1) / 2
    return any(
        o.text == w.text and abs((o.x0 + o.x1) / 2 - middle) < 0.6 * w.size_px for o in words
    )


_RULE_LIKE = frozenset("—–-_|=~")


def _on_rule(w: OcrWord, horizontal, em_px: float) -> bool:
    middle = (w.top + w.bottom) / 2
    return any(
        abs((a + b) / 2 - middle) <= 0.6 * em_px and s <= w.x1 and e >= w.x0
        for a, b, s, e in horizontal
    )


def _holds(longer: str, shorter: str) -> bool:
    """Every letter of ``shorter`` is in ``longer``, in order."""
    letters = iter(longer)
    return all(c in letters for c in shorter)


_SENTENCE_END = frozenset(".!?:")
_SAME_SIZE = 0.13
_LARGEST_SHEET_PT, _A4_LONG_PT = 1191.0, 842.0  # A2's short side (42 cm); A4's long side

# A dash's stroke, in multiples of its line's size: at most this thick, from this long (a
# hyphen) to this long (an en dash: "OBS – dette", "6 - 13 år"); longer is an em dash.
_DASH_THICK, _DASH_MIN, _EN_DASH, _EM_DASH = 0.15, 0.2, 0.36, 0.75


def _one_size_per_paragraph(words: list[Word]) -> list[Word]:
    """A line that goes on from the line above it (close below it, at its left edge, in its
    weight) in a size OCR measured a little apart is set in that line's size: one style, one
    size ("…Regionale indsatser" + "lokalt", a heading's last word on a line of its own)."""
    from pipeline.ingest.lexicon import printed_lines

    out = list(words)
    above: list[int] | None = None
    for line in printed_lines(words):
        if above:
            a, b = out[above[0]], out[line[0]]
            follows = (
                0 <= b.top - max(out[k].bottom for k in above) < 0.5 * a.size
                and abs(b.x0 - a.x0) < a.size
                and all(out[k].bold == a.bold for k in line)
                and 0.8 < b.size / a.size < 1.25
            )
            if follows:
                for k in line:
                    out[k] = replace(out[k], size=a.size)
        above = line
    return out


def _dashes_between(ink: np.ndarray, words: list[OcrWord]) -> list[OcrWord]:
    """A hyphen or dash standing alone between two words of a line, which OCR left out, put
    back from its ink: a thin level stroke at the middle of the small letters."""
    out: list[OcrWord] = []
    for previous, w in zip([None, *words], words, strict=False):
        if previous is not None and previous.line == w.line:
            size = w.size_px
            x0, x1 = previous.x1 + 1, w.x0 - 1
            top, bottom = round(w.baseline - 0.6 * size), round(w.baseline)
            if x1 - x0 >= _DASH_MIN * size and top >= 0:
                piece = ink[top:bottom, x0:x1]
                rows = np.nonzero(piece.any(axis=1))[0]
                cols = np.nonzero(piece.any(axis=0))[0]
                if rows.size and cols.size:
                    thick, long = rows[-1] - rows[0] + 1, cols[-1] - cols[0] + 1
                    middle = top + (rows[0] + rows[-1]) / 2
                    level = 0.12 * size <= w.baseline - middle <= 0.45 * size
                    solid = piece[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1].mean() > 0.6
                    if thick <= _DASH_THICK * size and long >= _DASH_MIN * size and level and solid:
                        glyph = (
                            "-"
                            if long < _EN_DASH * size
                            else "–"
                            if long < _EM_DASH * size
                            else "—"
                        )
                        a, b = x0 + int(cols[0]), x0 + int(cols[-1]) + 1
                        out.append(replace(w, text=glyph, x0=a, x1=b, confidence=100.0))
        out.append(w)
    return out


def inside_sentence(previous: OcrWord | None, w: OcrWord) -> bool:
    """The word follows another of its sentence on its line, in its cell."""
    return (
        previous is not None
        and previous.line == w.line
        and w.x0 - previous.x1 <= 1.5 * w.size_px
        and previous.text[-1:] not in _SENTENCE_END
        and (sum(c.isalpha() for c in previous.text) >= 2 or previous.text in ("i", "å"))
    )  # a lone "e" or "o" before it is a list's bullet, no word


def ocr_page(image: Image.Image, number: int, width_pt: float, height_pt: float,
             settings: OcrSettings = DEFAULT_OCR) -> OcrPage:  # fmt: skip
    """One page read from its image (rendered at ``settings.dpi`` and cleaned, see
    ``render_pages``) as a ``PageLayout``."""
    if max(width_pt, height_pt) > _LARGEST_SHEET_PT:
        # A page larger than any sheet of paper (a scan laid on a page metres wide) is read as
        # the sheet it shows: its longer side an A4 sheet's, its text at a sheet's sizes.
        shrink = _A4_LONG_PT / max(width_pt, height_pt)
        width_pt, height_pt = width_pt * shrink, height_pt * shrink
    dpi = image.width / (width_pt / 72) if width_pt else settings.dpi
    gray = evened(image, dpi)  # a photo's shadow lifted; a scan's even paper left alone
    arr = np.asarray(gray)
    level = min(otsu(arr), 200)  # turning the page does not change its ink's grey
    ink = arr < level
    seen = upright(gray, ink, dpi)  # a photo's slant undone (its rules upright and level)
    if seen is not gray:
        gray = seen
        ink = np.asarray(gray) < level
    angle = skew_angle(ink, settings.max_skew_degrees)  # specks do not tilt the lines
    if abs(angle) >= 0.05:
        gray = gray.rotate(-angle, resample=Image.Resampling.BILINEAR, fillcolor=255)
        ink = np.asarray(gray) < level
    ink = despeckle(ink, dpi)
    horizontal, vertical = rules_in(ink, round(dpi), settings)
    text_ink = ink.copy()
    for a, b, s, e in horizontal:
        text_ink[max(0, a - 1) : b + 2, s:e] = False
    for a, b, s, e in vertical:
        text_ink[s:e, max(0, a - 1) : b + 2] = False
    page_image = Image.fromarray(np.where(text_ink, 0, 255).astype(np.uint8))
    # tesseract gets the page as 1-bit ink (the same words as from grey 0/255, a ninth the bytes)
    words = parse_hocr(read_words(Image.fromarray(~text_ink), settings.page_timeout))
    scale = 72 / dpi
    sizes = sorted(w.size_px for w in words if len(w.text) > 2) or [dpi * 10 / 72]
    # tesseract's x_size (a line's height from ascender to descender) is about its font size
    em_px = sizes[len(sizes) // 2]
    # A letter or two alone on a line of its own, taller than two lines, is OCR's join of
    # letters of two lines: its ink is read again with its lines.
    # What is left of a rule after it was painted out, read as a dash, is no text.
    words = [w for w in words if not (set(w.text) <= _RULE_LIKE and _on_rule(w, horizontal, em_px))]
    per_line = Counter(w.line for w in words)
    words = [
        w for w in words
        if w.bottom - w.top <= 1.8 * em_px or len(w.text) > 2 or per_line[w.line] > 1
    ]  # fmt: skip
    words = punctuation_joined(_reread_lines(page_image, text_ink, words, em_px, settings))
    strokes = line_strokes(text_ink, words)
    usual = float(np.median([strokes.get(w.line, 0.0) for w in words])) if words else 0.0
    out: list[Word] = []
    confidences: list[float] = []
    pieces = [piece for w in words if explained(w) for piece in split_at_spaces(text_ink, w)]
    checked = [
        letters_checked(text_ink, w, inside_sentence(previous, w))
        for previous, w in zip([None, *pieces], pieces, strict=False)
    ]
    checked = _dashes_between(text_ink, checked)
    letters = Counter()
    for w in checked:
        letters[w.line] += sum(c.isalnum() for c in w.text)
    for w in checked:
        # A line OCR measures a little off its page's body size is body text: one style, one
        # size (a heading wrapped onto a line of one long word stays one heading).
        size_px = em_px if abs(w.size_px / em_px - 1) <= _SAME_SIZE else w.size_px
        size = round(size_px * scale, 1)
        word = Word(
            w.text,
            w.x0 * scale,
            w.x1 * scale,
            (w.baseline - _ASCENT * size_px) * scale,
            (w.baseline + _DESCENT * size_px) * scale,
            size,
            usual > 0 and strokes.get(w.line, 0.0) > _bold_ink(letters[w.line]) * usual,
        )
        out.append(word)
        confidences.append(w.confidence)
    blobs = ink_blobs(text_ink, words, em_px, settings)
    crosses = [
        b for b in blobs if b[2] - b[0] >= settings.mark_min_em * em_px and crossed(text_ink, *b)
    ]
    # The rest, where no word stands beside them, are what OCR left out (a lone total, a tag's
    # "2)" alone on its line): the blobs of one such word read together.
    rest = grouped([b for b in blobs if b not in crosses and alone(b, words, em_px)], em_px)
    found = [(b, "X") for b in crosses]
    found += [(b, read_digits(page_image, b, settings.page_timeout)) for b in rest]
    for box, text in found:
        x0, _, x1, baseline = box
        if text:
            out.append(
                Word(text, x0 * scale, x1 * scale, (baseline - _ASCENT * em_px) * scale,
                     (baseline + _DESCENT * em_px) * scale, round(em_px * scale, 1), False)
            )  # fmt: skip
            confidences.append(100.0)  # decided from the ink
    out = _one_size_per_paragraph(out)
    rules = [Rule(s * scale, e * scale, (a + b) / 2 * scale, (a + b) / 2 * scale)
             for a, b, s, e in horizontal]  # fmt: skip
    rules += [Rule((a + b) / 2 * scale, (a + b) / 2 * scale, s * scale, e * scale)
              for a, b, s, e in vertical]  # fmt: skip
    layout = PageLayout(number, width_pt, height_pt, tuple(out), tuple(rules), 0, PRODUCER)
    return OcrPage(layout, tuple(confidences), angle)
