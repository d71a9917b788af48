"""Overrides: a person's word on two wordings, applied on every run (``goal_overrides.csv``).

Format: a UTF-8 CSV file; blank lines and lines starting with ``#`` are ignored; an optional
header line ``action,wording_a,wording_b``; every other line is ::

    same,<wording a>,<wording b>        the two wordings state the same goal: always link them
    different,<wording a>,<wording b>   they state different goals: never link them

Wordings are compared after normalization (case, quotes, dashes, punctuation and white space do
not matter), so a wording may be copied from goals.csv or from the notat. A wording with a comma
must be quoted the CSV way (``"Motion, kost og søvn"``). An override wins over every rule,
the same-row rule included.

The same decisions come from a filled-in review workbook (``afstemning_<date>.xlsx``, written by
pipeline.write.review_xlsx and saved by the secretary in the input folder): each row whose
*Afgørelse* says *samme mål* or *forskellige mål* is an override of its *Formulering A* and
*Formulering B*. A row left empty is no decision.

The files are read by ``pipeline.decision_files`` (in a child process with limits, by ingest);
here their rows are interpreted. A line or row that is no decision, and a decision one of whose
wordings names no goal of the notats, is listed in *Kontrol* and left out; a file that cannot be
read is left out whole, said the same way: never an error, the run goes on.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pipeline.decision_files import read_decision_file
from pipeline.errors import ReconcileError
from pipeline.model import DecisionFile, DecisionOutcome
from pipeline.transform.normalize import normalize_wording
from pipeline.vocabulary import REVIEW_DECISIONS
from pipeline.wording import DECISION_ACTION_LABELS

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
    from_workbook: bool = False  # a row of a decision workbook, not a line of the CSV file

    @property
    def pair(self) -> frozenset[str]:
        return frozenset((self.wording_a, self.wording_b))

    @property
    def where(self) -> str:
        if self.source:
            return f"{self.source}, {'row' if self.from_workbook else 'line'} {self.line_no}"
        return f"line {self.line_no}"

    @property
    def where_da(self) -> str:
        return f"{'Række' if self.from_workbook else 'Linje'} {self.line_no}"


def load_overrides(path: Path | None) -> list[Override]:
    """The overrides in ``path`` (none when path is None), read in this process, strictly: a
    file or a line that cannot be used raises ReconcileError naming the file and the line. For
    scripts and tests; a run reads the file through ingest and lists such lines in Kontrol."""
    if path is None:
        return []
    file = read_decision_file(path)
    overrides, outcomes = decisions_in(file)
    for outcome in outcomes:
        raise ReconcileError(f"{path}: {outcome.message}")
    if file.status != "ok":
        raise ReconcileError(f"cannot read overrides file {path}: {file.reason}")
    return overrides


def decisions_in(file: DecisionFile) -> tuple[list[Override], list[DecisionOutcome]]:
    """The decisions of a file as read (``DecisionFile``), and an ``unusable`` outcome for each
    row or line that is none, and for the file itself when it could not be read (row 0)."""
    workbook = file.kind == "workbook"
    overrides: list[Override] = []
    unusable = [
        DecisionOutcome(file.file, row_no, "", "", "", "unusable", message)
        for row_no, message in file.problems
    ]
    for row in file.rows:
        where = f"{'Række' if workbook else 'Linje'} {row.row_no}"
        if workbook:
            action = REVIEW_DECISIONS.get(" ".join(row.action.casefold().split()))
            wrong_action = f"»{row.action}« er ikke en afgørelse (vælg " + (
                " eller ".join(f"»{c}«" for c in REVIEW_DECISIONS) + ")."
            )
        else:
            action = row.action.casefold() if row.action.casefold() in ACTIONS else None
            wrong_action = (
                f"handlingen skal være »same« eller »different«, ikke »{row.action}«; "
                "linjen er ikke brugt."
            )
        a, b = normalize_wording(row.text_a), normalize_wording(row.text_b)
        problem = ""
        if action is None:
            problem = wrong_action
        elif not a or not b or a == b:
            problem = "to forskellige formuleringer mangler."
        if problem:
            outcome = DecisionOutcome(
                file.file, row.row_no, row.action, row.text_a, row.text_b, "unusable",
                f"{where}: {problem}",
            )  # fmt: skip
            unusable.append(outcome)
            continue
        overrides.append(
            Override(action, a, b, row.row_no, file.file, row.text_a, row.text_b, workbook)  # type: ignore[arg-type]
        )
    return overrides, unusable


def outcome_of(o: Override, missing: str = "") -> DecisionOutcome:
    """The outcome of a decision: applied, or not, because ``missing`` names no goal."""
    a, b = o.text_a or o.wording_a, o.text_b or o.wording_b
    if missing:
        return DecisionOutcome(
            o.source, o.line_no, o.action, a, b, "no_goal",
            f"{o.where_da}: »{missing}« står ikke i notaterne; afgørelsen er ikke brugt.",
        )  # fmt: skip
    return DecisionOutcome(
        o.source, o.line_no, o.action, a, b, "applied",
        f"Afgørelse anvendt ({o.where_da.lower()}): »{a}« og »{b}« er "
        f"{DECISION_ACTION_LABELS[o.action]}.",
    )  # fmt: skip
