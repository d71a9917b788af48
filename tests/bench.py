"""Speed and memory benchmark (`make bench`): prints one table per question.

1. Extraction of generated status notats against raw pdfplumber ``page.extract_tables()`` over
   the same pages, alternating the two for 3 rounds: reportlab notats of about 35, 70 and 140
   pages, and a Word-made one (python-docx + LibreOffice) of about 170 pages. Each measurement
   runs in its own child process, which reports its time and its peak resident memory
   (``ru_maxrss``), so one measurement cannot warm or bloat the next. What was timed is checked:
   every file's goal rows are counted against the notat's data, and the Word-made notat is
   compared field by field.
   Targets: time ratio ≤ 0.6 on the Word-made notat, peak ≤ 250 MiB and flat across sizes.
2. `python -m pipeline report` over a folder of ≥ 40 notats: cold, warm rerun (target ≤ 5 % of
   cold), one new PDF added, and the cold run with 1 and with 2 workers (target ≥ 1.7x). The
   one-new run is set beside a run on that PDF alone: the difference is what the earlier notats
   cost a run that reads none of them again.

The notats are rendered by the project's own fixture generators (cached under .cache/).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGE_SIZES = (35, 70, 140)
WORD_PAGES_TARGET = 150  # big_status_notat's target; LibreOffice lays it out on about 170 pages
ROUNDS = 3
FOLDER_SIZE = 40

_MEASURE = r"""
import json, resource, sys, time
mode, path = sys.argv[1], sys.argv[2]
if mode == "pipeline":
    from pipeline.extract import extract_pdf
else:
    import pdfplumber
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t0 = time.perf_counter()
if mode == "pipeline":
    doc = extract_pdf(__import__("pathlib").Path(path))
    pages, rows = doc.document.pages, len(doc.goal_rows)
else:
    rows = 0
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            rows += sum(len(t) for t in page.extract_tables())
        pages = len(pdf.pages)
seconds = time.perf_counter() - t0
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"seconds": seconds, "peak_mib": peak / 1024, "base_mib": base / 1024,
                  "pages": pages, "rows": rows}))
