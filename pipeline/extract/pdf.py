"""The only module that imports pdfplumber: turns PDF pages into plain layout primitives.

Pages are read one at a time and their pdfplumber caches released right after, so memory stays
flat however many pages a notat has. Everything downstream works on ``PageLayout`` alone: the
words the page shows, where they stand, and the ruling lines drawn on it.
"""

from __future__ import annotations

import bisect
import collections
import contextlib
import functools
import itertools
import os
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path

import pdfplumber
from pdfminer.converter import PDFPageAggregator
from pdfminer.fontmetrics import FONT_METRICS
from pdfminer.layout import LTContainer, LTCurve, LTImage, LTLine, LTRect
from pdfminer.pdfdocument import PDFPasswordIncorrect
from pdfminer.pdffont import PDFType1Font, PDFType3Font, PDFUnicodeNotDefined
from pdfminer.pdfparser import PDFSyntaxError
from pdfminer.pdftypes import dict_value, list_value, resolve1
from pdfminer.utils import apply_matrix_rect
from pdfplumber.utils.text import WordExtractor

from pipeline.errors import ExtractError
from pipeline.extract.content import FastInterpreter
from pipeline.extract.glyphnames import dingbats_text, numbered_glyph_text
from pipeline.extract.primitives import NO_TEXT_SIZE, PageLayout, Rule, Word
from pipeline.extract.settings import DEFAULT_SETTINGS, PageSettings
from pipeline.text import normalize_text

# The page's tolerances (rule thickness, word grouping, slant, disorder): PageSettings.
DEFAULT_PAGE: PageSettings = DEFAULT_SETTINGS.page


@dataclass(slots=True)
class _PageObjects:
    """The few attributes of a page's chars and drawn shapes that extraction reads.

    pdfplumber's ``page.chars``/``page.lines``/``page.rects`` turn every pdfminer object into
    a dict of all its attributes (colours, matrices, resolved PDF objects), which costs more
    than the rest of extraction together. Walking the pdfminer layout ourselves and keeping
    only coordinates, text, font and size gives the same words and rules at a fraction of it.
    """

    chars: list[tuple]  # text, x0, x1, top, bottom, fontname, size, upright, slant (_C_*)
    lines: list[tuple[float, float, float, float]]  # x0, x1, top, bottom
    boxes: list[tuple[float, float, float, float]]  # rectangles, filled or outlined
    segments: list[tuple[float, float, float, float]]  # straight pieces of stroked paths
    images: int = 0
    largest_image: float = 0.0  # area in square points
    ignored_shapes: int = 0  # filled shapes that are no rectangle (see _curve_pieces)


# Glyph space is a thousandth of the type size; a vertical glyph without a displacement of its
# own stands at half the size (pdfminer's LTChar).
_GLYPH_UNIT, _HALF = 0.001, 0.5


