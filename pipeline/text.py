"""Text normalization shared by all stages (CONTRACT.md: whitespace-normalized, Unicode NFC)."""

from __future__ import annotations

import re
import unicodedata

_WHITESPACE = re.compile(r"\s+")
_SOFT_HYPHEN = "\u00ad"  # invisible where the word is not broken: no part of the text


def normalize_text(text: str) -> str:
    """NFC, runs of white space (line breaks included) to one space, no leading/trailing space,
    no soft hyphens."""
    text = unicodedata.normalize("NFC", text).replace(_SOFT_HYPHEN, "")
    return _WHITESPACE.sub(" ", text).strip()
