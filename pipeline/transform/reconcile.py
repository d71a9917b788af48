"""Which goal wordings state the same goal: within a notat, then from one period to the next.

The order of work, and why:
1. Status notats are taken oldest first (by ``document.date``, then ``doc_id``), statements in
   (theme_no, row_no, stmt_no) order, so the result does not depend on the order of the files.
2. Within one notat, wordings are joined by rules, strongest first: an override ``same``; every
   wording of one row (the row is the unit: bilag 1 and bilag 2 state the same goal); identical
   normalized wordings in other rows or themes (``same_wording``); near-identical wordings
   (``fuzzy``: high score and char likeness and *no substituted word*, no revised target). An
   override ``different`` blocks any join that would put its two wordings into one goal. After
   each notat an override ``same`` also joins the goals its two wordings belong to, once both
   have been seen: overrides hold on goals, whatever wording each goal has by now.
3. The goals found in the notat are then matched one-to-one to the goals known from earlier
   periods (greedy on scores, best first): the score of a pair is the best likeness of a new
   wording to a wording of the goal's latest appearance, or to the text that appearance proposed
   (*Foreslås omformuleret til:*, rule ``reworded_as_proposed``), plus small bonuses for the same
   theme and row position. Then the pairs refused only for one-to-one are looked at again, each
   goal's best one, when no content word is substituted: a new goal whose best old goal is
   taken continues it too (``split``: one goal now written in two rows); an old goal whose best
   new goal is taken goes on in it (``merged``: two rows of one goal now written as one). A
   merge joins no ids: the old goal keeps its id in the earlier periods and records the goal it
   went on in (``Assignment.merged_into``). A new-period goal matched to nothing is a new goal;
   one matched to a goal absent from the previous notat is a revived goal.
4. A goal's id is ``G-`` and 8 hex digits of the SHA-1 of the normalized wording of its earliest
   statement (oldest notat, first position), with ``-2``, ``-3``, … added on a collision, given in
   order of first appearance. Adding a later notat only joins new wordings to existing goals or
   makes new goals, so ids already given never change.
"""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
import math
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from pipeline.model import Link, OpenQuestion, Partner
from pipeline.transform.abbreviations import abbreviations_by_notat, expand
from pipeline.transform.assignment import best_pairs
from pipeline.transform.distinctions import apart_reason
from pipeline.transform.normalize import normalize_wording, split_goal_no
from pipeline.transform.overrides import Override
from pipeline.transform.records import NotatRecord, RowRecord, StatementKey, StatementRecord
from pipeline.transform.remarks import former_wording, moved_from, says_new, says_reworded
from pipeline.transform.similarity import (
    DEFAULT_SETTINGS,
    Likeness,
    ReconcileSettings,
    coverage,
    likeness,
    related_wordings,
)
from pipeline.transform.similarity import _parsed as _parsed_wording
from pipeline.transform.themes import continued_themes


@dataclass(frozen=True)
class _Stmt:
    """A statement with where it stands: its notat's place in period order (``doc_no``) and its
    place among all statements (``idx``, the union-find's element)."""

    idx: int
    doc_no: int
    statement: StatementRecord
    norm: str

    @property
    def row(self) -> RowRecord:
        return self.statement.row

    @property
    def position(self) -> tuple[int, int, int, int]:
        s = self.statement
        return (self.doc_no, s.theme_no, s.row_no, s.stmt_no)

    def same_row(self, other: _Stmt) -> bool:
        a, b = self.statement, other.statement
        return (a.doc_id, a.theme_no, a.row_no) == (b.doc_id, b.theme_no, b.row_no)


class _Goals:
    """Union-find over statements whose unions an override ``different`` can block."""

    def __init__(self, stmts: list[_Stmt], overrides: list[Override]) -> None:
        self.parent = list(range(len(stmts)))
        self.norms: dict[int, set[str]] = {s.idx: {s.norm} for s in stmts}
        self.apart: set[frozenset[str]] = {o.pair for o in overrides if o.action == "different"}

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def blocked(self, i: int, j: int) -> bool:
        return self.blocking(i, j) is not None

    def blocking(self, i: int, j: int) -> frozenset[str] | None:
        """The override pair 'different' that keeps the goals of i and j apart, if any: any
        wording of one goal against any of the other, so it holds after later edits."""
        ri, rj = self.find(i), self.find(j)
        if ri == rj:
            return None
        for a in self.norms[ri]:
            for b in self.norms[rj]:
                if frozenset((a, b)) in self.apart:
                    return frozenset((a, b))
        return None

    def union(self, i: int, j: int) -> None:
        ri, rj = self.find(i), self.find(j)
        if ri == rj:
            return
        keep, gone = (ri, rj) if ri < rj else (rj, ri)
        self.parent[gone] = keep
        self.norms[keep] |= self.norms.pop(gone)


@dataclass
class Assignment:
    """The outcome: the goal id of every statement, by its key, and every link made or refused."""

    goal_ids: dict[StatementKey, str] = field(default_factory=dict)
    links: list[Link] = field(default_factory=list)
    merged_into: dict[str, str] = field(default_factory=dict)  # goal_id -> goal it went on in
    questions: list[OpenQuestion] = field(default_factory=list)  # put to a person
    pending: list[_Question] = field(default_factory=list)  # the same, before ids are given


