"""The goal register, each goal's status per period, and what changed since the previous period.

Choices, stated once:
- A goal's report wording is from the latest period it appears in: its first bilag 2 wording
  (bilag 2 is the council's "Oversigt over mål", the goals as goals), else its first untagged
  one, else its first bilag 1 wording.
- A goal's status in a period, when it stands in several rows: ``started`` if any row says so,
  else ``not_started`` if any row says so, else empty.
- ``Change.before``/``after`` hold status codes for ``status_changed`` (``started``,
  ``not_started``, empty); for ``wording_changed``, ``target_changed``, ``scope_changed`` and
  ``reworded_as_proposed`` the wordings that went and came (several joined by `` | ``); the
  theme numbers for ``moved`` (each notat's own numbering); the numbers of rows for ``split``;
  the status code on the side where the goal stands for ``new_goal``/``goal_gone``/``revived``;
  for ``pending`` the other goal's wording on the other side; ``reason`` the notat's own words
  (a gone goal's last remark, a move's remark).
- What a change of wording means: the words of the old wordings no wording (nor, for a headline,
  the remark) of the goal says now are *removed*, the words no old wording said are *added*.
  A revised number is ``target_changed``; words removed *and* added (other words for the same
  goal) or a remark saying it was reworded is ``wording_changed``; a phrase or a word that tells
  goals apart (a group, a setting: pipeline/data/distinctions.csv) added or removed is
  ``scope_changed``; anything else (spelling, order, one plain word) is ``wording_changed``.
- Themes continue by the goals they share (pipeline.transform.themes): a goal has ``moved``
  when it left a theme for one that continues none of its themes, not when its theme was
  renumbered or renamed.
- A goal absent from the previous period but present in an earlier one is ``revived``
  (*genoptaget*), not new; a goal that went on inside another goal's row (merged) is ``merged``
  in the period it went, not gone (``before`` its status, ``after`` the wording it went on in).
- A wording counts as changed when its normalized form changed (pipeline.transform.normalize):
  edits of case, spacing or punctuation alone are not reported; they are mostly extraction noise.
- What a change means is judged here on the wordings, not read from the rule of the link that
  continued the goal (links.csv): a rule says how the goal was found, not what changed. A goal
  continued by its form's goal id, a person's decision or the left-over pairing may have taken
  the wording its notat proposed, and is ``reworded_as_proposed`` all the same; what reconciliation
  decided is read where it is the same decision: ``merged_into`` (merged) and the open questions
  (pending).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from pipeline.model import (
    Change,
    ExtractedDocument,
    Goal,
    GoalPeriodStatus,
    GoalRow,
    OpenQuestion,
    Status,
)
from pipeline.transform.distinctions import kind_of
from pipeline.transform.normalize import normalize_wording
from pipeline.transform.remarks import former_wording, moved_from, says_reworded
from pipeline.transform.similarity import DEFAULT_SETTINGS, ReconcileSettings, likeness
from pipeline.transform.themes import continued_themes

_BILAG_PREFERENCE = {"2": 0, "": 1, "1": 2}


@dataclass
class _Appearance:
    """One goal in one notat: its rows and wordings there."""

    rows: list[GoalRow] = field(default_factory=list)
    wordings: list[tuple[str, str]] = field(default_factory=list)  # (text, bilag), in order

    @property
    def status(self) -> Status:
        statuses = {r.status for r in self.rows}
        if "started" in statuses:
            return "started"
        return "not_started" if "not_started" in statuses else ""

    @property
    def wording(self) -> str:
        order = sorted(
            range(len(self.wordings)), key=lambda i: (_BILAG_PREFERENCE[self.wordings[i][1]], i)
        )
        return self.wordings[order[0]][0]

    @property
    def norms(self) -> set[str]:
        return {normalize_wording(t) for t, _ in self.wordings}

    @property
    def texts(self) -> list[str]:
        return list(dict.fromkeys(t for t, _ in self.wordings))


def _appearances(ordered: list[ExtractedDocument]) -> list[dict[str, _Appearance]]:
    out: list[dict[str, _Appearance]] = []
    for doc in ordered:
        seen: dict[str, _Appearance] = defaultdict(_Appearance)
        for row in sorted(doc.goal_rows, key=lambda r: (r.theme_no, r.row_no)):
            for st in sorted(row.statements, key=lambda s: s.stmt_no):
                app = seen[st.goal_id]
                if not app.rows or app.rows[-1] is not row:
                    app.rows.append(row)
                app.wordings.append((st.text, st.bilag))
        out.append(dict(seen))
    return out


def goal_register(
    ordered: list[ExtractedDocument], merged_into: dict[str, str] | None = None
) -> list[Goal]:
    """One Goal per goal_id, in order of first appearance; ``merged_into`` from reconcile."""
    merged_into = merged_into or {}
    per_doc = _appearances(ordered)
    # each goal's appearances in period order; dict order is the order of first appearance
    appears: dict[str, list[tuple[ExtractedDocument, _Appearance]]] = defaultdict(list)
    for doc, apps in zip(ordered, per_doc, strict=True):
        for goal_id, app in apps.items():
            appears[goal_id].append((doc, app))
    goals: list[Goal] = []
    for goal_id, present in appears.items():
        bilag: dict[str, list[str]] = {"1": [], "2": [], "": []}
        themes: set[int] = set()
        for _, app in present:
            themes.update(r.theme_no for r in app.rows)
            for text, b in app.wordings:
                if text not in bilag[b]:
                    bilag[b].append(text)
        last_doc, last = present[-1]
        goals.append(
            Goal(
                goal_id=goal_id,
                wording=last.wording,
                bilag1_wordings=bilag["1"],
                bilag2_wordings=bilag["2"],
                theme_nos=sorted(themes),
                first_period=present[0][0].document.date,
                last_period=last_doc.document.date,
                latest_status=last.status,
                merged_into=merged_into.get(goal_id, ""),
            )
        )
    return goals


def period_history(ordered: list[ExtractedDocument]) -> list[GoalPeriodStatus]:
    """Each goal's status in every row it stands in, period by period."""
    history: list[GoalPeriodStatus] = []
    for doc, apps in zip(ordered, _appearances(ordered), strict=True):
        for goal_id, app in apps.items():
            for row in app.rows:
                history.append(
                    GoalPeriodStatus(
                        goal_id,
                        doc.document.date,
                        doc.document.doc_id,
                        row.theme_no,
                        row.row_no,
                        row.status,
                        row.remark,
                    )
                )
    return history


