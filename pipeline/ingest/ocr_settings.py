"""How pages are read from their image: one validated settings object for the OCR path."""

from __future__ import annotations

from dataclasses import dataclass, fields

__all__ = ["DEFAULT_OCR", "OcrSettings"]


@dataclass(frozen=True)
class OcrSettings:
    """How pages are read from their image. Lengths in inches unless the name says otherwise."""

    dpi: int = 300
    # Tilts up to this many degrees either way are found and undone.
    max_skew_degrees: float = 3.0
    # A straight run of ink at least this long is a rule (shorter ones are letters).
    min_rule_inches: float = 0.3
    # A rule is at most this thick (thicker bands are pictures or shading).
    max_rule_inches: float = 0.03
    # Pieces of one rule this far apart on its line are one rule (a hairline the scan broke).
    rule_gap_inches: float = 0.5
    # Words tesseract is less sure of than this (0–100) are findings for a person to check.
    low_confidence: float = 60.0
    # A reading at least this sure is never replaced by a known word it is near
    # (pipeline.ingest.lexicon); one at least this sure is a word the document knows.
    sure_confidence: float = 85.0
    vocabulary_confidence: float = 90.0
    # A mark's blob of ink is this high and wide, in multiples of the page's body text size.
    mark_min_em: float = 0.4
    mark_max_em: float = 1.8
    # Seconds tesseract may take over one page.
    page_timeout: float = 120.0

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
                raise ValueError(f"OcrSettings.{f.name} must be a positive number, got {value!r}")
        if not 72 <= self.dpi <= 600:
            raise ValueError(f"OcrSettings.dpi must be between 72 and 600, got {self.dpi!r}")
        if self.mark_min_em >= self.mark_max_em:
            raise ValueError("OcrSettings.mark_min_em must be below mark_max_em")


DEFAULT_OCR = OcrSettings()
