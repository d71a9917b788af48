"""Schemas of the normalized tables (CONTRACT.md), checked at the stage boundaries.

``schemas.columns`` holds the rules in plain Python (no pandas); ``schemas.tables`` builds the
pandera schemas from them and is imported only when a DataFrame is checked."""

from __future__ import annotations

__all__ = ["SCHEMAS", "validate_table"]


def __getattr__(name: str):
    if name in __all__:
        from schemas import tables

        return getattr(tables, name)
    raise AttributeError(f"module 'schemas' has no attribute {name!r}")