class _GlyphDevice(PDFPageAggregator):
    """pdfminer's layout device, except that each glyph becomes a plain tuple in ``chars`` (the
    fields of ``_PageObjects.chars``) instead of an ``LTChar`` object with a dozen attributes:
    the box is computed as pdfminer computes an ``LTChar``'s, nothing else is. Drawn shapes,
    images and forms go through pdfminer's own layout objects, as before."""

    def __init__(self, rsrcmgr, pageno: int, flip: float, slant: float) -> None:
        super().__init__(rsrcmgr, pageno=pageno, laparams=None)
        self.chars: list[tuple] = []
        self.flip = flip  # page height + the mediabox's lower edge: y up → top down
        self.slant = slant  # PageSettings.slant

    def render_char(self, matrix, font, fontsize, scaling, rise, cid, ncs, graphicstate):
        """One glyph of vertical text (horizontal text goes through the loop below)."""
        glyphs = _glyph_cache(font)
        glyph = glyphs.get(cid)
        if glyph is None:
            glyph = glyphs[cid] = _glyph(font, cid)
        text, width = glyph
        adv = width * fontsize * scaling
        vertical = font.is_vertical()
        if vertical:
            vx, vy = font.char_disp(cid)
            # pdfminer's LTChar, expression for expression (the same floats).
            vx = fontsize * _HALF if vx is None else vx * fontsize * _GLYPH_UNIT
            vy = (1000 - vy) * fontsize * _GLYPH_UNIT
            bbox = (-vx, vy + rise + adv, -vx + fontsize, vy + rise)
        else:
            descent = font.get_descent() * fontsize
            bbox = (0, descent + rise, adv, descent + rise + fontsize)
        a, b, c, d, _, _ = matrix
        slant = _slanted(a, b, self.slant)
        x0, y0, x1, y1 = apply_matrix_rect(matrix, bbox)
        if x1 < x0:
            x0, x1 = x1, x0
        if y1 < y0:
            y0, y1 = y1, y0
        self.chars.append(
            (
                text,
                x0,
                x1,
                self.flip - y1,
                self.flip - y0,
                font.fontname,
                x1 - x0 if vertical else y1 - y0,
                a * d * scaling > 0 and b * c <= 0,
                slant,
            )
        )
        return adv

    def render_string_horizontal(self, seq, matrix, pos, font, fontsize, scaling, charspace,
                                 wordspace, rise, dxscale, ncs, graphicstate):  # fmt: skip
        """pdfminer's ``render_string_horizontal`` and ``render_char`` in one loop: each glyph's
        matrix and box computed inline, with the same expressions in the same order (so the
        same floats) as ``translate_matrix`` and ``apply_matrix_rect`` compute them, or, for
        text neither turned nor mirrored, only the terms of them that are not zero."""
        x, y = pos
        needcharspace = False
        a, b, c, d, e, f = matrix
        upright = a * d * scaling > 0 and b * c <= 0
        slant = _slanted(a, b, self.slant)
        bottom = font.get_descent() * fontsize + rise
        top = bottom + fontsize
        plain = b == 0 and c == 0 and a > 0 and d > 0 and top >= bottom
        fontname, flip, append = font.fontname, self.flip, self.chars.append
        glyphs = _glyph_cache(font)
        for obj in seq:
            if isinstance(obj, int | float):
                x -= obj * dxscale
                needcharspace = True
            elif isinstance(obj, bytes):
                for cid in font.decode(obj):
                    if needcharspace:
                        x += charspace
                    glyph = glyphs.get(cid)
                    if glyph is None:
                        glyph = glyphs[cid] = _glyph(font, cid)
                    text, width = glyph
                    adv = width * fontsize * scaling
                    e1 = x * a + y * c + e  # translate_matrix(matrix, (x, y))
                    f1 = x * b + y * d + f
                    if plain and adv >= 0:
                        # Unturned, unmirrored text: the corners' terms in b and c are zeros,
                        # and the box is the first and third corner (up to the sign of a zero).
                        x0, x1 = e1, a * adv + e1
                        y0, y1 = d * bottom + f1, d * top + f1
                    else:
                        left1, bottom1 = a * 0 + c * bottom + e1, b * 0 + d * bottom + f1
                        right1, bottom2 = a * adv + c * bottom + e1, b * adv + d * bottom + f1
                        right2, top1 = a * adv + c * top + e1, b * adv + d * top + f1
                        left2, top2 = a * 0 + c * top + e1, b * 0 + d * top + f1
                        x0 = min(left1, left2, right1, right2)
                        y0 = min(bottom1, bottom2, top1, top2)
                        x1 = max(left1, left2, right1, right2)
                        y1 = max(bottom1, bottom2, top1, top2)
                    append((text, x0, x1, flip - y1, flip - y0, fontname, y1 - y0, upright, slant))
                    x += adv
                    if cid == 32 and wordspace:
                        x += wordspace
                    needcharspace = True
        return (x, y)


def _slanted(a: float, b: float, limit: float) -> bool:
    """The text matrix's baseline direction (a, b) lies at a slant to both page axes: turned
    more than ``limit`` (the tangent of its angle) from either."""
    return min(abs(a), abs(b)) > limit * max(abs(a), abs(b))


