"""What the child process hands back to the parent (pickled through a temp file)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pipeline.model import DocumentKind, ExtractedDocument

# Why a file was not read, as a stable code next to the plain-English reason (for tests and for
# any writer that wants to word the reason its own way).
Cause = Literal[
    "",
    "empty",
    "not_pdf",
    "office_document",
    "not_word",
    "no_date",
    "password",
    "no_pages",
    "too_many_pages",
    "bomb",
    "no_text",
    "ocr_unavailable",
    "ocr_disabled",
    "ocr_failed",
    "undecodable",
    "not_a_notat",
    "no_goal_table",
    "no_initiatives",
    "damaged",
    "memory",
    "timeout",
    "cpu_time",
    "crashed",
    "killed",
    "no_space",
    "unreadable",
    "being_written",
]


@dataclass
class WorkerOutcome:
    status: Literal["ok", "skipped", "failed"]
    kind: DocumentKind | Literal[""]
    reason: str
    cause: Cause = ""
    document: ExtractedDocument | None = None
    used_ocr: bool = False
    repaired: bool = False
    read_sha256: str = ""  # of the bytes the reader read (its own copy of the input)
