"""The text of glyphs that a simple font names by number and maps to no Unicode.

pdfTeX writes a bitmap (PK) font as a Type3 font whose glyphs are named ``/a`` and their code
in the TeX font's encoding (``/a65``, ``/a248``), with no ``/ToUnicode``. Those names are no
Adobe glyph names (pdfminer even reads ``a65`` as a ZapfDingbats glyph), yet they carry the
text exactly: the code, read in the font encoding LaTeX uses for Danish (T1, "Cork"), is the
letter. T1's own hyphenation character (code 127, which LaTeX prints where it hyphenates a word)
is a soft hyphen, not a hyphen of the word. Fonts that name their glyphs so with other letters
(``/g65``, ``/c65``, ``/cid65``, ``/G65``) are read alike.

ZapfDingbats, a standard font with an encoding of its own, is read by that encoding too:
pdfminer reads its check mark (code 0x33) as "3", a viewer shows ✓.

A font with a ``/ToUnicode`` map, or whose glyph names are ordinary ones, is left as pdfminer
reads it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from pdfminer.pdftypes import dict_value, list_value, resolve1
from pdfminer.psparser import PSLiteral

__all__ = ["T1_ENCODING", "dingbats_text", "numbered_glyph_text"]

_NUMBERED = re.compile(r"^(?:a|g|c|G|C|cid)(\d{1,3})$")

# The T1 (Cork) font encoding, code by code: accents, quotes and dashes, ligatures, ASCII (with
# typographic single quotes), the hyphenation character, then the Latin letters.
_T1_LOW = (
    "`´ˆ˜¨˝˚ˇ˘¯˙¸˛‚‹›“”„«»–—\u200b‰ıȷ" + "\ufb00\ufb01\ufb02\ufb03\ufb04"  # ff fi fl ffi ffl
)
_T1_ASCII = "".join(
    {0x27: "’", 0x60: "‘", 0x20: "\u2423"}.get(code, chr(code)) for code in range(0x20, 0x7F)
)
_T1_HIGH = (
    "ĂĄĆČĎĚĘĞĹĽŁŃŇŊŐŔŘŚŠŞŤŢŰŮŸŹŽŻĲİđ§"
    "ăąćčďěęğĺľłńňŋőŕřśšşťţűůÿźžżĳ¡¿£"
    "ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖŒØÙÚÛÜÝÞ"
    "àáâãäåæçèéêëìíîïðñòóôõöœøùúûüýþß"
)
# 127: T1's hyphenation character, printed only where a word is hyphenated: a soft hyphen.
T1_ENCODING: tuple[str, ...] = (*_T1_LOW, *_T1_ASCII, "\u00ad", *_T1_HIGH)
T1_ENCODING = (*T1_ENCODING[:0xDF], "SS", *T1_ENCODING[0xDF:])  # 0xDF: the capital of ß
# Ligatures as their letters; T1's compound word mark (cwm, 0x17) is no text.
_LIGATURES = {
    "\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl",
    "\u200b": "",
}  # fmt: skip


def numbered_glyph_text(spec: Mapping) -> dict[int, str]:
    """Code → text for a simple font (``spec``: its dictionary) whose encoding names every glyph
    it lists by number; empty when the font has a Unicode map or names its glyphs otherwise."""
    if "ToUnicode" in spec:
        return {}
    encoding = resolve1(spec.get("Encoding"))
    if not isinstance(encoding, dict):
        return {}
    names: dict[int, str] = {}
    code = 0
    for item in list_value(dict_value(encoding).get("Differences", [])):
        if isinstance(item, int):
            code = item
        elif isinstance(item, PSLiteral):
            names[code] = str(item.name)
            code += 1
    if not names:
        return {}
    numbers = {code: _NUMBERED.match(name) for code, name in names.items()}
    if not all(numbers.values()):
        return {}  # ordinary glyph names: pdfminer reads them
    out = {}
    for code, m in numbers.items():
        number = int(m.group(1))
        if 0 <= number < 256:
            text = T1_ENCODING[number]
            out[code] = _LIGATURES.get(text, text)
    return out


# ZapfDingbats' built-in encoding: Unicode's Dingbats block follows it, code + 0x26E0 for codes
# 0x21-0x7E, but for these glyphs that Unicode put elsewhere.
_DINGBATS_ELSEWHERE = {
    0x25: "☎", 0x2A: "☛", 0x2B: "☞", 0x48: "★", 0x6C: "●", 0x6E: "■", 0x73: "▲", 0x74: "▼",
    0x75: "◆", 0x77: "◗",
}  # fmt: skip


def dingbats_text(spec: Mapping) -> dict[int, str]:
    """Code → text for ZapfDingbats used with its own encoding (no ``/ToUnicode``, no
    ``/Encoding``); empty for any other font."""
    name = resolve1(spec.get("BaseFont"))
    base = str(getattr(name, "name", name or ""))
    if "ToUnicode" in spec or "Encoding" in spec or not base.endswith(("ZapfDingbats", "Dingbats")):
        return {}
    return {code: _DINGBATS_ELSEWHERE.get(code, chr(code + 0x26E0)) for code in range(0x21, 0x7F)}
