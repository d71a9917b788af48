"""Goals keep their identity through three periods (issue 15): 2020, 2021 and a 2022 notat by a
new secretary (tests/fixtures/status_2022.py) with split and merged rows, revised targets,
synonyms, revived goals and near misses, reconciled without overrides.

The measure counts pairs of statements: a pair of one goal label is a true link when the two
statements share a goal id, or their ids are joined by a recorded merge (``Goal.merged_into``:
one row continues two goals, and the earlier ids are kept). Of the judgment calls of 2020
(``JUDGMENT_CALLS``) only the one no rule can settle is left out (``SKIPPED``); the two that
2022 merges are measured: the merge settles them.
"""

from __future__ import annotations

import dataclasses
import itertools
from pathlib import Path

import pytest

from pipeline.transform import Reconciled, reconcile
from tests.fixtures.status_2020 import JUDGMENT_CALLS, STATUS_2020
from tests.fixtures.status_2021 import STATUS_2021
from tests.fixtures.status_2022 import (
    MERGES,
    NEAR_MISSES,
    REVISED_TARGETS,
    REVIVED_GOALS,
    SPLITS,
    STATUS_2022,
    SYNONYM_EDITS,
)
from tests.fixtures.to_model import extracted_document, goal_labels

NOTATS = (STATUS_2020, STATUS_2021, STATUS_2022)
D2021, D2022 = STATUS_2021.date.isoformat(), STATUS_2022.date.isoformat()
# The goal each notat writes in two rows with no words in common but their subject (see
# JUDGMENT_CALLS): no rule joins them, goal_overrides.csv does. Every other label is measured,
# 'Klar til barn' (bilag 1 and bilag 2 rows of one goal) included.
SKIPPED = frozenset({"t2-seks-hjemmebesoeg"})
assert set(JUDGMENT_CALLS) >= SKIPPED


@pytest.fixture(scope="module")
def docs():
    return [extracted_document(n) for n in NOTATS]


@pytest.fixture(scope="module")
def labels():
    return {k: v for n in NOTATS for k, v in goal_labels(n).items()}


@pytest.fixture(scope="module")
def rec(docs) -> Reconciled:
    return reconcile(docs)


def _ids(rec: Reconciled) -> dict[tuple, str]:
    return {
        (s.doc_id, s.theme_no, s.row_no, s.stmt_no): s.goal_id
        for d in rec.documents
        for s in d.statements
    }


def _resolved(rec: Reconciled):
    into = {g.goal_id: g.merged_into for g in rec.goals if g.merged_into}

    def resolve(goal_id: str) -> str:
        while goal_id in into:
            goal_id = into[goal_id]
        return goal_id

    return resolve


def _ids_by_label(rec, labels, period: str | None = None) -> dict[str, set[str]]:
    dates = {d.document.doc_id: d.document.date for d in rec.documents}
    out: dict[str, set[str]] = {}
    for key, goal_id in _ids(rec).items():
        if period is None or dates[key[0]] == period:
            out.setdefault(labels[key], set()).add(goal_id)
    return out


def pair_counts(rec: Reconciled, labels: dict, *, through_merges: bool = True):
    resolve = _resolved(rec) if through_merges else (lambda g: g)
    ids = _ids(rec)
    tp = fp = fn = 0
    for a, b in itertools.combinations(sorted(ids), 2):
        if labels[a] in SKIPPED or labels[b] in SKIPPED:
            continue
        same_label, same_goal = labels[a] == labels[b], resolve(ids[a]) == resolve(ids[b])
        tp += same_label and same_goal
        fp += same_goal and not same_label
        fn += same_label and not same_goal
    return tp, fp, fn


def test_three_periods_recall_one_and_no_false_link_without_overrides(rec, labels):
    tp, fp, fn = pair_counts(rec, labels)
    strict = pair_counts(rec, labels, through_merges=False)
    print(
        f"three periods: {tp} true links, {fp} false, {fn} missed (recall {tp / (tp + fn):.3f}); "
        f"by goal id alone, merges not followed: {strict[0]} true, {strict[1]} false, "
        f"{strict[2]} missed"
    )
    assert (fp, fn) == (0, 0)
    assert tp > 500


