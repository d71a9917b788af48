"""What the child process hands back to the parent (pickled through a temp file)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pipeline.codes import Cause
from pipeline.model import DocumentKind, ExtractedDocument


@dataclass
class WorkerOutcome:
    status: Literal["ok", "skipped", "failed"]
    kind: DocumentKind | Literal[""]
    reason: str  # plain English
    cause: Cause | Literal[""] = ""  # why not read (pipeline.codes), beside the reason
    document: ExtractedDocument | None = None
    used_ocr: bool = False
    repaired: bool = False
    read_sha256: str = ""  # of the bytes the reader read (its own copy of the input)