def _glyph(font, cid: int) -> tuple[str, float]:
    """A glyph's text and width (in text space units), as ``render_char`` looks them up; a
    glyph that only its numbered name identifies (``pipeline.extract.glyphnames``) by it."""
    named = font.__dict__.get(_NAMED_GLYPHS)
    if named and cid in named:
        return named[cid], font.char_width(cid)
    try:
        text = font.to_unichr(cid)
    except PDFUnicodeNotDefined:
        text = f"(cid:{cid})"
    return text, font.char_width(cid)


_NAMED_GLYPHS = "_pipeline_named_glyphs"


def _own_widths(font, spec) -> None:
    """A standard (base-14) Type1 font's glyph widths from the PDF's ``/Widths``, when given."""
    if not isinstance(font, PDFType1Font) or isinstance(font, PDFType3Font):
        return
    if "Widths" not in spec or getattr(font, "basefont", "") not in FONT_METRICS:
        return
    first = int(resolve1(spec.get("FirstChar", 0)))
    widths = [resolve1(w) for w in list_value(spec["Widths"])]
    if all(isinstance(w, int | float) for w in widths):
        font.widths = {first + i: float(w) for i, w in enumerate(widths)}


class _Interpreter(FastInterpreter):
    """The content interpreter, which also reads the text of glyphs a simple font names by
    number and maps to no Unicode (pdfTeX's bitmap fonts: ``/a65``), and measures a standard
    font's glyphs by the PDF's own ``/Widths`` where it gives them (as viewers do; pdfminer
    takes the font's built-in metrics, so a glyph the PDF gives no width, a ligature in a
    broken producer's Helvetica, seemed as wide as the font's own)."""

    def init_resources(self, resources) -> None:
        super().init_resources(resources)
        fonts = resources.get("Font") if isinstance(resources, dict) else None
        try:
            specs = dict_value(fonts) if fonts is not None else {}
        except Exception:  # a damaged resource dictionary: pdfminer has said what it could
            return
        for fontid, spec in specs.items():
            font = self.fontmap.get(fontid)
            if font is None or _NAMED_GLYPHS in font.__dict__:
                continue
            # Widths that do not read leave the font's own metrics standing.
            with contextlib.suppress(Exception):
                _own_widths(font, dict_value(spec))
            named = {}
            if getattr(font, "unicode_map", None) is None:
                try:
                    spec = dict_value(spec)
                    named = numbered_glyph_text(spec) or dingbats_text(spec)
                except Exception:  # a font without a readable encoding: as pdfminer reads it
                    named = {}
            font.__dict__[_NAMED_GLYPHS] = named


def _glyph_cache(font) -> dict[int, tuple[str, float]]:
    """The font's glyphs looked up so far. pdfminer keeps one font object per font of the
    document, so a notat looks each glyph up once rather than once per time it is drawn."""
    cache = font.__dict__.get("_pipeline_glyphs")
    if cache is None:
        cache = font.__dict__["_pipeline_glyphs"] = {}
    return cache


def _page_objects(page, settings: PageSettings) -> _PageObjects:
    flip = float(page.height) + float(page.mediabox[1])
    device = _GlyphDevice(page.pdf.rsrcmgr, page.page_number, flip, settings.slant)
    _Interpreter(page.pdf.rsrcmgr, device).process_page(page.page_obj)
    out = _PageObjects(device.chars, [], [], [])
    stack = [iter(device.get_result()._objs)]
    while stack:
        for obj in stack[-1]:
            if isinstance(obj, LTLine):
                out.lines.append((obj.x0, obj.x1, flip - obj.y1, flip - obj.y0))
            elif isinstance(obj, LTRect):
                if not _blank_fill(obj):
                    out.boxes.append((obj.x0, obj.x1, flip - obj.y1, flip - obj.y0))
            elif isinstance(obj, LTCurve):
                _curve_pieces(obj, flip, out, settings.axis_slack_pt)
            elif isinstance(obj, LTImage):
                out.images += 1
                out.largest_image = max(out.largest_image, obj.width * obj.height)
            elif isinstance(obj, LTContainer):
                stack.append(iter(obj._objs))
                break
        else:
            stack.pop()
    return out