def test_split_row_both_rows_continue_the_goal(rec, labels):
    by_label = _ids_by_label(rec, labels)
    for goal in SPLITS:
        assert len(by_label[goal]) == 1, goal
    # each split is found once: as a split of the 2021 goal, or (a bilag 1 row beside its bilag 2
    # row) as one goal written twice in the 2022 notat
    found = {
        labels[(lk.right_doc_id, lk.right_theme_no, lk.right_row_no, lk.right_stmt_no)]
        for lk in rec.links
        if lk.rule in ("split", "bilag_pair") and lk.decision == "linked"
    }
    assert found >= set(SPLITS)


def test_merged_rows_keep_their_earlier_ids_and_record_the_merge(docs, rec, labels):
    """Two 2021 rows of one goal written as one row in 2022: where the rules did not already
    join the two rows as one goal (the talks' bilag 1 and bilag 2 rows are: the shorter
    wording's words all stand in the longer), the row continues both, and the earlier ids stay."""
    before = _ids(reconcile(docs[:2]))
    after = _ids(rec)
    assert before == {k: v for k, v in after.items() if k in before}
    goals = {g.goal_id: g for g in rec.goals}
    merges = 0
    for goal in MERGES:
        earlier = _ids_by_label(rec, labels, D2021)[goal]
        (now,) = _ids_by_label(rec, labels, D2022)[goal]
        assert now in earlier, goal
        if len(earlier) == 1:
            continue  # one goal already: nothing to merge
        (gone,) = earlier - {now}
        assert goals[gone].merged_into == now
        merged = [c for c in rec.changes if c.goal_id == gone and c.period == D2022]
        assert [c.kind for c in merged] == ["merged"]
        assert merged[0].after == goals[now].wording
        merges += 1
    assert merges == 1  # the extra home visits; the talks are one goal since 2020
    assert sum(lk.rule == "merged" for lk in rec.links) == merges


@pytest.mark.parametrize(
    ("goal", "old", "new"), [(g, o, n) for (g, o), n in REVISED_TARGETS.items()]
)
def test_revised_target_number_keeps_the_goal(rec, goal, old, new):
    resolve = _resolved(rec)
    texts = {
        (s.doc_id, s.theme_no, s.row_no, s.stmt_no): s.text
        for d in rec.documents
        for s in d.statements
    }
    ids = {(d.document.date, s.text): s.goal_id for d in rec.documents for s in d.statements}
    assert resolve(ids[(D2021, old)]) == resolve(ids[(D2022, new)])
    goal_of = {
        (s.doc_id, s.theme_no, s.row_no, s.stmt_no): resolve(s.goal_id)
        for d in rec.documents
        for s in d.statements
    }
    goal = resolve(ids[(D2022, new)])
    # the goal's link from 2021 to 2022 names the revised target (through whichever of its
    # wordings it was made)
    links = [
        lk
        for lk in rec.links
        if lk.decision == "linked"
        and texts[(lk.right_doc_id, lk.right_theme_no, lk.right_row_no, lk.right_stmt_no)]
        in {s.text for d in rec.documents if d.document.date == D2022 for s in d.statements}
        and goal_of[(lk.left_doc_id, lk.left_theme_no, lk.left_row_no, lk.left_stmt_no)] == goal
        and goal_of[(lk.right_doc_id, lk.right_theme_no, lk.right_row_no, lk.right_stmt_no)] == goal
        and lk.left_doc_id != lk.right_doc_id
    ]
    assert any("revised target" in lk.evidence for lk in links), (old, new)


@pytest.mark.parametrize(
    ("goal", "look_alike"),
    [
        ("t2-samtaler-14-16", "t2-samtaler-6-13"),
        ("t2-seks-hjemmebesoeg-1-2", "t2-seks-hjemmebesoeg"),
    ],
)
def test_number_of_a_target_group_is_another_goal(rec, labels, goal, look_alike):
    by_label = _ids_by_label(rec, labels)
    assert by_label[goal].isdisjoint(by_label[look_alike])
    assert any(c.kind == "new_goal" and c.goal_id in by_label[goal] for c in rec.changes)


@pytest.mark.parametrize(("goal", "old", "new"), [(g, o, n) for (g, o), n in SYNONYM_EDITS.items()])
def test_synonym_or_abbreviation_keeps_the_goal(rec, goal, old, new):
    texts = {(d.document.date, s.text): s.goal_id for d in rec.documents for s in d.statements}
    assert texts[(D2021, old)] == texts[(D2022, new)]