def _link(
    left: _Stmt, right: _Stmt, decision: str, rule: str, like: Likeness, evidence: str
) -> Link:
    a, b = left.statement, right.statement
    return Link(
        a.doc_id,
        a.theme_no,
        a.row_no,
        a.stmt_no,
        b.doc_id,
        b.theme_no,
        b.row_no,
        b.stmt_no,
        decision,
        rule,
        like.token,
        like.char,
        evidence,  # type: ignore[arg-type]
    )


def _same(text: str) -> str:
    return text


def _stems(text: str) -> tuple[str, ...]:
    return _parsed_wording(text).stems


def _goal_id(norm: str) -> str:
    return "G-" + hashlib.sha1(norm.encode("utf-8")).hexdigest()[:8]


def assign_goal_ids(
    notats: Sequence[NotatRecord],
    overrides: list[Override],
    settings: ReconcileSettings = DEFAULT_SETTINGS,
) -> Assignment:
    """Decide the goal of every statement of the status notats, given oldest first as records
    (``pipeline.transform.records.notat_records``); see the module doc."""
    stmts: list[_Stmt] = []
    by_doc: list[list[_Stmt]] = []
    for doc_no, notat in enumerate(notats):
        mine: list[_Stmt] = []
        for st in notat.statements:
            item = _Stmt(len(stmts), doc_no, st, normalize_wording(st.text))
            stmts.append(item)
            mine.append(item)
        by_doc.append(mine)

    # abbreviations known when each notat is read; a statement is compared, while notat k is
    # read, in its words with those written out
    known = abbreviations_by_notat(
        [
            (
                [s.statement.text for s in mine],
                [r.remark for r in notat.rows if r.remark],
            )
            for notat, mine in zip(notats, by_doc, strict=True)
        ]
    )

    def text_at(k: int) -> Callable[[str], str]:
        if not known[k]:
            return _same
        seen: dict[str, str] = {}

        def text(t: str) -> str:
            if t not in seen:
                seen[t] = expand(t, known[k])
            return seen[t]

        return text

    goals = _Goals(stmts, overrides)
    together = {o.pair: o for o in overrides if o.action == "same"}
    apart = {o.pair: o for o in overrides if o.action == "different"}
    out = Assignment()

    def join(left: _Stmt, right: _Stmt, rule: str, like: Likeness, evidence: str) -> bool:
        if goals.find(left.idx) == goals.find(right.idx):
            return True
        blocking = goals.blocking(left.idx, right.idx) if rule != "override" else None
        if blocking is not None:
            why = "an override 'different' keeps these goals apart"
            o = apart.get(blocking)
            if o is not None:
                why += f" ({o.where})"
            out.links.append(_link(left, right, "refused", "override", like, f"{why}; {evidence}"))
            return False
        goals.union(left.idx, right.idx)
        out.links.append(_link(left, right, "linked", rule, like, evidence))
        return True

    # which wording pairs can come near a threshold at all; every other pair is never compared
    texts = list(
        dict.fromkeys(
            expand(s.statement.text, known[k]) for s in stmts for k in range(s.doc_no, len(by_doc))
        )
    )
    proposed = list(
        dict.fromkeys(
            expand(s.row.proposed_text, known[k])
            for s in stmts
            if s.row.proposed_text
            for k in range(s.doc_no, len(by_doc))
        )
    )
    near_char = settings.within_min_char - settings.refusal_margin
    near_score = settings.within_min_score - settings.refusal_margin
    within = _keep(
        related_wordings(texts, texts, near_score, near_char, settings),
        lambda like: like.char >= near_char or like.score >= near_score,
        settings,
    )
    within = {t: near | {u for u in near if t in within.get(u, ())} for t, near in within.items()}
    floor = settings.across_min_score - settings.refusal_margin
    max_bonus = settings.same_theme_bonus + settings.same_position_bonus
    across = _keep(
        related_wordings(texts + proposed, texts, floor - max_bonus, 2.0, settings),
        lambda like: like.score + max_bonus >= floor,
        settings,
    )
    to_new: dict[str, set[str]] = defaultdict(set)  # new wording -> earlier texts near it
    for text, near in across.items():
        for t in near:
            to_new[t].add(text)
    latest: dict[int, list[_Stmt]] = {}  # goal root -> its statements in its latest notat
    merged_into: dict[int, int] = {}  # goal root -> a statement of the goal it was merged into
    seen: dict[str, _Stmt] = {}  # each normalized wording's latest statement so far
    for doc_no, mine in enumerate(by_doc):
        text = text_at(doc_no)
        _within_notat(mine, join, together, out, settings, within, text)
        if doc_no and any(s.row.form_goal_id for s in mine):
            _by_form_ids(stmts[: mine[0].idx] if mine else [], latest, mine, goals, join, settings)
        if doc_no:
            merged, taken_old, taken_new = _across_periods(
                latest, mine, goals, join, together, apart, out, settings, to_new, text
            )
            merged.update(
                _left_overs(
                    latest, mine, goals, join, out, settings, text, taken_old, taken_new,
                    by_doc[doc_no - 1], (notats[doc_no].date, notats[doc_no - 1].date),
                )
            )  # fmt: skip
            for old_root, into in merged.items():
                merged_into[old_root] = into
                latest.pop(old_root, None)  # it goes on as the goal it was merged into
        seen.update((s.norm, s) for s in mine)
        _overrides_on_goals(seen, together, join, settings)
        # the goals known after this notat: a root's latest statements are this notat's when
        # the goal stands here, else those it had before
        updated: dict[int, list[_Stmt]] = {}
        for root, group in latest.items():
            updated.setdefault(goals.find(root), []).append(group)
        for s in mine:
            updated.setdefault(goals.find(s.idx), []).append([s])
        latest = {root: _latest_of(groups) for root, groups in updated.items()}

    # ids, in order of each goal's first appearance
    members: dict[int, list[_Stmt]] = defaultdict(list)
    for s in stmts:
        members[goals.find(s.idx)].append(s)
    used: set[str] = set()
    for group in sorted(members.values(), key=lambda g: min(s.position for s in g)):
        first = min(group, key=lambda s: s.position)
        base = _goal_id(first.norm)
        goal_id, n = base, 1
        while goal_id in used:
            n += 1
            goal_id = f"{base}-{n}"
        used.add(goal_id)
        for s in group:
            out.goal_ids[s.statement.key] = goal_id
    for old_root, into in merged_into.items():
        out.merged_into[out.goal_ids[stmts[old_root].statement.key]] = out.goal_ids[
            stmts[into].statement.key
        ]
    out.questions = [q.settled(out.goal_ids) for q in out.pending]
    out.pending = []
    return out