def period_changes(
    ordered: list[ExtractedDocument],
    settings: ReconcileSettings = DEFAULT_SETTINGS,
    merged_into: dict[str, str] | None = None,
    questions: Sequence[OpenQuestion] = (),
) -> list[Change]:
    """What changed in each period against the one before it (see module doc)."""
    merged_into = merged_into or {}
    per_doc = _appearances(ordered)
    changes: list[Change] = []
    for k in range(1, len(ordered)):
        period, previous = ordered[k].document.date, ordered[k - 1].document.date
        before, now = per_doc[k - 1], per_doc[k]
        continued = theme_continuation(ordered[k - 1], ordered[k])
        asked = pending_pairs([q for q in questions if q.period == period], before, now)

        def change(
            goal_id, kind, theme_no, wording, old="", new="", reason="", at=(period, previous)
        ):
            changes.append(Change(*at, goal_id, kind, theme_no, wording, old, new, reason))

        for goal_id, app in now.items():
            theme_no = app.rows[0].theme_no
            old = before.get(goal_id)
            if old is None:
                if goal_id in asked:
                    other = before[asked[goal_id]]
                    change(goal_id, "pending", theme_no, app.wording, other.wording, app.status)
                    continue
                earlier = any(goal_id in apps for apps in per_doc[: k - 1])
                change(goal_id, "revived" if earlier else "new_goal", theme_no, app.wording,
                       "", app.status)  # fmt: skip
                continue
            if old.status != app.status:
                change(goal_id, "status_changed", theme_no, app.wording, old.status, app.status)
            moved = _moved(old, app, continued)
            if moved is not None:
                from_theme, to_theme = moved
                says = next((r.remark for r in app.rows if moved_from(r.remark) is not None), "")
                change(goal_id, "moved", to_theme, app.wording, str(from_theme), str(to_theme),
                       says)  # fmt: skip
            split = len(app.rows) > len(old.rows)
            if split:  # before/after: the rows the goal is written in
                change(goal_id, "split", theme_no, app.wording, str(len(old.rows)),
                       str(len(app.rows)))  # fmt: skip
            if old.norms != app.norms:
                absorbed = [
                    t
                    for g, into in merged_into.items()
                    if into == goal_id and g in before
                    for t in before[g].texts
                ]
                for kind in _wording_kinds(old, app, settings, split=split, absorbed=absorbed):
                    gone = [t for t, _ in old.wordings if normalize_wording(t) not in app.norms]
                    came = [t for t, _ in app.wordings if normalize_wording(t) not in old.norms]
                    change(goal_id, kind, theme_no, app.wording, " | ".join(gone),
                           " | ".join(came))  # fmt: skip
        for goal_id, old in before.items():
            if goal_id in now:
                continue
            theme_no = old.rows[0].theme_no
            if goal_id in asked:
                other = now[asked[goal_id]]
                change(goal_id, "pending", theme_no, old.wording, old.status, other.wording)
                continue
            into = now.get(merged_into.get(goal_id, ""))
            if into is not None:
                change(goal_id, "merged", theme_no, old.wording, old.status, into.wording)
            else:
                reason = " ".join(dict.fromkeys(r.remark for r in old.rows if r.remark))
                change(goal_id, "goal_gone", theme_no, old.wording, old.status, "", reason)
    return changes