# A colour within this of paper white (grey, RGB or CMYK) lays no ink.
_INK = 0.01


def _blank_fill(shape: LTCurve) -> bool:
    """A filled, unstroked shape in white: paper on paper (some engines paint the page or the
    body area white first), neither a rule nor shading."""
    if shape.stroke or not shape.fill:
        return False
    color = shape.non_stroking_color
    white = 1 - _INK
    if isinstance(color, int | float):
        return color >= white
    if isinstance(color, tuple) and len(color) == 3:
        return all(isinstance(c, int | float) and c >= white for c in color)
    if isinstance(color, tuple) and len(color) == 4:  # CMYK
        return all(isinstance(c, int | float) and c <= _INK for c in color)
    return False


def _curve_pieces(curve: LTCurve, flip: float, out: _PageObjects, slack: float) -> None:
    """A path pdfminer could not call a line or a rectangle (Qt and some drivers draw borders as
    polylines): a filled one counts as a box, a stroked one by its straight axis-parallel
    pieces."""
    if curve.fill and not curve.stroke:
        if _blank_fill(curve):
            return
        if _rectangle(curve.pts, curve.bbox, slack):
            out.boxes.append((curve.x0, curve.x1, flip - curve.y1, flip - curve.y0))
        else:
            out.ignored_shapes += 1  # a letter's outline, a logo: no rule, no cell
        return
    for (ax, ay), (bx, by) in itertools.pairwise(curve.pts):
        if abs(ax - bx) < slack or abs(ay - by) < slack:
            out.segments.append((min(ax, bx), max(ax, bx), flip - max(ay, by), flip - min(ay, by)))


def _rectangle(points, bbox, tolerance: float) -> bool:
    """A path that traces its own bounding box: every piece runs along the page's axes and
    every point stands on the box's edge (a cell's shading drawn as a polygon). A letter's
    outline (a watermark drawn as shapes) has pieces at a slant or points inside its box."""
    x0, y0, x1, y1 = bbox
    for (ax, ay), (bx, by) in itertools.pairwise(points):
        if abs(ax - bx) > tolerance and abs(ay - by) > tolerance:
            return False
    return all(
        min(abs(x - x0), abs(x - x1)) <= tolerance and min(abs(y - y0), abs(y - y1)) <= tolerance
        for x, y in points
    )


def _rules(objects: _PageObjects, body_size: float, settings: PageSettings) -> list[Rule]:
    """Ruling lines: stroked lines, thin bars (Word's borders are filled rectangles) and the
    edges of wider boxes (a shaded cell or row: its edges are where the cell ends)."""
    thin = max(settings.min_rule_thickness_pt, settings.rule_thickness * body_size)
    rules: list[Rule] = []
    for x0, x1, top, bottom in itertools.chain(objects.lines, objects.segments):
        if bottom - top <= thin:
            mid = (top + bottom) / 2
            rules.append(Rule(x0, x1, mid, mid))
        elif x1 - x0 <= thin:
            mid = (x0 + x1) / 2
            rules.append(Rule(mid, mid, top, bottom))
    for x0, x1, top, bottom in objects.boxes:
        w, h = x1 - x0, bottom - top
        if h <= thin and w > 1:
            mid = (top + bottom) / 2
            rules.append(Rule(x0, x1, mid, mid))
        elif w <= thin and h > 1:
            mid = (x0 + x1) / 2
            rules.append(Rule(mid, mid, top, bottom))
        elif w > 1 and h > 1:
            rules += [
                Rule(x0, x1, top, top),
                Rule(x0, x1, bottom, bottom),
                Rule(x0, x0, top, bottom),
                Rule(x1, x1, top, bottom),
            ]
    return rules


