"""Page geometry for the goal tables: text lines, the table's columns, and its row bands.

Everything here works on the ``Word``/``Rule`` primitives of ``pipeline.extract.pdf``: columns come
from where the header's words stand (and from vertical rules when drawn), rows from horizontal
rules or from vertical whitespace, never from the order in which the PDF happens to list its text.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pipeline.extract.pdf import Rule, Word


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


def styled_lines(words: Iterable[Word], page: int) -> list[StyledLine]:
    """Group words into printed lines by their baselines, top to bottom, each with its style."""
    rows: list[list[Word]] = []
    for w in sorted(words, key=lambda w: (w.bottom, w.x0)):
        if rows and abs(rows[-1][-1].bottom - w.bottom) <= max(2.0, w.size * 0.3):
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


# The four columns of a goal table, left to right.
GOAL, STARTED, NOT_STARTED, REMARK = 0, 1, 2, 3

_HEADER_KEYS = {"mål": GOAL, "bemærkning": REMARK, "ikke": NOT_STARTED}
_GENNEMFOERT = re.compile(r"^gennemført/?(igangsat)?$", re.IGNORECASE)
_HEADER_VOCABULARY = {"mål", "gennemført/", "gennemført", "/", "igangsat", "ikke", "bemærkning"}


@dataclass(slots=True)
class Line(_WordsOnALine):
    """Words standing on one text line, left to right."""

    words: list[Word]
    top: float
    bottom: float

    @property
    def size(self) -> float:
        return max(w.size for w in self.words)

    def segments(self) -> list[list[Word]]:
        """Runs of words separated by a gap wider than a stretched word space."""
        out: list[list[Word]] = [[self.words[0]]]
        for prev, w in zip(self.words, self.words[1:], strict=False):
            if w.x0 - prev.x1 > max(6.0, 0.8 * w.size):
                out.append([w])
            else:
                out[-1].append(w)
        return out


def group_lines(words: Iterable[Word]) -> list[Line]:
    """Words to text lines, top to bottom: a word joins a line when its middle falls inside it."""
    lines: list[Line] = []
    anchor_top = anchor_bottom = 0.0
    for w in sorted(words, key=lambda w: (w.top, w.x0)):
        middle = (w.top + w.bottom) / 2
        if lines and anchor_top - 0.5 <= middle <= anchor_bottom + 0.5:
            line = lines[-1]
            line.words.append(w)
            line.bottom = max(line.bottom, w.bottom)
        else:
            lines.append(Line([w], w.top, w.bottom))
            anchor_top, anchor_bottom = w.top, w.bottom
    for line in lines:
        line.words.sort(key=lambda w: w.x0)
    return lines


def is_header_line(line: Line) -> bool:
    """A line of the table's header row: several of its column headings stand on it."""
    keys = set()
    for w in line.words:
        low = w.text.lower()
        if low in _HEADER_KEYS:
            keys.add(_HEADER_KEYS[low])
        elif _GENNEMFOERT.match(low):
            keys.add(STARTED)
    # "Mål …" may open a goal and a remark may say "Bemærkning": the status headings decide.
    return len(keys) >= 3 or (STARTED in keys and len(keys) >= 2)


def is_header_continuation(line: Line, right_limit: float) -> bool:
    """A further header line ("igangsat" under "Gennemført/" or "Ikke"): header words only,
    left of ``right_limit`` (what stands further right, e.g. the contact block, is not read)."""
    words = [w.text.lower() for w in line.words if w.x0 < right_limit]
    return bool(words) and all(t in _HEADER_VOCABULARY for t in words)


@dataclass(slots=True)
class Columns:
    """Where one goal table's columns begin and end on the page (x coordinates)."""

    left: float
    b_started: float  # goal | started
    b_not_started: float  # started | not started
    b_remark: float  # not started | remark
    right: float
    remark_text_left: float  # where remark text lines begin (header "Bemærkning" x0)
    ruled_right: bool  # the right edge comes from a drawn rule

    def column_of(self, w: Word) -> int | None:
        """The column a word stands in, or None when it stands outside the table."""
        middle = (w.x0 + w.x1) / 2
        if middle < self.left or middle > self.right:
            return None
        if middle < self.b_started:
            return GOAL
        if middle < self.b_not_started:
            return STARTED
        if middle < self.b_remark:
            return NOT_STARTED
        return REMARK