def pending_pairs(
    questions: Sequence[OpenQuestion],
    before: dict[str, _Appearance] | set[str],
    now: dict[str, _Appearance] | set[str],
) -> dict[str, str]:
    """The goals of one period's open questions that wait for a person, both ways: the goal gone
    and its likeliest partner, each to the other (the first question that names a partner
    takes it)."""
    out: dict[str, str] = {}
    for q in questions:
        partner = q.likeliest
        if partner is None or q.goal_id in out or partner.goal_id in out:
            continue
        if q.goal_id in now or partner.goal_id in before:
            continue  # decided since (a person's decision joined them, or the goal stands)
        out[q.goal_id] = partner.goal_id
        out[partner.goal_id] = q.goal_id
    return out


def theme_continuation(previous: ExtractedDocument, latest: ExtractedDocument) -> dict[int, int]:
    """Theme of ``latest`` -> the theme of ``previous`` it continues (pipeline.transform.themes),
    from the rows of goals that stand in both."""
    old_rows: dict[str, list[int]] = defaultdict(list)
    for r in previous.goal_rows:
        for g in dict.fromkeys(s.goal_id for s in r.statements):
            old_rows[g].append(r.theme_no)
    shared = [
        (max(set(old_rows[g]), key=old_rows[g].count), r.theme_no)
        for r in latest.goal_rows
        for g in dict.fromkeys(s.goal_id for s in r.statements)
        if g in old_rows
    ]
    return continued_themes(
        shared,
        {r.theme_no: r.theme_title for r in previous.goal_rows},
        {r.theme_no: r.theme_title for r in latest.goal_rows},
    )


def _moved(old: _Appearance, app: _Appearance, continued: dict[int, int]) -> tuple[int, int] | None:
    """(old theme, new theme) when the goal left a theme it stood in for one that continues none
    of its themes (numbers as each notat prints them); None when it did not move. A goal that
    stays where it stood and is also written in another theme has not moved."""
    old_themes = {r.theme_no for r in old.rows}
    new_themes = list(dict.fromkeys(r.theme_no for r in app.rows))
    kept = {continued.get(t) for t in new_themes} & old_themes
    left = sorted(old_themes - kept)
    arrived = [t for t in new_themes if continued.get(t) not in old_themes]
    if left and arrived:
        return left[0], arrived[0]
    return None


def _wording_kinds(
    old: _Appearance,
    app: _Appearance,
    settings: ReconcileSettings,
    *,
    split: bool,
    absorbed: Sequence[str] = (),
) -> list[str]:
    """What a change of wording means (module doc): as proposed, a revised target, a part added
    or removed, or an edit that changes nothing."""
    proposals = [r.proposed_text for r in old.rows if r.proposed_text]
    if any(
        likeness(p, text, settings).score >= settings.across_min_score
        for p in proposals
        for text, _ in app.wordings
    ):
        return ["reworded_as_proposed"]
    # the wordings of a goal merged into this one are its wordings, not a change of this goal
    gone_in = {normalize_wording(t) for t in absorbed}
    texts = [t for t in app.texts if normalize_wording(t) not in gone_in]
    if {normalize_wording(t) for t in texts} == old.norms:
        return []
    # a word is removed when no wording of the goal, nor the remark of a row (a headline's
    # detail may stand there), says it now; added when no earlier wording of the goal said it
    new_all = " ".join(texts + [r.remark for r in app.rows if r.remark])
    old_all = " ".join(old.texts)
    removed = [w for t in old.texts for w in likeness(t, new_all, settings).only_left]
    added = [w for t in texts for w in likeness(old_all, t, settings).only_right]
    if any(likeness(old_all, t, settings).revised for t in texts):
        return ["target_changed"]
    says = any(says_reworded(r.remark) or former_wording(r.remark) for r in app.rows)
    if (removed and added) or says:
        return [] if split else ["wording_changed"]  # other words for the same goal
    if _scope(removed) or _scope(added):
        return ["scope_changed"]
    return [] if split else ["wording_changed"]


def _scope(words: list[str]) -> bool:
    """Words added to or removed from a goal make it cover more or less: a phrase (two content
    words or more: "i hele kommunen") or one word that tells goals apart (a group, a setting:
    "for dagplejen"); one other word ("sættes", "give") is an edit of the same goal."""
    return len(words) >= 2 or any(kind_of(w) is not None for w in words)
