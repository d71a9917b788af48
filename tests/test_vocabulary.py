"""The words our reports and form print that the reader reads back come from one place
(pipeline.vocabulary), and the reader does read them back."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from pipeline import vocabulary as v
from pipeline.dates import find_dato, format_danish_date
from pipeline.write.layout import FORM_DATE_LINE, THEME_HEADER

PIPELINE = Path(__file__).resolve().parents[1] / "pipeline"

# Printed by a writer and read back by a reader, each written once in pipeline.vocabulary.
READ_BACK = {
    "STARTED_HEADING": v.STARTED_HEADING,
    "NOT_STARTED_HEADING": v.NOT_STARTED_HEADING,
    "REMARK_HEADING": v.REMARK_HEADING,
    "TOTALS_LABEL": v.TOTALS_LABEL,
    "DROP_LABEL": v.DROP_LABEL,
    "REWORD_LABEL": v.REWORD_LABEL,
    "DATE_LABEL": v.DATE_LABEL,
    "DOCUMENT_LABEL": v.DOCUMENT_LABEL,
    "CONTACT_LABEL": v.CONTACT_LABEL,
    "FORM_BASED_ON": v.FORM_BASED_ON,
    "FORM_GOAL_TAG": v.FORM_GOAL_TAG,
    "REVIEW_FILE_PREFIX": v.REVIEW_FILE_PREFIX,
    "REVIEW_SHEET": v.REVIEW_SHEET,
    "REVIEW_DECISION": v.REVIEW_DECISION,
    "REVIEW_WORDING_A": v.REVIEW_WORDING_A,
    "REVIEW_WORDING_B": v.REVIEW_WORDING_B,
    **{f"REVIEW_DECISIONS[{k!r}]": k for k in v.REVIEW_DECISIONS},
}


def _string_constants(tree: ast.Module) -> list[ast.Constant]:
    """Every string constant but the docstrings."""
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
        and id(node) not in docstrings
    ]  # fmt: skip


def test_the_words_read_back_are_written_only_in_the_vocabulary():
    words = {text: name for name, text in READ_BACK.items()}
    copies = []
    for path in sorted(PIPELINE.rglob("*.py")):
        where = str(path.relative_to(PIPELINE.parent))
        if path.name == "vocabulary.py":
            continue
        for node in _string_constants(ast.parse(path.read_text(encoding="utf-8"))):
            name = words.get(node.value)
            if name:
                copies.append(f"{where}:{node.lineno} {node.value!r} (vocabulary.{name})")
    assert not copies, copies


def test_the_goal_table_the_writers_print_is_read_back():
    assert [v.heading_column(h) for h in THEME_HEADER] == [
        "goal",
        "started",
        "not_started",
        "remark",
    ]
    assert v.is_totals_label(v.TOTALS_LABEL)
    heading = v.TEMA_HEADING.match(v.theme_heading(3, "Det sunde arbejdsliv"))
    assert heading is not None and heading.groups() == ("3", "Det sunde arbejdsliv")
    footer = f"{v.PAGE_OF[0]}3{v.PAGE_OF[1]}9"
    assert v.PAGE_FOOTER.match(footer)


@pytest.mark.parametrize(
    "printed",
    [v.REWORD_LABEL, v.REWORD_LABEL.replace(" ", "\n"), v.REWORD_LABEL.replace(":", " :").upper()],
)
def test_a_proposed_rewording_is_read_back_however_it_is_broken(printed):
    assert v.REWORD_LEAD.search(f"{printed} Nyt mål")


def test_a_proposed_drop_and_the_date_line_are_read_back():
    assert v.DROP_PHRASE in f"{v.DROP_LABEL}, da målet er nået".lower()
    day = find_dato(f"Ringsted Kommune\n{v.DATE_LABEL} 3. juni 2021")
    assert day is not None and format_danish_date(day) == "3. juni 2021"
    assert find_dato(FORM_DATE_LINE) is None  # the form's blank date line is no date
    based_on = v.FORM_BASED_ON_LINE.search(f"{v.FORM_BASED_ON} 28. maj 2020.")
    assert based_on is not None and based_on.group(1) == "28. maj 2020"


@pytest.mark.parametrize("read", ["l alt", "lalt", "| alt", "Il alt", "talt", "talt 4 1"])
def test_the_totals_label_is_known_as_ocr_reads_it(read):
    assert v.is_totals_label(read)


@pytest.mark.parametrize("wording", ["Talt med borgerne om rygning", "Alt om kost", "Tal og fakta"])
def test_a_wording_that_begins_like_the_totals_label_is_no_totals_row(wording):
    assert not v.is_totals_label(wording)
