"""pandera schemas of the normalized tables, built from the plain rules of ``schemas.columns``
(the one place the rules are written). Columns and meanings are fixed by CONTRACT.md.

All columns are strings in the CSV; numbers that may be empty (``theme_no`` of a document-level
finding, a printed total that is missing) are nullable integers here and empty in the CSV.
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from pipeline.errors import ContractError
from schemas.columns import RULES, UNIQUE, ColumnRule


def _column(rule: ColumnRule) -> pa.Column:
    checks = []
    if rule.pattern is not None:
        checks.append(pa.Check.str_matches(rule.pattern))
    if rule.isin is not None:
        checks.append(pa.Check.isin(list(rule.isin)))
    if rule.ge is not None:
        checks.append(pa.Check.ge(rule.ge))
    if rule.min_length is not None:
        checks.append(pa.Check.str_length(min_value=rule.min_length))
    dtype = str if rule.kind is str else "Int64" if rule.nullable else int
    return pa.Column(dtype, checks, nullable=rule.nullable, unique=rule.unique, coerce=True)


SCHEMAS: dict[str, pa.DataFrameSchema] = {
    name: pa.DataFrameSchema(
        {column: _column(rule) for column, rule in rules.items()},
        strict=False,
        coerce=True,
        unique=list(UNIQUE[name]) if name in UNIQUE else None,
        name=name,
    )
    for name, rules in RULES.items()
}


def validate_table(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Check ``frame`` against the named table's schema, listing every failing column at once."""
    try:
        return SCHEMAS[name].validate(frame, lazy=True)
    except SchemaErrors as e:
        failures = e.failure_cases[["column", "check", "failure_case"]].drop_duplicates().head(20)
        raise ContractError(
            f"table {name} breaks its schema:\n{failures.to_string(index=False)}"
        ) from e