def _is_bold(fontname: str) -> bool:
    name = fontname.lower()
    return any(k in name for k in ("bold", "black", "heavy", "semibold", "demi")) or name.endswith(
        ",b"
    )


# The fields of a char tuple (``_PageObjects.chars``).
_C_TEXT, _C_X0, _C_X1, _C_TOP, _C_BOTTOM, _C_FONT, _C_SIZE, _C_UPRIGHT, _C_SLANT = range(9)
_SOFT_HYPHEN = "\u00ad"
_LIGATURES = {"ﬀ": "ff", "ﬃ": "ffi", "ﬄ": "ffl", "ﬁ": "fi", "ﬂ": "fl", "ﬆ": "st", "ﬅ": "st"}


@functools.cache
def _rotated_extractor(settings: PageSettings) -> WordExtractor:
    """Words as pdfplumber's WordExtractor groups them with the page settings (rotated text goes
    through it; upright text through the same steps in ``_upright_words``, on tuples, at a
    third the cost)."""
    return WordExtractor(
        x_tolerance_ratio=settings.x_tolerance,
        y_tolerance_ratio=settings.y_tolerance,
        y_tolerance=settings.line_tolerance_pt,
        keep_blank_chars=False,
        use_text_flow=False,
        extra_attrs=["fontname", "size"],
    )


def _disordered(chars: list[tuple], settings: PageSettings) -> bool:
    """The page draws its glyphs in no reading order: they step back (left on their line, or
    up the page) more often than the settings allow (each glyph its own text object, in any
    order). Such a page's glyphs are grouped by font and size over the whole page, not in the
    runs the PDF draws them in."""
    steps = back = 0
    tolerance = settings.line_tolerance_pt
    previous = None  # the glyph before, unless it is a space (a step across a space is none)
    for c in chars:
        if c[_C_TEXT].isspace():
            previous = None
            continue
        if previous is not None:
            steps += 1
            rise = c[_C_TOP] - previous[_C_TOP]
            # up the page, or on the same line and to the left
            if rise < -tolerance or (rise <= tolerance and c[_C_X0] < previous[_C_X0]):
                back += 1
        previous = c
    return steps >= settings.disorder_min_steps and back > settings.disorder * steps


def _upright_words(chars: list[tuple], settings: PageSettings) -> list[list[tuple]]:
    """The chars' words: runs of chars in one font and size (in the order the PDF draws them,
    or, on a page drawn in no reading order, all of the page's chars in one font and size),
    cut into lines by their tops and each line, left to right, into words at spaces, at gaps
    wider than a share of the size, and where a char steps back or off the line. A ligature
    with no width in the font's metrics (a broken font) is given a glyph's width."""
    line_tolerance, x_tolerance, y_tolerance = (
        settings.line_tolerance_pt, settings.x_tolerance, settings.y_tolerance
    )  # fmt: skip
    zero_width, ligature_width = settings.zero_width, settings.ligature_width
    words: list[list[tuple]] = []
    if _disordered(chars, settings):
        chars = sorted(chars, key=itemgetter(_C_FONT, _C_SIZE))
    for _, run_chars in itertools.groupby(chars, key=itemgetter(_C_FONT, _C_SIZE)):
        run = list(run_chars)
        line_of: dict[float, int] = {}
        line_no, last = -1, -float("inf")
        for top in sorted({c[_C_TOP] for c in run}):
            if top > last + line_tolerance:
                line_no += 1
            line_of[top] = line_no
            last = top
        lines: dict[int, list[tuple]] = {}
        for c in run:
            lines.setdefault(line_of[c[_C_TOP]], []).append(c)
        for key in sorted(lines):
            word: list[tuple] = []
            for c in sorted(lines[key], key=itemgetter(_C_X0)):
                if c[_C_TEXT].isspace():
                    if word:
                        words.append(word)
                        word = []
                    continue
                if word:
                    p = word[-1]
                    size = p[_C_SIZE]
                    right = p[_C_X1]
                    if right - p[_C_X0] < zero_width * size and p[_C_TEXT] in _LIGATURES:
                        right = p[_C_X0] + ligature_width * size
                    if (
                        c[_C_X0] < p[_C_X0]
                        or c[_C_X0] > right + x_tolerance * size
                        or abs(c[_C_TOP] - p[_C_TOP]) > y_tolerance * size
                    ):
                        words.append(word)
                        word = []
                word.append(c)
            if word:
                words.append(word)
    return words


