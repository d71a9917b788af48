"""The pairs of goals a person should decide on, and why, in the document's own words.

A mark is a question to a person, so it is put only where the rules may be wrong:
- ``likely_miss`` (first): the open questions of reconciliation (``Reconciled.questions``): a
  goal gone from a notat (not proposed dropped, not merged) and its likeliest partners among the
  goals new in it, best first, one row each (``rank``); a partner the rules know to be another
  goal is never offered, its reason is told in the question's evidence;
- ``written_twice``: two wordings of one notat refused as one goal although no content word is
  substituted (one goal written twice in words too different for the rules);
- ``uncertain_link``: wordings linked as one goal (across periods, split, merged, or near-
  identical within a notat) whose score is below ``review_link_below``.
Never marked: two wordings that share a goal (also through a merge), a pair of goals a person
decided on (an override of any of their wordings, in goal_overrides.csv or a workbook), a refusal between goals that
both go on (the one-to-one rule did its work), a refusal with a substituted content word
inside one notat (the diabetes / forhøjet blodtryk kind). One question per pair of goals.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import TYPE_CHECKING

from pipeline.dates import format_danish_date
from pipeline.model import GoalStatement, Link, ReviewPair
from pipeline.transform.normalize import normalize_wording
from pipeline.transform.records import StatementKey
from pipeline.transform.similarity import DEFAULT_SETTINGS, Likeness, ReconcileSettings, likeness

if TYPE_CHECKING:
    from pipeline.transform import Reconciled

__all__ = ["review_pairs"]

_KIND_ORDER = {"likely_miss": 0, "written_twice": 1, "uncertain_link": 2}
_LINKS_TO_CHECK = frozenset({"across_periods", "split", "merged", "fuzzy"})


def _number(score: float) -> str:
    return f"{score:.2f}".replace(".", ",")


def _day(date: str) -> str:
    try:
        return format_danish_date(dt.date.fromisoformat(date))
    except ValueError:
        return "uden dato"


def _where(st: GoalStatement, date: str, file: str) -> str:
    return f"Tema {st.theme_no}, række {st.row_no}, notat af {_day(date)} ({file})"


def _differences(like: Likeness) -> str:
    parts = []
    if like.only_left or like.only_right:
        parts.append(
            f"Ord kun i A: {', '.join(like.only_left) or '–'}; "
            f"kun i B: {', '.join(like.only_right) or '–'}."
        )
    if like.revised:
        parts.append("Tal ændret: " + ", ".join(f"{a} → {b}" for a, b in like.revised) + ".")
    return " ".join(parts)


def review_pairs(
    reconciled: Reconciled, settings: ReconcileSettings = DEFAULT_SETTINGS
) -> tuple[ReviewPair, ...]:
    """The review pairs of every period, likeliest misses first (see module doc)."""
    status = [d for d in reconciled.documents if d.document.kind == "status"]
    stmt: dict[StatementKey, tuple[GoalStatement, str, str]] = {}
    for d in status:
        for s in d.statements:
            stmt[StatementKey.of(s)] = (
                s,
                d.document.date,
                d.document.file,
            )
    into = dict(reconciled.merged_into)

    def resolve(goal_id: str) -> str:
        seen = set()
        while goal_id in into and goal_id not in seen:
            seen.add(goal_id)
            goal_id = into[goal_id]
        return goal_id

    goals_of: dict[str, set[str]] = {}  # normalized wording -> the goals it states
    for d in status:
        for s in d.statements:
            goals_of.setdefault(normalize_wording(s.text), set()).add(resolve(s.goal_id))
    decided = {
        frozenset((ga, gb))
        for o in reconciled.decisions
        for ga in goals_of.get(o.wording_a, ())
        for gb in goals_of.get(o.wording_b, ())
    }
    found: dict[frozenset[str], tuple[tuple, ReviewPair]] = {}
    pairs = [_review(link, stmt, resolve, settings) for link in reconciled.links]
    pairs += _questions(reconciled.questions, stmt, settings)
    for pair in pairs:
        if pair is None:
            continue
        if pair.kind != "uncertain_link" and resolve(pair.goal_a) == resolve(pair.goal_b):
            continue  # two wordings of one goal: nothing to decide
        key = frozenset((resolve(pair.goal_a), resolve(pair.goal_b)))
        if key in decided:
            continue  # a person decided on these goals: not asked again
        order = (
            _KIND_ORDER[pair.kind],
            _neg(pair.period_b),
            -pair.question_score,
            pair.text_a,
            pair.rank,
            -pair.score,
        )
        if key not in found or order < found[key][0]:
            found[key] = (order, pair)
    ordered = [
        pair for _, pair in sorted(found.values(), key=lambda item: (item[0], item[1].text_b))
    ]
    # number the questions as the workbook and the working paper show them: a question's
    # partners share its number, ranked 1, 2, …
    numbered: list[ReviewPair] = []
    asked: dict[tuple, int] = {}
    for pair in ordered:
        key = (
            (pair.kind, pair.goal_a)
            if pair.kind == "likely_miss"
            else (pair.kind, pair.goal_a, pair.goal_b)
        )
        no = asked.setdefault(key, len(asked) + 1)
        rank = sum(1 for p in numbered if p.question_no == no) + 1
        numbered.append(dataclasses.replace(pair, question_no=no, rank=rank))
    return tuple(numbered)


def _questions(questions, stmt, settings) -> list[ReviewPair]:
    """One review pair per partner of each open question (module doc), best first."""
    out: list[ReviewPair] = []
    for q in questions:
        left = stmt.get(StatementKey.of(q))
        offered = [p for p in q.partners if not p.apart]
        apart = [p for p in q.partners if p.apart]
        if left is None or not offered:
            continue
        not_offered = "".join(
            f" »{p.text}« ligner også, men er et andet mål ({p.apart}); det tilbydes ikke."
            for p in apart
        )
        for rank, p in enumerate(offered, start=1):
            right = stmt.get(StatementKey.of(p))
            if right is None:
                continue
            like = likeness(q.text, p.text, settings)
            evidence = _gone_new_evidence(right[1], p.score, settings, rank, len(offered))
            out.append(
                dataclasses.replace(
                    _make("likely_miss", left, right, like, evidence + not_offered),
                    score=p.score,
                    rank=rank,
                    question_score=offered[0].score,
                    not_offered=not_offered.strip(),
                )
            )
    return out


def _gone_new_evidence(
    date_b: str, score: float, settings: ReconcileSettings, rank: int, of: int
) -> str:
    which = (
        ("det mest sandsynlige" if rank == 1 else f"nr. {rank} af {of} mulige")
        if of > 1
        else "det eneste mulige"
    )
    return (
        f"»A« står ikke i notatet af {_day(date_b)}, og »B« er nyt dér; »B« er {which} mål, "
        f"»A« kan være blevet til (lighed {_number(score)}; automatisk kobles fra "
        f"{_number(settings.leftover_min_score)}). Indtil en person afgør det, tælles ingen af "
        "dem som udgået eller nyt."
    )


def _make(kind, left, right, like: Likeness, evidence: str) -> ReviewPair:
    (a, date_a, file_a), (b, date_b, file_b) = left, right
    return ReviewPair(
        kind,
        a.goal_id,
        b.goal_id,
        a.text,
        b.text,
        _where(a, date_a, file_a),
        _where(b, date_b, file_b),
        date_a,
        date_b,
        like.score,
        f"{evidence} {_differences(like)}".strip(),
    )


def _neg(iso: str) -> tuple[int, ...]:
    """Sorts later dates first."""
    return tuple(-ord(c) for c in iso)


def _review(link: Link, stmt, resolve, settings) -> ReviewPair | None:
    left = stmt.get(StatementKey.of_link(link, "left"))
    right = stmt.get(StatementKey.of_link(link, "right"))
    if left is None or right is None or link.rule == "override":
        return None
    (a, _, _), (b, _, _) = left, right
    like = likeness(a.text, b.text, settings)
    same_goal = resolve(a.goal_id) == resolve(b.goal_id)
    kind, evidence = "", ""
    if link.decision == "refused":
        if same_goal or like.score < settings.review_refused_from:
            return None
        if a.doc_id != b.doc_id:
            return None  # across periods, the open questions ask (reconciliation's left-overs)
        if like.substituted or like.revised:
            return None
        kind = "written_twice"
        evidence = (
            f"To formuleringer i samme notat, ikke koblet (lighed {_number(like.score)}), "
            "selv om ingen ord er skiftet ud: måske samme mål skrevet to gange."
        )
    else:
        # judged on the link's own likeness where reconciliation saw the wordings closer (it
        # compares them with the abbreviations the notats define written out)
        score = like.score
        if link.score_token > like.token or link.score_char > like.char:
            score = (link.score_token + link.score_char) / 2
        if link.rule not in _LINKS_TO_CHECK or score >= settings.review_link_below:
            return None
        kind = "uncertain_link"
        evidence = (
            f"Koblet som samme mål med lav lighed ({_number(like.score)}): kontrollér, at det "
            "er det samme mål."
        )
    return _make(kind, left, right, like, evidence)
