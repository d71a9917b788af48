"""How pages are read from their image: one validated settings object for the OCR path."""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.settings import Settings, SettingsError, setting

__all__ = ["DEFAULT_OCR", "OcrSettings"]


@dataclass(frozen=True)
class OcrSettings(Settings):
    """How pages are read from their image. Lengths in inches unless the name says otherwise."""

    dpi: int = setting(300, low=72, high=600, whole=True)
    # Tilts up to this many degrees either way are found and undone.
    max_skew_degrees: float = setting(3.0, above=True)
    # A straight run of ink at least this long is a rule (shorter ones are letters).
    min_rule_inches: float = setting(0.3, above=True)
    # A rule is at most this thick (thicker bands are pictures or shading).
    max_rule_inches: float = setting(0.03, above=True)
    # Pieces of one rule this far apart on its line are one rule (a hairline the scan broke).
    rule_gap_inches: float = setting(0.5, above=True)
    # A rule broken into dashes (a hairline in a 1-bit scan) goes on along its line over pieces
    # this long, up to this far apart; its end this near a rule across its line meets it (a
    # table's corner the scan left out).
    rule_piece_inches: float = setting(0.04, above=True)
    rule_dash_gap_inches: float = setting(0.25, above=True)
    rule_corner_inches: float = setting(0.2, above=True)
    # Words tesseract is less sure of than this (0–100) are findings for a person to check.
    low_confidence: float = setting(60.0, above=True, high=100)
    # A reading at least this sure is never replaced by a known word it is near
    # (pipeline.ingest.lexicon); one at least this sure is a word the document knows.
    sure_confidence: float = setting(85.0, above=True, high=100)
    vocabulary_confidence: float = setting(90.0, above=True, high=100)
    # A mark's blob of ink is this high and wide, in multiples of the page's body text size.
    mark_min_em: float = setting(0.4, above=True)
    mark_max_em: float = setting(1.8, above=True)
    # Seconds tesseract may take over one page.
    page_timeout: float = setting(120.0, above=True)

    def check(self) -> None:
        if self.mark_min_em >= self.mark_max_em:
            raise SettingsError("OcrSettings.mark_min_em must be below mark_max_em")


DEFAULT_OCR = OcrSettings()
