"""Reconciliation reads frozen records and gives a mapping keyed by where each statement stands
(doc_id, theme_no, row_no, stmt_no); nothing in the pipeline keys state by ``id()`` of an
object, and one place picks the periods (issue 30)."""

from __future__ import annotations

import ast
import copy
import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from pipeline.transform import reconcile
from pipeline.transform.periods import dated_periods, period_order
from pipeline.transform.reconcile import assign_goal_ids
from pipeline.transform.records import StatementKey, notat_records
from tests.fixtures.status_2020 import STATUS_2020
from tests.fixtures.status_2021 import STATUS_2021
from tests.fixtures.to_model import extracted_document

PIPELINE = Path(__file__).resolve().parents[1] / "pipeline"


def _uses_of_id(source: str) -> list[int]:
    """Lines where the builtin ``id`` is called or passed on (``key=id``), unless the module
    binds a name ``id`` of its own."""
    tree = ast.parse(source)
    bound = any(
        isinstance(node, ast.Name) and node.id == "id" and isinstance(node.ctx, ast.Store)
        for node in ast.walk(tree)
    ) or any(
        isinstance(node, ast.arg) and node.arg == "id" for node in ast.walk(tree)
    )  # fmt: skip
    if bound:
        return []
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Name) and node.id == "id" and isinstance(node.ctx, ast.Load)
    ]


def test_the_check_for_id_finds_a_call_and_a_key_function():
    assert _uses_of_id("seen = {}\nseen[id(x)] = 1\n") == [2]
    assert _uses_of_id("xs.sort(key=id)\n") == [1]
    assert _uses_of_id("x.id\nd['id']\nf(doc_id)\nos.getpid()\n") == []


def test_nothing_in_the_pipeline_is_keyed_by_id():
    found = [
        f"{path.relative_to(PIPELINE)}:{line}"
        for path in sorted(PIPELINE.rglob("*.py"))
        for line in _uses_of_id(path.read_text(encoding="utf-8"))
    ]
    assert not found, f"id() used in {found}: key by what the thing is, not where it lives"


@pytest.fixture(scope="module")
def docs():
    return [extracted_document(STATUS_2021), extracted_document(STATUS_2020)]


def test_reconcile_changes_no_document_it_is_given(docs):
    before = copy.deepcopy(docs)
    rec = reconcile(docs)
    assert docs == before
    assert all(s.goal_id == "" for d in docs for s in d.statements)
    assert all(s.goal_id.startswith("G-") for d in rec.documents for s in d.statements)
    for given, back in zip(docs, rec.documents, strict=True):  # the copies share no list
        assert back.goal_rows is not given.goal_rows and back.findings is not given.findings
        assert all(a is not b for a, b in zip(given.goal_rows, back.goal_rows, strict=True))


def test_the_mapping_is_keyed_by_statement_and_is_what_the_documents_carry(docs):
    notats = notat_records(docs)
    assert [n.date for n in notats] == ["2020-05-28", "2021-06-03"]  # period order, not file order
    out = assign_goal_ids(notats, [])
    keys = [s.key for n in notats for s in n.statements]
    assert set(out.goal_ids) == set(keys) and len(keys) == len(set(keys))
    assert all(isinstance(k, StatementKey) for k in out.goal_ids)
    rec = reconcile(docs)
    carried = {StatementKey.of(s): s.goal_id for d in rec.documents for s in d.statements}
    assert carried == out.goal_ids
    with pytest.raises(dataclasses.FrozenInstanceError):
        notats[0].statements[0].text = "changed"  # type: ignore[misc]


def test_two_statements_with_one_key_are_refused_naming_the_key(docs):
    doubled = copy.deepcopy(docs[1])
    row = doubled.goal_rows[0]
    row.statements.append(dataclasses.replace(row.statements[0], text="en anden formulering"))
    with pytest.raises(ValueError, match=r"StatementKey\(doc_id='[0-9a-f]+', theme_no=1"):
        reconcile([doubled])


def test_one_order_of_periods_for_reconciliation_and_report(docs):
    """Reconciliation's order and the report's latest and previous period come from one place:
    a notat without a date or without goal rows is no period of the report; a date is one
    period; ties go by doc_id whatever the order of the files."""
    a2020, a2021 = docs[1], docs[0]
    undated = dataclasses.replace(
        a2020, document=dataclasses.replace(a2020.document, doc_id="ffff", date="")
    )
    empty = dataclasses.replace(
        a2021,
        document=dataclasses.replace(a2021.document, doc_id="eeee", date="2022-06-02"),
        goal_rows=[],
    )
    twin = dataclasses.replace(a2021, document=dataclasses.replace(a2021.document, doc_id="0000"))
    given = [undated, a2021, empty, twin, a2020]
    assert [d.document.doc_id for d in period_order(given)] == [
        a2020.document.doc_id, "0000", a2021.document.doc_id, "eeee", "ffff",
    ]  # fmt: skip
    for files in (given, list(reversed(given))):
        periods = dated_periods(files)
        assert [(day, d.document.doc_id) for day, d in periods] == [
            (dt.date(2020, 5, 28), a2020.document.doc_id),
            (dt.date(2021, 6, 3), "0000"),
        ]
