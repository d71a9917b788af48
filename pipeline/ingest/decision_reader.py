"""The child process that reads one decision file (a filled-in review workbook, goal_overrides.csv)
under the same limits as a notat's reader (``pipeline.ingest.worker``), started the same two
ways, with the arguments INPUT DISPLAY_NAME WORKDIR RESULT MEMORY_MB SECONDS MAX_FILE_MB
MAX_DECISION_ROWS MAX_INFLATED_MB MAX_CELLS.

It sets its rlimits, reads the file (``pipeline.decision_files``: rows, cells and bytes inflated
bounded as they are read) and pickles the ``DecisionFile`` to RESULT, with the sha256 of the
bytes it read. An entity bomb, a sheet of a million rows, a part that inflates to gigabytes: the
worst any of them can do is end this process, which the run reports and goes on.
"""

from __future__ import annotations

import os
import pickle
import sys
from pathlib import Path

from pipeline.ingest.worker import _set_limits, enter_forked


def main(argv: list[str]) -> int:
    path, name, _, result, memory_mb, seconds, max_mb, max_rows, max_inflated_mb, max_cells = argv
    _set_limits(int(memory_mb), float(seconds))
    from pipeline.decision_files import read_decision_file
    from pipeline.limits import Limits

    limits = Limits(
        memory_mb=int(memory_mb), seconds=float(seconds), max_file_mb=int(max_mb),
        max_decision_rows=int(max_rows), max_inflated_mb=int(max_inflated_mb),
        max_cells=int(max_cells),
    )  # fmt: skip
    outcome = read_decision_file(Path(path), name, limits)
    with open(result, "wb") as f:
        pickle.dump(outcome, f, protocol=pickle.HIGHEST_PROTOCOL)
    return 0


def forked_main(argv: list[str], stderr_path: str, environ: dict[str, str]) -> None:
    """Forked from the fork server, as a notat's reader is (``worker.enter_forked``)."""
    enter_forked(argv[2], stderr_path, environ)  # WORKDIR
    code = main(argv)
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    from pipeline.processes import die_with_parent

    die_with_parent()
    sys.exit(main(sys.argv[1:]))
