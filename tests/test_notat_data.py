"""The transcribed notat data is what every extraction and reconciliation test trusts: check it."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pandas as pd
import pytest

from pipeline.tables import COLUMNS
from pipeline.text import normalize_text
from schemas import validate_table
from tests.fixtures.notat_data import (
    Row,
    StatusNotat,
    Wording,
    expected_soft_problems,
    expected_tables,
    goal_row,
    statement_goals,
    tag_text,
)
from tests.fixtures.status_2020 import JUDGMENT_CALLS, STATUS_2020
from tests.fixtures.status_2021 import (
    DROPPED_GOALS,
    NEW_GOALS,
    REWORDED_GOALS,
    ROW_UPDATES,
    STATUS_2021,
    WORDING_EDITS,
)

# CI clones the repository with shared/ beside it, as on a developer machine.
SEED_2020 = Path(__file__).resolve().parents[2] / "shared" / "seeds" / "000_2bd7f63e8c2d10ef.txt"
NOTATS = {"2020": STATUS_2020, "2021": STATUS_2021}


def _rows(notat: StatusNotat):
    for theme in notat.themes:
        for row_no, row in enumerate(theme.rows, start=1):
            yield theme.no, row_no, row


def _labels(notat: StatusNotat) -> set[str]:
    return set(statement_goals(notat).values())


def _rows_by_label(notat: StatusNotat) -> dict[str, list[tuple[int, int]]]:
    found: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for theme_no, row_no, row in _rows(notat):
        found[row.wordings[0].goal].append((theme_no, row_no))
    return found


def _wording_texts(notat: StatusNotat, goal: str) -> list[str]:
    return [w.text for _, _, r in _rows(notat) for w in r.wordings if w.goal == goal]


# --------------------------------------------------------------------------- the 2020 transcription


def test_2020_counts_agree_with_the_printed_totals_of_the_seed():
    assert {t.no: len(t.rows) for t in STATUS_2020.themes} == {1: 27, 2: 36, 3: 13, 4: 18}
    assert {t.no: t.counted_totals for t in STATUS_2020.themes} == {
        1: (24, 3),
        2: (31, 5),
        3: (12, 1),
        4: (18, 0),
    }
    assert all(t.printed_totals is None for t in STATUS_2020.themes)
    assert STATUS_2020.date_line == "Dato: 28. maj 2020"


@pytest.mark.skipif(not SEED_2020.exists(), reason="the user's seed text is not in this checkout")
def test_2020_transcription_is_found_in_the_seed_text():
    """Every wording (with its tag), remark and proposed text stands in the seed text.

    Two cells are interrupted in the seed (a page break; a remark interleaved with the next
    wording), so for those the words must appear in order rather than contiguously.
    """
    seed = SEED_2020.read_text(encoding="utf-8")
    compact = re.sub(r"\s+", "", seed)
    seed_words = seed.split()
    missing = []
    for theme_no, row_no, row in _rows(STATUS_2020):
        cells = [f"{w.text} {tag_text(w)}" for w in row.wordings]
        cells += [c for c in (row.remark, row.proposed_text) if c]
        for cell in cells:
            if re.sub(r"\s+", "", cell) in compact:
                continue
            if not _words_in_order(cell.split(), seed_words, max_gap=60):
                missing.append((theme_no, row_no, cell[:50]))
    assert missing == []


def _words_in_order(words: list[str], haystack: list[str], max_gap: int) -> bool:
    for start in (i for i, w in enumerate(haystack) if w == words[0]):
        pos = start
        for word in words[1:]:
            window = haystack[pos + 1 : pos + 1 + max_gap]
            if word not in window:
                break
            pos += 1 + window.index(word)
        else:
            return True
    return False


def test_all_text_is_whitespace_normalized_and_carries_no_bilag_tag():
    for notat in NOTATS.values():
        assert normalize_text(notat.intro) == notat.intro
        for theme in notat.themes:
            assert normalize_text(theme.title) == theme.title
        for _, _, row in _rows(notat):
            for text in (row.remark, row.proposed_text, *(w.text for w in row.wordings)):
                assert normalize_text(text) == text
                assert "(bilag" not in text.lower()
            assert all(w.text for w in row.wordings)


def test_the_wordings_of_one_row_share_one_goal_label():
    for notat in NOTATS.values():
        for theme_no, row_no, row in _rows(notat):
            assert len({w.goal for w in row.wordings}) == 1, (theme_no, row_no)


def test_goal_labels_recur_across_rows_only_where_the_same_goal_is_written_again():
    recurring = {g for g, rows in _rows_by_label(STATUS_2020).items() if len(rows) > 1}
    assert recurring == {
        "t1-sunde-ejendomme",  # identical wording, bilag 1 row and bilag 2 row
        "t1-klar-til-barn",
        "t1-liva-app",  # Tema 1 and Tema 3
        "t2-roegfri-arbejdsplads",  # Tema 2 and Tema 3, identical wording
        "t2-ekstra-hjemmebesoeg",
        "t2-seks-hjemmebesoeg",
        "t2-samtaler-6-13",
    }
    assert set(JUDGMENT_CALLS) <= _labels(STATUS_2020)


def test_look_alike_goals_keep_different_labels():
    goals_2021 = {w.text: w.goal for _, _, r in _rows(STATUS_2021) for w in r.wordings}
    look_alikes = [
        (
            "Færre borgere i Ringsted Kommune får diabetes",
            "Færre borgere i Ringsted Kommune får forhøjet blodtryk",
            "Færre borgere i Ringsted Kommune får KOL",
        ),
        (
            "Øgede indsatser over for børn og unge med særlige behov med fokus på den mentale "
            "sundhed",
            "Øgede indsatser over for børn og unge med særlige behov med fokus på den fysiske "
            "motion",
        ),
        (
            "Fremme sammenhæng mellem fysisk sundhed og jobparathed ved at vejlede om og styrke "
            "motivation til deltagelse i misbrugsbehandling",
            "Fremme sammenhæng mellem mental sundhed og jobparathed ved at vejlede om og styrke "
            "motivation til deltagelse i psykologisk rådgivning",
        ),
    ]
    goals_2020 = {w.text: w.goal for _, _, r in _rows(STATUS_2020) for w in r.wordings}
    for group in look_alikes:
        labels = [goals_2021.get(text) or goals_2020[text] for text in group]
        assert len(set(labels)) == len(group), group


def test_the_x_inside_a_remark_is_not_a_mark():
    remark = STATUS_2020.theme(2).rows[3].remark
    assert remark.endswith("app’en X-hale")
    assert STATUS_2020.theme(2).rows[3].status == "started"


# --------------------------------------------------------------------------- the 2021 period


def test_2021_drops_every_row_2020_proposed_dropped():
    assert {
        "t1-kortere-vej",
        "t1-tilbudskatalog",
        "t2-screeningsmodeller",
        "t2-saerlige-behov-motion",
        "t2-overblik-tiltag",
        "t4-klinisk-funktion",  # "foreslås udgået" in the middle of the remark
    } == DROPPED_GOALS
    assert DROPPED_GOALS.isdisjoint(_labels(STATUS_2021))


def test_2021_rewords_goals_as_2020_proposed_under_the_same_label():
    assert {"t2-madpakke-folder", "t2-madpakke-emnebank"} == REWORDED_GOALS
    proposed = {
        r.wordings[0].goal: r.proposed_text for _, _, r in _rows(STATUS_2020) if r.proposed_text
    }
    for goal in REWORDED_GOALS:
        assert _wording_texts(STATUS_2021, goal) == [proposed[goal]]
    assert all(r.proposal != "reword" for _, _, r in _rows(STATUS_2021))


def test_2021_every_named_edit_hits_a_2020_row():
    """A typo in an edit's key would silently leave the 2021 fixture unedited."""
    labels_2020 = _labels(STATUS_2020)
    assert set(ROW_UPDATES) <= labels_2020
    for goal, old_text in WORDING_EDITS:
        assert old_text in _wording_texts(STATUS_2020, goal), (goal, old_text)
    for goal, old_text in WORDING_EDITS:
        assert old_text not in _wording_texts(STATUS_2021, goal)
        assert WORDING_EDITS[goal, old_text] in _wording_texts(STATUS_2021, goal)


