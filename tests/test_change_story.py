"""The council is told what changed, and nothing that is not known (issue 24).

The test of its own: the four transcribed periods (2020, 2021, a 2022 notat by a new secretary,
a 2023 notat restructured by a new coordinator), no overrides, with split, merged, moved,
revised-number, typo, revived and doubtful goals each labelled (tests/fixtures/status_2022.py,
status_2023.py ``EXPECTED_CHANGES``). ``changes.csv`` must give every labelled change its kind;
the report's overview must add up in every theme, its markers equal its counts, and no pending
pair may be told as gone and new. The summary and change lists as the council reads them are
golden text (tests/golden/aendringer_2023.txt; ``make golden`` rewrites it).
"""

from __future__ import annotations

from collections import Counter, defaultdict

import pytest

from pipeline.transform import Reconciled, build_report, reconcile
from pipeline.wording import ROW_MARKERS
from pipeline.write.layout import Heading, Para, Table, report_layout, review_layout
from tests.fixtures.status_2020 import STATUS_2020
from tests.fixtures.status_2021 import DROPPED_GOALS, STATUS_2021
from tests.fixtures.status_2022 import STATUS_2022
from tests.fixtures.status_2023 import DOUBTFUL, EXPECTED_CHANGES, STATUS_2023
from tests.fixtures.to_model import extracted_document, goal_labels
from tests.test_reports import _check_golden

NOTATS = (STATUS_2020, STATUS_2021, STATUS_2022, STATUS_2023)
D2021, D2023 = STATUS_2021.date.isoformat(), STATUS_2023.date.isoformat()
# goals the rules leave to a person (tests/test_reconcile_2023.py): told as pending, or, once
# decided, as labelled
ASKED = frozenset(DOUBTFUL) | {"t4-flere-i-rehabilitering", "t4-misbrugsbehandling"}


@pytest.fixture(scope="module")
def rec() -> Reconciled:
    return reconcile([extracted_document(n) for n in NOTATS])


@pytest.fixture(scope="module")
def labels():
    return {k: v for n in NOTATS for k, v in goal_labels(n).items()}


@pytest.fixture(scope="module")
def report(rec):
    built = build_report(rec, [])
    assert built is not None
    return built[0]


def _kinds_by_label(rec, labels, period: str) -> dict[str, set[str]]:
    label_of = defaultdict(set)
    for d in rec.documents:
        for s in d.statements:
            label_of[s.goal_id].add(labels[(s.doc_id, s.theme_no, s.row_no, s.stmt_no)])
    out: dict[str, set[str]] = defaultdict(set)
    for c in rec.changes:
        if c.period == period:
            for label in label_of[c.goal_id]:
                out[label].add(c.kind)
    return out


def test_every_labelled_change_is_told_by_its_kind(rec, labels):
    got = _kinds_by_label(rec, labels, D2023)
    wrong = {}
    for label in set(got) | set(EXPECTED_CHANGES):
        expected = set(EXPECTED_CHANGES.get(label, ()))
        told = got.get(label, set())
        if label in ASKED and told == {"pending"}:
            continue  # doubt stays doubt: asked, not told as a fact
        if told != expected:
            wrong[label] = (sorted(expected), sorted(told))
    assert wrong == {}
    kinds = Counter(k for told in got.values() for k in told)
    print(f"2023 changes by kind: {dict(sorted(kinds.items()))}")
    for kind in ("target_changed", "scope_changed", "wording_changed", "moved", "pending",
                 "split", "merged", "revived", "goal_gone", "new_goal", "status_changed"):  # fmt: skip
        assert kinds[kind], kind


def test_a_revised_number_is_a_target_change_never_a_wording_fix(rec):
    revised = {
        (c.before, c.after): c.kind
        for c in rec.changes
        if "hjemmebesøg" in c.wording or "besøg" in c.wording or "%" in c.wording
    }
    targets = [k for k in revised.values() if k == "target_changed"]
    assert len(targets) >= 4  # 6 → 5 (twice), 40-50 % → 50-60 %, 5 → 4, 50-60 % → mindst 65 %
    assert "wording_changed" not in {
        c.kind for c in rec.changes if c.kind != "new_goal" and "hjemmebesøg" in c.wording
    }


def test_a_typo_the_new_notat_introduces_is_a_wording_change_not_a_fix(report):
    fixed = {c.after: c for c in report.wording_fixes}
    for typo in ("Faste aktivitesdage i børnehaverne",
                 "Fokus på flygtinges og familiesammenførtes sundhed"):  # fmt: skip
        assert typo in fixed and fixed[typo].kind == "wording_changed"
    told = " ".join(report.summary)
    assert "rettet" not in told and "rettelser" not in told


