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

The same decisions come from a filled-in review workbook (``afstemning_<date>.xlsx``, written by
pipeline.write.review_xlsx and saved by the secretary in the input folder): each row whose
*Afgørelse* says *samme mål* or *forskellige mål* is an override of its *Formulering A* and
*Formulering B*. A row left empty is no decision; a row or a file that cannot be used is a
problem (Danish text) listed in *Kontrol*, never an error: the run goes on without it.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pipeline.danish import (
    REVIEW_DECISION,
    REVIEW_DECISIONS,
    REVIEW_SHEET,
    REVIEW_WORDING_A,
    REVIEW_WORDING_B,
)
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


def load_decision_workbook(path: Path) -> tuple[list[Override], list[tuple[str, str]]]:
    """The decisions of a filled-in review workbook, and its problems as (file, Danish text)."""
    from openpyxl import load_workbook  # only when a workbook is given

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as e:  # a damaged or foreign file: openpyxl raises many kinds
        return [], [(path.name, f"Afstemningsfilen kunne ikke læses ({e.__class__.__name__}).")]
    try:
        rows = _sheet_rows(book)
    finally:
        book.close()
    if rows is None:
        return [], [
            (
                path.name,
                f"Ikke en afstemningsfil: intet ark med kolonnerne »{REVIEW_WORDING_A}«, "
                f"»{REVIEW_WORDING_B}« og »{REVIEW_DECISION}«. Filen er ikke brugt.",
            )
        ]
    decisions: list[Override] = []
    problems: list[tuple[str, str]] = []
    for row_no, text_a, text_b, decided in rows:
        if not decided:
            continue
        action = REVIEW_DECISIONS.get(" ".join(decided.casefold().split()))
        a, b = normalize_wording(text_a), normalize_wording(text_b)
        if action is None:
            choices = " eller ".join(f"»{c}«" for c in REVIEW_DECISIONS)
            problems.append(
                (path.name, f"Række {row_no}: »{decided}« er ikke en afgørelse (vælg {choices}).")
            )
        elif not a or not b or a == b:
            problems.append((path.name, f"Række {row_no}: to forskellige formuleringer mangler."))
        else:
            decisions.append(Override(action, a, b, row_no, path.name, text_a, text_b))  # type: ignore[arg-type]
    return decisions, problems


def _sheet_rows(book) -> list[tuple[int, str, str, str]] | None:
    """(row number, wording A, wording B, decision) of every row under the review header."""
    names = [REVIEW_SHEET, *(n for n in book.sheetnames if n != REVIEW_SHEET)]
    for name in names:
        if name not in book.sheetnames:
            continue
        rows = book[name].iter_rows(values_only=True)
        header = next(rows, None) or ()
        cells = [str(c).strip() if c is not None else "" for c in header]
        wanted = (REVIEW_WORDING_A, REVIEW_WORDING_B, REVIEW_DECISION)
        if not all(w in cells for w in wanted):
            continue
        at = [cells.index(w) for w in wanted]
        out = []
        for row_no, row in enumerate(rows, start=2):
            values = [_text(row[i]) if i < len(row) else "" for i in at]
            out.append((row_no, *values))
        return out  # type: ignore[return-value]
    return None


def _text(value: object) -> str:
    return " ".join(str(value).split()) if value is not None else ""