def test_2021_new_goals_have_labels_unknown_in_2020_and_are_untagged():
    assert {
        "t1-faerre-kol",
        "t3-sygemeldtes-mentale-sundhed",
        "t5-ensomhed-aeldre",
        "t5-genoptage-holdtraening",
        "t5-digitale-tilbud",
        "t5-foreningslivets-genaabning",
    } == NEW_GOALS
    new_wordings = [w for _, _, r in _rows(STATUS_2021) for w in r.wordings if w.goal in NEW_GOALS]
    assert new_wordings and all(w.bilag == "" for w in new_wordings)
    assert [t.no for t in STATUS_2021.themes] == [1, 2, 3, 4, 5]
    assert _rows_by_label(STATUS_2021)["t2-angst-depression"] == [(2, 2), (5, 5)]


def test_2021_statuses_changed_in_both_directions():
    def status(notat, goal):
        return {r.wordings[0].goal: r.status for _, _, r in _rows(notat)}[goal]

    assert status(STATUS_2020, "t1-alkohol-opsporing") == "not_started"
    assert status(STATUS_2021, "t1-alkohol-opsporing") == "started"
    assert status(STATUS_2020, "t2-legeland") == "started"
    assert status(STATUS_2021, "t2-legeland") == "not_started"


def test_2021_carries_the_soft_problems_extraction_must_report():
    rows = [r for _, _, r in _rows(STATUS_2021)]
    assert any(r.mark == "x" for r in rows)
    assert sum(r.status == "" for r in rows) == 1
    assert sum(r.status == "both" for r in rows) == 1
    mismatched = [t.no for t in STATUS_2021.themes if t.totals_to_print != t.counted_totals]
    assert mismatched == [1]
    assert STATUS_2021.date_line == "Dato: 3. juni 2021"


