"""The budget one input file gets: memory, time and pages, validated where they are made."""

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
    read the pages of one long file.
    """

    memory_mb: int = 1500
    seconds: float = 300.0
    max_pages: int = 2000
    max_file_mb: int = 200
    # How many processes the reader may read a long file's pages with (each under memory_mb).
    processes: int = 1

    def __post_init__(self) -> None:
        minimum = {"memory_mb": 64, "seconds": 0.1, "max_pages": 1, "max_file_mb": 1,
                   "processes": 1}  # fmt: skip
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