def _ids_so_far(earlier: list[_Stmt], goals: _Goals) -> dict[str, int]:
    """The goal id each goal known so far will have (as ``assign_goal_ids`` gives them at the
    end: from its first wording, in order of first appearance), to its root."""
    members: dict[int, list[_Stmt]] = defaultdict(list)
    for s in earlier:
        members[goals.find(s.idx)].append(s)
    out: dict[str, int] = {}
    for root, group in sorted(members.items(), key=lambda m: min(s.position for s in m[1])):
        base = _goal_id(min(group, key=lambda s: s.position).norm)
        goal_id, n = base, 1
        while goal_id in out:
            n += 1
            goal_id = f"{base}-{n}"
        out[goal_id] = root
    return out


def _by_form_ids(earlier, latest, mine, goals: _Goals, join, settings) -> None:
    """A returned form (our own statusskema): each row whose goal cell carries goal ids goes on
    with those goals, whatever its wording now says (a unit leader may edit it); a wording of
    a row of several goals with the one whose latest wording it is most like."""
    ids = _ids_so_far(earlier, goals)
    for s in mine:
        roots = [ids[i] for i in s.row.form_goal_id.split() if i in ids]
        known = [(goals.find(r), latest.get(goals.find(r))) for r in roots]
        known = [(root, stmts) for root, stmts in known if stmts]
        if not known:
            continue  # a goal this folder's notats do not hold: read by its wording
        best = max(
            ((likeness(t.statement.text, s.statement.text, settings), t) for _, ts in known
             for t in ts),
            key=lambda lt: lt[0].score,
        )  # fmt: skip
        like, target = best
        goal_ids = " ".join(i for i in s.row.form_goal_id.split() if i in ids)
        join(target, s, "form_id", like,
             f"the returned form's row carries the goal's id ({goal_ids})")  # fmt: skip


def _overrides_on_goals(seen: dict[str, _Stmt], together, join, settings) -> None:
    """An override 'same' joins the goals its two wordings belong to, once both have been seen
    in some notat (so far): a decision holds on goals, whichever wording each has now."""
    for pair, o in sorted(together.items(), key=lambda item: item[1].line_no):
        a, b = sorted(pair)
        if a in seen and b in seen:
            left, right = sorted((seen[a], seen[b]), key=lambda s: s.position)
            like = likeness(left.statement.text, right.statement.text, settings)
            join(left, right, "override", like, f"override 'same' ({o.where}), on the goals")


def _keep(
    related: dict[str, set[str]], near: Callable[[Likeness], bool], settings: ReconcileSettings
) -> dict[str, set[str]]:
    """Of each wording's related wordings, those whose likeness to it is ``near``."""
    return {
        t: {u for u in others if near(likeness(t, u, settings))} for t, others in related.items()
    }


def _latest_of(groups: list[list[_Stmt]]) -> list[_Stmt]:
    """The statements of the newest notat among ``groups`` (each group from one notat)."""
    last = max(g[0].doc_no for g in groups)
    return [s for g in groups if g[0].doc_no == last for s in g]


