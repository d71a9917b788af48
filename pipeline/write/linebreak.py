"""Where the lines of a paragraph break, by the rules the Word report's lines break by, so that
the PDF report (whose writer breaks its lines here) has the same lines and so the same pages.

The Word file is laid out by Word or LibreOffice; reportlab's own line breaking differs (it breaks
only at spaces, squeezes spaces to fit one more word, hyphenates any word that does not fit, by a
different reading of the Danish patterns). The rules here are the Word file's, as LibreOffice
applies them to it (the Word report's settings: w:autoHyphenation, w:hyphenationZone):

- a line breaks after a run of spaces, and after a hyphen or an en dash inside a word
  ("covid-|19", "2017-|2021"); never at a no-break space (``text.keep_together``);
- a line holds what fits its width; the spaces at its end hang in the margin;
- the word that does not fit is hyphenated at its last point where its head and the hyphen still
  fit, if it is a word of letters of at least ``min_word`` letters, with at least ``min_lead``
  letters before the point and ``min_trail`` after it; but not if the line would otherwise end
  within the hyphenation ``zone`` of the margin (however many lines in a row end hyphenated:
  LibreOffice does not read Word's w:consecutiveHyphenLimit, so the Word file sets none);
- a word longer than a whole line is cut where the line is full.

Danish hyphenation points come from the hyphenation patterns LibreOffice uses (hyph_da_DK.dic, the
copy pyphen ships), applied as LibreOffice's hyphenation library (libhyphen) applies them: a finite
automaton over the patterns' prefixes in which each position takes the values of the longest
pattern prefix matched there, not the union of all matching patterns (Liang's algorithm, which
pyphen follows, and which finds more points: "syste-matisk", where libhyphen has "sy-stematisk").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

__all__ = ["Hyphenation", "LineRules", "break_lines", "danish_hyphen_points"]

_BLANK = " "
_HARD_HYPHENS = "-\u2013"  # a line may break after these inside a word
# The word LibreOffice hands its hyphenator (a dictionary word in Unicode's word boundaries, UAX
# #29): letters, and letters joined by a full stop, an apostrophe or a colon ("sundhed.dk",
# "app'en"), without the punctuation around them ('”Strategier' is hyphenated as 'Strategier').
_WORD = re.compile(r"[^\W\d_]+(?:[.:'\u2019\u00b7][^\W\d_]+)*")


# --------------------------------------------------------------------------- hyphenation points


def _pattern_file() -> Path:
    import pyphen  # the dictionary's copy; its algorithm is not used

    return Path(pyphen.LANGUAGES["da_DK"])


class _Automaton:
    """libhyphen's automaton over a pattern file: states are the prefixes of the patterns' letter
    strings; a state that is a whole pattern carries its values."""

    def __init__(self, path: Path) -> None:
        raw = path.read_bytes()
        first, _, body = raw.partition(b"\n")
        encoding = first.decode("ascii").strip() or "iso8859-1"
        self.values: dict[str, tuple[int, ...]] = {}
        self.states: set[str] = {""}
        for line in body.decode(encoding).splitlines():
            line = line.strip()
            if not line or line.startswith("%") or line.isupper():  # comments, keywords
                continue
            letters = re.sub(r"\d", "", line)
            values = [0] * (len(letters) + 1)
            k = 0
            for ch in line:
                if ch.isdigit():
                    values[k] = int(ch)
                else:
                    k += 1
            self.values[letters] = tuple(values)
            self.states.update(letters[:n] for n in range(len(letters) + 1))

    @cache  # noqa: B019 - one automaton for the process
    def _fallback(self, state: str) -> str:
        """The longest proper suffix of ``state`` that is a state."""
        for j in range(1, len(state) + 1):
            if state[j:] in self.states:
                return state[j:]
        return ""

    def points(self, word: str) -> list[int]:
        """The values between the letters of ``word``: ``result[i]`` is the value after its
        ``i + 1`` first letters, odd where it may be hyphenated."""
        prepared = "." + "".join("." if ch.isdigit() else ch for ch in word.lower()) + "."
        values = [0] * (len(prepared) + 1)
        state = ""
        for i, ch in enumerate(prepared):
            while state and state + ch not in self.states:
                state = self._fallback(state)
            if state + ch not in self.states:  # no pattern goes on with this letter
                continue
            state += ch
            match = self.values.get(state)
            if match:
                offset = i + 1 - len(state)
                for k, v in enumerate(match):
                    values[offset + k] = max(values[offset + k], v)
        # values[k] sits before prepared[k]; a point after the word's n-th letter is values[n + 1]
        return [values[n + 1] for n in range(1, len(word))]


@cache
def _danish() -> _Automaton:
    return _Automaton(_pattern_file())


def danish_hyphen_points(word: str, min_lead: int = 2, min_trail: int = 2) -> list[int]:
    """The places (counted in letters from the word's start) where ``word`` may be hyphenated."""
    odd = _danish().points(word)
    return [
        n
        for n in range(1, len(word))
        if odd[n - 1] % 2 and n >= min_lead and len(word) - n >= min_trail
    ]


# --------------------------------------------------------------------------- line breaking


@dataclass(frozen=True)
class Hyphenation:
    """Automatic hyphenation, as the Word report sets it."""

    zone: float  # points: no hyphenation if the line would otherwise end this close to its end
    min_word: int = 5
    min_lead: int = 2
    min_trail: int = 2
    points: Callable[[str, int, int], list[int]] = danish_hyphen_points


@dataclass(frozen=True)
class LineRules:
    """How one paragraph's lines break: its text's measure (a string's width in points, one
    font and size), and its hyphenation (None: words whole)."""

    measure: Callable[[str], float]
    hyphenation: Hyphenation | None = None


@dataclass(frozen=True)
class _Piece:
    """The text up to and including one place a line may break after: a word and its spaces
    ("word "), or a word's part through a hyphen ("covid-")."""

    text: str

    @property
    def ink(self) -> str:  # what must fit: the text without the spaces that hang
        return self.text.rstrip(_BLANK)


def _pieces(text: str) -> list[_Piece]:
    pieces, start, i = [], 0, 0
    while i < len(text):
        ch = text[i]
        if ch == _BLANK:
            while i < len(text) and text[i] == _BLANK:
                i += 1
            pieces.append(_Piece(text[start:i]))
            start = i
            continue
        if (
            ch in _HARD_HYPHENS
            and i > start
            and i + 1 < len(text)
            and text[i + 1] != _BLANK
            and not text[i + 1].isspace()
            and not text[i - 1].isspace()
        ):
            pieces.append(_Piece(text[start : i + 1]))
            start = i + 1
        i += 1
    if start < len(text):
        pieces.append(_Piece(text[start:]))
    return pieces


def _hyphenate(line: str, piece: _Piece, width: float, rules: LineRules) -> tuple[str, str] | None:
    """``piece`` split in the word where the line is full (the word LibreOffice hands its
    hyphenator: letters, without the punctuation around them), at the word's last point where
    ``line`` + the head + "-" fits: (head, tail), or None."""
    hy = rules.hyphenation
    if hy is None:
        return None
    ink = piece.ink
    full = next(
        (k for k in range(len(ink)) if rules.measure(line + ink[: k + 1]) > width), len(ink)
    )
    while 0 < full < len(ink) and unicodedata.category(ink[full]).startswith("P"):
        full -= 1  # the line is full at punctuation after a word: hyphenate that word
    word = next((m for m in _WORD.finditer(ink) if m.start() <= full < m.end()), None)
    if word is None or len(word.group()) < hy.min_word:
        return None
    for n in reversed(hy.points(word.group(), hy.min_lead, hy.min_trail)):
        head = ink[: word.start() + n]
        if rules.measure(line + head + "-") <= width:
            return head, piece.text[len(head) :]
    return None


def break_lines(text: str, width: float, rules: LineRules) -> list[tuple[str, bool]]:
    """The lines of ``text`` in a column ``width`` points wide: (line, ends hyphenated), the line
    without its hanging spaces and, when hyphenated, without the hyphen the break adds."""
    pieces = _pieces(text)
    lines: list[tuple[str, bool]] = []
    line = ""
    i = 0
    while i < len(pieces):
        piece = pieces[i]
        if rules.measure((line + piece.text).rstrip(_BLANK)) <= width:
            line += piece.text
            i += 1
            continue
        # ``piece`` does not fit: hyphenate it, or break before it, or cut it
        hy = rules.hyphenation
        # the hyphenation zone: the line's last space must end short of it
        last_blank = line.rfind(_BLANK)
        zone_free = hy is not None and (
            last_blank < 0 or rules.measure(line[: last_blank + 1]) <= width - hy.zone
        )
        split = _hyphenate(line, piece, width, rules) if zone_free else None
        if split is not None:
            head, tail = split
            lines.append(((line + head), True))
            pieces[i] = _Piece(tail)
            line = ""
            continue
        if line:
            lines.append((line.rstrip(_BLANK), False))
            line = ""
            continue
        # a piece wider than the line: cut it where the line is full (at least one character)
        cut = 1
        while cut < len(piece.ink) and rules.measure(piece.ink[: cut + 1]) <= width:
            cut += 1
        lines.append((piece.text[:cut], False))
        pieces[i] = _Piece(piece.text[cut:])
    if line.rstrip(_BLANK) or not lines:
        lines.append((line.rstrip(_BLANK), False))
    return lines
