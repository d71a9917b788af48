"""The only module that imports pdfplumber: turns PDF pages into plain layout primitives.

Pages are read one at a time and their pdfplumber caches released right after, so memory stays
flat however many pages a notat has. Everything downstream works on ``PageLayout`` alone: the
words the page shows, where they stand, and the ruling lines drawn on it.
"""

from __future__ import annotations

import bisect
import itertools
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pdfplumber
from pdfminer.layout import LTChar, LTContainer, LTCurve, LTImage, LTLine, LTRect
from pdfminer.pdfdocument import PDFPasswordIncorrect
from pdfminer.pdfparser import PDFSyntaxError
from pdfplumber.utils.text import WordExtractor

from pipeline.errors import ExtractError
from pipeline.text import normalize_text


@dataclass(frozen=True, slots=True)
class Word:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool
    # The PDF draws a space right after the word. Word and LibreOffice do at a line's end when
    # the line breaks between words, never inside a word broken for want of room.
    space_after: bool = False
    # The left edge of each letter, when the text maps letter for letter onto the glyphs drawn
    # (else empty): text of two cells that touch may come out as one word, to be cut apart.
    letters: tuple[float, ...] = ()

    def split_at(self, x: float) -> tuple[Word, Word] | None:
        """The word cut where ``x`` falls between two of its letters; None if it cannot be."""
        if not self.letters:
            return None
        i = next((k for k, left in enumerate(self.letters) if left >= x - 0.01), len(self.letters))
        if i <= 0 or i >= len(self.text):
            return None
        head, tail = self.text[:i].strip(), self.text[i:].strip()
        if not head or not tail:
            return None
        left, right = self.letters[:i], self.letters[i:]
        return (
            Word(head, self.x0, right[0], self.top, self.bottom, self.size, self.bold, False, left),
            Word(tail, right[0], self.x1, self.top, self.bottom, self.size, self.bold,
                 self.space_after, right),
        )  # fmt: skip


@dataclass(frozen=True, slots=True)
class Rule:
    """A drawn line or the edge of a thin rectangle: horizontal when ``top == bottom``."""

    x0: float
    x1: float
    top: float
    bottom: float

    @property
    def horizontal(self) -> bool:
        return (self.bottom - self.top) <= 1.0 and (self.x1 - self.x0) > 1.0

    @property
    def vertical(self) -> bool:
        return (self.x1 - self.x0) <= 1.0 and (self.bottom - self.top) > 1.0


@dataclass(frozen=True, slots=True)
class PageLayout:
    number: int  # 1-based
    width: float
    height: float
    words: tuple[Word, ...]
    rules: tuple[Rule, ...]
    image_count: int
    # The program that made the PDF, as its metadata name it ("Creator / Producer"): some
    # engines have habits a reader must know (wkhtmltopdf prints a line cut by a page twice).
    producer: str = ""

    @property
    def text(self) -> str:
        """The page's words in rough reading order, one line per text line (for classification)."""
        lines: list[list[Word]] = []
        for w in sorted(self.words, key=lambda w: (round(w.top), w.x0)):
            if lines and abs(lines[-1][0].top - w.top) < max(2.0, w.size * 0.4):
                lines[-1].append(w)
            else:
                lines.append([w])
        return "\n".join(" ".join(w.text for w in sorted(ln, key=lambda w: w.x0)) for ln in lines)


# A rule is at most this thick, as a share of the page's body text size (Word draws a 2.25 pt
# border as a filled bar; a shaded header row is far thicker).
_RULE_THICKNESS_EM = 0.5
_MIN_RULE_THICKNESS = 1.0  # points: hairlines of tiny type are still rules


@dataclass(slots=True)
class _PageObjects:
    """The few attributes of a page's chars and drawn shapes that extraction reads.

    pdfplumber's ``page.chars``/``page.lines``/``page.rects`` turn every pdfminer object into
    a dict of all its attributes (colours, matrices, resolved PDF objects), which costs more
    than the rest of extraction together. Walking the pdfminer layout ourselves and keeping
    only coordinates, text, font and size gives the same words and rules at a fraction of it.
    """

    chars: list[dict]
    lines: list[tuple[float, float, float, float]]  # x0, x1, top, bottom
    boxes: list[tuple[float, float, float, float]]  # rectangles, filled or outlined
    segments: list[tuple[float, float, float, float]]  # straight pieces of stroked paths
    images: int = 0


