"""Checks on what extraction returned, made in the run's own process before anything is linked:
a document whose tables break the contract (``schemas.columns``, on plain rows) is set aside as
``failed``, naming its file, and the others go on. Shared by `extract` and `report`.

Kept out of ``pipeline/extract/`` on purpose: importing that package loads the PDF readers,
which the run's own process never needs (its readers are child processes).
"""

from __future__ import annotations

import logging

from pipeline.errors import ContractError
from pipeline.model import ExtractedDocument, IngestEntry

log = logging.getLogger("pipeline")


def contract_breakers(
    docs: list[ExtractedDocument],
) -> tuple[list[ExtractedDocument], dict[str, IngestEntry]]:
    """The documents whose tables pass their schemas, and a failed entry (by file) for each
    that does not. All are checked at once first; one by one only when that fails."""
    from pipeline.rows import extraction_rows  # the tables' rules, on plain rows

    try:
        extraction_rows(docs)
        return docs, {}
    except ContractError:
        pass
    good, failed = [], {}
    for doc in docs:
        try:
            extraction_rows([doc])
        except ContractError as e:
            name = doc.document.file
            restart = second_notat_page(doc)
            if restart:
                cause, reason = (
                    "two_notats",
                    (
                        f"{name}: holds more than one notat (Tema 1 begins again on page {restart}); "
                        "save each notat as a PDF of its own"
                    ),
                )
            else:
                first = str(e).strip().splitlines()[0][:200]
                cause, reason = (
                    "contract",
                    (
                        f"{name}: what was read from it breaks the table rules, so it was left out "
                        f"(a layout the reader misread): {first}"
                    ),
                )
            log.error("%s", reason)
            failed[name] = IngestEntry(name, doc.document.sha256, "failed", doc.document.kind,
                                       reason, cause)  # fmt: skip
        else:
            good.append(doc)
    return good, failed


def second_notat_page(doc: ExtractedDocument) -> int:
    """The page where a second notat's goal tables begin (Tema numbers start over), or 0."""
    previous = 0
    for row in doc.goal_rows:
        if row.theme_no < previous:
            return row.page_first
        previous = row.theme_no
    return 0
