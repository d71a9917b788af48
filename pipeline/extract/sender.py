"""The sender block (*Kontaktoplysninger*) as printed on a notat's first page.

The municipality's notats print, under the label *Kontaktoplysninger*, the sending centre, its
unit, the postal address, phone, e-mail, web site and EAN number, one item to a line, in a
column of its own: in the right-hand margin beside the first table, at the top right beside the
title, in the narrow column of a layout table, or under the body. The block is read from what
the page shows: the label's column (in the label's type size, each line's run of words set
flush with the label: left, right or centred as the block is) from the label down to the first
wide vertical gap, with the date line just above it when it stands in the same column. A line
that ends where no name can end (``Social- og``), and an address broken inside
(``…@ringsted.d`` / ``k``), are joined to the line below.

``sender_block_words`` gives the block's words (date line included) so the reader can set them
aside: a block beside the body is not the body's text (a sidebar line level with *Tema 1:* or
with the title is no part of either).

Which line is which is told from its text, not its position: ``Tel.``/``Tlf.`` and digits are
the phone, ``@`` the e-mail, ``www.``/``http`` the web site, ``EAN`` the EAN number, a line
opening with a four-digit postcode the town (its street is the line above); the first remaining
line is the centre, the rest before the street its unit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields

from pipeline.extract.layout import styled_lines
from pipeline.extract.primitives import PageLayout, Word
from pipeline.extract.settings import DEFAULT_SETTINGS, SenderSettings
from pipeline.text import normalize_text
from pipeline.vocabulary import CONTACT_LABEL

__all__ = ["SenderBlock", "find_sender_block", "sender_block_words"]

_LABEL = re.compile(rf"^{CONTACT_LABEL}:?$", re.IGNORECASE)
_PHONE = re.compile(r"^(?:Tel|Tlf|Telefon)\.?:?\s*(\+?[\d\s-]{6,})$", re.IGNORECASE)
_BARE_PHONE = re.compile(r"^(\+?\d[\d\s-]{6,}\d)$")
_EMAIL = re.compile(r"^(?:E-?mail:?\s*)?(\S+@\S+\.\w+)$", re.IGNORECASE)
_WEB = re.compile(r"^(?:Web:?\s*)?((?:https?://|www\.)\S+)$", re.IGNORECASE)
_EAN = re.compile(r"^EAN(?:-?nr\.?)?:?\s*(\d[\d\s]{11,}\d)$", re.IGNORECASE)
_POSTCODE = re.compile(r"^\d{4}\s+\S")
_DATE_LINE = re.compile(r"^Dato\b", re.IGNORECASE)

# The block's tolerances (how far a word may stand from the label's column, how wide a gap
# ends the block: a blank line inside it is about one line pitch) are SenderSettings, in
# multiples of the label's type size.
DEFAULT_SENDER: SenderSettings = DEFAULT_SETTINGS.sender
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


def find_sender_block(page: PageLayout, settings: SenderSettings = DEFAULT_SENDER) -> SenderBlock:
    """The sender block on ``page`` (a notat's first page); empty when it prints none."""
    label = next((w for w in page.words if _LABEL.match(w.text)), None)
    if label is None:
        return SenderBlock()
    lines = _block_lines(page.words, label, settings)
    return _fields(_join_wrapped([normalize_text(" ".join(w.text for w in ln)) for ln in lines]))


def sender_block_words(
    page: PageLayout, settings: SenderSettings = DEFAULT_SENDER
) -> frozenset[Word]:
    """The words of the sender block on ``page`` and of the date line set in its column just
    above it; empty when the page prints no block."""
    label = next((w for w in page.words if _LABEL.match(w.text)), None)
    if label is None:
        return frozenset()
    words = {label, *(w for line in _block_lines(page.words, label, settings) for w in line)}
    words.update(_date_above(page.words, label, settings))
    return frozenset(words)


def _aligned(run: list[Word], label: Word, align: str, settings: SenderSettings) -> bool:
    """Whether ``run`` is set flush with the label as the block is: left, right or centred."""
    slack = settings.column_slack * label.size
    if align == "left":
        return abs(run[0].x0 - label.x0) <= slack
    if align == "right":
        return abs(run[-1].x1 - label.x1) <= slack
    return abs((run[0].x0 + run[-1].x1) / 2 - (label.x0 + label.x1) / 2) <= slack


def _runs(words: list[Word], size: float, settings: SenderSettings) -> list[list[Word]]:
    """A line's runs of words: a gap wider than a word space starts the next (text beside the
    block in the same type is another run)."""
    out: list[list[Word]] = []
    for w in sorted(words, key=lambda w: w.x0):
        if out and w.x0 - out[-1][-1].x1 <= settings.run_gap * size:
            out[-1].append(w)
        else:
            out.append([w])
    return out


def _block_lines(
    words: tuple[Word, ...], label: Word, settings: SenderSettings
) -> list[list[Word]]:
    """The block's lines below the label, each the run of words set flush with the label."""
    size = label.size
    column = [
        w
        for w in words
        if w.top > label.bottom - settings.above_slack * size
        and w is not label
        and abs(w.size - size) <= settings.same_size * size
    ]
    lines: list[list[Word]] = []
    bottom = label.bottom
    align = ""
    for line in styled_lines(column, 0):
        if line.top - bottom > settings.block_gap * size:
            break
        runs = _runs(line.words, size, settings)
        if not align:  # the first line tells how the block is set
            align = next(
                (
                    a
                    for a in ("left", "right", "centre")
                    if any(_aligned(r, label, a, settings) for r in runs)
                ),
                "",
            )
            if not align:
                continue  # text beside the block (a table's header in a similar size)
        run = next((r for r in runs if _aligned(r, label, align, settings)), None)
        if run is None:
            continue  # text beside the block on its own line (the body in a similar size)
        lines.append(run)
        bottom = line.bottom
    return lines


def _date_above(words: tuple[Word, ...], label: Word, settings: SenderSettings) -> list[Word]:
    """The date line (``Dato: …``) set in the label's column just above it, if any (its type
    may differ from the label's twice as much as the block's own lines)."""
    size = label.size
    reach = settings.block_gap * settings.date_reach * size
    above = [
        w
        for w in words
        if label.top - reach <= w.bottom <= label.top + settings.above_slack * size
        and abs(w.size - size) <= settings.same_size * max(size, w.size) * 2
    ]
    for line in reversed(styled_lines(above, 0)):
        for run in _runs(line.words, line.size, settings):
            text = " ".join(w.text for w in run)
            left = abs(run[0].x0 - label.x0) <= settings.column_slack * size
            right = abs(run[-1].x1 - label.x1) <= settings.column_slack * size
            if _DATE_LINE.match(text) and (left or right):
                return run
    return []


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
