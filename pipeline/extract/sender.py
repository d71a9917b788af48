"""The sender block (*Kontaktoplysninger*) as printed on a notat's first page.

The municipality's notats print, under the label *Kontaktoplysninger*, the sending centre, its
unit, the postal address, phone, e-mail, web site and EAN number, one item to a line, in a
column of its own: in the right-hand margin beside the first table, at the top right beside the
title, or under the body. The block is read from what the page shows: the label's column (words
that start at or right of the label's left edge, in the label's type size) from the label down
to the first wide vertical gap. A line that ends where no name can end (``Social- og``), and
an address broken inside (``…@ringsted.d`` / ``k``), are joined to the line below.

Which line is which is told from its text, not its position: ``Tel.``/``Tlf.`` and digits are
the phone, ``@`` the e-mail, ``www.``/``http`` the web site, ``EAN`` the EAN number, a line
opening with a four-digit postcode the town (its street is the line above); the first remaining
line is the centre, the rest before the street its unit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields

from pipeline.extract.layout import StyledLine, styled_lines
from pipeline.extract.pdf import PageLayout, Word
from pipeline.text import normalize_text
from pipeline.vocabulary import CONTACT_LABEL

__all__ = ["SenderBlock", "find_sender_block"]

_LABEL = re.compile(rf"^{CONTACT_LABEL}:?$", re.IGNORECASE)
_PHONE = re.compile(r"^(?:Tel|Tlf|Telefon)\.?:?\s*(\+?[\d\s-]{6,})$", re.IGNORECASE)
_BARE_PHONE = re.compile(r"^(\+?\d[\d\s-]{6,}\d)$")
_EMAIL = re.compile(r"^(?:E-?mail:?\s*)?(\S+@\S+\.\w+)$", re.IGNORECASE)
_WEB = re.compile(r"^(?:Web:?\s*)?((?:https?://|www\.)\S+)$", re.IGNORECASE)
_EAN = re.compile(r"^EAN(?:-?nr\.?)?:?\s*(\d[\d\s]{11,}\d)$", re.IGNORECASE)
_POSTCODE = re.compile(r"^\d{4}\s+\S")
_DATE_LINE = re.compile(r"^Dato\b", re.IGNORECASE)

# How far a word may start left of the label and still be in its column, and how wide a
# vertical gap ends the block (a blank line inside the block is about one line pitch), in
# multiples of the label's type size.
_COLUMN_SLACK_EM = 0.6
_BLOCK_GAP_EM = 2.6
_SAME_SIZE = 0.15  # relative size difference still "the label's type"
# Words a centre's or unit's name never ends with: a line ending so goes on on the next line.
_OPEN_ENDS = frozenset({"og", "for", "i", "på", "til", "af", "med", "samt", "&", "under"})


@dataclass(frozen=True)
class SenderBlock:
    """The printed fields of the sender block; "" for what the block does not print."""

    sender_centre: str = ""
    sender_unit: str = ""
    sender_address: str = ""
    sender_phone: str = ""
    sender_email: str = ""
    sender_web: str = ""
    sender_ean: str = ""

    def as_dict(self) -> dict[str, str]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def find_sender_block(page: PageLayout) -> SenderBlock:
    """The sender block on ``page`` (a notat's first page); empty when it prints none."""
    label = next((w for w in page.words if _LABEL.match(w.text)), None)
    if label is None:
        return SenderBlock()
    lines = _block_lines(page.words, label, page.number)
    return _fields(_join_wrapped([normalize_text(ln.text) for ln in lines]))


def _block_lines(words: tuple[Word, ...], label: Word, page: int) -> list[StyledLine]:
    size = label.size
    left = label.x0 - _COLUMN_SLACK_EM * size
    column = [
        w
        for w in words
        if w.x0 >= left
        and w.top > label.bottom - 0.2 * size
        and abs(w.size - size) <= _SAME_SIZE * size
    ]
    lines: list[StyledLine] = []
    bottom = label.bottom
    for line in styled_lines(column, page):
        # The block is set flush left: a line starting elsewhere is other text right of it.
        if line.top - bottom > _BLOCK_GAP_EM * size or line.words[0].x0 - label.x0 > 0.6 * size:
            break
        lines.append(line)
        bottom = line.bottom
    return lines


def _join_wrapped(texts: list[str]) -> list[str]:
    """Lines that wrapped inside the block's column joined to the line they continue: a line
    ending in a hyphen or a word that cannot end a name (``Social- og`` / ``Sundhedscenter``),
    and an e-mail or web address broken for want of room (``…@ringsted.d`` / ``k``). The
    column's width is not printed, so where a line breaks proves nothing by itself."""
    out: list[str] = []
    for text in texts:
        prev = out[-1] if out else ""
        if prev and " " not in text and ("@" in prev or _WEB.match(prev)) and not _is_item(text):
            out[-1] = prev + text  # an address has no spaces: the break was inside it
        elif prev and _continues(prev.rsplit(" ", 1)[-1]) and not _is_item(text):
            out[-1] = f"{prev} {text}"
        else:
            out.append(text)
    return out


def _continues(last_word: str) -> bool:
    return last_word.endswith(("-", "/", ",")) or last_word.lower() in _OPEN_ENDS


def _is_item(text: str) -> bool:
    """A line that is a field of its own (phone, e-mail, web, EAN, postcode and town)."""
    return any(
        p.match(text) for p in (_PHONE, _BARE_PHONE, _EMAIL, _WEB, _EAN, _POSTCODE, _DATE_LINE)
    )


def _fields(texts: list[str]) -> SenderBlock:
    found: dict[str, str] = {}
    plain: list[str] = []  # lines that are no phone/e-mail/web/EAN, in print order
    town = -1
    for text in texts:
        if _DATE_LINE.match(text):
            continue
        if m := _PHONE.match(text) or _BARE_PHONE.match(text):
            found.setdefault("sender_phone", normalize_text(m.group(1)))
        elif m := _EMAIL.match(text):
            found.setdefault("sender_email", m.group(1))
        elif m := _WEB.match(text):
            found.setdefault("sender_web", m.group(1))
        elif m := _EAN.match(text):
            found.setdefault("sender_ean", re.sub(r"\s", "", m.group(1)))
        else:
            if _POSTCODE.match(text) and town < 0:
                town = len(plain)
            plain.append(text)
    if town >= 1:
        found["sender_address"] = f"{plain[town - 1]}, {plain[town]}"
        names = plain[: town - 1]
    elif town == 0:
        found["sender_address"] = plain[0]
        names = []
    else:
        names = plain
    if names:
        found["sender_centre"] = names[0]
    if len(names) > 1:
        found["sender_unit"] = ", ".join(names[1:])
    return SenderBlock(**found)