def _within_notat(
    mine,
    join,
    together,
    out,
    settings: ReconcileSettings,
    related: dict[str, set[str]],
    text: Callable[[str], str],
) -> None:
    """Step 2 of the module doc, for one notat's statements."""
    # overrides first: a person's word beats every rule
    where: dict[str, list[int]] = defaultdict(list)
    for i, s in enumerate(mine):
        where[s.norm].append(i)
    pairs: list[tuple[int, int, Override]] = []
    for pair, o in together.items():
        x, y = tuple(pair)
        for i in where.get(x, ()):
            pairs.extend((min(i, j), max(i, j), o) for j in where.get(y, ()))
    for i, j, o in sorted(pairs, key=lambda p: (p[0], p[1])):
        a, b = mine[i], mine[j]
        join(
            a,
            b,
            "override",
            likeness(a.statement.text, b.statement.text, settings),
            f"override 'same' ({o.where})",
        )
    # the row is the unit
    by_row: dict[tuple[int, int], list[_Stmt]] = defaultdict(list)
    for s in mine:
        by_row[(s.statement.theme_no, s.statement.row_no)].append(s)
    for row_stmts in by_row.values():
        for a, b in itertools.pairwise(row_stmts):
            join(
                a,
                b,
                "same_row",
                likeness(a.statement.text, b.statement.text, settings),
                f"both wordings stand in Tema {a.statement.theme_no}, row {a.statement.row_no}",
            )
    # the same wording written again in another row or theme
    first_of: dict[str, _Stmt] = {}
    for s in mine:
        first = first_of.setdefault(s.norm, s)
        if first is not s and not first.same_row(s):
            join(
                first,
                s,
                "same_wording",
                Likeness(1.0, 1.0, (), (), 1.0),
                f"identical wording also in Tema {first.statement.theme_no}, "
                f"row {first.statement.row_no}",
            )
    # near-identical wordings in other rows, best first
    candidates = []
    at: dict[str, list[int]] = defaultdict(list)
    for i, s in enumerate(mine):
        at[text(s.statement.text)].append(i)
    for i, a in enumerate(mine):
        near_a = sorted(j for t in related[text(a.statement.text)] for j in at.get(t, ()) if j > i)
        for b in (mine[j] for j in near_a):
            if a.same_row(b) or a.norm == b.norm:
                continue
            like = likeness(text(a.statement.text), text(b.statement.text), settings)
            near = settings.within_min_char - settings.refusal_margin
            if (
                like.char < near
                and like.score < settings.within_min_score - settings.refusal_margin
            ):
                continue
            candidates.append((like, a, b))
    candidates.sort(key=lambda c: (-c[0].score, c[1].position, c[2].position))
    for like, a, b in candidates:
        ok = (
            like.score >= settings.within_min_score
            and like.char >= settings.within_min_char
            and like.substituted == 0
            and not like.revised  # two targets side by side in one notat are two goals
        )
        if ok:
            join(a, b, "fuzzy", like, f"near-identical wording; {like.describe()}")
        else:
            why = (
                "a content word is substituted"
                if like.substituted
                else "another target in the same notat"
                if like.revised
                else "below the within-notat thresholds"
            )
            out.links.append(_link(a, b, "refused", "fuzzy", like, f"{why}; {like.describe()}"))
    _bilag_pairs(mine, join, out, settings, text)


def _bilag_pairs(mine, join, out, settings: ReconcileSettings, text) -> None:
    """One goal written twice in a notat, its bilag 1 wording in one row and its bilag 2 wording
    in another of the same theme: the shorter wording's words all stand in the longer one (but
    for one, and never a word that tells goals apart: pipeline.transform.distinctions), and
    enough of them to say what the goal is."""
    rows: dict[int, dict[str, list[list[_Stmt]]]] = defaultdict(lambda: defaultdict(list))
    by_row: dict[tuple[int, int], list[_Stmt]] = defaultdict(list)
    for s in mine:
        by_row[(s.statement.theme_no, s.statement.row_no)].append(s)
    for (theme_no, _), group in by_row.items():
        tags = {s.statement.bilag for s in group}
        if len(tags) == 1 and tags <= {"1", "2"}:
            rows[theme_no][next(iter(tags))].append(group)
    for themes in rows.values():
        for first in themes.get("1", ()):
            for second in themes.get("2", ()):
                for a, b in itertools.product(first, second):
                    ta, tb = text(a.statement.text), text(b.statement.text)
                    # a cheap bound first: the rule needs several shared words, and words
                    # shared as typos or compounds are a few at most
                    if len(set(_stems(ta)) & set(_stems(tb))) < 2:
                        continue
                    like = likeness(ta, tb, settings)
                    short, long_ = (ta, tb) if len(_stems(ta)) <= len(_stems(tb)) else (tb, ta)
                    shared, cover = coverage(short, long_, settings)
                    if (
                        cover < settings.bilag_pair_min_cover
                        or shared < settings.bilag_pair_min_shared_words
                        or like.revised
                    ):
                        continue
                    reason = apart_reason(like)
                    if reason:
                        why = f"kept apart: {reason}"
                        out.links.append(_link(a, b, "refused", "bilag_pair", like, why))
                        continue
                    join(
                        a,
                        b,
                        "bilag_pair",
                        like,
                        f"the bilag 1 and the bilag 2 wording of one goal in two rows: "
                        f"{shared} of the shorter wording's words stand in the longer "
                        f"({cover:.0%}); {like.describe()}",
                    )


@dataclass(frozen=True)
class _Candidate:
    score: float  # with structure bonus
    text_score: float
    like: Likeness
    rule: str
    old: _Stmt
    new: _Stmt
    old_root: int
    new_root: int
    evidence: str