# --------------------------------------------------------------------------- expected tables


@pytest.mark.parametrize("period", sorted(NOTATS))
def test_expected_tables_satisfy_the_contract_schemas(period):
    tables = expected_tables(NOTATS[period], "doc" + period)
    for name, rows in tables.items():
        frame = pd.DataFrame(rows)
        columns = [c for c in COLUMNS[name] if c not in ("page_first", "page_last")]
        assert list(frame.columns) == columns
        if name == "goal_rows":
            frame = frame.assign(page_first=1, page_last=1)
        validate_table(name, frame)


def test_expected_tables_report_two_marks_as_empty_status_counted_in_both_columns():
    tables = expected_tables(STATUS_2021, "d")
    theme_4 = STATUS_2021.theme(4)
    both_row_no = next(i for i, r in enumerate(theme_4.rows, 1) if r.status == "both")
    row = next(r for r in tables["goal_rows"] if (r["theme_no"], r["row_no"]) == (4, both_row_no))
    assert row["status"] == ""
    totals = next(t for t in tables["theme_totals"] if t["theme_no"] == 4)
    assert (totals["counted_started"], totals["counted_not_started"]) == (17, 1)


def test_expected_tables_give_proposals_as_the_contract_defines_them():
    rows = expected_tables(STATUS_2020, "d")["goal_rows"]
    by_key = {(r["theme_no"], r["row_no"]): r for r in rows}
    assert by_key[2, 16]["proposal"] == "reword"
    assert by_key[2, 16]["proposed_text"].startswith("Der sættes fokus på den sunde madpakke")
    assert by_key[4, 3]["proposal"] == "drop"
    assert by_key[1, 1]["proposal"] == ""
    assert sum(r["proposal"] == "drop" for r in rows) == 6
    totals = expected_tables(STATUS_2021, "d")["theme_totals"][0]
    assert (totals["reported_started"], totals["reported_not_started"]) == (24, 2)
    assert (totals["counted_started"], totals["counted_not_started"]) == (25, 1)


def test_statement_goals_key_every_expected_statement():
    statements = expected_tables(STATUS_2020, "d")["goal_statements"]
    keys = {(s["theme_no"], s["row_no"], s["stmt_no"]) for s in statements}
    assert keys == set(statement_goals(STATUS_2020))
    assert statement_goals(STATUS_2020)[1, 1, 2] == "t1-alkohol-opsporing"


def test_tags_print_as_the_notat_prints_them():
    kostpolitik = STATUS_2020.theme(2).rows[13].wordings
    assert [tag_text(w) for w in kostpolitik] == ["(Bilag 2)", "(bilag 2)", "(bilag 2)"]
    assert tag_text(Wording("Nyt mål", "", "g")) == ""


def test_bad_fixture_data_is_refused():
    with pytest.raises(ValueError, match="status"):
        goal_row("g", ("Mål", "1"), status="done")
    with pytest.raises(ValueError, match="bilag"):
        Wording("Mål", "3", "g")
    with pytest.raises(ValueError, match="at least one wording"):
        Row(wordings=(), status="started")


def test_soft_problems_are_where_the_2021_fixture_put_them():
    assert expected_soft_problems(STATUS_2020) == []
    problems = expected_soft_problems(STATUS_2021)
    kinds = [p[2] for p in problems]
    assert kinds.count("untagged") == 6
    assert ("t3-walk-and-talk", "no_mark") in {
        (statement_goals(STATUS_2021)[t, r, 1], k) for t, r, k in problems if r is not None
    }
    assert ("t4-videndeling", "two_marks") in {
        (statement_goals(STATUS_2021)[t, r, 1], k) for t, r, k in problems if r is not None
    }
    assert (1, None, "totals_mismatch") in problems
