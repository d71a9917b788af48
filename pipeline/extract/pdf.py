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
from pdfminer.pdfdocument import PDFPasswordIncorrect
from pdfminer.pdfparser import PDFSyntaxError

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


def _rules(page) -> list[Rule]:
    rules: list[Rule] = []
    for ln in page.lines:
        rules.append(Rule(ln["x0"], ln["x1"], ln["top"], ln["bottom"]))
    for r in page.rects:
        w, h = r["x1"] - r["x0"], r["bottom"] - r["top"]
        if h <= _MAX_RULE_THICKNESS and w > 1:
            mid = (r["top"] + r["bottom"]) / 2
            rules.append(Rule(r["x0"], r["x1"], mid, mid))
        elif w <= _MAX_RULE_THICKNESS and h > 1:
            mid = (r["x0"] + r["x1"]) / 2
            rules.append(Rule(mid, mid, r["top"], r["bottom"]))
        elif w > 1 and h > 1 and not r.get("fill"):
            # An outlined box (a cell drawn as a rectangle): its four edges are rules.
            rules += [
                Rule(r["x0"], r["x1"], r["top"], r["top"]),
                Rule(r["x0"], r["x1"], r["bottom"], r["bottom"]),
                Rule(r["x0"], r["x0"], r["top"], r["bottom"]),
                Rule(r["x1"], r["x1"], r["top"], r["bottom"]),
            ]
    return rules


def _is_bold(fontname: str) -> bool:
    name = fontname.lower()
    return "bold" in name or "black" in name or name.endswith(",b")


def _layout(page, number: int) -> PageLayout:
    words = page.extract_words(
        x_tolerance=1.5, y_tolerance=2.5, keep_blank_chars=False, use_text_flow=False,
        extra_attrs=["fontname", "size"],
    )
    out = []
    for w in words:
        text = normalize_text(w["text"])
        if text:
            out.append(Word(text, w["x0"], w["x1"], w["top"], w["bottom"], round(w["size"], 1),
                            _is_bold(w["fontname"])))
    return PageLayout(number, float(page.width), float(page.height), tuple(out),
                      tuple(_rules(page)), len(page.images))


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
