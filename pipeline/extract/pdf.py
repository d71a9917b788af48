"""The only module that imports pdfplumber: turns PDF pages into plain layout primitives.

Pages are read one at a time and their pdfplumber caches released right after, so memory stays
flat however many pages a notat has. Everything downstream works on ``PageLayout`` alone: the
words the page shows, where they stand, and the ruling lines drawn on it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pdfplumber
from pdfminer.layout import LTChar, LTContainer, LTImage, LTLine, LTRect
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


_MAX_RULE_THICKNESS = 3.0


@dataclass(slots=True)
class _PageObjects:
    """The few attributes of a page's chars, lines and rects that extraction reads.

    pdfplumber's ``page.chars``/``page.lines``/``page.rects`` turn every pdfminer object into
    a dict of all its attributes (colours, matrices, resolved PDF objects), which costs more
    than the rest of extraction together. Walking the pdfminer layout ourselves and keeping
    only coordinates, text, font and size gives the same words and rules at a fraction of it.
    """

    chars: list[dict]
    lines: list[tuple[float, float, float, float]]  # x0, x1, top, bottom
    rects: list[tuple[float, float, float, float, bool]]  # ... and whether it is filled
    images: int = 0


def _page_objects(page) -> _PageObjects:
    height = float(page.height)
    mb_top = float(page.mediabox[1])
    out = _PageObjects([], [], [])
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
                out.rects.append(
                    (
                        obj.x0,
                        obj.x1,
                        height - obj.y1 + mb_top,
                        height - obj.y0 + mb_top,
                        bool(obj.fill),
                    )
                )
            elif isinstance(obj, LTImage):
                out.images += 1
            elif isinstance(obj, LTContainer):
                stack.append(iter(obj._objs))
                break
        else:
            stack.pop()
    return out


def _rules(objects: _PageObjects) -> list[Rule]:
    rules: list[Rule] = []
    for x0, x1, top, bottom in objects.lines:
        rules.append(Rule(x0, x1, top, bottom))
    for x0, x1, top, bottom, fill in objects.rects:
        w, h = x1 - x0, bottom - top
        if h <= _MAX_RULE_THICKNESS and w > 1:
            mid = (top + bottom) / 2
            rules.append(Rule(x0, x1, mid, mid))
        elif w <= _MAX_RULE_THICKNESS and h > 1:
            mid = (x0 + x1) / 2
            rules.append(Rule(mid, mid, top, bottom))
        elif w > 1 and h > 1 and not fill:
            # An outlined box (a cell drawn as a rectangle): its four edges are rules.
            rules += [
                Rule(x0, x1, top, top),
                Rule(x0, x1, bottom, bottom),
                Rule(x0, x0, top, bottom),
                Rule(x1, x1, top, bottom),
            ]
    return rules


def _is_bold(fontname: str) -> bool:
    name = fontname.lower()
    return "bold" in name or "black" in name or name.endswith(",b")


_WORDS = WordExtractor(
    x_tolerance=1.5,
    y_tolerance=2.5,
    keep_blank_chars=False,
    use_text_flow=False,
    extra_attrs=["fontname", "size"],
)


def _layout(page, number: int) -> PageLayout:
    objects = _page_objects(page)
    out = []
    for w in _WORDS.extract_words(objects.chars):
        text = normalize_text(w["text"])
        if text:
            out.append(
                Word(
                    text,
                    w["x0"],
                    w["x1"],
                    w["top"],
                    w["bottom"],
                    round(w["size"], 1),
                    _is_bold(w["fontname"]),
                )
            )
    return PageLayout(
        number,
        float(page.width),
        float(page.height),
        tuple(out),
        tuple(_rules(objects)),
        objects.images,
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
        for number, page in enumerate(pdf.pages, start=1):
            try:
                yield _layout(page, number)
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
