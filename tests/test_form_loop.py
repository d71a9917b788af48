"""The period's loop through the form: the report's statusskema goes out as Word, comes back as
Word (filled in by one unit or split between several), and is read as the next period.

The forms are those ``report`` writes; they are filled in by ``tests.fixtures.fill_form`` as a
unit leader fills them in Word (check boxes, remarks, the I alt counts, the date), and dropped
into the input folder beside the notat the form was made from.
"""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.extract import extract_docx
from tests.fixtures.fill_form import FormRow, fill_form, form_rows
from tests.fixtures.render import fixture_pdf, missing_program

_DATE, _ISO = "3. juni 2021", "2021-06-03"


def _report(folder: Path, out: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pipeline", "report", "--input", str(folder), "--output", str(out)],
        capture_output=True, text=True,
    )  # fmt: skip


@pytest.fixture(scope="module")
def blank_form(tmp_path_factory) -> Path:
    """The form the 2020 notat's report writes (statusskema_2020-05-28.docx)."""
    root = tmp_path_factory.mktemp("form")
    (root / "in").mkdir()
    shutil.copy(fixture_pdf("docx", "status_2020"), root / "in" / "status_2020-05-28.pdf")
    run = _report(root / "in", root / "out")
    assert run.returncode == 0, run.stderr
    return root / "out" / "statusskema_2020-05-28.docx"


def _plan(rows: list[FormRow]) -> dict[tuple[int, str], str]:
    """A status for every row: every third not started, the rest started."""
    return {r.key: "not_started" if i % 3 == 0 else "started" for i, r in enumerate(rows)}


def _period_rows(out: Path, day: str) -> list[dict]:
    tables = out / "tables"
    with open(tables / "documents.csv", encoding="utf-8") as f:
        doc_id = next(d["doc_id"] for d in csv.DictReader(f) if d["date"] == day)
    with open(tables / "goal_rows.csv", encoding="utf-8") as f:
        return [r for r in csv.DictReader(f) if r["doc_id"] == doc_id]


def _findings(out: Path) -> list[dict]:
    with open(out / "tables" / "findings.csv", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(fixture_pdf("docx", "status_2020"), folder / "status_2020-05-28.pdf")
    return folder


def test_the_form_is_a_word_form_to_fill_in(blank_form):
    """Check boxes in the status cells, fields for remark, I alt and date, each row's goal ids
    in its goal cell, the document protected for filling in."""
    import zipfile

    with zipfile.ZipFile(blank_form) as z:
        document = z.read("word/document.xml").decode()
        settings = z.read("word/settings.xml").decode()
    rows = form_rows(blank_form)
    assert len(rows) == 88 and all(r.goal_ids.startswith("G-") for r in rows)
    assert document.count("<w14:checkbox") == 2 * len(rows)
    assert 'w:edit="forms"' in settings and 'w:enforcement="1"' in settings
    blank = extract_docx(blank_form)  # read back unfilled: no mark, no date, every id
    assert blank.document.form_based_on == "2020-05-28" and blank.document.date == ""
    assert not any(r.status for r in blank.goal_rows)
    assert [r.form_goal_id for r in blank.goal_rows] == [r.goal_ids for r in rows]


def test_a_form_filled_in_word_gives_the_next_periods_rows_marks_and_remarks(blank_form, tmp_path):
    rows = form_rows(blank_form)
    plan = _plan(rows)
    remarks = {rows[0].key: "Kurset er holdt to gange.", rows[5].key: "Afventer budget."}
    folder = _folder(tmp_path)
    fill_form(blank_form, folder / "statusskema_udfyldt.docx", marks=plan, remarks=remarks,
              date=_DATE)  # fmt: skip
    run = _report(folder, tmp_path / "out")
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "out" / f"statusrapport_{_ISO}.docx").exists()
    got = _period_rows(tmp_path / "out", _ISO)
    assert [r["status"] for r in got] == [plan[r.key] for r in rows]
    assert (
        got[0]["remark"] == "Kurset er holdt to gange." and got[5]["remark"] == "Afventer budget."
    )
    assert not [f for f in _findings(tmp_path / "out") if f["code"].startswith("form_")]


def test_three_partial_forms_make_one_period_with_conflicts_and_gaps_said(blank_form, tmp_path):
    """Unit A fills Tema 1-2, unit B Tema 3, unit C Tema 4 but one row; C also marks A's first
    row the other way. One period: every row as its unit filled it, the conflict an error
    naming both files (its status unknown), the row nobody filled a warning."""
    rows = form_rows(blank_form)
    plan = _plan(rows)
    units = {"A": (1, 2), "B": (3,), "C": (4,)}
    unfilled = [r for r in rows if r.theme_no == 4][-1]
    conflict = rows[0]
    folder = _folder(tmp_path)
    for unit, themes in units.items():
        marks = {r.key: plan[r.key] for r in rows if r.theme_no in themes and r != unfilled}
        if unit == "C":
            marks[conflict.key] = (
                "started" if plan[conflict.key] == "not_started" else "not_started"
            )
        fill_form(blank_form, folder / f"skema_{unit}.docx", marks=marks,
                  date=_DATE if unit != "C" else "")  # fmt: skip
    run = _report(folder, tmp_path / "out")
    assert run.returncode == 0, run.stderr
    got = _period_rows(tmp_path / "out", _ISO)
    want = [plan[r.key] for r in rows]
    want[0] = ""  # the conflict: unknown until settled
    want[rows.index(unfilled)] = ""
    assert [r["status"] for r in got] == want
    findings = _findings(tmp_path / "out")
    conflicts = [f for f in findings if f["code"] == "form_conflict"]
    assert len(conflicts) == 1 and "skema_A.docx" in conflicts[0]["message"]
    assert "skema_C.docx" in conflicts[0]["message"]
    assert [f["code"] for f in findings].count("form_unfilled") == 1
    with open(tmp_path / "out" / "tables" / "ingest_log.csv", encoding="utf-8") as f:
        log = {r["file"]: r for r in csv.DictReader(f)}
    assert all(log[f"skema_{u}.docx"]["status"] == "ok" for u in units)


