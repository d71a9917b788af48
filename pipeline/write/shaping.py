"""The width of a line of text as the Word report's lines are measured when they are laid out
(by LibreOffice): HarfBuzz-shaped with the font's standard ligatures ("ft", "ti", "tt" set as one
glyph, a little narrower than the two) and without pair kerning, which LibreOffice leaves off for
a Word file that does not ask for it. The PDF writer breaks its lines by these widths
(``linebreak``), so a line that just fits in the Word file fits in the PDF. The only uharfbuzz
importer.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache, lru_cache
from pathlib import Path

import uharfbuzz as hb

__all__ = ["text_measure"]

_FEATURES = {"kern": False}  # HarfBuzz's defaults otherwise: ligatures on


@cache
def _font(path: Path) -> tuple[hb.Font, int]:
    face = hb.Face(hb.Blob.from_file_path(str(path)))
    return hb.Font(face), face.upem


@cache
def text_measure(path: Path, size: float) -> Callable[[str], float]:
    """A function giving a text's width in points, set in the font at ``path``, ``size`` pt."""
    font, upem = _font(path)

    @lru_cache(maxsize=65536)
    def width(text: str) -> float:
        buf = hb.Buffer()
        buf.add_str(text)
        buf.guess_segment_properties()
        hb.shape(font, buf, _FEATURES)
        return sum(p.x_advance for p in buf.glyph_positions) * size / upem

    return width
