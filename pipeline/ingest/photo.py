"""Pages photographed rather than scanned: light evened out and perspective undone.

A phone held above a page sees it lit unevenly (brighter at one corner, a shadow across it) and
at a slant: the far edge of the page narrower than the near one, so the table's vertical rules
lean towards each other and its horizontal ones fan out. A flat scan has neither, and is handed
back untouched (the same image object), so everything after reads it exactly as before.

- ``evened``: the paper's own brightness, estimated from the brightest ink-free pixels around
  each point, is divided out where it varies across the page.
- ``upright``: the page's long ruling lines are found at whatever slant they stand (a search over
  small angles on a reduced image, refined on the full one); when they converge, the
  quadrilateral framed by the outermost ones is mapped onto a rectangle (a homography), which
  stands every rule of the page upright again.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageFilter

from pipeline.ingest.ink import skew_angle

__all__ = ["evened", "upright"]

# ------------------------------------------------------------------------------- uneven light

# The paper's brightness is sampled in blocks of this side (inches): larger than a letter, a
# cell's text or a bold heading, so each block shows paper somewhere.
_LIGHT_BLOCK_INCHES = 0.25
# Light is uneven when the darkest paper stands this far below the brightest (a share of it).
_UNEVEN_LIGHT = 0.12


def evened(image: Image.Image, dpi: float) -> Image.Image:
    """``image`` with its paper made evenly white where the light across it is uneven (a phone
    photo's shadow), else ``image`` itself. Ink keeps its darkness relative to the paper around
    it, so one grey level separates ink from paper anywhere on the page."""
    gray = np.asarray(image)
    side = 2 * max(2, round(_LIGHT_BLOCK_INCHES * dpi / 2))
    h, w = gray.shape
    rows, cols = h // side, w // side
    if rows < 3 or cols < 3:
        return image
    # Every other pixel each way tells the paper's light as well as all of them.
    half = side // 2
    blocks = gray[: rows * side : 2, : cols * side : 2].reshape(rows, half, cols, half)
    # The paper of each block: a high percentile (the brightest ink-free pixels), not the
    # brightest pixel (JPEG noise).
    paper = np.percentile(blocks.transpose(0, 2, 1, 3).reshape(rows, cols, -1), 90, axis=2)
    # A block that is mostly ink (a logo, a filled bar) says nothing of the light: the largest
    # of its neighbours' paper stands in for it, then the map is smoothed.
    paper_img = Image.fromarray(np.clip(paper, 1, 255).astype(np.uint8))
    paper_img = paper_img.filter(ImageFilter.MaxFilter(3)).filter(ImageFilter.MedianFilter(3))
    paper = np.asarray(paper_img).astype(np.float32)
    bright, dark = np.percentile(paper, 98), np.percentile(paper, 2)
    if bright <= 0 or (bright - dark) / bright < _UNEVEN_LIGHT:
        return image
    light = paper_img.filter(ImageFilter.GaussianBlur(1.0)).resize(
        (w, h), Image.Resampling.BILINEAR
    )
    # In whole numbers, two bytes a pixel: a page of 40 million pixels stays well inside the
    # reader's memory limit.
    paper_here = np.maximum(np.asarray(light), 1).astype(np.uint16)
    ratio = gray.astype(np.uint16) * 255
    ratio //= paper_here
    return Image.fromarray(np.minimum(ratio, 255).astype(np.uint8))


# ------------------------------------------------------------------------------- perspective

# Rules are looked for leaning this far from upright or level, either way (degrees): a phone
# held a little askew; steeper is a photo no one would send.
_MAX_LEAN_DEGREES = 6.0
# The reduced image the search runs on has this many pixels per inch (a rule stays a line).
_SEARCH_DPI = 75
# A ruling line is at least this long (inches): a table's, not a letter's or an underline's.
_MIN_LINE_INCHES = 1.5
# and bridges no wider gaps than this (inches): a line of text's letters leave wider ones.
_LINE_GAP_INCHES = 0.06
# A line of the frame reaches across at least this share of the page's side
_FRAME_LINE = 0.3
# A rule's ink covers at least this share of its length (a text line's feet far less).
_SOLID = 0.85
# The outermost lines frame the page when this far apart (share of the page's side).
_FRAME_SPAN = 0.25
# The page is seen at a slant when its lines lean towards each other, or meet askew, by more
# than this (degrees); a flat scan's lines are parallel to a few hundredths of a degree.
_SLANT_DEGREES = 0.2


# Without rules, the page's slant is read from its text: a margin is where lines begin after
# at least this much blank paper (inches; wider than a space between words),
_MARGIN_GAP_INCHES = 0.12
# A margin is at least this many lines beginning there, each some rows of the reduced image
# (a letter's height at _SEARCH_DPI, less its round edges).
_MARGIN_LINES, _MARGIN_ROWS = 8, 4
# and the text's margins and lines, less sharp than rules, must lean this far (degrees).
_TEXT_SLANT_DEGREES = 0.5


@dataclass(frozen=True)
class _Line:
    """A ruling line as found on the page: ``across = offset + slope * along``, where ``along``
    is the row (a near-vertical line) or the column (a near-horizontal one), from ``start`` to
    ``end`` along it."""

    offset: float
    slope: float
    start: int
    end: int

    def at(self, along: float) -> float:
        return self.offset + self.slope * along

    @property
    def length(self) -> int:
        return self.end - self.start


def upright(image: Image.Image, ink: np.ndarray, dpi: float) -> Image.Image:
    """``image`` seen straight on: when the page's ruling lines (or, without them, its text's
    margins and lines) show it photographed at a slant, the image warped so that they stand
    upright and level again (and the page is turned straight); else ``image`` itself."""
    factor = max(1, round(dpi / _SEARCH_DPI))
    small = _reduced(ink, factor)
    frame, least = _ruled_frame(ink, small, factor, dpi), _SLANT_DEGREES
    if frame is None:
        frame, least = _text_frame(ink, small, factor, dpi), _TEXT_SLANT_DEGREES
    if frame is None:
        return image  # nothing to tell the page's slant by (a picture, a few lines)
    left, right, top, bottom = frame
    tilts = np.degrees(np.arctan([left.slope, right.slope, top.slope, bottom.slope]))
    converging = max(abs(tilts[0] - tilts[1]), abs(tilts[2] - tilts[3]))
    askew = abs((tilts[0] + tilts[1]) / 2 + (tilts[2] + tilts[3]) / 2)  # upright ⟂ level
    if max(converging, askew) < least:
        return image  # parallel and square: a flat page, its tilt is deskewing's
    corners = [_meet(v, h) for v, h in ((left, top), (left, bottom), (right, bottom), (right, top))]
    (tl, bl, br, tr) = np.array(corners)
    width = (np.hypot(*(tr - tl)) + np.hypot(*(br - bl))) / 2
    height = (np.hypot(*(bl - tl)) + np.hypot(*(br - tr))) / 2
    cx, cy = np.mean(corners, axis=0)
    x0, x1, y0, y1 = cx - width / 2, cx + width / 2, cy - height / 2, cy + height / 2
    square = [(x0, y0), (x0, y1), (x1, y1), (x1, y0)]
    coefficients = _homography(square, corners)
    return image.transform(
        image.size, Image.Transform.PERSPECTIVE, coefficients, Image.Resampling.BILINEAR,
        fillcolor=255,
    )  # fmt: skip


def _ruled_frame(ink: np.ndarray, small: np.ndarray, factor: int, dpi: float):
    """The frame of the page's long ruling lines (see ``_frame``), or None."""
    vertical = _lines(ink, small, factor, dpi)
    vertical = [v for v in vertical if v.length >= _FRAME_LINE * ink.shape[0]]
    if len(vertical) < 2:
        return None  # no table's rules to frame the page with (a page of text, borderless)
    return _frame(vertical, _lines(ink.T, small.T, factor, dpi), ink.shape)


