"""The run's tables as files: a CSV file per table and one SQLite database holding them all.

The report's CSV files are opened in Excel by people, so a cell may not start a formula
(``formula_safe``); `extract` writes the text exactly as printed, for scripts
(``pipeline.rows``).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pipeline.tables import write_csv
from pipeline.write.database import write_database


def write_tables(
    frames: dict[str, pd.DataFrame], tables_dir: Path, database: Path, *, meta: dict[str, str]
) -> None:
    """``frames`` by name as ``tables_dir/<name>.csv``, and all of them in ``database``."""
    for name, frame in frames.items():
        write_csv(frame, tables_dir / f"{name}.csv", formula_safe=True)
    write_database(frames, database, meta=meta)