def _page_objects(page) -> _PageObjects:
    height = float(page.height)
    mb_top = float(page.mediabox[1])
    out = _PageObjects([], [], [], [])
    stack = [iter(page.layout._objs)]
    while stack:
        for obj in stack[-1]:
            if isinstance(obj, LTChar):
                out.chars.append(
                    {
                        "text": obj.get_text(),
                        "x0": obj.x0,
                        "x1": obj.x1,
                        "top": height - obj.y1 + mb_top,
                        "bottom": height - obj.y0 + mb_top,
                        "doctop": height - obj.y1 + mb_top,
                        "upright": obj.upright,
                        "fontname": obj.fontname,
                        "size": obj.size,
                    }
                )
            elif isinstance(obj, LTLine):
                out.lines.append(
                    (obj.x0, obj.x1, height - obj.y1 + mb_top, height - obj.y0 + mb_top)
                )
            elif isinstance(obj, LTRect):
                if not _blank_fill(obj):
                    out.boxes.append(
                        (obj.x0, obj.x1, height - obj.y1 + mb_top, height - obj.y0 + mb_top)
                    )
            elif isinstance(obj, LTCurve):
                _curve_pieces(obj, height + mb_top, out)
            elif isinstance(obj, LTImage):
                out.images += 1
            elif isinstance(obj, LTContainer):
                stack.append(iter(obj._objs))
                break
        else:
            stack.pop()
    return out


def _blank_fill(shape: LTCurve) -> bool:
    """A filled, unstroked shape in white: paper on paper (some engines paint the page or the
    body area white first), neither a rule nor shading."""
    if shape.stroke or not shape.fill:
        return False
    color = shape.non_stroking_color
    if isinstance(color, int | float):
        return color >= 0.99
    if isinstance(color, tuple) and len(color) == 3:
        return all(isinstance(c, int | float) and c >= 0.99 for c in color)
    if isinstance(color, tuple) and len(color) == 4:  # CMYK
        return all(isinstance(c, int | float) and c <= 0.01 for c in color)
    return False


def _curve_pieces(curve: LTCurve, flip: float, out: _PageObjects) -> None:
    """A path pdfminer could not call a line or a rectangle (Qt and some drivers draw borders as
    polylines): a filled one counts as a box, a stroked one by its straight axis-parallel
    pieces."""
    if curve.fill and not curve.stroke:
        if not _blank_fill(curve):
            out.boxes.append((curve.x0, curve.x1, flip - curve.y1, flip - curve.y0))
        return
    for (ax, ay), (bx, by) in itertools.pairwise(curve.pts):
        if abs(ax - bx) < 0.5 or abs(ay - by) < 0.5:
            out.segments.append((min(ax, bx), max(ax, bx), flip - max(ay, by), flip - min(ay, by)))


def _rules(objects: _PageObjects, body_size: float) -> list[Rule]:
    """Ruling lines: stroked lines, thin bars (Word's borders are filled rectangles) and the
    edges of wider boxes (a shaded cell or row: its edges are where the cell ends)."""
    thin = max(_MIN_RULE_THICKNESS, _RULE_THICKNESS_EM * body_size)
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


_WORDS = WordExtractor(
    x_tolerance_ratio=0.15,
    y_tolerance_ratio=0.25,
    keep_blank_chars=False,
    use_text_flow=False,
    extra_attrs=["fontname", "size"],
)


def _body_size(chars: list[dict]) -> float:
    """The size most of the page's letters have (10 pt on a page without text)."""
    sizes = Counter(round(c["size"], 1) for c in chars if not c["text"].isspace())
    return sizes.most_common(1)[0][0] if sizes else 10.0