def _across_periods(
    latest: dict[int, list[_Stmt]],
    mine: list[_Stmt],
    goals: _Goals,
    join,
    together,
    apart,
    out,
    settings: ReconcileSettings,
    related_to: dict[str, set[str]],
    text: Callable[[str], str],
) -> tuple[dict[int, int], set[int], set[int]]:
    """Step 3 of the module doc: match this notat's goals one-to-one to earlier goals.

    ``latest`` holds each earlier goal's statements in its latest notat; ``related_to`` maps a
    new wording to the earlier wordings and proposed texts that may come near the threshold.
    Pairs left out of it cannot be the best candidate of their two goals with a score at the
    refusal floor, so leaving them out changes no link and no refusal. Returns the earlier goals
    merged into a goal of this notat (old root -> an index of a statement of the goal), and the
    old and new roots taken."""
    latest_doc = mine[0].doc_no - 1 if mine else -1
    by_text: dict[str, list[tuple[int, int, _Stmt]]] = defaultdict(list)
    by_norm: dict[str, list[tuple[int, _Stmt]]] = defaultdict(list)
    for old_root, group in latest.items():
        last = group[0].doc_no
        for o in group:
            by_text[text(o.statement.text)].append((old_root, last, o))
            if o.row.proposed_text:
                by_text[text(o.row.proposed_text)].append((old_root, last, o))
            by_norm[o.norm].append((old_root, o))
    partners: dict[str, list[tuple[str, frozenset[str]]]] = defaultdict(list)
    for pair in together:
        x, y = tuple(pair)
        partners[x].append((y, pair))
        partners[y].append((x, pair))

    best_of: dict[tuple[int, int], _Candidate] = {}
    forced: list[_Candidate] = []
    for n in mine:
        new_root = goals.find(n.idx)
        for norm, pair in partners.get(n.norm, ()):
            for old_root, o in by_norm.get(norm, ()):
                like = likeness(o.statement.text, n.statement.text, settings)
                forced.append(
                    _Candidate(
                        9.0,
                        9.0,
                        like,
                        "override",
                        o,
                        n,
                        old_root,
                        new_root,
                        f"override 'same' ({together[pair].where})",
                    )
                )
        seen: set[int] = set()
        for near in related_to.get(text(n.statement.text), ()):
            for old_root, last, o in by_text.get(near, ()):
                if o.idx in seen:
                    continue
                seen.add(o.idx)
                pair = frozenset((o.norm, n.norm))
                if pair in apart or pair in together:
                    continue
                bonus = 0.0
                if last == latest_doc and o.statement.theme_no == n.statement.theme_no:
                    bonus += settings.same_theme_bonus
                    if o.statement.row_no == n.statement.row_no:
                        bonus += settings.same_position_bonus
                options = [
                    (
                        "across_periods",
                        likeness(text(o.statement.text), text(n.statement.text), settings),
                        "",
                    )
                ]
                if o.row.proposed_text:
                    options.append(
                        (
                            "reworded_as_proposed",
                            likeness(text(o.row.proposed_text), text(n.statement.text), settings),
                            "the previous notat proposed this wording "
                            "(Foreslås omformuleret til); ",
                        )
                    )
                for rule, like, why in options:
                    cand = _Candidate(
                        like.score + bonus,
                        like.score,
                        like,
                        rule,
                        o,
                        n,
                        old_root,
                        new_root,
                        why,
                    )
                    best = best_of.get((old_root, new_root))
                    if best is None or _rank(cand) < _rank(best):
                        best_of[(old_root, new_root)] = cand
    candidates = list(best_of.values())

    taken_old: set[int] = set()
    taken_new: set[int] = set()
    for c in sorted(forced, key=_rank):
        if join(c.old, c.new, "override", c.like, c.evidence):
            taken_old.add(c.old_root)
            taken_new.add(c.new_root)
    floor = settings.across_min_score - settings.refusal_margin
    one_to_one: list[tuple[_Candidate, str]] = []  # refused for a better match, decided below
    for c in sorted(candidates, key=_rank):
        if c.text_score < floor:
            continue
        detail = _detail(c)
        reason = apart_reason(c.like)
        if c.text_score < settings.across_min_score or reason:
            refusal = f"kept apart: {reason}" if reason else "below the across-period threshold"
            out.links.append(_link(c.old, c.new, "refused", c.rule, c.like, f"{refusal}; {detail}"))
        elif c.old_root in taken_old or c.new_root in taken_new:
            one_to_one.append((c, detail))
        elif join(c.old, c.new, c.rule, c.like, f"{_continues(c)}; {detail}"):
            taken_old.add(c.old_root)
            taken_new.add(c.new_root)
    # A goal written in more rows than before (split), or in fewer (merged): the rows that
    # continue a goal another row already continues, judged on their own best candidate, with
    # no word substituted (a revised target is no substitution).
    merged: dict[int, int] = {}
    first_new: set[int] = set()  # new goals, old goals whose best refused candidate was seen
    first_old: set[int] = set()
    for c, detail in one_to_one:
        clean = c.like.substituted == 0
        best_for_new, best_for_old = c.new_root not in first_new, c.old_root not in first_old
        first_new.add(c.new_root)
        first_old.add(c.old_root)
        if clean and best_for_new and c.new_root not in taken_new and c.old_root in taken_old:
            why = "split: this row continues the goal another row of the notat also continues"
            if join(c.old, c.new, "split", c.like, f"{why}; {detail}"):
                taken_new.add(c.new_root)
                continue
        elif (
            clean
            and best_for_old
            and c.old_root not in taken_old
            and c.new_root in taken_new
            and not goals.blocked(c.old.idx, c.new.idx)
        ):
            why = (
                "merged: this goal goes on in a row that also continues another goal; "
                "the earlier ids are kept"
            )
            out.links.append(_link(c.old, c.new, "linked", "merged", c.like, f"{why}; {detail}"))
            merged[c.old_root] = c.new.idx
            taken_old.add(c.old_root)
            continue
        refusal = "a better match was taken (one-to-one)"
        out.links.append(_link(c.old, c.new, "refused", c.rule, c.like, f"{refusal}; {detail}"))
    return merged, taken_old, taken_new


def _detail(c: _Candidate) -> str:
    where = (
        f"Tema {c.old.statement.theme_no} row {c.old.statement.row_no} → "
        f"Tema {c.new.statement.theme_no} row {c.new.statement.row_no}"
    )
    return f"{c.evidence}{where}; {c.like.describe()}; with structure {c.score:.2f}"


