"""Overrides: a person's word on two wordings, applied on every run (``goal_overrides.csv``).

Format: a UTF-8 CSV file; blank lines and lines starting with ``#`` are ignored; an optional
header line ``action,wording_a,wording_b``; every other line is ::

    same,<wording a>,<wording b>        the two wordings state the same goal: always link them
    different,<wording a>,<wording b>   they state different goals: never link them

Wordings are compared after normalization (case, quotes, dashes, punctuation and white space do
not matter), so a wording may be copied from goals.csv or from the notat. A wording with a comma
must be quoted the CSV way (``"Motion, kost og søvn"``). An override wins over every rule,
the same-row rule included. A line that breaks this format stops the run with a
ReconcileError naming the file and the line number.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pipeline.errors import ReconcileError
from pipeline.transform.normalize import normalize_wording

HEADER = ("action", "wording_a", "wording_b")
ACTIONS = ("same", "different")


@dataclass(frozen=True)
class Override:
    """A person's word on two goals, each named by one of its wordings (any period's): it holds
    on the goals, so it goes on applying after either wording is edited in a later notat."""

    action: Literal["same", "different"]
    wording_a: str  # normalized
    wording_b: str
    line_no: int  # the line of goal_overrides.csv, or the row of a decision workbook
    source: str = ""  # the file's name; "" for goal_overrides.csv as given
    text_a: str = ""  # as the person saw them (for Kontrol); "" = the normalized wording
    text_b: str = ""

    @property
    def pair(self) -> frozenset[str]:
        return frozenset((self.wording_a, self.wording_b))

    @property
    def where(self) -> str:
        if self.source:
            return f"{self.source}, row {self.line_no}"
        return f"line {self.line_no}"


def load_overrides(path: Path | None) -> list[Override]:
    """The overrides in ``path``; none when path is None. Missing or broken file → ReconcileError."""
    if path is None:
        return []
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as e:
        raise ReconcileError(f"cannot read overrides file {path}: {e}") from e
    overrides: list[Override] = []
    for line_no, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            cells = next(csv.reader(io.StringIO(line), strict=True))
        except csv.Error as e:
            raise ReconcileError(f"{path}, line {line_no}: not a valid CSV line ({e})") from e
        cells = [c.strip() for c in cells]
        if tuple(c.casefold() for c in cells) == HEADER:
            continue
        if len(cells) != 3:
            raise ReconcileError(
                f"{path}, line {line_no}: expected 3 fields (action,wording_a,wording_b), "
                f"found {len(cells)}"
            )
        action, a, b = cells[0].casefold(), normalize_wording(cells[1]), normalize_wording(cells[2])
        if action not in ACTIONS:
            raise ReconcileError(
                f"{path}, line {line_no}: action must be 'same' or 'different', not {cells[0]!r}"
            )
        if not a or not b:
            raise ReconcileError(f"{path}, line {line_no}: both wordings must be given")
        if a == b:
            raise ReconcileError(f"{path}, line {line_no}: the two wordings are the same text")
        overrides.append(
            Override(action, a, b, line_no, path.name, cells[1], cells[2])  # type: ignore[arg-type]
        )
    return overrides