def _split_at_rules(chars: list[dict], verticals: list[Rule]) -> list[list[dict]]:
    """A word's letters cut where a vertical rule runs between them: text of two cells that
    touch (zero cell padding) is two words, not one."""
    if len(chars) < 2 or not verticals:
        return [chars]
    top, bottom = chars[0]["top"], chars[0]["bottom"]
    middle = (top + bottom) / 2
    cuts = [
        r.x0
        for r in verticals
        if r.top <= middle <= r.bottom and chars[0]["x0"] < r.x0 < chars[-1]["x1"]
    ]
    if not cuts:
        return [chars]
    pieces: list[list[dict]] = [[]]
    for char in chars:
        if pieces[-1] and any(pieces[-1][-1]["x1"] - 0.5 <= x <= char["x0"] + 0.5 for x in cuts):
            pieces.append([])
        pieces[-1].append(char)
    return pieces


def _spaces(chars: list[dict]) -> dict[int, list[float]]:
    """Where the page draws a space glyph: its left edge, by its line (rounded top)."""
    out: dict[int, list[float]] = {}
    for c in chars:
        if c["text"] == " ":
            out.setdefault(round(c["top"]), []).append(c["x0"])
    for xs in out.values():
        xs.sort()
    return out


def _space_follows(w: dict, spaces: dict[int, list[float]]) -> bool:
    top = round(w["top"])
    for key in (top - 1, top, top + 1):
        xs = spaces.get(key)
        if xs:
            i = bisect.bisect_left(xs, w["x1"] - 0.5)
            if i < len(xs) and xs[i] <= w["x1"] + 0.5:
                return True
    return False


def _producer(pdf) -> str:
    try:
        info = pdf.metadata
    except Exception:  # a damaged Info dictionary says nothing
        return ""
    names = [info.get(k) for k in ("Creator", "Producer")]
    return " / ".join(n for n in names if isinstance(n, str) and n)


def _layout(page, number: int, producer: str = "") -> PageLayout:
    objects = _page_objects(page)
    rules = _rules(objects, _body_size(objects.chars))
    verticals = [r for r in rules if r.vertical]
    spaces = _spaces(objects.chars)
    out = []
    for word, chars in _WORDS.iter_extract_tuples(objects.chars):
        pieces = _split_at_rules(chars, verticals)
        for piece in pieces:
            w = word if len(pieces) == 1 else _WORDS.merge_chars(piece)
            text = normalize_text(w["text"])
            if text:
                one_to_one = text == w["text"] and len(text) == len(piece)
                out.append(
                    Word(
                        text,
                        w["x0"],
                        w["x1"],
                        w["top"],
                        w["bottom"],
                        round(w["size"], 1),
                        _is_bold(w["fontname"]),
                        bool(spaces) and _space_follows(w, spaces),
                        tuple(c["x0"] for c in piece) if one_to_one else (),
                    )
                )
    return PageLayout(
        number,
        float(page.width),
        float(page.height),
        tuple(out),
        tuple(rules),
        objects.images,
        producer,
    )


def read_pages(path: Path) -> Iterator[PageLayout]:
    """Yield each page's layout in order. Raises ExtractError naming the file (and page)."""
    try:
        pdf = pdfplumber.open(path)
    except PDFPasswordIncorrect as e:
        raise ExtractError(f"{path.name}: the PDF is password protected") from e
    except (PDFSyntaxError, ValueError, TypeError, KeyError, OSError) as e:
        raise ExtractError(f"{path.name}: not a readable PDF ({e.__class__.__name__}: {e})") from e
    with pdf:
        producer = _producer(pdf)
        for number, page in enumerate(pdf.pages, start=1):
            try:
                yield _layout(page, number, producer)
            except Exception as e:  # pdfminer raises many types on damaged content streams
                raise ExtractError(f"{path.name}, page {number}: cannot read the page ({e})") from e
            finally:
                page.close()


def page_count(path: Path) -> int:
    try:
        with pdfplumber.open(path) as pdf:
            return len(pdf.pages)
    except PDFPasswordIncorrect as e:
        raise ExtractError(f"{path.name}: the PDF is password protected") from e
    except Exception as e:
        raise ExtractError(f"{path.name}: not a readable PDF ({e})") from e
