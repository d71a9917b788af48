"""Settings: small frozen dataclasses of named numbers, checked once by one validator.

As pdfplumber's ``TableSettings``, every settings class of the pipeline (the reader's
tolerances, the OCR's, the reconciliation's thresholds, the run's limits) is a frozen dataclass
whose fields are declared with ``setting``: a default, the range it may take and whether it is
a whole number. ``Settings.__post_init__`` checks every field against its declaration and
refuses the object with one ``SettingsError`` that names every bad setting at once; a class
adds checks between its settings in ``check``. A field that is itself a ``Settings`` (a group
of settings) was checked when it was made.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields
from typing import Any

from pipeline.errors import UsageError

__all__ = ["Settings", "SettingsError", "setting"]


class SettingsError(UsageError, ValueError):
    """A setting out of its range, or of the wrong kind: a bug or a user's wrong option."""


def setting(
    default: float,
    *,
    low: float | None = 0,
    high: float | None = None,
    whole: bool = False,
    above: bool = False,
) -> Any:
    """A settings field: ``default``, allowed from ``low`` (or only above it, with ``above``)
    to ``high``; ``whole``: a whole number."""
    return field(default=default, metadata={"low": low, "high": high, "whole": whole,
                                             "above": above})  # fmt: skip


@dataclass(frozen=True)
class Settings:
    """A group of named settings; see the module docstring."""

    def __post_init__(self) -> None:
        name = type(self).__name__
        problems = []
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, Settings):
                continue
            meta = f.metadata
            low, high = meta.get("low", 0), meta.get("high")
            if isinstance(value, bool) or not isinstance(value, int | float):
                problems.append(f"{name}.{f.name} must be a number, got {value!r}")
            elif not math.isfinite(value):
                problems.append(f"{name}.{f.name} must be a finite number, got {value!r}")
            elif meta.get("whole") and not isinstance(value, int):
                problems.append(f"{name}.{f.name} must be a whole number, got {value!r}")
            elif low is not None and (value <= low if meta.get("above") else value < low):
                bound = "above" if meta.get("above") else "at least"
                problems.append(f"{name}.{f.name} must be {bound} {low}, got {value!r}")
            elif high is not None and value > high:
                problems.append(f"{name}.{f.name} must be at most {high}, got {value!r}")
        if problems:
            raise SettingsError("; ".join(problems))
        self.check()

    def check(self) -> None:
        """Checks between settings (one below another); raise SettingsError."""
