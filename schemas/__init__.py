"""Schemas of the normalized tables (CONTRACT.md), checked at the stage boundaries."""

from schemas.tables import SCHEMAS, validate_table

__all__ = ["SCHEMAS", "validate_table"]