def test_revived_goal_keeps_its_id_and_is_genoptaget(rec, labels):
    by_2022 = _ids_by_label(rec, labels, D2022)
    by_2020 = _ids_by_label(rec, labels, STATUS_2020.date.isoformat())
    for goal in REVIVED_GOALS:
        assert by_2022[goal] == by_2020[goal], goal
        (goal_id,) = by_2022[goal]
        kinds = [c.kind for c in rec.changes if c.goal_id == goal_id and c.period == D2022]
        assert kinds == ["revived"], goal
    revived = [lk for lk in rec.links if "revived" in lk.evidence]
    assert len(revived) == len(REVIVED_GOALS)
    assert all("next period's notat" not in lk.evidence for lk in revived)


@pytest.mark.parametrize(
    ("goal", "look_alike", "reason"),
    [(g, v[1], v[3]) for g, v in NEAR_MISSES.items()],
    ids=list(NEAR_MISSES),
)
def test_near_miss_stays_a_goal_of_its_own(rec, labels, goal, look_alike, reason):
    by_label = _ids_by_label(rec, labels)
    assert len(by_label[goal]) == 1
    assert by_label[goal].isdisjoint(by_label[look_alike]), reason
    assert sum(1 for ids in by_label.values() if ids & by_label[goal]) == 1


def test_ids_stable_when_2022_is_added_and_when_files_are_renamed(docs, rec):
    before = _ids(reconcile(docs[:2]))
    assert before == {k: v for k, v in _ids(rec).items() if k in before}
    renamed = [
        dataclasses.replace(
            d, document=dataclasses.replace(d.document, file=f"notat {i} (kopi).pdf")
        )
        for i, d in enumerate(reversed(docs))
    ]
    assert _ids(reconcile(renamed)) == _ids(rec)


def test_overrides_hold_on_goals_after_both_wordings_are_edited(docs, labels, tmp_path):
    """The shipped overrides name 2020 wordings; 2022 revises both wordings of the six home
    visits (6 → 5) and merges the talks' two rows: every decision still holds, every pair of the
    three periods is right, the judgment calls included."""
    shipped = (Path(__file__).resolve().parents[1] / "goal_overrides.csv").read_text("utf-8")
    path = tmp_path / "goal_overrides.csv"
    path.write_text(shipped, encoding="utf-8")
    out = reconcile(docs, overrides=path)
    by_label = _ids_by_label(out, labels)
    for goal in ("t2-seks-hjemmebesoeg", "t2-samtaler-6-13", "t2-ekstra-hjemmebesoeg"):
        assert len(by_label[goal]) == 1, goal
    ids = _ids(out)
    wrong = [
        (labels[a], labels[b])
        for a, b in itertools.combinations(sorted(ids), 2)
        if (labels[a] == labels[b]) != (ids[a] == ids[b])
    ]
    assert wrong == []


def test_override_same_holds_on_goals_whose_wording_changed_since(docs, tmp_path):
    """A decision names a 2020 wording that 2021 edited (alkohol vaner → alkoholvaner) and a
    goal new in 2022: the goal of the first wording, whatever it reads now, is joined."""
    old = (
        "Kompetenceudvikling af kommunens frontmedarbejdere til at spørge systematisk til "
        "alkohol vaner"
    )
    new = "Unges alkoholvaner"
    path = tmp_path / "goal_overrides.csv"
    path.write_text(f"same,{old},{new}\n", encoding="utf-8")
    out = reconcile(docs, overrides=path)
    ids = {(d.document.date, s.text): s.goal_id for d in out.documents for s in d.statements}
    assert ids[(D2022, new)] == ids[(STATUS_2020.date.isoformat(), old)]
    assert any("on the goals" in lk.evidence for lk in out.links if lk.rule == "override")
    # and the ids of the earlier periods did not move
    before = _ids(reconcile(docs[:2], overrides=path))
    assert before == {k: v for k, v in _ids(out).items() if k in before}


def test_override_different_holds_on_goals_after_a_rewording(docs, tmp_path):
    """'different' on the 2021 wording of a goal keeps its 2022 synonym rewording apart too."""
    path = tmp_path / "goal_overrides.csv"
    path.write_text(
        "different,Tryghed i trafikken for skolebørn,Tryghed i trafikken for skoleelever\n",
        encoding="utf-8",
    )
    out = reconcile(docs, overrides=path)
    ids = {(d.document.date, s.text): s.goal_id for d in out.documents for s in d.statements}
    assert (
        ids[(D2022, "Tryghed i trafikken for skoleelever")]
        != ids[(D2021, "Tryghed i trafikken for skolebørn")]
    )
