"""The reader's tolerances, in one validated object.

Every distance is a multiple of the text size it is measured against (an *em*: the body size of
the table or page at hand), never a fixed number of points, so the same settings read a 9 pt
notat and a 12 pt one, a compact Word table and a roomy HTML one. Like pdfplumber's
``TableSettings``, a bad value is refused with an error that names the setting.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

__all__ = ["DEFAULT_SETTINGS", "ReaderSettings"]


@dataclass(frozen=True)
class ReaderSettings:
    """Tolerances of the status notat reader. Distances in em unless the name says otherwise."""

    # Printed lines: words whose baselines differ by at most this stand on one line.
    baseline_tolerance: float = 0.3
    # Words on one line further apart than this are separate runs (a column gap, not a space).
    run_gap: float = 0.8
    # A header row spans at most this many printed lines (a heading broken inside words four
    # times, and lines of a contact block beside it).
    header_max_lines: int = 8
    # Header lines of one row follow each other at most this far apart: a heading typed as two
    # paragraphs ("Gennemført/" ¶ "igangsat") stands a paragraph's spacing apart (Word's 10 or
    # 12 pt after, about 1.3-1.6 em at 9-11 pt). The header's words must still name its columns.
    header_line_gap: float = 2.4
    # Rules closer than this are one rule (a double border, a border drawn by two cells).
    rule_merge: float = 0.3
    # A vertical rule must span at least this much to separate columns.
    rule_min_length: float = 0.8
    # The furthest a run of remark text may start right of where remark text starts (a run
    # further right stands beside the table: the contact block).
    remark_indent: float = 1.2
    # A Tema heading's title wraps onto lines at most this far below it.
    heading_line_gap: float = 1.2
    # Lines of one paragraph are at most this far apart; a wider gap starts a new paragraph.
    paragraph_gap: float = 0.35
    # Page numbers and other lines in this share of the page height at its top and bottom are
    # page furniture when they repeat; a running head or foot may also reach further in:
    margin_share: float = 0.065
    # a running head (a logo, the unit, the title, the date) lies within this share of the page
    # height from the top, a running foot within this share from the bottom,
    running_head_share: float = 0.25
    running_foot_share: float = 0.2
    # and its lines stand on the neighbouring page this close (em) to the same place.
    running_place: float = 0.5
    # A mark stands level with a line (at the top of its row) when their tops are this close.
    mark_level: float = 0.5
    # A mark centred in its row stands within this (em) plus this share of the row's height
    # of the row's middle; the marks of one table agree on where they stand within this.
    middle_tolerance: float = 0.6
    middle_tolerance_share: float = 0.1
    mark_agreement: float = 0.35
    # One word ending this close to its column's right edge fills the line (a word broken inside
    # for want of room may end there).
    fill_slack: float = 0.7
    # A goal column blank this much more than a line's usual gap, beside a longer remark, has
    # ended its row.
    goal_pause: float = 1.1

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise TypeError(f"ReaderSettings.{f.name} must be a number, got {value!r}")
            if value < 0:
                raise ValueError(f"ReaderSettings.{f.name} must not be negative, got {value!r}")
        for name in ("header_max_lines",):
            if getattr(self, name) < 1 or not isinstance(getattr(self, name), int):
                raise ValueError(
                    f"ReaderSettings.{name} must be a whole number of at least 1, "
                    f"got {getattr(self, name)!r}"
                )
        for name in ("margin_share", "running_head_share", "running_foot_share"):
            if not 0 < getattr(self, name) < 0.5:
                raise ValueError(
                    f"ReaderSettings.{name} must be between 0 and 0.5, got {getattr(self, name)!r}"
                )


DEFAULT_SETTINGS = ReaderSettings()
