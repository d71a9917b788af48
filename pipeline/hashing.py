"""Content hashes of input files: a document's identity, the cache key, the duplicate check.

Kept apart from the stages so a quick "is the output up to date?" check imports nothing heavy.
"""

from __future__ import annotations

import hashlib
from pathlib import Path


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()