def _rotated_words(chars: list[tuple], settings: PageSettings) -> list[list[tuple]]:
    """Words of text that does not stand upright, through pdfplumber's own extractor."""
    keys = ("text", "x0", "x1", "top", "bottom", "fontname", "size", "upright", "slant")
    dicts = [dict(zip(keys, c, strict=True), doctop=c[_C_TOP]) for c in chars]
    return [
        [tuple(d[k] for k in keys) for d in word]
        for _, word in _rotated_extractor(settings).iter_extract_tuples(dicts)
    ]


def _body_size(chars: list[tuple]) -> float:
    """The size most of the page's letters have (``NO_TEXT_SIZE`` on a page without text)."""
    sizes = Counter(round(c[_C_SIZE], 1) for c in chars if not c[_C_TEXT].isspace())
    return sizes.most_common(1)[0][0] if sizes else NO_TEXT_SIZE


def _split_at_rules(chars: list[tuple], verticals: list[Rule], near: float) -> list[list[tuple]]:
    """A word's letters cut where a vertical rule runs between them: text of two cells that
    touch (zero cell padding) is two words, not one."""
    if len(chars) < 2 or not verticals:
        return [chars]
    middle = (chars[0][_C_TOP] + chars[0][_C_BOTTOM]) / 2
    x0, x1 = chars[0][_C_X0], chars[-1][_C_X1]
    cuts = [r.x0 for r in verticals if r.top <= middle <= r.bottom and x0 < r.x0 < x1]
    if not cuts:
        return [chars]
    pieces: list[list[tuple]] = [[]]
    for char in chars:
        if pieces[-1] and any(
            pieces[-1][-1][_C_X1] - near <= x <= char[_C_X0] + near for x in cuts
        ):
            pieces.append([])
        pieces[-1].append(char)
    return pieces


def _spaces(chars: list[tuple]) -> dict[int, list[float]]:
    """Where the page draws a space glyph: its left edge, by its line (rounded top)."""
    out: dict[int, list[float]] = {}
    for c in chars:
        if c[_C_TEXT] == " ":
            out.setdefault(round(c[_C_TOP]), []).append(c[_C_X0])
    for xs in out.values():
        xs.sort()
    return out


def _space_follows(x1: float, top: float, spaces: dict[int, list[float]], near: float) -> bool:
    line = round(top)
    for key in (line - 1, line, line + 1):
        xs = spaces.get(key)
        if xs:
            i = bisect.bisect_left(xs, x1 - near)
            if i < len(xs) and xs[i] <= x1 + near:
                return True
    return False


def _word(chars: list[tuple], spaces: dict[int, list[float]], near: float) -> Word | None:
    raw = "".join(_LIGATURES.get(c[_C_TEXT], c[_C_TEXT]) for c in chars)
    text = normalize_text(raw)
    if not text:
        return None
    first = chars[0]
    x1 = max(c[_C_X1] for c in chars)
    top = min(c[_C_TOP] for c in chars)
    space_after = bool(spaces) and _space_follows(x1, top, spaces, near)
    if raw.endswith(_SOFT_HYPHEN) and not space_after:
        # A word broken at a soft hyphen: the reader joins it again. A soft hyphen the engine
        # kept in its text before a space (typst does) broke nothing: the line broke at the
        # space.
        text += _SOFT_HYPHEN
    one_to_one = text == raw and len(text) == len(chars)
    return Word(
        text,
        min(c[_C_X0] for c in chars),
        x1,
        top,
        max(c[_C_BOTTOM] for c in chars),
        round(first[_C_SIZE], 1),
        _is_bold(first[_C_FONT]),
        space_after,
        tuple(c[_C_X0] for c in chars) if one_to_one else (),
        first[_C_FONT],
    )


