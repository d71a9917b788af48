"""File names as they may be shown: in logs, progress lines, tables and reports.

A name can hold bytes that are not UTF-8 (Python keeps them as lone surrogates, which no UTF-8
file can hold), line breaks that split a progress line, or bidi controls that make
``rapport_\\u202efdp.exe`` read as "rapport_exe.pdf". Shown, each of these is escaped: an
undecodable byte as ``\\xNN``, a control or invisible formatting character as ``\\uXXXX``.
"""

from __future__ import annotations

import unicodedata


def safe_name(name: str) -> str:
    """``name`` with undecodable bytes, control and bidi/formatting characters escaped."""
    if name.isprintable() and not any(0xD800 <= ord(c) <= 0xDFFF for c in name):
        return name
    out = []
    for c in name:
        code = ord(c)
        if 0xDC80 <= code <= 0xDCFF:  # a byte os.fsdecode could not decode (surrogateescape)
            out.append(f"\\x{code - 0xDC00:02x}")
        elif 0xD800 <= code <= 0xDFFF or unicodedata.category(c) in ("Cc", "Cf", "Cs", "Zl", "Zp"):
            out.append(f"\\u{code:04x}")
        else:
            out.append(c)
    return "".join(out)
