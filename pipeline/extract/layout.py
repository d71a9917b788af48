"""Printed lines: the page's words grouped into the lines they stand on, left to right.

Everything here works on the ``Word`` primitives of ``pipeline.extract.pdf``, never on the order in
which the PDF happens to list its text. ``styled_lines`` groups by baseline and gives each line
the style most of its letters have (headings, titles); ``group_lines`` groups by vertical overlap
(table cells, where a line's words may differ in size).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from pipeline.extract.primitives import Word
from pipeline.extract.settings import DEFAULT_SETTINGS, LineSettings

DEFAULT_LINES: LineSettings = DEFAULT_SETTINGS.lines


class _WordsOnALine:
    """What every kind of printed line has: its words, left to right."""

    __slots__ = ()
    words: list[Word]

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    @property
    def x0(self) -> float:
        return self.words[0].x0


@dataclass
class StyledLine(_WordsOnALine):
    """One printed text line: its words left to right, with the style most of its letters have."""

    page: int
    words: list[Word]
    size: float
    bold: bool

    @property
    def top(self) -> float:
        return min(w.top for w in self.words)

    @property
    def bottom(self) -> float:
        return max(w.bottom for w in self.words)


def styled_lines(
    words: Iterable[Word], page: int, settings: LineSettings = DEFAULT_LINES
) -> list[StyledLine]:
    """Group words into printed lines by their baselines, top to bottom, each with its style
    (the size and weight most of its letters have)."""
    rows: list[list[Word]] = []
    for w in sorted(words, key=lambda w: (w.bottom, w.x0)):
        same = max(settings.baseline_min_pt, w.size * settings.baseline)
        if rows and abs(rows[-1][-1].bottom - w.bottom) <= same:
            rows[-1].append(w)
        else:
            rows.append([w])
    out = []
    for ws in rows:
        ws.sort(key=lambda w: w.x0)
        weight: Counter[tuple[float, bool]] = Counter()
        for w in ws:
            weight[(w.size, w.bold)] += len(w.text)
        (size, bold), _ = weight.most_common(1)[0]
        out.append(StyledLine(page, ws, size, bold))
    out.sort(key=lambda ln: (ln.top, ln.x0))
    return out


@dataclass(slots=True)
class Line(_WordsOnALine):
    """Words standing on one text line, left to right."""

    words: list[Word]
    top: float
    bottom: float

    @property
    def size(self) -> float:
        return max(w.size for w in self.words)

    def segments(self, settings: LineSettings | None = None) -> list[list[Word]]:
        """Runs of words separated by a gap wider than a stretched word space."""
        settings = settings or DEFAULT_LINES
        out: list[list[Word]] = [[self.words[0]]]
        for prev, w in zip(self.words, self.words[1:], strict=False):
            if w.x0 - prev.x1 > max(settings.run_gap_min_pt, settings.run_gap * w.size):
                out.append([w])
            else:
                out[-1].append(w)
        return out


def group_lines(words: Iterable[Word], settings: LineSettings | None = None) -> list[Line]:
    """Words to text lines, top to bottom: a word joins a line when its middle falls inside it."""
    slack = (settings or DEFAULT_LINES).middle_slack_pt
    lines: list[Line] = []
    anchor_top = anchor_bottom = 0.0
    for w in sorted(words, key=lambda w: (w.top, w.x0)):
        middle = (w.top + w.bottom) / 2
        if lines and anchor_top - slack <= middle <= anchor_bottom + slack:
            line = lines[-1]
            line.words.append(w)
            line.bottom = max(line.bottom, w.bottom)
        else:
            lines.append(Line([w], w.top, w.bottom))
            anchor_top, anchor_bottom = w.top, w.bottom
    for line in lines:
        line.words.sort(key=lambda w: w.x0)
    return lines
