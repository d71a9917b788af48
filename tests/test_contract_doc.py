"""docs/CONTRACT.md is what users and scripts rely on: it must say what the code does. The
change kinds, the ingest causes and every column of the normalized tables are read from the
document and compared with the code's own lists."""

from __future__ import annotations

import re
import typing
from pathlib import Path

from pipeline.model import ChangeKind
from schemas.columns import RULES

CONTRACT = (Path(__file__).resolve().parents[1] / "docs" / "CONTRACT.md").read_text(
    encoding="utf-8"
)


def _section(title_start: str) -> str:
    """The text of the section whose heading starts with ``title_start``, to the next heading."""
    m = re.search(rf"^#+ {re.escape(title_start)}.*?$(.*?)(?=^#+ |\Z)", CONTRACT, re.S | re.M)
    assert m, f"docs/CONTRACT.md has no section {title_start!r}"
    return m.group(1)


def _first_cells(text: str) -> list[str]:
    """The code in the first cell of each table row (``| `code` | …``)."""
    return re.findall(r"^\| `([a-z_]+)` \|", text, re.M)


def test_the_contract_names_every_change_kind_and_no_other():
    listed = _first_cells(_section("changes.csv"))
    assert sorted(listed) == sorted(typing.get_args(ChangeKind))


def test_the_contract_names_every_column_of_the_normalized_tables():
    for table, rules in RULES.items():
        text = _section(f"{table}.csv")
        named = set(re.findall(r"`?([a-z][a-z0-9_]*)`?", text))
        missing = [column for column in rules if column not in named]
        assert not missing, f"docs/CONTRACT.md, {table}.csv, does not name {missing}"


def test_the_contract_names_every_ingest_cause_and_no_other():
    from pipeline.codes import Cause

    listed = _first_cells(_section("ingest_log.csv"))
    assert sorted(listed) == sorted(typing.get_args(Cause))