def test_the_overview_adds_up_in_every_theme_in_rows(report):
    for line in report.overview:
        assert line.total == (
            line.previous_total
            + line.new_goals
            - line.gone
            + line.moved_in
            - line.moved_out
            + line.regrouped
        ), line.label
    total = report.overview[-1]
    themes = [line for line in report.overview if not line.is_total]
    for name in ("previous_total", "new_goals", "gone", "moved_in", "moved_out", "regrouped"):
        assert getattr(total, name) == sum(getattr(line, name) for line in themes), name
    # last period's count is last report's: the rows of the 2022 notat
    assert total.previous_total == sum(len(t.rows) for t in STATUS_2022.themes)
    assert total.total == sum(len(t.rows) for t in STATUS_2023.themes)
    # one unit: the summary's total is the overview's, in rows
    assert f"Af i alt {total.total} mål" in report.summary[-1]


def test_markers_equal_the_counts(report):
    by_theme = {line.short_label: line for line in report.overview}
    marked = Counter()
    for t in report.themes:
        line = by_theme[f"Tema {t.theme_no}"]
        counts = Counter(m for r in t.rows for m in r.markers)
        assert counts[ROW_MARKERS["new_goal"]] + counts[ROW_MARKERS["revived"]] == line.new_goals
        assert counts[ROW_MARKERS["revived"]] == line.revived
        assert counts[ROW_MARKERS["moved"]] == line.moved_in
        assert counts[ROW_MARKERS["pending"]] == line.pending
        assert counts[ROW_MARKERS["status_changed"]] == (
            line.newly_started
            + line.newly_not_started
            + sum(1 for r in t.rows if ROW_MARKERS["status_changed"] in r.markers and not r.status)
        )
        marked += counts
    summary = " ".join(report.summary)
    total = report.overview[-1]
    assert f"{total.new_goals} nye (heraf {total.revived} genoptaget)" in summary
    assert f"{total.moved_in} flyttet til et andet tema" in summary
    # the rows whose target or scope changed are named one by one in the summary
    named = sum(
        int(sentence.split()[0])
        for sentence in report.summary
        if " mål har fået nye måltal" in sentence
        or " mål har fået et nyt måltal" in sentence
        or " mål dækker nu mere eller mindre" in sentence
    )
    assert marked[ROW_MARKERS["goal_changed"]] == named == 5


def test_no_pending_pair_is_told_as_gone_and_new(rec, report):
    pending = {c.goal_id for c in rec.changes if c.period == D2023 and c.kind == "pending"}
    assert len(pending) == 6  # three questions, two goals each
    told = {c.goal_id: c.kind for c in rec.changes if c.period == D2023 and c.goal_id in pending}
    assert set(told.values()) == {"pending"}
    listed = [c for c in report.changes if c.kind in ("goal_gone", "new_goal")]
    pending_wordings = {c.wording for c in report.changes if c.kind == "pending"}
    assert pending_wordings and not pending_wordings & {c.wording for c in listed}
    summary = " ".join(report.summary)
    assert "3 spørgsmål afventer administrationens afklaring" in summary
    assert report.overview[-1].pending == 3
    # and the question is in the workbook, numbered as in the working paper
    asked = [q for q in report.questions if q.kind == "likely_miss"]
    assert len(asked) == 3 and [q.number for q in asked] == [1, 2, 3]


def test_a_gone_goal_carries_the_notats_reason(rec):
    gone = [c for c in rec.changes if c.period == D2021 and c.kind == "goal_gone"]
    assert len(gone) == len(DROPPED_GOALS)
    assert all("foreslås udgået" in c.reason.casefold() for c in gone)


def test_a_move_names_the_themes_and_a_renumbered_theme_moves_nothing(report):
    moved = [c for c in report.changes if c.kind == "moved"]
    assert ("Tema 1 – Sundhedstilbud og sunde rammer", "Tema 2 – Børn og familier") in {
        (c.before, c.after) for c in moved
    }
    # Tema 5 (rehabilitation) became Tema 5 of 2023 renumbered from 4: none of its goals moved
    assert not [c for c in moved if c.after.startswith("Tema 5")]
    formerly = {line.short_label: line.formerly for line in report.overview}
    assert formerly["Tema 4"] == "Tema 3 – Det sunde arbejdsliv"
    assert formerly["Tema 3"] == ""  # a new theme


def _text(blocks) -> str:
    out = []
    for b in blocks:
        if isinstance(b, Heading):
            out.append(f"{'#' * max(b.level, 1)} {b.text}")
        elif isinstance(b, Para):
            out.append(b.text)
        elif isinstance(b, Table):
            out.append(" | ".join(" / ".join(ln.text for ln in c.lines) for c in b.header))
            out += [
                " | ".join(" / ".join(ln.text for ln in c.lines) for c in r.cells) for r in b.rows
            ]
    return "\n".join(out) + "\n"


def test_golden_text_of_the_summary_overview_and_change_lists(report):
    blocks = report_layout(report).blocks
    titles = [b.text if isinstance(b, Heading) else None for b in blocks]
    shown = blocks[titles.index("Sammenfatning") : titles.index("Status pr. tema")]
    paper = review_layout(report).blocks
    paper_titles = [b.text if isinstance(b, Heading) else None for b in paper]
    questions = paper[
        paper_titles.index("Spørgsmål til afklaring") : paper_titles.index(
            "Mål, der står flere steder"
        )
    ]
    _check_golden("aendringer_2023.txt", _text([*shown, *questions]))
