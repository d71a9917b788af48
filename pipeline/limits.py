"""The budget one input file gets: memory, time, pages, size, and for a decision file rows, cells
and bytes inflated; validated where they are made. Every file a run reads (the notats, the
decision workbooks, goal_overrides.csv) is read in a child process under these limits
(``pipeline.ingest``)."""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.settings import Settings, SettingsError, setting


class LimitsError(SettingsError):
    """A setting of ``Limits`` is out of range; the message names the setting."""


@dataclass(frozen=True)
class Limits(Settings):
    """Per-file limits enforced on the child process that reads the file.

    ``memory_mb`` caps the child's address space (RLIMIT_AS), ``seconds`` its wall-clock and CPU
    time, ``max_pages`` the page count accepted before any page is parsed, ``max_file_mb`` the
    size of a file accepted before it is even hashed, ``processes`` how many processes may
    read the pages of one long file. A decision file (a workbook, goal_overrides.csv) may hold
    at most ``max_decision_rows`` rows or lines, its workbook parts may inflate to at most
    ``max_inflated_mb`` and at most ``max_cells`` cells are parsed; a file over a limit is not
    used at all (its rows are not half applied), and Kontrol says which limit.
    """

    memory_mb: int = setting(1500, low=64, whole=True)
    seconds: float = setting(300.0, low=0.1)
    max_pages: int = setting(2000, low=1, whole=True)
    max_file_mb: int = setting(200, low=1, whole=True)
    # How many processes the reader may read a long file's pages with (each under memory_mb).
    processes: int = setting(1, low=1, whole=True)
    # A review workbook holds a row per doubtful pair (tens); goal_overrides.csv a line per
    # decision (a handful): these are a hundred times what a person writes.
    max_decision_rows: int = setting(20_000, low=1, whole=True)
    max_inflated_mb: int = setting(100, low=1, whole=True)
    max_cells: int = setting(500_000, low=1, whole=True)

    def __post_init__(self) -> None:
        try:
            super().__post_init__()
        except SettingsError as e:
            raise LimitsError(str(e)) from None
