"""Text hygiene for the writers: characters a .docx/.xlsx cannot hold, safe file names."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

# XML 1.0 forbids C0 controls other than tab, LF and CR, lone surrogates and U+FFFE/U+FFFF;
# python-docx and openpyxl refuse them (or write a file Word will not open).
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_UNSAFE_NAME = re.compile(r"[^\w.\-]+")
FONT_DIR = Path(__file__).resolve().parent.parent / "fonts"


def xml_safe(text: str) -> str:
    """``text`` without the characters XML cannot hold (NFC, otherwise unchanged)."""
    return _XML_ILLEGAL.sub("", unicodedata.normalize("NFC", text))


def safe_filename(name: str) -> str:
    """A file name without path separators or shell-hostile characters (``æøå`` kept)."""
    name = unicodedata.normalize("NFC", xml_safe(name)).replace("/", "_").replace("\\", "_")
    name = _UNSAFE_NAME.sub("_", name).strip("._")
    return name[:120] or "rapport"


def bilag_tag(bilag: str) -> str:
    """The tag printed after a goal wording: ``(bilag 2)``; empty when untagged."""
    # A no-break space keeps "(bilag" and "2)" on one line; text extraction reads it as a space.
    return f"(bilag\u00a0{bilag})" if bilag else ""


def with_tag(text: str, bilag: str) -> str:
    tag = bilag_tag(bilag)
    return f"{text} {tag}" if tag else text


NBSP = "\u00a0"
# Where a line must not break (Danish typesetting, Retskrivningsordbogen §§ on numbers): inside a
# spaced range "6 - 13", a thousands group "10 000", between a number and its unit "13 år",
# "75 %", and after "Tema"/"nr." before its number. Both writers print these spaces unbreakable.
_UNITS = r"(?:%|‰|år|procent|pct\.|kr\.|mio\.|mia\.|timer|uger|dage|måneder|minutter|gange)"
_KEEP_TOGETHER = (
    (re.compile(r"(?<=\d) +([-–]) +(?=\d)"), NBSP + r"\1" + NBSP),
    (re.compile(r"(?<=\d) (?=\d{3}\b)"), NBSP),
    (re.compile(rf"(?<=\d) (?={_UNITS}(?!\w))"), NBSP),
    (re.compile(r"\b(Tema|tema|nr\.) (?=\d)"), r"\1" + NBSP),
)


def keep_together(text: str) -> str:
    """``text`` with no-break spaces where a line break would split a number from its range,
    group or unit ("6 - 13 år" stays on one line); the characters are otherwise unchanged."""
    for pattern, replacement in _KEEP_TOGETHER:
        text = pattern.sub(replacement, text)
    return text