def _text_frame(ink: np.ndarray, small: np.ndarray, factor: int, dpi: float):
    """A frame from the page's text, (left, right, top, bottom), or None: upright, the margins
    where many lines begin (the page's, a column's), fitted through the lines' first ink;
    level, the lean of the text lines in the upper and in the lower half between them."""
    h, w = ink.shape
    sh, sw = small.shape
    gap = max(2, round(_MARGIN_GAP_INCHES * dpi / factor))
    counts = np.zeros((sh, sw + 1), dtype=np.int32)
    np.cumsum(small, axis=1, out=counts[:, 1:])
    x = np.arange(sw)
    before = counts[:, x] - counts[:, np.maximum(x - gap, 0)]
    after = counts[:, np.minimum(x + 3 * gap, sw)] - counts[:, x]
    ys, xs = np.nonzero(small & (before == 0) & (after >= gap))  # where a line's ink begins
    margins = []
    taken = np.zeros(ys.size, dtype=bool)
    for offset, slope in _aligned(ys, xs, small.shape, _MARGIN_LINES * _MARGIN_ROWS):
        # Each line's beginning belongs to one margin: the most followed one takes it first
        # (a line across two margins' beginnings at a wrong lean is left too few).
        near = ~taken & (np.abs(xs - (offset + slope * ys)) <= 1.5)
        if near.sum() < 3 * _MARGIN_LINES * _MARGIN_ROWS:
            continue
        my, mx = ys[near], xs[near]
        for _ in range(3):
            slope, offset = np.polyfit(my, mx, 1)
            keep = np.abs(mx - (offset + slope * my)) <= 1.0
            if keep.all() or keep.sum() < 8:
                break
            my, mx = my[keep], mx[keep]
        taken |= np.abs(xs - (offset + slope * ys)) <= 1.5
        line = _Line(
            factor * (offset + 0.5) - slope * factor * 0.5, float(slope),
            int(my.min()) * factor, int(my.max() + 1) * factor,
        )  # fmt: skip
        if line.length >= _FRAME_LINE * h:
            margins.append(line)
    if len(margins) < 2:
        return None
    middle_y = h / 2
    left = min(margins, key=lambda m: m.at(middle_y))
    right = max(margins, key=lambda m: m.at(middle_y))
    y0, y1 = max(left.start, right.start), min(left.end, right.end)
    if right.at(middle_y) - left.at(middle_y) < _FRAME_SPAN * w or y1 - y0 < _FRAME_SPAN * h:
        return None
    x0, x1 = round(left.at(y0)), round(right.at(y0))
    levels = []
    for top, bottom in ((y0, (y0 + y1) // 2), ((y0 + y1) // 2, y1)):
        angle = skew_angle(ink[top:bottom], _MAX_LEAN_DEGREES)  # the lines' whole width
        slope = -np.tan(np.radians(angle))  # counter-clockwise: the line's right end higher
        at_y = (top + bottom) / 2
        levels.append(_Line(at_y - slope * (x0 + x1) / 2, float(slope), x0, x1))
    return left, right, levels[0], levels[1]


def _meet(vertical: _Line, horizontal: _Line) -> tuple[float, float]:
    """Where a near-vertical line (x of y) meets a near-horizontal one (y of x): (x, y)."""
    x = (vertical.offset + vertical.slope * horizontal.offset) / (
        1 - vertical.slope * horizontal.slope
    )
    return x, horizontal.at(x)


def _homography(to: list, frm: list) -> list[float]:
    """PIL's PERSPECTIVE coefficients mapping the output's ``to`` points onto the input's
    ``frm`` points (four of each)."""
    rows, rhs = [], []
    for (x, y), (u, v) in zip(to, frm, strict=True):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
        rhs += [u, v]
    return np.linalg.solve(np.array(rows, dtype=float), np.array(rhs, dtype=float)).tolist()


def _frame(vertical: list[_Line], horizontal: list[_Line], shape: tuple[int, int]):
    """The outermost long lines each way, (left, right, top, bottom), when they stand far
    enough apart to frame the page's slant; else None. Only lines reaching across a good part
    of the page count: their lean is measured to a few hundredths of a degree."""
    h, w = shape
    vertical = [v for v in vertical if v.length >= _FRAME_LINE * h]
    horizontal = [r for r in horizontal if r.length >= _FRAME_LINE * w]
    if len(vertical) < 2 or len(horizontal) < 2:
        return None
    middle_y = (min(v.start for v in vertical) + max(v.end for v in vertical)) / 2
    left = min(vertical, key=lambda v: v.at(middle_y))
    right = max(vertical, key=lambda v: v.at(middle_y))
    middle_x = (left.at(middle_y) + right.at(middle_y)) / 2
    top = min(horizontal, key=lambda r: r.at(middle_x))
    bottom = max(horizontal, key=lambda r: r.at(middle_x))
    if right.at(middle_y) - left.at(middle_y) < _FRAME_SPAN * w:
        return None
    if bottom.at(middle_x) - top.at(middle_x) < _FRAME_SPAN * h:
        return None
    return left, right, top, bottom


def _reduced(ink: np.ndarray, factor: int) -> np.ndarray:
    """``ink`` in blocks of ``factor`` × ``factor`` pixels, a block inked where any pixel is (a
    hairline stays a line)."""
    h, w = ink.shape
    rows = ink[: h - h % factor].reshape(h // factor, factor, w).any(axis=1)
    return rows[:, : w - w % factor].reshape(h // factor, w // factor, factor).any(axis=2)


def _lines(ink: np.ndarray, small: np.ndarray, factor: int, dpi: float) -> list[_Line]:
    """The long near-vertical ruling lines of ``ink`` (pass ``ink.T`` for near-horizontal
    ones), found on ``small`` (``ink`` reduced by ``factor``) over every small lean, then each
    fitted on the full image."""
    # Only ink in upright runs of three counts (a rule's; most letters' ink drops out).
    upright_ink = small[1:-1] & small[:-2] & small[2:]
    ys, xs = np.nonzero(upright_ink)
    min_len = _MIN_LINE_INCHES * dpi
    found: list[_Line] = []
    for offset, slope in _aligned(ys + 1, xs, small.shape, min_len / factor):
        if _longest_run(small, offset, slope) * factor < min_len:
            continue  # ink in line, but no unbroken line of it (letters' stems, text's feet)
        # On the full image: x = offset + slope * y, through the reduced line's middle.
        line = _fitted(ink, (offset + 0.5) * factor, slope, factor + 2, dpi)
        if line is None or line.length < min_len:
            continue
        # The same line found again at a neighbouring lean: the longer reading of it stands.
        same = [f for f in found if _same_line(f, line, factor + 2)]
        if all(f.length < line.length for f in same):
            found = [f for f in found if f not in same] + [line]
    return found


def _aligned(ys: np.ndarray, xs: np.ndarray, shape: tuple[int, int], least: float):
    """The lines ``x = offset + slope * y`` of the reduced image along which at least ``least``
    of the points (``ys``, ``xs``) stand, leaning up to ``_MAX_LEAN_DEGREES``: (offset, slope),
    the most followed first, one per few columns."""
    if ys.size == 0:
        return
    sh, sw = shape
    centred = ys - sh / 2  # about the middle row, so a lean does not move a line's middle
    max_slope = np.tan(np.radians(_MAX_LEAN_DEGREES))
    step = 1 / (sh / 2)  # a reduced pixel at the top and the bottom
    slopes = np.arange(-max_slope, max_slope + step / 2, step)
    pad = int(np.ceil(max_slope * sh / 2)) + 2
    votes = np.stack(
        [np.bincount(np.round(xs - centred * s).astype(np.int64) + pad, minlength=sw + 2 * pad)
         for s in slopes]
    )  # fmt: skip
    while True:
        k, x = np.unravel_index(int(np.argmax(votes)), votes.shape)
        if votes[k, x] < least:
            return
        votes[:, max(0, x - 3) : x + 4] = 0  # one line per few columns of the reduced image
        slope = float(slopes[k])
        yield x - pad - slope * sh / 2, slope


def _longest_run(small: np.ndarray, offset: float, slope: float) -> int:
    """The longest run of rows of ``small`` inked at ``x = offset + slope * y`` (or a pixel
    aside), bridging one blank row."""
    rows = np.arange(small.shape[0])
    xs = np.round(offset + slope * rows).astype(np.int64)
    inked = np.zeros(rows.size, dtype=bool)
    for dx in (-1, 0, 1):
        at = np.clip(xs + dx, 0, small.shape[1] - 1)
        inked |= small[rows, at] & (xs + dx >= 0) & (xs + dx < small.shape[1])
    inked[1:-1] |= inked[:-2] & inked[2:]
    edges = np.diff(np.concatenate([[0], inked.astype(np.int8), [0]]))
    starts, ends = np.nonzero(edges == 1)[0], np.nonzero(edges == -1)[0]
    return int((ends - starts).max()) if starts.size else 0


def _same_line(a: _Line, b: _Line, reach: float) -> bool:
    """``b`` runs along ``a`` (within ``reach`` pixels at both its ends)."""
    return all(abs(a.at(t) - b.at(t)) <= reach for t in (b.start, b.end))


def _fitted(ink: np.ndarray, offset: float, slope: float, reach: float, dpi: float):
    """The line near ``x = offset + slope * y`` fitted to the ink within ``reach`` of it: each
    row's ink there (where it is a rule's few pixels, not a crossing rule or a letter) at its
    middle, the longest run of such rows with small gaps, a straight line through them."""
    h, w = ink.shape
    thick = max(3, round(0.03 * dpi) + 2)
    ys_all, xs_mid = [], []
    for top in range(0, h, 128):
        rows = np.arange(top, min(h, top + 128))
        centre = offset + slope * rows
        lo = max(0, int(np.floor(centre.min() - reach)))
        hi = min(w, int(np.ceil(centre.max() + reach)) + 1)
        if hi <= lo:
            continue
        band = ink[top : top + rows.size, lo:hi]
        xs = np.arange(lo, hi)[None, :]
        near = band & (np.abs(xs - centre[:, None]) <= reach)
        count = near.sum(axis=1)
        keep = (count > 0) & (count <= thick)
        if keep.any():
            ys_all.append(rows[keep])
            xs_mid.append((near * xs).sum(axis=1)[keep] / count[keep])
    if not ys_all:
        return None
    ys, xs = np.concatenate(ys_all), np.concatenate(xs_mid)
    # The longest run of rows with ink, bridging gaps a little wider than a speck's.
    gap = max(2, round(_LINE_GAP_INCHES * dpi))
    breaks = np.nonzero(np.diff(ys) > gap)[0]
    starts = np.concatenate([[0], breaks + 1])
    ends = np.concatenate([breaks, [ys.size - 1]])
    best = int(np.argmax(ys[ends] - ys[starts]))
    ys, xs = ys[starts[best] : ends[best] + 1], xs[starts[best] : ends[best] + 1]
    if ys.size < 8 or ys.size < _SOLID * (ys[-1] - ys[0] + 1):
        return None  # a line of text's feet, broken at every letter and word: no rule
    for _ in range(3):  # a straight line, without the rows a letter touches
        slope, offset = np.polyfit(ys, xs, 1)
        keep = np.abs(xs - (offset + slope * ys)) <= 1.5
        if keep.all() or keep.sum() < 8:
            break
        ys, xs = ys[keep], xs[keep]
    return _Line(float(offset), float(slope), int(ys[0]), int(ys[-1]))
