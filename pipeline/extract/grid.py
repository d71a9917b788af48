"""Where a goal table's columns run: from drawn vertical rules, or from what the text shows.

Two ways, tried in turn by the table reader:

- **rules**: the vertical rules between the header cells (stroked lines or Word's thin filled
  bars) are the boundaries; the outermost ones are the table's edges;
- **text**: no word of a column crosses into the next, so each boundary lies in the gap next to
  a status column's content (its header cell and the marks under it): left of it for the goal
  column, right of it for the remark column.

Either way the result is a ``Columns``: boundaries left to right and the column key of each.
"""

from __future__ import annotations

import bisect
import itertools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pipeline.extract.header import TableHeader
from pipeline.extract.primitives import Rule, Word
from pipeline.extract.settings import DEFAULT_SETTINGS, GridSettings
from pipeline.vocabulary import GOAL_NUMBER, ColumnKey, is_mark

__all__ = ["Columns", "columns_from_rules", "columns_from_text", "merge_rules"]

DEFAULT_GRID: GridSettings = DEFAULT_SETTINGS.grid
_STATUS: frozenset[ColumnKey] = frozenset({"started", "not_started"})
# Columns whose content is short and known (marks, goal numbers): a boundary lies beside it.
_NARROW: frozenset[ColumnKey] = _STATUS | {"number"}


@dataclass(frozen=True, slots=True)
class Columns:
    """A table's columns on the page: ``edges[i]``..``edges[i + 1]`` is column ``keys[i]``."""

    keys: tuple[ColumnKey, ...]
    edges: tuple[float, ...]  # len(keys) + 1 x positions, left to right
    ruled: bool  # the boundaries are drawn rules
    closed_right: bool  # the right edge is drawn (else runs right of the remark text are not read)
    remark_left: float  # where the remark column's text lines begin

    def column_of(self, w: Word) -> ColumnKey | None:
        """The column a word stands in, by its middle; None outside the table."""
        middle = (w.x0 + w.x1) / 2
        if middle < self.edges[0] or middle > self.edges[-1]:
            return None
        i = bisect.bisect_right(self.edges, middle) - 1
        return self.keys[min(max(i, 0), len(self.keys) - 1)]

    def span(self, key: ColumnKey) -> tuple[float, float] | None:
        if key not in self.keys:
            return None
        i = self.keys.index(key)
        return self.edges[i], self.edges[i + 1]

    def middle(self, key: ColumnKey) -> float | None:
        span = self.span(key)
        return None if span is None else (span[0] + span[1]) / 2


def merge_rules(rules: Iterable[Rule], *, horizontal: bool, tolerance: float) -> list[Rule]:
    """Collinear pieces joined into whole rules: Word draws each cell's border on its own, and a
    border shared by two cells may be drawn twice, a hair apart."""
    if horizontal:
        pieces = sorted((r for r in rules if r.horizontal), key=lambda r: (r.top, r.x0))
    else:
        pieces = sorted((r for r in rules if r.vertical), key=lambda r: (r.x0, r.top))
    merged: list[list[float]] = []  # [position, start, end]
    for r in pieces:
        pos, start, end = (r.top, r.x0, r.x1) if horizontal else (r.x0, r.top, r.bottom)
        joined = None
        for m in reversed(merged):
            if pos - m[0] > tolerance:
                break
            if start <= m[2] + tolerance and end >= m[1] - tolerance:
                joined = m
                break
        if joined is None:
            merged.append([pos, start, end])
        else:
            joined[1], joined[2] = min(joined[1], start), max(joined[2], end)
    if horizontal:
        return [Rule(s, e, p, p) for p, s, e in merged]
    return [Rule(p, p, s, e) for p, s, e in merged]


def _remark_left(
    header: TableHeader, words: Sequence[Word], boundary: float, slack: float
) -> float:
    """Where remark lines begin: the left edge most remark lines share (the header cell's left
    edge when the column holds no text yet); lines from ``slack`` points left of the boundary."""
    cell = header.cell("remark")
    lefts = sorted(w.x0 for w in words if w.x0 >= boundary - slack)
    if not lefts:
        return cell.x0 if cell else boundary
    return min(lefts[0], cell.x0) if cell else lefts[0]