def _joined_across_fonts(
    words: list[Word], verticals: list[Rule], settings: PageSettings
) -> list[Word]:
    """Words of one line that touch, in the same size, joined into one word (no rule between
    them): the word extractor cuts words where the font changes, and a glyph the font lacks is
    taken from a fallback font ("økono" + "-")."""
    if len(words) < 2:
        return words
    # Two fonts set one line at different heights (their ascents and descents differ): a line's
    # words are those whose boxes overlap most of their height.
    ordered = sorted(words, key=lambda w: ((w.top + w.bottom) / 2, w.x0))
    lines: list[list[Word]] = []
    for w in ordered:
        line = lines[-1] if lines else None
        if line is not None and _overlap(line[0], w) >= settings.line_overlap * min(
            line[0].bottom - line[0].top, w.bottom - w.top
        ):
            line.append(w)
        else:
            lines.append([w])
    return [joined for line in lines for joined in _join_touching(line, verticals, settings)]


def _overlap(a: Word, b: Word) -> float:
    return min(a.bottom, b.bottom) - max(a.top, b.top)


def _join_touching(line: list[Word], verticals: list[Rule], settings: PageSettings) -> list[Word]:
    near = settings.near_pt
    line.sort(key=lambda w: w.x0)
    out: list[Word] = [line[0]]
    for w in line[1:]:
        p = out[-1]
        size = max(p.size, w.size)
        touching = (
            abs(p.size - w.size) <= settings.same_size * size
            and -settings.touching_overlap * size <= w.x0 - p.x1 <= settings.touching * size
            and p.font != w.font
            and not any(r.top <= p.bottom <= r.bottom and p.x1 - near <= r.x0 <= w.x0 + near
                        for r in verticals)
        )  # fmt: skip
        if touching:
            letters = (*p.letters, *w.letters) if p.letters and w.letters else ()
            out[-1] = Word(p.text + w.text, p.x0, w.x1, min(p.top, w.top), max(p.bottom, w.bottom),
                           p.size, p.bold, w.space_after, letters, p.font)  # fmt: skip
        else:
            out.append(w)
    return out


def _producer(pdf) -> str:
    try:
        info = pdf.metadata
    except Exception:  # a damaged Info dictionary says nothing
        return ""
    names = [info.get(k) for k in ("Creator", "Producer")]
    return " / ".join(n for n in names if isinstance(n, str) and n)


def _layout(
    page, number: int, producer: str = "", settings: PageSettings = DEFAULT_PAGE
) -> PageLayout:
    objects = _page_objects(page, settings)
    rules = _rules(objects, _body_size(objects.chars), settings)
    verticals = [r for r in rules if r.vertical]
    spaces = _spaces(objects.chars)
    level = [c for c in objects.chars if not c[_C_SLANT]]
    upright = [c for c in level if c[_C_UPRIGHT]]
    rotated = [c for c in level if not c[_C_UPRIGHT]]
    groups = _upright_words(upright, settings)
    if rotated:
        groups += _rotated_words(rotated, settings)
    near = settings.near_pt
    out = []
    for chars in groups:
        for piece in _split_at_rules(chars, verticals, near):
            w = _word(piece, spaces, near)
            if w is not None:
                out.append(w)
    out = _joined_across_fonts(out, verticals, settings)
    return PageLayout(
        number,
        float(page.width),
        float(page.height),
        tuple(out),
        tuple(rules),
        objects.images,
        producer,
        min(1.0, objects.largest_image / area) if (area := page.width * page.height) else 0.0,
        len(rotated) / len(objects.chars) if objects.chars else 0.0,
        objects.ignored_shapes,
        sum(1 for c in objects.chars if c[_C_SLANT] and not c[_C_TEXT].isspace()),
    )


