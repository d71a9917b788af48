"""A notat's title as printed: its title line, not the ``NOTAT`` label above it, not the date or
the contact block beside it, not a running header.

The title is the text set largest on the first page before the notat's body begins, read from
the left-hand run of each printed line (a contact block beside the title is another run), and
continued on the lines below that are set in the same type and follow closely.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from pipeline.extract.layout import Line
from pipeline.extract.primitives import Word
from pipeline.extract.settings import DEFAULT_SETTINGS, TitleSettings
from pipeline.text import normalize_text
from pipeline.vocabulary import CONTACT_LABEL, DOCUMENT_LABEL, PAGE_FOOTER

__all__ = ["notat_title"]

DEFAULT_TITLE: TitleSettings = DEFAULT_SETTINGS.title

# What the contact block and the date line hold: never a title.
_NOT_TITLE = re.compile(
    rf"^({CONTACT_LABEL}|Dato\b|Tlf|Tel|E-?mail|EAN\b|www\.|Sagsnr|J\.\s*nr|Journal)"
    r"|@|^\+?\d[\d\s]{5,}$",
    re.IGNORECASE,
)


def _runs(line: Line, settings: TitleSettings) -> list[list[Word]]:
    """The line's runs of words: a wide gap or a change of type size starts a new one (a title
    line may run up to a contact block set in small type)."""
    out: list[list[Word]] = [[line.words[0]]]
    for prev, w in zip(line.words, line.words[1:], strict=False):
        resized = abs(w.size - prev.size) > settings.resized * max(w.size, prev.size)
        if resized or w.x0 - prev.x1 > settings.run_gap * max(w.size, prev.size):
            out.append([w])
        else:
            out[-1].append(w)
    return out


def _style(run: list[Word]) -> tuple[float, bool]:
    weight: Counter[tuple[float, bool]] = Counter()
    for w in run:
        weight[(w.size, w.bold)] += len(w.text)
    return weight.most_common(1)[0][0]


def notat_title(lines: Sequence[Line], settings: TitleSettings = DEFAULT_TITLE) -> str:
    """The title among ``lines``: the first page's printed lines before its body begins."""
    firsts: list[tuple[list[Word], Line]] = []
    for line in lines:
        if not line.words:
            continue
        run = _runs(line, settings)[0]
        text = " ".join(w.text for w in run)
        if (
            text.strip().upper() == DOCUMENT_LABEL
            or PAGE_FOOTER.match(text)
            or _NOT_TITLE.search(text)
        ):
            continue
        if len(normalize_text(text)) < settings.min_chars:
            continue
        firsts.append((run, line))
    if not firsts:
        return ""
    k = max(range(len(firsts)), key=lambda i: (_style(firsts[i][0]), -i))
    run, line = firsts[k]
    size, bold = _style(run)
    parts = [" ".join(w.text for w in run)]
    x0, x1 = run[0].x0, run[-1].x1
    bottom = line.bottom
    for nxt, nxt_line in firsts[k + 1 :]:
        if nxt[0].x0 > x1 or nxt[-1].x1 < x0:
            continue  # beside the title (a contact block), not under it
        n_size, n_bold = _style(nxt)
        # (OCR measures the size of each line afresh: a title's lines may differ a little.)
        same_type = abs(n_size - size) <= settings.same_type * size and n_bold == bold
        close = nxt_line.top - bottom <= settings.close * size
        left = abs(nxt[0].x0 - x0) <= settings.flush * size
        centred = abs((nxt[0].x0 + nxt[-1].x1) / 2 - (x0 + x1) / 2) <= settings.centred * size
        if not (same_type and close and (left or centred)):
            break
        parts.append(" ".join(w.text for w in nxt))
        bottom = nxt_line.bottom
    return normalize_text(" ".join(parts))