def columns_from_rules(
    header: TableHeader,
    verticals: Sequence[Rule],
    words: Sequence[Word],
    em: float,
    settings: GridSettings = DEFAULT_GRID,
) -> Columns | None:
    """Boundaries from the vertical rules of this table part (``verticals``: merged, within its
    height); None when two header cells have no rule between them or the table no right edge."""
    xs = sorted(r.x0 for r in verticals)
    if not xs:
        return None
    cells = header.cells
    edges: list[float] = []
    for a, b in itertools.pairwise(cells):
        reach = settings.rule_reach * em
        between = [x for x in xs if a.x1 - reach <= x <= b.x0 + reach]
        if not between:
            return None
        edges.append(max(between) if b.key in _STATUS else min(between))
    # The outer edges: the rules outside the first and last inner edge (a goal or remark
    # heading that was not read has no extent of its own to go by).
    outer, reach = settings.outer_rule * em, settings.rule_reach * em
    left = [x for x in xs if x < edges[0] - outer and x <= cells[0].x0 + reach]
    right = [x for x in xs if x > edges[-1] + outer and x >= cells[-1].x1 - reach]
    if not right and cells[-1].x1 != float("inf"):
        return None
    words_left = [w.x0 for w in words if w.x1 <= edges[0]]
    margin = settings.outer_margin * em
    outer_left = left[-1] if left else min([*words_left, edges[0] - outer]) - margin
    edges = [outer_left, *edges, right[0] if right else float("inf")]
    boundary = edges[cells.index(header.cell("remark"))] if header.cell("remark") else edges[-2]
    return Columns(
        tuple(c.key for c in cells),
        tuple(edges),
        ruled=True,
        closed_right=True,
        remark_left=_remark_left(
            header, [w for w in words if w.x1 <= edges[-1]], boundary, settings.remark_slack_pt
        ),
    )


def columns_from_text(
    header: TableHeader,
    words: Sequence[Word],
    em: float,
    right_edge: float | None = None,
    settings: GridSettings = DEFAULT_GRID,
) -> Columns:
    """Boundaries from the gaps beside each status column's content (header cell and marks).

    ``words`` are the table's body words below this header; ``right_edge`` is a drawn right
    edge (the end of horizontal rules) when there is one."""
    cells = header.cells
    keys = tuple(c.key for c in cells)
    mids = {c.key: (c.x0 + c.x1) / 2 for c in cells if c.key in _STATUS}
    heads = {c.key: (c.x0, c.x1) for c in cells if c.key in _STATUS}
    content = {c.key: [c.x0, c.x1] for c in cells}
    for w in words:
        if not is_mark(w.text) or not mids:
            continue
        middle = (w.x0 + w.x1) / 2
        # The status heading the mark stands under (a mark set at its column's left edge may
        # stand nearer the middle of a narrower heading beside it); else the nearest one.
        under = {k: min(w.x1, x1) - max(w.x0, x0) for k, (x0, x1) in heads.items()}
        if max(under.values()) > 0:
            key = max(under, key=lambda k: under[k])
        else:
            key = min(mids, key=lambda k: abs(mids[k] - middle))
        span = content[key]
        # A mark belongs to a status column when it stands under its header, give or take a cell.
        if abs(mids[key] - middle) <= settings.mark_reach * em + (span[1] - span[0]) / 2:
            span[0], span[1] = min(span[0], w.x0), max(span[1], w.x1)
    number = header.cell("number")
    if number is not None:
        # A numbering column's content: its header and the goal numbers flush under it.
        span = content["number"]
        for w in words:
            if GOAL_NUMBER.match(w.text) and abs(w.x0 - number.x0) <= settings.outer_rule * em:
                span[1] = max(span[1], w.x1)
    edges: list[float] = []
    for a, b in itertools.pairwise(cells):
        end_a = content[a.key][1] if a.key in _NARROW else a.x1
        if b.key in _STATUS:
            # Left of a status column: halfway between its content and the nearest text before.
            start = content[b.key][0]
            slack = settings.content_slack * em
            before = max([end_a, *(w.x1 for w in words if w.x1 <= start + slack)])
            edges.append((min(before, start) + start) / 2)
        elif a.key in _NARROW:
            # Right of a status (or numbering) column: halfway to the nearest text after its
            # content.
            slack = settings.content_slack * em
            after = min([b.x0, *(w.x0 for w in words if w.x0 >= end_a - slack)])
            edges.append((end_a + max(after, end_a)) / 2)
        else:
            edges.append((a.x1 + b.x0) / 2)
    lefts = [
        x for x in (cells[0].x0, *(w.x0 for w in words if w.x1 <= edges[0])) if math.isfinite(x)
    ]
    left = min(lefts, default=edges[0] - settings.outer_rule * em) - settings.outer_margin * em
    right = right_edge if right_edge is not None else float("inf")
    remark = header.cell("remark")
    boundary = edges[keys.index("remark") - 1] if remark and keys.index("remark") > 0 else left
    return Columns(
        keys,
        (left, *edges, right),
        ruled=False,
        closed_right=right_edge is not None,
        remark_left=_remark_left(
            header, [w for w in words if w.x0 >= boundary], boundary, settings.remark_slack_pt
        ),
    )