"""


# --------------------------------------------------------------------------- fixtures


def _render_status(notat, name: str) -> Path:
    """One status notat through the reportlab producer (the fastest), cached under .cache/."""
    from tests.fixtures.render import layout_pdf, legacy_layout

    return layout_pdf(legacy_layout("reportlab", "ruled"), notat, stem=name)


def _extract_cases() -> list[tuple[str, Path, object]]:
    """(label, PDF, notat) for the extraction benchmark."""
    from tests.fixtures.layouts import Layout
    from tests.fixtures.render import big_status_notat, fixture_pdf, layout_pdf

    cases = [
        (f"reportlab {n}", fixture_pdf("reportlab", f"big_{n}", "ruled"), big_status_notat(n))
        for n in PAGE_SIZES
    ]
    word = big_status_notat(WORD_PAGES_TARGET)
    cases.append(("Word/LO", layout_pdf(Layout("docx"), word, stem="big_docx"), word))
    return cases


def _misread_fields(path: Path, notat) -> int:
    """How many fields the pipeline misreads in ``path`` (extracted once more, untimed)."""
    from pipeline.extract import extract_pdf
    from tests.fixtures.compare import field_errors

    doc = extract_pdf(path)
    return len(
        field_errors(
            title=doc.document.title, date=doc.document.date, goal_rows=doc.goal_rows,
            theme_totals=doc.theme_totals, doc_id=doc.document.doc_id, notat=notat,
        )
    )  # fmt: skip


def _folder_notats(n: int):
    """``n`` distinct status notats: the 2020 and 2021 notats moved to other reporting dates."""
    from tests.fixtures.status_2020 import STATUS_2020
    from tests.fixtures.status_2021 import STATUS_2021

    out = []
    for i in range(n):
        base = STATUS_2020 if i % 2 == 0 else STATUS_2021
        date = dt.date(2010, 1, 15) + dt.timedelta(days=91 * i)
        out.append((f"status_{date.isoformat()}", dataclasses.replace(base, date=date)))
    return out


# --------------------------------------------------------------------------- measurements


def _measure(mode: str, path: Path) -> dict:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.run(
        [sys.executable, "-c", _MEASURE, mode, str(path)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise SystemExit(f"{mode} on {path.name} failed:\n{proc.stderr[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def bench_extract() -> None:
    print(
        "== 1. extract vs raw pdfplumber page.extract_tables() "
        f"(median of {ROUNDS} alternating rounds, one child process each)"
    )
    print(
        f"{'notat':>14} {'pages':>5} {'extract s':>10} {'raw s':>8} {'ratio':>6} "
        f"{'extract MiB':>12} {'raw MiB':>8} {'rows read':>10}"
    )
    for label, path, notat in _extract_cases():
        runs: dict[str, list[dict]] = {"pipeline": [], "raw": []}
        for _ in range(ROUNDS):
            for mode in ("pipeline", "raw"):
                runs[mode].append(_measure(mode, path))
        ours = statistics.median(r["seconds"] for r in runs["pipeline"])
        raw = statistics.median(r["seconds"] for r in runs["raw"])
        our_peak = max(r["peak_mib"] for r in runs["pipeline"])
        raw_peak = max(r["peak_mib"] for r in runs["raw"])
        pages = runs["pipeline"][0]["pages"]
        want = sum(len(t.rows) for t in notat.themes)
        got = {r["rows"] for r in runs["pipeline"]}
        rows = f"{want}" if got == {want} else f"{sorted(got)} of {want} WRONG"
        print(
            f"{label:>14} {pages:>5} {ours:>10.2f} {raw:>8.2f} {ours / raw:>6.2f} "
            f"{our_peak:>12.0f} {raw_peak:>8.0f} {rows:>10}"
        )
        if label.startswith("Word"):
            misread = _misread_fields(path, notat)
            print(f"{'':>14} fields misread: {misread} (every field compared)")
    print(
        "   targets: ratio <= 0.6 on the Word-made notat; extract peak <= 250 MiB and flat over "
        f"the sizes (interpreter + imports alone: {runs['pipeline'][0]['base_mib']:.0f} MiB)"
    )


def _snapshot_source(tmp: Path) -> Path:
    """A copy of the pipeline's source to run the reports from: edits to the working tree while
    the benchmark runs must not invalidate the extraction cache between two measured runs."""
    src = tmp / "src"
    for package in ("pipeline", "schemas"):
        shutil.copytree(ROOT / package, src / package, ignore=shutil.ignore_patterns("__pycache__"))
    return src


def _report(src: Path, inp: Path, out: Path, workers: int) -> tuple[float, str]:
    """Wall clock of one `report` run, and its closing line (time by phase)."""
    t0 = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "pipeline", "report", "--input", str(inp), "--output", str(out),
         "--workers", str(workers)],
        cwd=src, env=dict(os.environ, PYTHONPATH=str(src)),
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    seconds = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"report failed ({proc.returncode}): {proc.stderr[-2000:]}")
    lines = proc.stdout.strip().splitlines()
    done = next((ln for ln in reversed(lines) if ln.startswith(("Done in", "Output is up"))), "")
    return seconds, done


def _read_seconds(done: str) -> float | None:
    m = re.search(r"read ([\d.]+) s", done)
    return float(m.group(1)) if m else None


def _median_run(runs: list[tuple[float, str]]) -> tuple[float, str]:
    return sorted(runs)[len(runs) // 2]


def bench_report() -> None:
    workers = min(2, os.cpu_count() or 1)
    print(f"\n== 2. report over {FOLDER_SIZE} notats (+1 new), wall clock incl. interpreter start")
    notats = _folder_notats(FOLDER_SIZE + 1)
    pdfs = [_render_status(notat, name) for name, notat in notats]
    with tempfile.TemporaryDirectory(prefix="bench-report-") as tmp:
        tmp = Path(tmp)
        src = _snapshot_source(tmp)
        inp = tmp / "input"
        inp.mkdir()
        for (name, _), pdf in zip(notats[:FOLDER_SIZE], pdfs, strict=False):
            shutil.copy(pdf, inp / f"{name}.pdf")
        cold1, done1 = _report(src, inp, tmp / "out1", 1)
        cold2, done2 = _report(src, inp, tmp / "out2", workers)
        warm, done_warm = _report(src, inp, tmp / "out2", workers)
        # One new PDF, ROUNDS times over a copy of the warm output; and, for comparison, the same
        # PDF alone in an empty folder (what any run that reads it and writes its period's
        # reports costs).
        new_name, _ = notats[FOLDER_SIZE]
        one_new, alone = [], []
        for i in range(ROUNDS):
            grown, out = tmp / f"grown{i}", tmp / f"out_new{i}"
            shutil.copytree(inp, grown)
            shutil.copy(pdfs[FOLDER_SIZE], grown / f"{new_name}.pdf")
            shutil.copytree(tmp / "out2", out)
            one_new.append(_report(src, grown, out, workers))
            single = tmp / f"alone{i}"
            single.mkdir()
            shutil.copy(pdfs[FOLDER_SIZE], single / f"{new_name}.pdf")
            alone.append(_report(src, single, tmp / f"out_alone{i}", workers))
    print(f"   cold, 1 worker:   {cold1:7.1f} s   {done1}")
    print(f"   cold, {workers} workers:  {cold2:7.1f} s   {done2}")
    print(f"      speed-up, whole run {cold1 / cold2:.2f}x (target >= 1.7x)", end="")
    r1, r2 = _read_seconds(done1), _read_seconds(done2)
    print(f"; reading the PDFs {r1 / r2:.2f}x" if r1 and r2 else "")
    print(
        f"   warm rerun:       {warm:7.1f} s   {100 * warm / cold2:.1f} % of cold "
        f"(target <= 5 %)   {done_warm}"
    )
    new_s, new_done = _median_run(one_new)
    alone_s, alone_done = _median_run(alone)
    print(f"   one new PDF:      {new_s:7.1f} s   {new_done}   (median of {ROUNDS})")
    print(f"   that PDF alone:   {alone_s:7.1f} s   {alone_done}   (median of {ROUNDS})")
    print(
        f"      the {FOLDER_SIZE} earlier notats add {new_s - alone_s:.1f} s "
        f"({new_s / alone_s:.2f}x the run on the new PDF alone)"
    )


def _workbook_frames(rows_per_table: int = 4000, tables: int = 5) -> dict:
    """Tables shaped like a 40-notat folder's (3,800 goal rows, 4,300 statements, …)."""
    import pandas as pd

    n = rows_per_table
    frame = pd.DataFrame(
        {
            "doc_id": [f"d{i % 40:02d}" for i in range(n)],
            "theme_no": range(n),
            "goal_text": [
                f"Mål nr. {i}: borgerne oplever en sammenhængende indsats" for i in range(n)
            ],
            "remark": ["-" if i % 7 else "Forsinket pga. udbud, se bilag 2 " * 3 for i in range(n)],
            "status": ["Gennemført", "Igangsat", "Ikke påbegyndt", ""] * (n // 4),
        }
    )
    return {f"table_{t}": frame for t in range(tables)}


def bench_workbook() -> None:
    from pipeline.write import write_workbook

    frames = _workbook_frames()
    rows = sum(len(f) for f in frames.values())
    with tempfile.TemporaryDirectory(prefix="bench-workbook-") as tmp:
        seconds = []
        for _ in range(ROUNDS):
            t0 = time.perf_counter()
            write_workbook(frames, Path(tmp) / "statusdata.xlsx")
            seconds.append(time.perf_counter() - t0)
    print(f"\n== 3. workbook {rows:,} rows: {statistics.median(seconds):.2f} s")


def bench_scans() -> None:
    """Seconds per scanned page: each scan kind of the short notat ingested the way extract and
    report read it (render, clean, deskew, rules, tesseract, the reader), cached scans."""
    from pipeline.hashing import sha256_of
    from pipeline.ingest import ingest_file
    from pipeline.ingest.ocr import ocr_missing
    from tests.fixtures.producers.scan import SCAN_KINDS, scanned
    from tests.test_scans import short_pdf

    print("\n== 4. scanned notats (OCR), seconds per scanned page")
    if ocr_missing():
        print(f"   skipped: {ocr_missing()}")
        return
    total_s = total_pages = 0.0
    for name, kind in SCAN_KINDS.items():
        path = scanned(short_pdf(), name=f"scanshort_ruled_{name}", kind=kind)
        t0 = time.perf_counter()
        result = ingest_file(path, sha256=sha256_of(path))
        seconds = time.perf_counter() - t0
        pages = result.document.document.pages if result.document else 0
        total_s, total_pages = total_s + seconds, total_pages + pages
        print(
            f"   {name:<24} {pages} pages {seconds:6.1f} s  {seconds / max(pages, 1):5.2f} s/page"
        )
    print(f"   all scans: {total_s / max(total_pages, 1):.2f} seconds per scanned page")


def main() -> None:
    which = sys.argv[1:] or ["extract", "report", "workbook", "scans"]
    if "extract" in which:
        bench_extract()
    if "report" in which:
        bench_report()
    if "workbook" in which:
        bench_workbook()
    if "scans" in which:
        bench_scans()


if __name__ == "__main__":
    main()