@pytest.mark.libreoffice
def test_a_form_and_its_pdf_twin_count_once(blank_form, tmp_path):
    if missing_program("docx"):
        pytest.skip("LibreOffice is needed to save the filled form as PDF")
    from tests.fixtures.producers.word import office_to_pdf

    rows = form_rows(blank_form)
    folder = _folder(tmp_path)
    filled = fill_form(blank_form, folder / "skema.docx", marks=_plan(rows), date=_DATE)
    office_to_pdf(filled, folder / "skema.pdf")
    run = _report(folder, tmp_path / "out")
    assert run.returncode == 0, run.stderr
    with open(tmp_path / "out" / "tables" / "ingest_log.csv", encoding="utf-8") as f:
        log = {r["file"]: r for r in csv.DictReader(f)}
    assert {log["skema.docx"]["status"], log["skema.pdf"]["status"]} == {"ok", "duplicate"}
    got = _period_rows(tmp_path / "out", _ISO)
    assert [r["status"] for r in got] == [_plan(rows)[r.key] for r in rows]


def test_forms_without_a_date_fail_saying_so(blank_form, tmp_path):
    rows = form_rows(blank_form)
    folder = _folder(tmp_path)
    fill_form(blank_form, folder / "skema.docx", marks=_plan(rows), date="")
    run = _report(folder, tmp_path / "out")
    assert run.returncode == 0, run.stderr
    with open(tmp_path / "out" / "tables" / "ingest_log.csv", encoding="utf-8") as f:
        log = {r["file"]: r for r in csv.DictReader(f)}
    assert (log["skema.docx"]["status"], log["skema.docx"]["cause"]) == ("failed", "no_date")
    assert any(f["code"] == "form_without_date" for f in _findings(tmp_path / "out"))


def _goal_of_rows(out: Path, day: str) -> list[tuple[int, str, str]]:
    """(Tema, goal id of its first wording, status) of each row of the period, in row order."""
    tables = out / "tables"
    with open(tables / "documents.csv", encoding="utf-8") as f:
        doc_id = next(d["doc_id"] for d in csv.DictReader(f) if d["date"] == day)
    with open(tables / "goal_statements.csv", encoding="utf-8") as f:
        first = {
            (s["theme_no"], s["row_no"]): s["goal_id"]
            for s in csv.DictReader(f)
            if s["doc_id"] == doc_id and s["stmt_no"] == "1"
        }
    return [
        (int(r["theme_no"]), first[r["theme_no"], r["row_no"]], r["status"])
        for r in _period_rows(out, day)
    ]


def test_edited_wordings_moved_deleted_and_added_rows(blank_form, tmp_path):
    """A unit leader lifts the protection: edits a wording, swaps two rows, deletes one and
    adds one. Every mark goes with its goal by the id the row carries; the edited wording is
    a change of that goal's wording, the deleted row's goal is said to be gone with its row,
    the added row is said to be added (a new goal)."""
    rows = form_rows(blank_form)
    plan = _plan(rows)
    once = [r for r in rows if [x.goal_ids for x in rows].count(r.goal_ids) == 1]
    edited, deleted = once[2], once[6]  # goals with a row of their own
    first, second = rows[3], rows[4]
    folder = _folder(tmp_path)
    old_word = edited.text.split()[0]
    fill_form(
        blank_form, folder / "skema.docx", marks=plan, date=_DATE,
        edit={edited.key: (old_word, old_word + "en")}, delete=frozenset({deleted.key}),
        swap=(first.key, second.key), add="Et nyt mål, som enheden har skrevet til (bilag 2)",
    )  # fmt: skip
    out = tmp_path / "out"
    run = _report(folder, out)
    assert run.returncode == 0, run.stderr
    got = {(theme, goal): status for theme, goal, status in _goal_of_rows(out, _ISO)}
    for row in rows:
        key = (row.theme_no, row.goal_ids.split()[0])
        if row is deleted:
            assert key not in got
        else:  # moved, edited or not: each mark with its goal
            assert got.get(key) == plan[row.key], row
    codes = [f["code"] for f in _findings(out)]
    assert codes.count("form_row_deleted") == 1 and codes.count("form_row_added") == 1
    with open(out / "tables" / "changes.csv", encoding="utf-8") as f:
        changes = {(c["goal_id"], c["kind"]) for c in csv.DictReader(f) if c["period"] == _ISO}
    goal = edited.goal_ids.split()[0]
    assert any(g == goal and k in ("wording_changed", "target_changed", "scope_changed")
               for g, k in changes)  # fmt: skip
    assert (goal, "new_goal") not in changes and (goal, "goal_gone") not in changes
    assert (deleted.goal_ids.split()[0], "goal_gone") in changes
