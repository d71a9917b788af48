"""Progress of a `report` run: a tqdm bar on a terminal, plain log lines otherwise, and the
one-screen summary at the end."""

from __future__ import annotations

import logging
import sys
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger("pipeline")


class FileProgress:
    """Files done, pages read and the current file; a bar only when stderr is a terminal."""

    def __init__(self, total: int, *, bar: bool | None = None) -> None:
        self.total = total
        self.done = 0
        self.pages = 0
        if bar is None:
            bar = sys.stderr.isatty() and log.isEnabledFor(logging.INFO)
        self._bar = None
        if bar and total:
            from tqdm import tqdm

            self._bar = tqdm(
                total=total,
                unit="file",
                desc="Reading",
                file=sys.stderr,
                dynamic_ncols=True,
                leave=False,
            )

    def file_done(
        self, file: str, *, pages: int, status: str, cached: bool, reason: str = ""
    ) -> None:
        self.done += 1
        self.pages += pages
        if self._bar is not None:
            self._bar.set_postfix_str(f"{self.pages} pages, {file}", refresh=False)
            self._bar.update(1)
            return
        how = "cached" if cached else status
        detail = f" ({reason})" if reason else ""
        log.info("[%d/%d] %s: %s, %d pages%s", self.done, self.total, file, how, pages, detail)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    def __enter__(self) -> FileProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@dataclass
class RunSummary:
    """What a run did, for the closing screen."""

    input_dir: Path
    output_dir: Path
    kinds: Counter = field(default_factory=Counter)  # documents by kind
    not_read: list[tuple[str, str, str]] = field(default_factory=list)  # file, status, reason
    findings: Counter = field(default_factory=Counter)  # by severity
    extracted: int = 0
    cached: int = 0
    reports: list[Path] = field(default_factory=list)
    kept_reports: list[Path] = field(default_factory=list)
    tables_dir: Path | None = None
    note: str = ""
    timings: dict[str, float] = field(default_factory=dict)  # seconds by phase
    started: float = field(default_factory=time.perf_counter)

    def lines(self) -> Iterable[str]:
        kinds = ", ".join(f"{n} {k}" for k, n in sorted(self.kinds.items())) or "none"
        yield f"Documents read: {kinds} (extracted {self.extracted}, from cache {self.cached})"
        if self.not_read:
            yield f"Files not read: {len(self.not_read)}"
            for file, status, reason in self.not_read[:10]:
                reason = reason.removeprefix(f"{file}: ")
                yield f"  {file}: {status}, {reason}"
            if len(self.not_read) > 10:
                yield f"  … and {len(self.not_read) - 10} more (see ingest_log.csv)"
        sev = (
            ", ".join(
                f"{self.findings[s]} {s}" for s in ("error", "warning", "info") if self.findings[s]
            )
            or "none"
        )
        yield f"Findings: {sev}"
        if self.tables_dir is not None:
            yield f"Tables: {self.tables_dir}"
        for path in self.reports:
            yield f"Report: {path}"
        for path in self.kept_reports:
            yield f"Kept unchanged (a later period's report exists): {path}"
        if self.note:
            yield self.note

    def log(self) -> None:
        for line in self.lines():
            log.info("%s", line)
        phases = ", ".join(f"{k} {v:.1f} s" for k, v in self.timings.items())
        log.info("Done in %.1f s (%s)", time.perf_counter() - self.started, phases)