def columns_from_header(header: Sequence[Word], page_width: float) -> Columns | None:
    """Column boundaries from the header words' positions; None when a heading is missing."""
    groups: dict[int, list[Word]] = {GOAL: [], STARTED: [], NOT_STARTED: [], REMARK: []}
    igangsat: list[Word] = []
    for w in header:
        low = w.text.lower()
        if low in _HEADER_KEYS:
            groups[_HEADER_KEYS[low]].append(w)
        elif _GENNEMFOERT.match(low):
            groups[STARTED].append(w)
        elif low == "igangsat":
            igangsat.append(w)
    if not (groups[STARTED] and groups[NOT_STARTED] and groups[REMARK]):
        return None
    started_mid = sum((w.x0 + w.x1) / 2 for w in groups[STARTED]) / len(groups[STARTED])
    not_started_mid = sum((w.x0 + w.x1) / 2 for w in groups[NOT_STARTED]) / len(groups[NOT_STARTED])
    for w in igangsat:
        mid = (w.x0 + w.x1) / 2
        key = STARTED if abs(mid - started_mid) <= abs(mid - not_started_mid) else NOT_STARTED
        groups[key].append(w)
    s0 = min(w.x0 for w in groups[STARTED])
    s1 = max(w.x1 for w in groups[STARTED])
    n0 = min(w.x0 for w in groups[NOT_STARTED])
    n1 = max(w.x1 for w in groups[NOT_STARTED])
    r0 = min(w.x0 for w in groups[REMARK])
    pad = max(2.0, (n0 - s1) / 2)
    return Columns(
        left=0.0,
        b_started=s0 - pad,
        b_not_started=(s1 + n0) / 2,
        b_remark=(n1 + r0) / 2,
        right=page_width,
        remark_text_left=r0,
        ruled_right=False,
    )


def _cluster(values: Iterable[float], tolerance: float = 1.5) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if out and v - out[-1] <= tolerance:
            continue
        out.append(v)
    return out


def snap_to_rules(cols: Columns, rules: Sequence[Rule], top: float, bottom: float) -> Columns:
    """Replace text-derived boundaries by the vertical rules drawn across [top, bottom]."""
    xs = _cluster(
        (r.x0 + r.x1) / 2
        for r in rules
        if r.vertical and r.top <= bottom and r.bottom >= top and r.bottom - r.top > 4
    )
    if len(xs) < 2:
        return cols

    def nearest(x: float, limit: float) -> float | None:
        i = bisect.bisect_left(xs, x)
        best = None
        for j in (i - 1, i):
            if (
                0 <= j < len(xs)
                and abs(xs[j] - x) <= limit
                and (best is None or abs(xs[j] - x) < abs(best - x))
            ):
                best = xs[j]
        return best

    b1 = nearest(cols.b_started, 15) or cols.b_started
    b2 = nearest(cols.b_not_started, 15) or cols.b_not_started
    b3 = nearest(cols.b_remark, 25) or cols.b_remark
    left = xs[0] if xs[0] < b1 - 5 else cols.left
    right = xs[-1] if xs[-1] > max(b3, cols.remark_text_left) + 5 else cols.right
    return Columns(left - 1, b1, b2, b3, right + 1, cols.remark_text_left, right != cols.right)


def horizontal_rule_ys(
    rules: Sequence[Rule], x_probe: float, top: float, bottom: float
) -> list[float]:
    """The y of every horizontal rule crossing ``x_probe`` between ``top`` and ``bottom``."""
    return _cluster(
        r.top
        for r in rules
        if r.horizontal and r.x0 <= x_probe <= r.x1 and top - 2 <= r.top <= bottom + 2
    )