def _continues(c: _Candidate) -> str:
    """Where the goal stood before: the previous notat, or an earlier one (a revived goal)."""
    skipped = c.new.doc_no - c.old.doc_no - 1
    if skipped <= 0:
        return "next period's notat"
    notats = "notat" if skipped == 1 else "notats"
    return f"revived: the goal was not in the {skipped} {notats} between"


def _rank(c: _Candidate) -> tuple:
    """Best first: higher score, then higher text score, then earlier positions (deterministic)."""
    return (-c.score, -c.text_score, c.old.position, c.new.position, c.rule)


# --------------------------------------------------------------------------- the left-overs


@dataclass
class _Question:
    """An open question before goal ids are given: an earlier goal's statement and its likeliest
    partners in the later notat, best first, each with its score and near-miss reason."""

    old: _Stmt
    partners: list[tuple[_Stmt, float, str]]
    period: str
    previous_period: str

    def settled(self, goal_ids: dict[StatementKey, str]) -> OpenQuestion:
        o = self.old.statement
        return OpenQuestion(
            self.period,
            self.previous_period,
            goal_ids[o.key],
            o.doc_id,
            o.theme_no,
            o.row_no,
            o.stmt_no,
            o.text,
            tuple(
                Partner(
                    goal_ids[n.statement.key],
                    n.statement.doc_id,
                    n.statement.theme_no,
                    n.statement.row_no,
                    n.statement.stmt_no,
                    n.statement.text,
                    round(score, 4),
                    apart,
                )
                for n, score, apart in self.partners
            ),
        )


@dataclass(frozen=True)
class _Evidence:
    """What speaks for an earlier goal and a later one being the same, all of it."""

    score: float  # words plus structure
    text_score: float
    like: Likeness
    # words (token and char likeness averaged, no substitution penalty: a rewording in other
    # words is what a person is asked about) plus structure
    ask_score: float
    old: _Stmt
    new: _Stmt
    why: str  # a plain sentence of the evidence beyond the words
    apart: str = ""  # Danish: the stated reason they are different goals


_HEADLINE_WORDS = 4  # a wording of at most this many content words may be a headline


