"""Text normalization shared by all stages (CONTRACT.md: whitespace-normalized, Unicode NFC)."""

from __future__ import annotations

import re
import unicodedata

_WHITESPACE = re.compile(r"\s+")


def normalize_text(text: str) -> str:
    """NFC, runs of white space (line breaks included) to one space, no leading/trailing space."""
    return _WHITESPACE.sub(" ", unicodedata.normalize("NFC", text)).strip()
