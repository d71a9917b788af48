"""What a page image shows, decided from its ink: paper cleaned of specks, the tilt, the
ruling lines, the blobs no word of text explains (marks, lone digits, letters OCR missed), and
letters OCR confuses (a bare I, a §, bold lines). Pure functions on numpy arrays of ink."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from PIL import Image, ImageFilter

from pipeline.ingest.ocr_settings import DEFAULT_OCR, OcrSettings
from pipeline.ingest.tesseract import OcrWord
from pipeline.vocabulary import DANISH_COMMON_WORDS, MARK_GLYPHS

__all__ = [
    "alone",
    "clean",
    "crossed",
    "despeckle",
    "explained",
    "grouped",
    "ink_blobs",
    "letters_checked",
    "line_strokes",
    "lines_missing_ink",
    "otsu",
    "rules_in",
    "skew_angle",
    "split_at_spaces",
]


def _box_mean(image: Image.Image, x_radius: int, y_radius: int) -> np.ndarray:
    """For each pixel of a 0/255 image, the mean over the box reaching this far either way."""
    return np.asarray(image.filter(ImageFilter.BoxBlur((x_radius, y_radius))))


def despeckle(ink: np.ndarray, dpi: float) -> np.ndarray:
    """Ink without specks: ink with too little ink around it to be part of a letter is paper
    (an i's dot or a full stop has more), and the rest keeps its edges."""
    side = max(3, round(dpi / 60)) | 1  # 5 px at 300 dpi
    r = side // 2
    image = Image.fromarray(ink.astype(np.uint8) * 255)
    # At least 10 of the 25 pixels around (at 300 dpi) inked; the means are rounded, so the
    # thresholds stand between two counts.
    core = _box_mean(image, r, r) > 255 * (side * side * 0.38) / (side * side)
    # A hairline rule has little ink around it, but a long run of it (13 of 15 pixels).
    run = 3 * side
    long_run = 255 * (run - 2.5) / run
    core |= _box_mean(image, run // 2, 0) > long_run
    core |= _box_mean(image, 0, run // 2) > long_run
    grown = _box_mean(Image.fromarray(core.astype(np.uint8) * 255), r, r) > 0
    return ink & grown


def otsu(gray: np.ndarray) -> int:
    """The grey level that best separates ink from paper (from every other pixel of every other
    row: the same level, a quarter of the work)."""
    hist = np.bincount(gray[::2, ::2].ravel(), minlength=256).astype(np.float64)
    total = hist.sum()
    weights = np.cumsum(hist)
    means = np.cumsum(hist * np.arange(256))
    paper = total - weights
    valid = (weights > 0) & (paper > 0)
    between = np.zeros(256)
    mu = means[-1] / total
    between[valid] = (mu * weights[valid] - means[valid]) ** 2 / (weights[valid] * paper[valid])
    return int(np.argmax(between))


def clean(image: Image.Image) -> Image.Image:
    """Speckle and JPEG noise removed: a 3×3 median keeps strokes and drops lone dots. Taken
    as the median of three across of the medians of three down (the separable median: the same
    on strokes and dots, a sixth of the time of the true one)."""
    gray = np.asarray(image.convert("L"))
    down = np.empty_like(gray)
    down[1:-1] = _median3(gray[:-2], gray[1:-1], gray[2:])
    down[0], down[-1] = gray[0], gray[-1]
    out = np.empty_like(gray)
    out[:, 1:-1] = _median3(down[:, :-2], down[:, 1:-1], down[:, 2:])
    out[:, 0], out[:, -1] = down[:, 0], down[:, -1]
    return Image.fromarray(out)


def _median3(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    return np.maximum(np.minimum(a, b), np.minimum(np.maximum(a, b), c))


def skew_angle(ink: np.ndarray, max_degrees: float) -> float:
    """The angle (degrees, counter-clockwise) by which the page's text lines are tilted: the
    rotation that makes the rows' ink counts most uneven (lines sharp, gaps white)."""
    small = Image.fromarray((ink[::4, ::4] * 255).astype(np.uint8))

    def sharpness(angle: float) -> float:
        rotated = np.asarray(small.rotate(-angle, resample=Image.Resampling.NEAREST))
        return float(np.var(rotated.sum(axis=1, dtype=np.float64)))

    best = max(np.arange(-max_degrees, max_degrees + 1e-9, 0.25), key=sharpness)
    fine = np.arange(best - 0.25, best + 0.25 + 1e-9, 0.05)
    return float(max(fine, key=sharpness))


def _runs(mask: np.ndarray, min_len: int) -> list[tuple[int, int, int]]:
    """Runs of True along axis 1 at least ``min_len`` long: (row, start, end)."""
    padded = np.zeros((mask.shape[0], mask.shape[1] + 2), dtype=np.int8)
    padded[:, 1:-1] = mask
    edges = np.diff(padded, axis=1)
    found = []
    for row in np.nonzero((edges == 1).any(axis=1))[0]:
        starts = np.nonzero(edges[row] == 1)[0]
        ends = np.nonzero(edges[row] == -1)[0]
        for s, e in zip(starts, ends, strict=True):
            if e - s >= min_len:
                found.append((int(row), int(s), int(e)))
    return found


def _merge(runs: list[tuple[int, int, int]], max_thick: int) -> list[tuple[int, int, int, int]]:
    """Runs on neighbouring rows that overlap, as one rule: (first row, last row, start, end).
    A run that touches several rules so far joins them all (a rule seen first in pieces)."""
    rules: list[list[int]] = []
    for row, s, e in sorted(runs):
        near = [r for r in rules if row - r[1] <= 2 and s <= r[3] and e >= r[2]]
        if not near:
            rules.append([row, row, s, e])
            continue
        keep = near[0]
        keep[1] = row
        keep[2] = min([s, *(r[2] for r in near)])
        keep[3] = max([e, *(r[3] for r in near)])
        keep[0] = min(r[0] for r in near)
        for r in near[1:]:
            rules.remove(r)
    return [(a, b, s, e) for a, b, s, e in rules if b - a + 1 <= max_thick]


def _join(rules: list[tuple[int, int, int, int]], gap: int) -> list[tuple[int, int, int, int]]:
    """Pieces of one rule broken by a few pixels of noise, joined again."""
    out: list[list[int]] = []
    for a, b, s, e in sorted(rules, key=lambda r: (r[2], r[0])):
        for r in out:
            if abs((a + b) - (r[0] + r[1])) <= 4 and s - r[3] <= gap and e >= r[2]:
                r[0], r[1], r[3] = min(r[0], a), max(r[1], b), max(r[3], e)
                break
        else:
            out.append([a, b, s, e])
    return [(a, b, s, e) for a, b, s, e in out]


def rules_in(ink: np.ndarray, dpi: int, settings: OcrSettings = DEFAULT_OCR):
    """The page's straight lines: (horizontal, vertical) as (first, last, start, end) in
    pixels; a horizontal rule spans rows first..last and columns start..end.

    A rule is a long straight run of ink (pieces of it a little apart joined), continued along
    its line over the dashes a scan broke its ends into, and to the rule across its line that
    its end nearly meets (a hairline of a 1-bit scan is dashes, its corners often gone)."""
    min_len = max(8, int(settings.min_rule_inches * dpi))
    max_thick = max(3, int(settings.max_rule_inches * dpi) + 2)
    gap = max(2, round(settings.rule_gap_inches * dpi))
    across = _line_mask(ink)  # horizontal rules are found in it, vertical ones in its transpose
    down = _line_mask(ink.T)
    horizontal = [r for r in _long_runs(across, min_len, max_thick, gap) if _clear(r, across)]
    vertical = [r for r in _long_runs(down, min_len, max_thick, gap) if _clear(r, down)]
    reach = _Reach(
        piece=max(4, round(settings.rule_piece_inches * dpi)),
        gap=max(2, round(settings.rule_dash_gap_inches * dpi)),
        corner=max(2, round(settings.rule_corner_inches * dpi)),
        thick=max_thick,
    )
    # Continued rules that now meet are one; two that end at corners stay two (the left border
    # of two tables, one under the other, is not one rule across the heading between them).
    horizontal = _join([_continued(r, across, vertical, reach) for r in horizontal], max_thick)
    vertical = _join([_continued(r, down, horizontal, reach) for r in vertical], max_thick)
    # A horizontal rule whose corner was only found once the vertical rule was continued.
    horizontal = _join([_continued(r, across, vertical, reach) for r in horizontal], max_thick)
    return horizontal, vertical


def _line_mask(ink: np.ndarray) -> np.ndarray:
    """Ink as horizontal rules are looked for in it: a one-pixel break closed, and each row
    joined with the row above (a rule left a little tilted after deskewing steps one pixel
    aside)."""
    bridged = ink.copy()
    bridged[:, 1:-1] |= ink[:, :-2] & ink[:, 2:]
    thick = bridged.copy()
    thick[1:] |= bridged[:-1]
    return thick


def _long_runs(mask: np.ndarray, min_len: int, max_thick: int,
               gap: int) -> list[tuple[int, int, int, int]]:  # fmt: skip
    """Straight runs along the rows of ``mask`` at least ``min_len`` long, pieces of half that
    up to ``gap`` apart joined."""
    rules = _join(_merge(_runs(mask, min_len // 2), max_thick), gap)
    return [r for r in rules if r[3] - r[2] >= min_len]


# A run whose edge ink goes on from, straight outwards for _HANGING pixels, over this share of
# its length is text: the tops of a line of large bold letters run together, the letters hanging
# from them.
_TEXT_BESIDE = 0.35
_HANGING = 4


def _clear(rule: tuple[int, int, int, int], mask: np.ndarray) -> bool:
    """No letters hang from the run on either side: a rule, not the tops of a line of large bold
    letters run together (a title in a copy of a copy). Text near a rule (a cell without
    padding) stands apart from it, paper between, and does not count."""
    a, b, s, e = rule
    above = mask[max(0, a - _HANGING) : a, s:e][::-1]
    below = mask[b + 1 : b + 1 + _HANGING, s:e]
    return max(_hanging(above), _hanging(below)) < _TEXT_BESIDE


def _hanging(band: np.ndarray) -> float:
    """The share of a run's columns whose ink goes on through every row of ``band`` (its rows
    outward from the run's edge)."""
    if band.shape[0] < _HANGING or band.shape[1] == 0:
        return 0.0
    return float(band.all(axis=0).mean())


@dataclass(frozen=True)
class _Reach:
    """How far a rule is continued beyond its ends, in pixels: over dashes at least ``piece``
    long, at most ``gap`` apart, no thicker than a rule (``thick``), and to a rule across its
    line at most ``corner`` away."""

    piece: int
    gap: int
    corner: int
    thick: int


def _continued(rule: tuple[int, int, int, int], mask: np.ndarray, across,
               reach: _Reach) -> tuple[int, int, int, int]:  # fmt: skip
    """``rule`` continued at both ends along its line of ``mask`` (see ``_Reach``) and to the
    rules ``across`` it that its ends nearly meet."""
    a, b, s, e = rule
    lo, hi = max(0, a - 1), min(mask.shape[0], b + 2)
    band = mask[lo:hi].any(axis=0)
    # Ink just above or below a dash is a glyph's (a letter's bar, a stem's foot), not a rule's.
    edge = 2
    beside = mask[max(0, lo - edge - 1) : max(0, lo - 1)].any(axis=0)
    beside = beside | mask[hi + 1 : hi + edge + 1].any(axis=0)
    middle = (a + b) / 2
    stops = sorted(
        (p + q) / 2 for p, q, t, u in across if t - reach.corner <= middle <= u + reach.corner
    )
    width = mask.shape[1]
    end = _onwards(band, beside, e, stops, reach)
    mirrored = [width - 1 - x for x in reversed(stops)]
    start = width - _onwards(band[::-1], beside[::-1], width - s, mirrored, reach)
    return a, b, start, end


def _onwards(band: np.ndarray, beside: np.ndarray, end: int, stops: list[float],
             reach: _Reach) -> int:  # fmt: skip
    """Where a rule ending (exclusive) at ``end`` of ``band`` (its line's inked columns) ends
    once continued rightwards: over its dashes, and to a rule across it that its end nearly
    meets; past that rule only where its dashes go on beyond it (a border past a row's rule)."""
    while True:
        ahead = [p for p in stops if p >= end - reach.thick]
        if ahead and ahead[0] - end <= reach.corner:
            end = max(end, int(ahead[0]) + 1)  # at its corner
        limit = min(band.size, end + reach.gap)
        x, found = end, None
        while x < limit:
            if not band[x]:
                x += 1
                continue
            y = x
            while y < band.size and band[y]:
                y += 1
            if y - x >= reach.piece and beside[x:y].mean() < 0.3:
                found = y
                break
            x = y
        if found is None:
            return end
        end = found


def _components(mask: np.ndarray) -> list[tuple[int, int, int, int, int]]:
    """8-connected blobs of a sparse mask: (top, left, bottom, right, pixels), inclusive."""
    ys, xs = np.nonzero(mask)
    todo = set(zip(ys.tolist(), xs.tolist(), strict=True))
    blobs = []
    while todo:
        start = todo.pop()
        stack = [start]
        top, left, bottom, right, n = start[0], start[1], start[0], start[1], 0
        while stack:
            y, x = stack.pop()
            n += 1
            top, bottom, left, right = min(top, y), max(bottom, y), min(left, x), max(right, x)
            for dy in (-1, 0, 1):
                for dx in (-1, 0, 1):
                    p = (y + dy, x + dx)
                    if p in todo:
                        todo.remove(p)
                        stack.append(p)
        blobs.append((top, left, bottom, right, n))
    return blobs


# What tesseract makes of a cross it does not read as "X".
_MARK_MISREADS = frozenset("kKyY%*+#")


def explained(word: OcrWord) -> bool:
    """A word of text (its ink is letters), not OCR's reading of a mark or of dust."""
    core = word.text.strip("().[]'\"`,:;-_~")
    if not core:
        return False
    if len(core) == 1:
        return core not in MARK_GLYPHS and core not in _MARK_MISREADS
    if len(core) == 2 and not any(c.isalnum() for c in core):
        return False
    return not (len(core) <= 2 and core.casefold() in ("xx", "><", "x.", "k", "kx", "xk"))


def ink_blobs(ink: np.ndarray, words: list[OcrWord], em_px: float, settings: OcrSettings,
              smallest_em: float | None = None) -> list[tuple[int, int, int, int]]:  # fmt: skip
    """Blobs of ink that no word of text explains, (x0, top, x1, bottom): the size of a mark (or
    of a narrow digit), or with ``smallest_em`` anything from that size up (a full stop, a
    letter OCR left out)."""
    residual = ink.copy()
    # Word boxes hold their ink; looking for marks, a little more (a stroke's edge).
    pad = 1 if smallest_em is not None else max(1, round(em_px * 0.1))
    for w in words:
        if explained(w):
            residual[max(0, w.top - pad) : w.bottom + pad, max(0, w.x0 - pad) : w.x1 + pad] = False
    # Blobs on a coarse grid: a mark's strokes join, a stroke broken by noise is one blob.
    step = max(1, round(em_px / 12))
    h, w = residual.shape
    coarse = residual[: h - h % step, : w - w % step]
    coarse = coarse.reshape(h // step, step, w // step, step).any(axis=(1, 3))
    lo, hi = settings.mark_min_em * em_px / step, settings.mark_max_em * em_px / step
    blobs = []
    for top, left, bottom, right, n in _components(coarse):
        height, width = bottom - top + 1, right - left + 1
        if smallest_em is not None:
            least = smallest_em * em_px / step
            if max(height, width) < least or height > hi or width > hi:
                continue
            if min(height, width) <= 1 and max(height, width) > 4:
                continue  # a sliver of a rule
        # As wide as a mark, or as narrow as a digit one ("1") standing alone.
        elif (
            not (lo <= height <= hi and lo / 4 <= width <= hi)
            or n < 0.15 * height * width
            or width > 2.5 * height
        ):
            continue
        blobs.append((left * step, top * step, (right + 1) * step, (bottom + 1) * step))
    return blobs


def lines_missing_ink(ink: np.ndarray, words: list[OcrWord], em_px: float,
                      settings: OcrSettings) -> dict[int, list[tuple[int, int, int, int]]]:  # fmt: skip
    """The text lines beside which ink stands that none of their words explains (a letter, a
    full stop, a tag's "2)" OCR left out): by line, the boxes of that ink."""
    found: dict[int, list[tuple[int, int, int, int]]] = {}
    for box in ink_blobs(ink, words, em_px, settings, smallest_em=0.08):
        x0, top, x1, bottom = box
        near = [
            w for w in words
            if explained(w) and w.top <= bottom and w.bottom >= top
            and w.x1 > x0 - em_px * 0.6 and w.x0 < x1 + em_px * 0.6
        ]  # fmt: skip
        if near:
            line = min(near, key=lambda w: abs((w.top + w.bottom) - (top + bottom))).line
            found.setdefault(line, []).append(box)
    return found


def grouped(
    blobs: list[tuple[int, int, int, int]], em_px: float
) -> list[tuple[int, int, int, int]]:
    """Blobs side by side on one line (a gap under a third of an em), as one box each."""
    out: list[list[int]] = []
    for x0, top, x1, bottom in sorted(blobs):
        last = out[-1] if out else None
        if last and x0 - last[2] < em_px / 3 and top < last[3] and bottom > last[1]:
            last[1], last[2], last[3] = min(last[1], top), max(last[2], x1), max(last[3], bottom)
        else:
            out.append([x0, top, x1, bottom])
    return [(a, b, c, d) for a, b, c, d in out]


def alone(box: tuple[int, int, int, int], words: list[OcrWord], em_px: float) -> bool:
    """No word of text stands right beside the blob on its line (a total in its own cell)."""
    x0, top, x1, bottom = box
    for w in words:
        if w.bottom < top or w.top > bottom or not explained(w):
            continue
        if w.x1 > x0 - em_px and w.x0 < x1 + em_px:
            return False
    return True


def crossed(ink: np.ndarray, x0: int, top: int, x1: int, bottom: int) -> bool:
    """The blob's ink runs along both diagonals of its box: a cross (X, ×, ✕, ☒), not a digit
    or a letter OCR missed."""
    reach = max(1, round(min(x1 - x0, bottom - top) * 0.12))
    points = np.linspace(0.08, 0.92, 15)
    for flip in (False, True):
        hits = 0
        for t in points:
            y = round(top + t * (bottom - top))
            x = round(x1 - t * (x1 - x0)) if flip else round(x0 + t * (x1 - x0))
            hits += bool(
                ink[max(0, y - reach) : y + reach + 1, max(0, x - reach) : x + reach + 1].any()
            )
        if hits < 0.7 * len(points):
            return False
    # An X's middle lines cross ink only where its strokes meet; a 1's or a +'s run along it.
    mx, my = (x0 + x1) // 2, (top + bottom) // 2
    for along in ("vertical", "horizontal"):
        hits = 0
        for t in points:
            y = round(top + t * (bottom - top)) if along == "vertical" else my
            x = mx if along == "vertical" else round(x0 + t * (x1 - x0))
            hits += bool(ink[y, x])
        if hits > 0.8 * len(points):
            return False
    # An X's sides are open at their middles; a letter's (e, G, o, 8) are not.
    mx, my = (x0 + x1) // 2, (top + bottom) // 2
    sides = [(top, mx), (bottom - 1, mx), (my, x0), (my, x1 - 1)]
    closed = sum(
        bool(ink[max(0, y - reach) : y + reach + 1, max(0, x - reach) : x + reach + 1].any())
        for y, x in sides
    )
    return closed <= 2


def letters_checked(ink: np.ndarray, w: OcrWord, inside_sentence: bool = False) -> OcrWord:
    """Letters OCR confuses, decided from the ink (see the steps below) and the context: a word
    inside a sentence is not made a capital I, and only there is a capital that stands no
    taller than its small letters made small."""
    for check in (
        *(() if inside_sentence else (_capital_i, _capital_j)),
        _stems,
        _paragraph_sign,
        *((_first_letter_case,) if inside_sentence else ()),
        _lost_stop,
        _stop_or_comma,
        _colon,
        _bullet,
        _ring,
    ):
        w = check(ink, w)
    return w


def _glyphs(ink: np.ndarray, w: OcrWord) -> list[tuple[int, int, int, int]]:
    """The word's glyphs as runs of inked columns: (first column, last column, top row, bottom
    row), in the word box's coordinates."""
    box = ink[max(0, w.top) : w.bottom + 1, max(0, w.x0) : w.x1 + 1]
    if box.size == 0:
        return []
    columns = box.any(axis=0)
    runs: list[tuple[int, int, int, int]] = []
    start = None
    for x, inked in enumerate([*columns, False]):
        if inked and start is None:
            start = x
        elif not inked and start is not None:
            rows = np.nonzero(box[:, start:x].any(axis=1))[0]
            runs.append((start, x - 1, int(rows[0]), int(rows[-1])))
            start = None
    return runs


def split_at_spaces(ink: np.ndarray, w: OcrWord) -> list[OcrWord]:
    """A word OCR ran over a space before or after a small Danish word ("veji" for "vej i"), cut
    where its ink leaves a gap as wide as a space, far wider than its letters' own gaps. Where
    letters touch (a j's hook under the e before it) the glyphs are counted from the other end
    of the word."""
    glyphs = _glyphs(ink, w)
    if len(w.text) < 3 or len(glyphs) < 2 or len(glyphs) > len(w.text):
        return [w]
    gaps = [glyphs[k][0] - glyphs[k - 1][1] for k in range(1, len(glyphs))]
    usual = float(np.median(gaps))
    shift = len(w.text) - len(glyphs)  # letters that share a glyph with another
    for g, gap in enumerate(gaps, start=1):
        if gap <= max(0.25 * w.size_px, 2.5 * usual):
            continue
        for k in {g, g + shift}:  # the cut counted from the left and from the right
            head, tail = w.text[:k], w.text[k:]
            if not (head.isalpha() and tail.isalpha()):
                continue
            if head.casefold() in DANISH_COMMON_WORDS or tail.casefold() in DANISH_COMMON_WORDS:
                return [
                    replace(w, text=head, x1=w.x0 + glyphs[g - 1][1] + 1),
                    replace(w, text=tail, x0=w.x0 + glyphs[g][0]),
                ]
    return [w]


def _capital_i(ink: np.ndarray, w: OcrWord) -> OcrWord:
    """A word's first "i" that has no dot is a capital I (a sans-serif I is a bare stem)."""
    if w.text[:1] != "i" or len(w.text) < 2 or not w.text[1:2].islower():
        return w
    return _undotted(ink, w, "I")


def _undotted(ink: np.ndarray, w: OcrWord, capital: str) -> OcrWord:
    """The word with its first letter ``capital`` when that letter's ink has no dot over it."""
    glyphs = _glyphs(ink, w)
    if not glyphs:
        return w
    first, last = glyphs[0][:2]  # the whole letter: an italic i's dot stands right of its foot
    column = ink[w.top : round(w.baseline), w.x0 + first : w.x0 + last + 1].any(axis=1)
    inked = np.nonzero(column)[0]
    if not inked.size:
        return w
    # Only one way: a dot closed up by blur or bold ink must not make an i a capital.
    if not _gap(column[inked[0] : inked[-1] + 1], 1):
        return replace(w, text=capital + w.text[1:])
    return w


def _capital_j(ink: np.ndarray, w: OcrWord) -> OcrWord:
    """A word's first "j" whose stem has no dot above it is a capital J."""
    if w.text[:1] != "j" or len(w.text) < 2 or not w.text[1:2].islower():
        return w
    return _undotted(ink, w, "J")


def _stems(ink: np.ndarray, w: OcrWord) -> OcrWord:
    """Letters that are one stem, told apart by the gap in their ink: a "!" inside a word, or
    one without its dot, is an l ("ti!" is "til"); a lone "1" or "I" between words with a dot
    on top is "i"."""
    lone = len(w.text) == 1 and w.text in "1I"
    if "!" not in w.text and not lone:
        return w
    glyphs = _glyphs(ink, w)
    if len(glyphs) != len(w.text):
        return w  # letters run together: no telling which ink is which letter
    letters = list(w.text)
    for k, c in enumerate(letters):
        if c not in "!1I":
            continue
        first, last = glyphs[k][:2]
        column = ink[max(0, w.top) : w.bottom + 1, w.x0 + first : w.x0 + last + 1].any(axis=1)
        inked = np.nonzero(column)[0]
        if inked.size < 3:
            continue
        run = column[inked[0] : inked[-1] + 1]
        gap = np.nonzero(~run)[0]
        if c == "!" and (gap.size == 0 or k < len(letters) - 1):
            letters[k] = "l"
        elif c in "1I" and gap.size and gap.mean() < run.size / 2:
            letters[k] = "i"
    text = "".join(letters)
    return w if text == w.text else replace(w, text=text)


def _paragraph_sign(ink: np.ndarray, w: OcrWord) -> OcrWord:
    """Digits after a first letter OCR reads for a § ("8", "5", "$", "S") that reaches below the
    others are a paragraph sign and a number (§119, not 8119 or $119)."""
    if len(w.text) >= 3 and w.text[0] in "85$S" and w.text[1:].rstrip(".,)").isdigit():
        box = ink[w.top : w.bottom + 1, w.x0 : w.x1 + 1]
        split = round(w.size_px * 0.45)
        first = np.nonzero(box[:, :split].any(axis=1))[0]
        rest = np.nonzero(box[:, split:].any(axis=1))[0]
        if first.size and rest.size and first[-1] - rest[-1] >= 2:
            return replace(w, text="§" + w.text[1:])
    return w


# Letters whose capital is their small letter made taller, and small letters of x-height.
_SAME_SHAPE = frozenset("CMOSUVWXZ")
_X_HEIGHT = frozenset("acemnorsuvwxzæø")


def _first_letter_case(ink: np.ndarray, w: OcrWord) -> OcrWord:
    """A capital that stands no taller than the small letter after it is a small letter OCR
    took for a capital ("Motivation" mid-sentence is "motivation")."""
    if len(w.text) < 3 or w.text[0] not in _SAME_SHAPE or w.text[1] not in _X_HEIGHT:
        return w
    glyphs = _glyphs(ink, w)
    if len(glyphs) < len(w.text) - 1 or len(glyphs) < 2:
        return w  # letters run together: no telling which ink is the first letter's
    first_top, second_top = glyphs[0][2], glyphs[1][2]
    if first_top >= second_top - 0.08 * w.size_px:
        return replace(w, text=w.text[0].lower() + w.text[1:])
    return w


_DESCENDERS = frozenset("gjpqy,;")


def _lost_stop(ink: np.ndarray, w: OcrWord) -> OcrWord:
    """A dot at the foot of the word's box, after its last letter, that OCR left out of its
    text: the full stop of "2." or of a sentence's last word."""
    glyphs = _glyphs(ink, w)
    if len(glyphs) != len(w.text) + 1 or not w.text[-1:].isalnum():
        return w
    left, right, top, bottom = glyphs[-1]
    letters_foot = max(g[3] for g in glyphs[:-1])
    small = bottom - top <= 0.25 * w.size_px and right - left <= 0.25 * w.size_px
    if small and abs(bottom - letters_foot) <= 0.1 * w.size_px:
        return replace(w, text=w.text + ".")
    return w


def _stop_or_comma(ink: np.ndarray, w: OcrWord) -> OcrWord:
    """A word's last mark is a comma when its ink reaches below the foot of the word's letters,
    else a full stop."""
    if len(w.text) < 3 or w.text[-1] not in ".," or not w.text[-2].isalnum():
        return w
    glyphs = _glyphs(ink, w)
    if len(glyphs) < 3:
        return w
    if len(glyphs) == len(w.text):
        feet = [g[3] for g, c in zip(glyphs[:-1], w.text, strict=False) if c not in _DESCENDERS]
    else:
        feet = [g[3] for g in glyphs[:-1]]
    if not feet:
        return w
    foot = float(np.median(feet))
    mark = "," if glyphs[-1][3] - foot > 0.06 * w.size_px else "."
    return w if mark == w.text[-1] else replace(w, text=w.text[:-1] + mark)


# What tesseract makes of a list's round bullet.
_BULLET_MISREADS = frozenset("eoO0«»*°@•·")


def _bullet(ink: np.ndarray, w: OcrWord) -> OcrWord:
    """A lone letter whose ink is one filled disc is a list's bullet ("●"), not an "e"."""
    if len(w.text) != 1 or w.text not in _BULLET_MISREADS:
        return w
    glyphs = _glyphs(ink, w)
    if len(glyphs) != 1:
        return w
    left, right, top, bottom = glyphs[0]
    width, height = right - left + 1, bottom - top + 1
    if not 0.7 <= width / height <= 1.4 or not 0.3 * w.size_px <= height <= 0.9 * w.size_px:
        return w
    box = ink[max(0, w.top) + top : max(0, w.top) + bottom + 1, w.x0 + left : w.x0 + right + 1]
    return replace(w, text="●") if box.mean() >= 0.62 else w


def _ring(ink: np.ndarray, w: OcrWord) -> OcrWord:
    """An "å" whose ink reaches no higher than the word's small letters has no ring: "a"
    ("materialer", not "måterialer")."""
    if "å" not in w.text:
        return w
    glyphs = _glyphs(ink, w)
    if len(glyphs) != len(w.text):
        return w  # letters run together: no telling which ink is which letter
    small = [g[2] for g, c in zip(glyphs, w.text, strict=True) if c in _X_HEIGHT and c != "å"]
    if not small:
        return w
    x_top = float(np.median(small))
    letters = [
        "a" if c == "å" and g[2] >= x_top - 0.12 * w.size_px else c
        for g, c in zip(glyphs, w.text, strict=True)
    ]
    text = "".join(letters)
    return w if text == w.text else replace(w, text=text)


def _colon(ink: np.ndarray, w: OcrWord) -> OcrWord:
    """A word's last full stop is a colon when a second dot stands above it ("Dato:")."""
    if len(w.text) < 2 or w.text[-1] != "." or not w.text[-2].isalpha():
        return w
    glyphs = _glyphs(ink, w)
    if len(glyphs) < 2:
        return w
    left, right, top, bottom = glyphs[-1]
    if right - left > 0.25 * w.size_px or bottom - top < 0.3 * w.size_px:
        return w  # a lone dot at the foot: a full stop
    box = ink[max(0, w.top) + top : max(0, w.top) + bottom + 1, w.x0 + left : w.x0 + right + 1]
    if _gap(box.any(axis=1), max(1, round(0.08 * w.size_px))):
        return replace(w, text=w.text[:-1] + ":")
    return w


def _gap(column: np.ndarray, rows: int) -> bool:
    """A run of at least ``rows`` blank rows in a column's ink (the gap under an i's dot)."""
    run = 0
    for inked in column:
        run = 0 if inked else run + 1
        if run >= rows:
            return True
    return False


def line_strokes(ink: np.ndarray, words: list[OcrWord]) -> dict[int, float]:
    """How heavy each text line's strokes are, as a share of its size: ink over its edge pixels
    is about half a stroke's width, whatever the letters."""
    area: dict[int, int] = {}
    edge: dict[int, int] = {}
    size: dict[int, float] = {}
    for w in words:
        box = ink[w.top : w.bottom + 1, w.x0 : w.x1 + 1]
        if box.shape[0] < 3 or box.shape[1] < 3:
            continue
        inner = box[1:-1, 1:-1] & box[:-2, 1:-1] & box[2:, 1:-1] & box[1:-1, :-2] & box[1:-1, 2:]
        n = int(box.sum())
        area[w.line] = area.get(w.line, 0) + n
        edge[w.line] = edge.get(w.line, 0) + n - int(inner.sum())
        size[w.line] = w.size_px
    return {k: area[k] / edge[k] / size[k] for k in area if edge[k] and size[k] > 0}