def _left_overs(
    latest: dict[int, list[_Stmt]],
    mine: list[_Stmt],
    goals: _Goals,
    join,
    out: Assignment,
    settings: ReconcileSettings,
    text: Callable[[str], str],
    taken_old: set[int],
    taken_new: set[int],
    previous: list[_Stmt],
    dates: tuple[str, str],
) -> dict[int, int]:
    """Step 4 of the module doc: the earlier goals no rule continued and the goals of this notat
    no rule linked, paired on all the evidence: a wording cut in two rows or two goals merged in
    one row found from the pieces, then a best one-to-one assignment on words (with the remark:
    a headline's detail, a quoted former wording), theme (the continued theme, "Flyttet fra
    Tema N") and what the remark says. A pair from ``leftover_min_score`` on is linked; one from
    ``leftover_ask_from`` on is an open question. Returns merges as ``_across_periods`` does."""
    if not mine:
        return {}
    doc_no = mine[0].doc_no
    year = int(dates[0][:4]) if dates[0][:4].isdigit() else None
    here = {goals.find(s.idx) for s in mine}
    old_left: dict[int, list[_Stmt]] = {
        goals.find(root): group
        for root, group in latest.items()
        if root not in taken_old and goals.find(root) not in here
    }
    current = {goals.find(root): group for root, group in latest.items()}
    new_groups: dict[int, list[_Stmt]] = defaultdict(list)
    for s in mine:
        new_groups[goals.find(s.idx)].append(s)
    new_left = {root: group for root, group in new_groups.items() if root not in current}
    if not old_left or not new_left:
        return {}
    # which theme of this notat continues which of the previous one (pipeline.transform.themes)
    shared = [
        (o.statement.theme_no, s.statement.theme_no)
        for s in mine
        if goals.find(s.idx) in current
        for o in current[goals.find(s.idx)][:1]
        if o.doc_no == doc_no - 1
    ]
    continued = continued_themes(
        shared,
        {s.row.theme_no: s.row.theme_title for s in previous},
        {s.row.theme_no: s.row.theme_title for s in mine},
    )

    def evidence(old: list[_Stmt], new: list[_Stmt]) -> _Evidence | None:
        best: _Evidence | None = None
        apart: _Evidence | None = None  # the likeliest pair with a reason to stay apart
        for o in old:
            olds = [text(o.statement.text)]
            if o.row.proposed_text:
                olds.append(text(o.row.proposed_text))
            recent = o.doc_no == doc_no - 1
            for n in new:
                if goals.blocked(o.idx, n.idx):
                    continue  # a person decided these are different goals
                nt, remark = text(n.statement.text), n.row.remark
                bonus, why = 0.0, []
                if recent and continued.get(n.statement.theme_no) == o.statement.theme_no:
                    bonus += settings.same_theme_bonus
                moved = moved_from(remark)
                if recent and moved is not None and moved == o.statement.theme_no:
                    bonus += settings.moved_remark_bonus
                    why.append(f"the remark says it moved from Tema {moved}")
                if says_reworded(remark):
                    bonus += settings.reworded_remark_bonus
                    why.append("the remark says it was reworded")
                if says_new(remark, year):
                    bonus -= settings.new_remark_penalty
                    why.append("the remark says the goal is new")
                numbers = (o.row.goal_no or split_goal_no(o.statement.text)[0],
                           n.row.goal_no or split_goal_no(n.statement.text)[0])  # fmt: skip
                if numbers[0] and numbers[0] == numbers[1]:
                    bonus += settings.same_position_bonus
                    why.append(f"the same goal number {numbers[0]}")
                for ot in olds:
                    like = likeness(ot, nt, settings)
                    reason = apart_reason(like)
                    if reason:
                        lenient = (like.token + like.char) / 2 + bonus
                        if apart is None or lenient > apart.ask_score:
                            apart = _Evidence(
                                like.score + bonus, like.score, like, lenient, o, n, "", reason
                            )
                        continue
                    options = [(like, "")]
                    whole = f"{nt} {text(remark)}"
                    if (
                        remark
                        and len(_stems(nt)) <= _HEADLINE_WORDS
                        and coverage(nt, ot, settings)[1] >= 1.0
                        and coverage(ot, whole, settings)[1] >= settings.piece_min_cover
                    ):
                        headline = likeness(ot, whole, settings)
                        options.append((headline, "a headline whose detail stands in its remark"))
                    former = former_wording(remark)
                    if former:
                        options.append(
                            (
                                likeness(ot, text(former), settings),
                                "the remark quotes the former wording",
                            )
                        )
                    for opt, how in options:
                        reasons = "; ".join([how, *why] if how else why)
                        lenient = (opt.token + opt.char) / 2 + bonus
                        e = _Evidence(opt.score + bonus, opt.score, opt, lenient, o, n, reasons)
                        if best is None or (e.score, e.ask_score) > (best.score, best.ask_score):
                            best = e
        if apart is not None and best is not None:
            return dataclasses.replace(best, apart=apart.apart)
        return best or apart

    pairs = {
        (i, j): evidence(old, new) for i, old in old_left.items() for j, new in new_left.items()
    }
    merged: dict[int, int] = {}
    used_old: set[int] = set()
    used_new: set[int] = set()

    # a wording cut in two rows: two neighbouring new rows whose words both stand in it
    rows_of = {
        j: {(s.statement.theme_no, s.statement.row_no) for s in g} for j, g in new_left.items()
    }
    single = {j: next(iter(r)) for j, r in rows_of.items() if len(r) == 1}
    at_row = {row: j for j, row in single.items()}
    for i, old in old_left.items():
        for j, (theme_no, row_no) in sorted(single.items(), key=lambda kv: kv[1]):
            k = at_row.get((theme_no, row_no + 1))
            if k is None or {i} & used_old or {j, k} & used_new:
                continue
            for o in old:
                ot = text(o.statement.text)
                a, b = new_left[j][0], new_left[k][0]
                at, bt = text(a.statement.text), text(b.statement.text)
                if (
                    coverage(ot, f"{at} {bt}", settings)[1] >= settings.piece_min_cover
                    and coverage(at, ot, settings)[1] >= settings.piece_min_cover
                    and coverage(bt, ot, settings)[1] >= settings.piece_min_cover
                    and not (pairs[(i, j)] and pairs[(i, j)].apart)
                    and not (pairs[(i, k)] and pairs[(i, k)].apart)
                ):
                    why = "split: the wording is cut in two rows, both of whose words stand in it"
                    for n, t in ((a, at), (b, bt)):
                        like = likeness(ot, t, settings)
                        join(o, n, "split_wording", like, f"{why}; {like.describe()}")
                    used_old.add(i)
                    used_new.update((j, k))
                    break

    # the other piece of a wording cut in two rows, where a rule continued the goal in one
    # piece: a neighbouring row whose words stand in the goal's wording, which the two cover
    continued_at = {
        (s.statement.theme_no, s.statement.row_no): s for s in mine if goals.find(s.idx) in current
    }
    for j, (theme_no, row_no) in sorted(single.items(), key=lambda kv: kv[1]):
        if j in used_new:
            continue
        n = new_left[j][0]
        nt = text(n.statement.text)
        for near in (row_no - 1, row_no + 1):
            piece = continued_at.get((theme_no, near))
            if piece is None:
                continue
            pt = text(piece.statement.text)
            for o in current[goals.find(piece.idx)]:
                ot = text(o.statement.text)
                if (
                    coverage(nt, ot, settings)[1] >= settings.piece_min_cover
                    and coverage(ot, pt, settings)[1] < settings.piece_min_cover
                    and coverage(ot, f"{pt} {nt}", settings)[1] >= settings.piece_min_cover
                    and not apart_reason(likeness(ot, nt, settings))
                ):
                    like = likeness(ot, nt, settings)
                    why = (
                        "split: the wording is cut in two rows; the other row continues it "
                        f"(Tema {theme_no}, row {near})"
                    )
                    if join(o, n, "split_wording", like, f"{why}; {like.describe()}"):
                        used_new.add(j)
                    break
            if j in used_new:
                break

    # a goal written in several rows, continued in some: a row left over that continues one of
    # its other wordings (in other words, or as a headline with the detail in the remark)
    written = {s.norm for s in mine}
    continued_goals = {
        goals.find(root): [o for o in group if o.doc_no == doc_no - 1 and o.norm not in written]
        for root, group in current.items()
        if goals.find(root) in here
    }
    for j, new in new_left.items():
        if j in used_new:
            continue
        best: _Evidence | None = None
        for orphans in continued_goals.values():
            if not orphans:
                continue
            e = evidence(orphans, new)
            if e is not None and not e.apart and (best is None or e.score > best.score):
                best = e
        if best is not None and best.score >= settings.leftover_min_score:
            detail = "; ".join(x for x in (best.why, best.like.describe()) if x)
            why = (
                "split: the goal is written in several rows; this row continues one of its wordings"
            )
            if join(best.old, best.new, "split_wording", best.like, f"{why}; {detail}"):
                used_new.add(j)

    # two goals merged in one row: both stand in it, and it says little besides them
    for j, new in new_left.items():
        if j in used_new or j not in single:
            continue
        n = new[0]
        nt = text(n.statement.text)
        inside = [
            (i, o)
            for i, old in old_left.items()
            if i not in used_old
            for o in old
            if coverage(text(o.statement.text), nt, settings)[1] >= settings.piece_min_cover
            and not (pairs[(i, j)] and pairs[(i, j)].apart)
        ]
        found = None
        for (i1, o1), (i2, o2) in itertools.combinations(inside, 2):
            if i1 == i2:
                continue
            both = f"{text(o1.statement.text)} {text(o2.statement.text)}"
            if coverage(nt, both, settings)[1] >= settings.piece_min_cover:
                found = ((i1, o1), (i2, o2))
                break
        if found is None:
            continue
        ranked = sorted(
            found, key=lambda io: (_opening(text(io[1].statement.text), nt), io[1].position)
        )
        (keep, o_keep), (gone, o_gone) = ranked
        like = likeness(text(o_keep.statement.text), nt, settings)
        join(
            o_keep,
            n,
            "merged_row",
            like,
            f"the row merges this goal with another; {like.describe()}",
        )
        like_gone = likeness(text(o_gone.statement.text), nt, settings)
        out.links.append(
            _link(
                o_gone,
                n,
                "linked",
                "merged_goals",
                like_gone,
                "merged: this goal goes on in a row that merges it with another goal; the "
                f"earlier ids are kept; {like_gone.describe()}",
            )
        )
        merged[gone] = n.idx
        used_old.update((keep, gone))
        used_new.add(j)

    # the rest: a best assignment on all the evidence, first of the pairs to link, then of
    # those left of the pairs to ask a person about
    olds = [i for i in old_left if i not in used_old]
    news = [j for j in new_left if j not in used_new]
    for i, j in _assigned(olds, news, pairs, lambda e: e.score, settings.leftover_min_score):
        e = pairs[(i, j)]
        assert e is not None
        detail = "; ".join(x for x in (e.why, e.like.describe()) if x)
        if join(
            e.old,
            e.new,
            "leftover",
            e.like,
            f"paired on all the evidence ({e.score:.2f}): {detail}",
        ):
            used_old.add(i)
            used_new.add(j)
    olds = [i for i in olds if i not in used_old and _may_ask(old_left[i], doc_no)]
    news = [j for j in news if j not in used_new]
    provisional = dict(
        _assigned(olds, news, pairs, lambda e: e.ask_score, settings.leftover_ask_from)
    )
    for i in olds:
        if i not in provisional:
            continue
        ranked = sorted(
            (
                (pairs[(i, j)], j)
                for j in news
                if pairs[(i, j)] is not None
                and (
                    j == provisional[i]
                    or pairs[(i, j)].score >= settings.leftover_ask_from
                    or pairs[(i, j)].apart
                )
            ),
            key=lambda ej: (ej[1] != provisional[i], bool(ej[0].apart), -ej[0].ask_score),
        )
        partners = [(e.new, e.ask_score, e.apart) for e, _ in ranked if not e.apart][:3]
        partners += [(e.new, e.ask_score, e.apart) for e, _ in ranked if e.apart][:2]
        first = pairs[(i, provisional[i])]
        assert first is not None
        out.links.append(
            _link(
                first.old,
                first.new,
                "refused",
                "leftover",
                first.like,
                f"put to a person ({first.ask_score:.2f}; linked from "
                f"{settings.leftover_min_score:.2f} with the substitution penalty: "
                f"{first.score:.2f}); "
                + "; ".join(x for x in (first.why, first.like.describe()) if x),
            )
        )
        out.pending.append(_Question(first.old, partners, *dates))
    return merged


def _assigned(olds, news, pairs, score, floor: float) -> list[tuple[int, int]]:
    """The best one-to-one pairs of ``olds`` and ``news`` by ``score`` of their evidence, from
    ``floor`` on; a pair with a stated reason to stay apart is never one."""
    gain = [
        [
            s
            if (e := pairs[(i, j)]) is not None and not e.apart and (s := score(e)) >= floor
            else -math.inf
            for j in news
        ]
        for i in olds
    ]
    return [(olds[a], news[b]) for a, b in best_pairs(gain)]


def _may_ask(old: list[_Stmt], doc_no: int) -> bool:
    """An earlier goal is asked about only when it stood in the previous notat and was not
    proposed dropped there (a goal gone as proposed is no question)."""
    return all(s.doc_no == doc_no - 1 and s.row.proposal != "drop" for s in old)


def _opening(part: str, whole: str) -> int:
    """Where ``part``'s first content word stands in ``whole`` (its index among whole's content
    words; the length when it is not there): the goal whose words open a merged row."""
    first = _stems(part)[:1]
    stems = _stems(whole)
    return stems.index(first[0]) if first and first[0] in stems else len(stems)
