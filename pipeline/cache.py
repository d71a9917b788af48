"""The extraction cache: what ingesting one file's bytes gave, keyed by sha256 + pipeline version.

A rerun over the same input folder re-extracts nothing; one new PDF costs one extraction; any
change to the code that extraction runs (or to ``pipeline.__version__``) invalidates every entry.
Skipped and failed outcomes are cached too, but only verdicts about the bytes: the same bytes
get the same verdict. What depends on the moment (a reader killed, temp space or time run out,
a file still being written) is never stored (``batch.NOT_CACHED``). A cache that cannot be
written is a ``WriteError`` naming it; a damaged one is started afresh.

The cache is one SQLite file beside the output (``OUTPUT/.cache/extraction.sqlite``). Each
outcome is committed as soon as it is known, so a run that is killed keeps what it extracted.
Only the thread that opened the cache uses it (``batch`` stores results as workers finish).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import logging
import pickle
import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Protocol

import pipeline
from pipeline.errors import WriteError

log = logging.getLogger("pipeline.cache")

# Code that does not change what extraction returns: editing it must not invalidate the cache.
_NOT_EXTRACTION = (
    "write",
    "transform",
    "run.py",
    "batch.py",
    "checks.py",
    "hooks.py",
    "stages.py",
    "cache.py",
    "progress.py",
    "__main__.py",
)


def pipeline_version(*, everything: bool = False) -> str:
    """``__version__`` plus a hash of every source file extraction depends on (of every source
    file of the package with ``everything``)."""
    root = Path(pipeline.__file__).parent
    h = hashlib.sha256()
    data = sorted((root / "data").glob("*")) if everything else []  # e.g. the synonym list
    for path in [*sorted(root.rglob("*.py")), *data]:
        rel = path.relative_to(root)
        if rel.parts[0] in _NOT_EXTRACTION and not everything:
            continue
        h.update(str(rel).encode() + b"\0" + path.read_bytes() + b"\0")
    return f"{pipeline.__version__}+{h.hexdigest()[:16]}"


class _Outcome(Protocol):  # pipeline.ingest.IngestResult; not imported, cache is not a stage
    entry: object
    document: object
    used_ocr: bool


class ExtractionCache:
    """Ingest outcomes by file content. Use as a context manager; ``get``/``put`` per file."""

    def __init__(self, path: Path, version: str | None = None) -> None:
        self.path = path
        self.version = version or pipeline_version()
        self.hits = 0
        self.misses = 0
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._open()
        except sqlite3.DatabaseError as e:
            if not _is_corrupt(e):
                raise _plain(e, path) from e
            log.warning("extraction cache %s is damaged: started afresh", path)
            path.unlink(missing_ok=True)
            try:
                self._open()
            except sqlite3.Error as e2:
                raise _plain(e2, path) from e2
        except sqlite3.Error as e:
            raise _plain(e, path) from e

    def _open(self) -> None:
        self._db = sqlite3.connect(self.path, timeout=30)
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS outcome ("
            " sha256 TEXT NOT NULL, version TEXT NOT NULL, status TEXT NOT NULL,"
            " payload BLOB NOT NULL, stored_at TEXT NOT NULL,"
            " PRIMARY KEY (sha256, version))"
        )
        # Entries of other pipeline versions can never hit again.
        gone = self._db.execute("DELETE FROM outcome WHERE version != ?", (self.version,))
        if gone.rowcount:
            log.info("extraction cache: pipeline changed, %d old entries dropped", gone.rowcount)
        self._db.commit()

    def known(self, sha256s: Iterable[str]) -> set[str]:
        """Which of these contents have an outcome stored for this pipeline version."""
        wanted = set(sha256s)
        rows = self._db.execute("SELECT sha256 FROM outcome WHERE version = ?", (self.version,))
        return {sha for (sha,) in rows if sha in wanted}

    def get(self, sha256: str, file: str):
        """The cached outcome of these bytes, renamed to ``file``; None on a miss."""
        row = self._db.execute(
            "SELECT payload FROM outcome WHERE sha256 = ? AND version = ?", (sha256, self.version)
        ).fetchone()
        if row is None:
            self.misses += 1
            return None
        try:
            outcome = pickle.loads(row[0])
        except Exception:  # a payload this code cannot read back is simply a miss
            self.misses += 1
            return None
        self.hits += 1
        return renamed(outcome, file)

    def put(self, sha256: str, outcome: _Outcome) -> None:
        status = getattr(outcome.entry, "status", "")
        try:
            self._put(sha256, status, outcome)
        except sqlite3.Error as e:
            raise _plain(e, self.path) from e

    def _put(self, sha256: str, status: str, outcome: _Outcome) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO outcome VALUES (?, ?, ?, ?, ?)",
            (
                sha256,
                self.version,
                status,
                pickle.dumps(outcome, protocol=5),
                dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            ),
        )
        self._db.commit()

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> ExtractionCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _is_corrupt(e: sqlite3.DatabaseError) -> bool:
    text = str(e)
    return "not a database" in text or "malformed" in text


def _plain(e: sqlite3.Error, path: Path) -> WriteError:
    """A cache that cannot be written (a full disk, a read-only folder) as one plain line."""
    text = str(e)
    if "disk is full" in text or "disk I/O" in text:
        why = "no space left on the disk"
    elif "readonly" in text or "read-only" in text:
        why = "the folder is read-only"
    else:
        why = text
    return WriteError(f"cannot write the extraction cache {path}: {why}")


def renamed(outcome, file: str):
    """The same bytes under another name: the outcome with ``file`` set to the current name."""
    old, reason = outcome.entry.file, outcome.entry.reason
    if old != file and reason.startswith(f"{old}: "):  # ingest starts a reason with the name
        reason = f"{file}: {reason[len(old) + 2 :]}"
    entry = dataclasses.replace(outcome.entry, file=file, reason=reason)
    doc = outcome.document
    if doc is not None:
        doc = dataclasses.replace(doc, document=dataclasses.replace(doc.document, file=file))
    return dataclasses.replace(outcome, entry=entry, document=doc)
