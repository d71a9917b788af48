"""The latest period's goal rows accounted for against the previous period's, theme by theme,
in one unit: the rows of the goal tables, as each notat counts them in its *I alt*.

Every row of the previous notat is, in the theme that continues its own (pipeline.transform.
themes), continued by a row of the same goal, moved away (its goal stands in another theme
now), gone (its goal is not in the notat), or merged away (its goal is now written in fewer
rows, or went on in another goal's row). Every row of the latest notat continues a row, is new
(or revived), moved here, or an extra row of a goal written in more rows (split). A goal of an
open question counts as the goal it may be (``pending``): neither new nor gone. So each theme
adds up: last period's rows + new − gone + moved here − moved away ± split/merged = rows now;
and each row carries a marker for what it is, so the markers equal the counts.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from pipeline.model import Change, ExtractedDocument, GoalRow, OpenQuestion
from pipeline.transform.history import pending_pairs, theme_continuation
from pipeline.transform.normalize import normalize_wording

ThemeKey = int | tuple[str, int]  # a theme of the latest notat, or ("old", n): one that ended

_GOAL_CHANGED = frozenset({"target_changed", "scope_changed"})


@dataclass
class ThemeCounts:
    previous_total: int = 0
    new: int = 0
    revived: int = 0
    gone: int = 0
    gone_as_proposed: int = 0
    moved_in: int = 0
    moved_out: int = 0
    regrouped: int = 0  # + rows of goals now in more rows, − in fewer
    pending: int = 0
    newly_started: int = 0
    newly_not_started: int = 0
    newly_unmarked: int = 0
    reworded: int = 0


@dataclass
class Accounting:
    continued: dict[int, int]  # new theme -> old theme it continues
    themes: dict[ThemeKey, ThemeCounts] = field(default_factory=lambda: defaultdict(ThemeCounts))
    markers: dict[tuple[int, int], list[str]] = field(default_factory=lambda: defaultdict(list))
    # rows whose goal's target or scope changed in that row's wording: (theme, row) -> kind
    changed_rows: dict[tuple[int, int], str] = field(default_factory=dict)


def _goal(row: GoalRow) -> str:
    return next((s.goal_id for s in sorted(row.statements, key=lambda s: s.stmt_no)), "")


def account(
    latest: ExtractedDocument,
    previous: ExtractedDocument,
    changes: Sequence[Change],
    questions: Sequence[OpenQuestion],
    merged_into: dict[str, str],
) -> Accounting:
    """The accounting of ``latest`` against ``previous`` (module doc); ``changes`` are the
    latest period's."""
    continued = theme_continuation(previous, latest)
    old_to_new = {old: new for new, old in continued.items()}
    out = Accounting(continued)

    def key(old_theme: int) -> ThemeKey:
        return old_to_new.get(old_theme, ("old", old_theme))

    old_rows: dict[str, list[GoalRow]] = defaultdict(list)
    for r in sorted(previous.goal_rows, key=lambda r: (r.theme_no, r.row_no)):
        old_rows[_goal(r)].append(r)
        out.themes[key(r.theme_no)].previous_total += 1
    new_rows: dict[str, list[GoalRow]] = defaultdict(list)
    for r in sorted(latest.goal_rows, key=lambda r: (r.theme_no, r.row_no)):
        new_rows[_goal(r)].append(r)
        out.themes[r.theme_no]  # every theme of the latest notat has a line
    kinds: dict[str, set[str]] = defaultdict(set)
    for c in changes:
        kinds[c.goal_id].add(c.kind)
    asked = pending_pairs(
        [q for q in questions if q.period == latest.document.date], set(old_rows), set(new_rows)
    )
    absorbed: dict[str, list[str]] = defaultdict(list)  # goal -> goals merged into it
    for gone, into in merged_into.items():
        if gone in old_rows and gone not in new_rows and into in new_rows:
            absorbed[into].append(gone)

    for goal, rows in new_rows.items():
        source = goal if goal in old_rows else asked.get(goal)
        marks = out.markers
        if source is None:
            kind = "revived" if "revived" in kinds[goal] else "new_goal"
            for r in rows:
                counts = out.themes[r.theme_no]
                counts.new += 1
                counts.revived += kind == "revived"
                marks[(r.theme_no, r.row_no)].append(kind)
            continue
        earlier = old_rows[source] + [r for g in absorbed[goal] for r in old_rows[g]]
        left = Counter(key(r.theme_no) for r in earlier)
        extra: list[GoalRow] = []
        for r in rows:
            if left[r.theme_no] > 0:
                left[r.theme_no] -= 1
            else:
                extra.append(r)
        for r in extra:
            away = next((k for k in sorted(left, key=str) if left[k] > 0), None)
            if away is not None:
                left[away] -= 1
                out.themes[r.theme_no].moved_in += 1
                out.themes[away].moved_out += 1
                marks[(r.theme_no, r.row_no)].append("moved")
            else:
                out.themes[r.theme_no].regrouped += 1
                marks[(r.theme_no, r.row_no)].append("split")
        for k, n in left.items():
            if n > 0:
                out.themes[k].regrouped -= n
                for r in rows:
                    if r.theme_no == k:
                        marks[(r.theme_no, r.row_no)].append("merged")
                        break
        old_status = _status(earlier)
        old_norms = {normalize_wording(s.text) for r in old_rows[source] for s in r.statements}
        for r in rows:
            at = (r.theme_no, r.row_no)
            counts = out.themes[r.theme_no]
            if "status_changed" in kinds[goal] and r.status != old_status:
                marks[at].append("status_changed")
                if r.status == "started":
                    counts.newly_started += 1
                elif r.status == "not_started":
                    counts.newly_not_started += 1
                else:
                    counts.newly_unmarked += 1
            changed = kinds[goal] & _GOAL_CHANGED
            if changed and any(normalize_wording(s.text) not in old_norms for s in r.statements):
                marks[at].append("goal_changed")
                out.changed_rows[at] = (
                    "target_changed" if "target_changed" in changed else "scope_changed"
                )
            if "reworded_as_proposed" in kinds[goal]:
                marks[at].append("reworded_as_proposed")
                counts.reworded += 1
            if goal in asked:
                marks[at].append("pending")
                counts.pending += 1

    for goal, rows in old_rows.items():
        if goal in new_rows or goal in asked:
            continue
        if merged_into.get(goal) in new_rows:
            continue  # counted with the goal it went on in
        for r in rows:
            counts = out.themes[key(r.theme_no)]
            counts.gone += 1
            counts.gone_as_proposed += r.proposal == "drop"
    return out


def _status(rows: list[GoalRow]) -> str:
    statuses = {r.status for r in rows}
    if "started" in statuses:
        return "started"
    return "not_started" if "not_started" in statuses else ""
