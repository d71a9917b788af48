"""The budget one input file gets: memory, time, pages, size, and for a decision file rows, cells
and bytes inflated; validated where they are made. Every file a run reads (the notats, the
decision workbooks, goal_overrides.csv) is read in a child process under these limits
(``pipeline.ingest``)."""

from __future__ import annotations

import math
from dataclasses import dataclass, fields

from pipeline.errors import UsageError


class LimitsError(UsageError, ValueError):
    """A setting of ``Limits`` is out of range; the message names the setting."""


@dataclass(frozen=True)
class Limits:
    """Per-file limits enforced on the child process that reads the file.

    ``memory_mb`` caps the child's address space (RLIMIT_AS), ``seconds`` its wall-clock and CPU
    time, ``max_pages`` the page count accepted before any page is parsed, ``max_file_mb`` the
    size of a file accepted before it is even hashed, ``processes`` how many processes may
    read the pages of one long file. A decision file (a workbook, goal_overrides.csv) may hold
    at most ``max_decision_rows`` rows or lines, its workbook parts may inflate to at most
    ``max_inflated_mb`` and at most ``max_cells`` cells are parsed; a file over a limit is not
    used at all (its rows are not half applied), and Kontrol says which limit.
    """

    memory_mb: int = 1500
    seconds: float = 300.0
    max_pages: int = 2000
    max_file_mb: int = 200
    # How many processes the reader may read a long file's pages with (each under memory_mb).
    processes: int = 1
    # A review workbook holds a row per doubtful pair (tens); goal_overrides.csv a line per
    # decision (a handful): these are a hundred times what a person writes.
    max_decision_rows: int = 20_000
    max_inflated_mb: int = 100
    max_cells: int = 500_000

    def __post_init__(self) -> None:
        minimum = {"memory_mb": 64, "seconds": 0.1, "max_pages": 1, "max_file_mb": 1,
                   "processes": 1, "max_decision_rows": 1, "max_inflated_mb": 1,
                   "max_cells": 1}  # fmt: skip
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise LimitsError(f"Limits.{f.name} must be a number, got {value!r}")
            if f.name != "seconds" and not isinstance(value, int):
                raise LimitsError(f"Limits.{f.name} must be a whole number, got {value!r}")
            if not math.isfinite(value) or value < minimum[f.name]:
                raise LimitsError(
                    f"Limits.{f.name} must be at least {minimum[f.name]}, got {value!r}"
                )