def _open(path: Path, pages: list[int] | None = None):
    try:
        return pdfplumber.open(path, pages=pages)
    except PDFPasswordIncorrect as e:
        raise ExtractError(f"{path.name}: the PDF is password protected") from e
    except (PDFSyntaxError, ValueError, TypeError, KeyError, OSError) as e:
        raise ExtractError(f"{path.name}: not a readable PDF ({e.__class__.__name__}: {e})") from e


def _layouts_of(pages, path: Path, producer: str, settings: PageSettings) -> Iterator[PageLayout]:
    for page in pages:
        number = page.page_number
        try:
            yield _layout(page, number, producer, settings)
        except Exception as e:  # pdfminer raises many types on damaged content streams
            raise ExtractError(f"{path.name}, page {number}: cannot read the page ({e})") from e
        finally:
            page.close()


# Pages a reader process takes at a time, and the shortest notat worth more than one process
# (forking one and opening the PDF in it costs about what reading a page does).
_CHUNK_PAGES = 3
_PARALLEL_MIN_PAGES = 2 * _CHUNK_PAGES

# The PDF a page-reader process has open: opened once per process, not once per chunk (opening
# a 500-page PDF walks its whole page tree), so its fonts are also parsed once.
_process_pdf = None


def _open_in_process(path: Path) -> None:
    global _process_pdf
    _process_pdf = _open(path)


def _read_chunk(
    path: Path, first: int, last: int, producer: str, settings: PageSettings
) -> list[PageLayout]:
    """Pages ``first``..``last`` (1-based) of ``path``, read in a process of their own."""
    pages = _process_pdf.pages[first - 1 : last]  # opened by the pool's initializer
    return list(_layouts_of(pages, path, producer, settings))


def read_pages(
    path: Path, *, workers: int = 1, settings: PageSettings = DEFAULT_PAGE
) -> Iterator[PageLayout]:
    """Yield each page's layout in order. Raises ExtractError naming the file (and page).

    With ``workers`` > 1 a PDF's pages are read by that many processes, a few pages at a time
    and never far ahead of the consumer (memory stays flat); the layouts are the same as one
    process reads, in the same order."""
    pdf = _open(path)
    with pdf:
        producer = _producer(pdf)
        total = len(pdf.pages)
        if workers > 1 and total >= _PARALLEL_MIN_PAGES and _can_fork():
            pdf.close()
            yield from _read_in_processes(path, total, producer, workers, settings)
            return
        yield from _layouts_of(pdf.pages, path, producer, settings)


def _can_fork() -> bool:
    """Forking is safe only from a process running one thread (the ingest reader is one)."""
    import threading

    return threading.active_count() == 1 and hasattr(os, "fork")


def _read_in_processes(
    path: Path, total: int, producer: str, workers: int, settings: PageSettings
) -> Iterator[PageLayout]:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    chunks = [
        (first, min(first + _CHUNK_PAGES - 1, total)) for first in range(1, total + 1, _CHUNK_PAGES)
    ]
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(
        max_workers=min(workers, len(chunks)), mp_context=context,
        initializer=_open_in_process, initargs=(path,),
    ) as pool:  # fmt: skip
        pending = collections.deque()
        todo = iter(chunks)
        for first, last in itertools.islice(todo, 2 * workers):
            pending.append(pool.submit(_read_chunk, path, first, last, producer, settings))
        while pending:
            layouts = pending.popleft().result()
            for first, last in itertools.islice(todo, 1):
                pending.append(pool.submit(_read_chunk, path, first, last, producer, settings))
            yield from layouts


def page_count(path: Path) -> int:
    try:
        with pdfplumber.open(path) as pdf:
            return len(pdf.pages)
    except PDFPasswordIncorrect as e:
        raise ExtractError(f"{path.name}: the PDF is password protected") from e
    except Exception as e:
        raise ExtractError(f"{path.name}: not a readable PDF ({e})") from e
