"""`python -m pipeline report` as a run: output folder safety, the extraction cache, duplicates,
exit codes, the lock. The run is handed small fake stages (``FAKES``) so these tests exercise
the run machinery in seconds; ``test_report_on_rendered_notats`` runs the real stages end to end.

A fake "PDF" is a text file starting with ``%PDF-`` whose lines say ``kind=…`` and ``date=…``.
"""

from __future__ import annotations

import hashlib
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path
from types import SimpleNamespace

import pytest

from pipeline import run, staging
from pipeline.__main__ import main
from pipeline.errors import PipelineError, RunLockedError
from pipeline.hooks import RunHook
from pipeline.model import (
    Document,
    ExtractedDocument,
    GoalRow,
    GoalStatement,
    IngestEntry,
    Initiative,
)
from pipeline.stages import STAGES
from pipeline.tables import COLUMNS, read_csv

ROOT = Path(__file__).resolve().parents[1]

# --------------------------------------------------------------------------- fake stages

EXTRACTIONS: list[str] = []  # file names the fake ingest was called for, in this process


@dataclass
class FakeIngestResult:
    entry: IngestEntry
    document: ExtractedDocument | None
    used_ocr: bool = False


def fake_ingest_file(path: Path, *, sha256: str, **_: object) -> FakeIngestResult:
    EXTRACTIONS.append(path.name)
    text = path.read_bytes().decode("utf-8", errors="replace")
    fields = dict(line.split("=", 1) for line in text.splitlines()[1:] if "=" in line)
    if "password" in fields:
        entry = IngestEntry(path.name, sha256, "skipped", "", "the PDF is password protected")
        return FakeIngestResult(entry, None)
    kind = fields.get("kind", "unknown")
    doc_id = sha256[:16]
    doc = ExtractedDocument(Document(doc_id, path.name, sha256, kind, "Titel", fields["date"], 2))
    if kind == "status":
        remark = fields.get("remark", "")  # two notats of one date may differ in a remark
        row = GoalRow(doc_id, 1, "Sundhedstilbud", 1, "started", remark, "", "", 1, 1)
        row.statements.append(GoalStatement(doc_id, 1, 1, 1, "Færre borgere ryger", "1"))
        doc.goal_rows.append(row)
    elif kind == "concept":
        doc.initiatives.append(Initiative(doc_id, 1, "Område", "", "1", "", "Et forslag"))
    return FakeIngestResult(IngestEntry(path.name, sha256, "ok", kind, ""), doc)


OVERRIDES_SEEN: list = []  # the goal_overrides.csv each fake reconcile got, as read


def fake_reconcile(docs, overrides=None, decision_workbooks=()):
    OVERRIDES_SEEN.append(overrides)
    for d in docs:
        for s in d.statements:
            s.goal_id = "g0001"
    return SimpleNamespace(documents=list(docs), goals=[], links=[], history=[], changes=[])


def fake_build_report(reconciled, ingest_log, unread=()):
    dates = [d.document.date for d in reconciled.documents if d.document.kind == "status"]
    if not dates:
        return None
    return SimpleNamespace(period=max(dates), n_docs=len(reconciled.documents)), None


def fake_write_reports(report, form, out_dir: Path) -> list[Path]:
    paths = []
    for stem, ext in (("statusrapport", "docx"), ("statusrapport", "pdf"), ("statusskema", "docx")):
        path = out_dir / f"{stem}_{report.period}.{ext}"
        path.write_text(f"{stem} {report.period} from {report.n_docs} documents\n")
        paths.append(path)
    return paths


def fake_write_workbook(frames, path: Path) -> None:
    path.write_text(",".join(sorted(frames)))


def fake_write_review_workbook(report, out_dir: Path) -> Path:
    path = out_dir / f"afstemning_{report.period}.xlsx"
    path.write_text("review")
    return path


def fake_version(*, everything: bool = False) -> str:
    """Other work on the source tree must not invalidate the cache in the middle of a test."""
    return "test-version"


# The run's stages with every entry point of ingest, transform and write faked (also handed in
# by the subprocess tests' scripts); listing, the batch, checks and settling stay real.
FAKES = replace(
    STAGES,
    read_notat=fake_ingest_file,
    reconcile=fake_reconcile,
    build_report=fake_build_report,
    write_reports=fake_write_reports,
    write_workbook=fake_write_workbook,
    write_review_workbook=fake_write_review_workbook,
    version=fake_version,
)


class PauseAt(RunHook):
    """A hook that holds the run at one point for ``seconds``, first making ``marker`` in the
    staging folder, so a test can stop the run there: ``staged`` (everything staged, nothing
    published) or ``tables_written`` (the writer processes still alive)."""

    def __init__(self, point: str, marker: str, seconds: float = 60.0) -> None:
        self.point, self.marker, self.seconds = point, marker, seconds

    def _pause(self, point: str, staging: Path) -> None:
        if point == self.point:
            (staging / self.marker).touch()
            time.sleep(self.seconds)

    def staged(self, staging: Path) -> None:
        self._pause("staged", staging)

    def tables_written(self, staging: Path) -> None:
        self._pause("tables_written", staging)


@pytest.fixture
def fakes():
    """The names of the files the fake ingest read (``FAKES``), cleared for the test."""
    EXTRACTIONS.clear()
    return EXTRACTIONS


def notat(
    folder: Path, name: str, *, kind: str = "status", date: str = "2020-05-28", extra: str = ""
) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(f"%PDF-1.4 fake\nkind={kind}\ndate={date}\n{extra}".encode())
    return path


def snapshot(folder: Path, *, skip_hidden: bool = True) -> dict[str, str]:
    """Relative path → sha256 of every file (hidden run files left out)."""
    out = {}
    for p in sorted(folder.rglob("*")):
        rel = p.relative_to(folder)
        if not p.is_file() or (skip_hidden and any(part.startswith(".") for part in rel.parts)):
            continue
        out[str(rel)] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


@pytest.fixture
def folders(tmp_path):
    return tmp_path / "input", tmp_path / "output"


# --------------------------------------------------------------------------- tables and files


def test_report_writes_every_contract_table_with_its_columns(fakes, folders):
    inp, out = folders
    notat(inp, "status_2020.pdf")
    notat(inp, "koncept.PDF", kind="concept", date="2021-01-10")
    assert run.run_report(inp, out, workers=2, stages=FAKES) == 0
    for name, columns in COLUMNS.items():
        frame = read_csv(out / "tables" / f"{name}.csv")
        assert list(frame.columns[: len(columns)]) == columns, name
    for name in ("goals", "links", "history", "changes"):
        assert (out / "tables" / f"{name}.csv").is_file()
    assert read_csv(out / "tables" / "goal_statements.csv")["goal_id"].tolist() == ["g0001"]
    assert (out / "statusrapport_2020-05-28.docx").is_file()
    assert (out / "statusrapport_2020-05-28.pdf").is_file()
    assert (out / "statusskema_2020-05-28.docx").is_file()
    assert not list(out.glob(".staging-*"))


def test_database_holds_every_table_with_the_period(fakes, folders):
    inp, out = folders
    notat(inp, "a.pdf", date="2020-05-28")
    notat(inp, "b.pdf", date="2021-06-03", extra="v2")
    run.run_report(inp, out, workers=1, stages=FAKES)
    con = sqlite3.connect(out / "statusdata.sqlite")
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert set(COLUMNS) | {"goals", "links", "history", "changes"} <= tables
    periods = sorted(r[0] for r in con.execute("SELECT period FROM goal_rows"))
    assert periods == ["2020-05-28", "2021-06-03"]
    assert {r[0] for r in con.execute("SELECT period FROM ingest_log")} == {
        "2020-05-28",
        "2021-06-03",
    }
    con.close()


def test_byte_identical_copies_are_marked_duplicate_and_read_once(fakes, folders):
    inp, out = folders
    first = notat(inp, "a_status.pdf")
    (inp / "b_copy.pdf").write_bytes(first.read_bytes())
    assert run.run_report(inp, out, stages=FAKES) == 0
    log = read_csv(out / "tables" / "ingest_log.csv").set_index("file")
    assert log.loc["a_status.pdf", "status"] == "ok"
    assert log.loc["b_copy.pdf", "status"] == "duplicate"
    assert "a_status.pdf" in log.loc["b_copy.pdf", "reason"]
    assert len(read_csv(out / "tables" / "documents.csv")) == 1
    assert fakes == ["a_status.pdf"]


def test_non_pdf_files_are_listed_as_skipped_with_a_reason(fakes, folders):
    inp, out = folders
    notat(inp, "status.pdf")
    (inp / "notes.txt").write_bytes(b"Noter til moedet, ikke et notat")
    (inp / "renamed_pdf.bin").write_bytes(b"%PDF-1.4 fake\nkind=concept\ndate=2021-01-01\n")
    (inp / "README.md").write_text("instructions, not an input")
    assert run.run_report(inp, out, stages=FAKES) == 0
    log = read_csv(out / "tables" / "ingest_log.csv").set_index("file")
    assert log.loc["notes.txt", "status"] == "skipped"
    assert "not a PDF or Word document" in log.loc["notes.txt", "reason"]
    assert log.loc["renamed_pdf.bin", "status"] == "ok"  # recognized by its magic bytes
    # every entry has its row; the folder's instructions are not an input
    assert log.loc["README.md", "status"] == "skipped"
    assert "instructions" in log.loc["README.md", "reason"]


# --------------------------------------------------------------------------- the cache


def test_rerun_without_new_input_extracts_nothing(fakes, folders):
    inp, out = folders
    for i in range(3):
        notat(inp, f"n{i}.pdf", extra=f"copy {i}")
    notat(inp, "locked.pdf", extra="password=1")
    run.run_report(inp, out, workers=2, stages=FAKES)
    assert sorted(fakes) == ["locked.pdf", "n0.pdf", "n1.pdf", "n2.pdf"]
    fakes.clear()
    (out / staging.LAST_RUN_FILE).unlink()  # force a full run, not the "up to date" shortcut
    run.run_report(inp, out, workers=2, stages=FAKES)
    assert fakes == []  # skipped outcomes are cached too
    log = read_csv(out / "tables" / "ingest_log.csv").set_index("file")
    assert log.loc["locked.pdf", "status"] == "skipped"


def test_one_new_pdf_costs_one_extraction(fakes, folders):
    inp, out = folders
    notat(inp, "a.pdf")
    run.run_report(inp, out, stages=FAKES)
    fakes.clear()
    notat(inp, "b.pdf", date="2021-06-03")
    run.run_report(inp, out, stages=FAKES)
    assert fakes == ["b.pdf"]


def test_cache_entry_that_cannot_be_read_back_is_read_again(fakes, folders):
    inp, out = folders
    notat(inp, "a.pdf")
    notat(inp, "b.pdf", date="2021-06-03")
    run.run_report(inp, out, stages=FAKES)
    fakes.clear()
    con = sqlite3.connect(out / staging.CACHE_FILE)
    b_sha = hashlib.sha256((inp / "b.pdf").read_bytes()).hexdigest()
    con.execute("UPDATE outcome SET payload = x'00' WHERE sha256 = ?", (b_sha,))
    con.commit()
    con.close()
    (out / staging.LAST_RUN_FILE).unlink()
    run.run_report(inp, out, stages=FAKES)
    assert fakes == ["b.pdf"]
    log = read_csv(out / "tables" / "ingest_log.csv").set_index("file")
    assert log["status"].to_dict() == {"a.pdf": "ok", "b.pdf": "ok"}


def test_renamed_file_is_a_cache_hit_under_its_new_name(fakes, folders):
    inp, out = folders
    notat(inp, "old_name.pdf")
    run.run_report(inp, out, stages=FAKES)
    fakes.clear()
    (inp / "old_name.pdf").rename(inp / "new_name.pdf")
    run.run_report(inp, out, stages=FAKES)
    assert fakes == []
    assert read_csv(out / "tables" / "documents.csv")["file"].tolist() == ["new_name.pdf"]


def test_changed_pipeline_version_invalidates_the_cache(fakes, folders):
    inp, out = folders
    notat(inp, "a.pdf")
    run.run_report(inp, out, stages=FAKES)
    fakes.clear()
    changed = replace(FAKES, version=lambda **_: "9.9.9+changed")
    run.run_report(inp, out, stages=changed)
    assert fakes == ["a.pdf"]


def test_pipeline_version_changes_with_extraction_source(tmp_path, monkeypatch):
    import pipeline
    from pipeline import cache

    fake_pkg = tmp_path / "pipeline"
    (fake_pkg / "extract").mkdir(parents=True)
    (fake_pkg / "write").mkdir()
    (fake_pkg / "extract" / "status.py").write_text("A = 1\n")
    (fake_pkg / "write" / "docx_report.py").write_text("B = 1\n")
    monkeypatch.setattr(pipeline, "__file__", str(fake_pkg / "__init__.py"))
    before = cache.pipeline_version()
    (fake_pkg / "write" / "docx_report.py").write_text("B = 2\n")
    assert cache.pipeline_version() == before  # writers do not change extraction
    (fake_pkg / "extract" / "status.py").write_text("A = 2\n")
    assert cache.pipeline_version() != before


def test_unchanged_inputs_and_pipeline_leave_the_output_as_it_is(fakes, folders, caplog):
    inp, out = folders
    notat(inp, "a.pdf")
    run.run_report(inp, out, stages=FAKES)
    report = out / "statusrapport_2020-05-28.docx"
    stamp = report.stat().st_mtime_ns, (out / "tables").stat().st_ino
    caplog.set_level("INFO", logger="pipeline")
    assert run.run_report(inp, out, stages=FAKES) == 0
    assert "up to date" in caplog.text
    assert (report.stat().st_mtime_ns, (out / "tables").stat().st_ino) == stamp
    report.unlink()  # a published file gone: the next run writes everything again
    run.run_report(inp, out, stages=FAKES)
    assert report.is_file()
    assert (out / "tables").stat().st_ino != stamp[1]


# --------------------------------------------------------------------------- periods


def test_earlier_periods_report_is_never_changed(fakes, folders):
    inp, out = folders
    notat(inp, "status_2020.pdf", date="2020-05-28")
    run.run_report(inp, out, stages=FAKES)
    report_2020 = out / "statusrapport_2020-05-28.docx"
    before = report_2020.read_bytes(), report_2020.stat().st_mtime_ns
    notat(inp, "status_2021.pdf", date="2021-06-03")
    run.run_report(inp, out, stages=FAKES)
    assert (out / "statusrapport_2021-06-03.docx").is_file()
    assert (report_2020.read_bytes(), report_2020.stat().st_mtime_ns) == before
    # the 2021 notat taken out again: the latest period in the input is 2020, but 2021's report
    # stands in OUTPUT, so 2020's report is an earlier period's and stays as it was
    (inp / "status_2021.pdf").unlink()
    time.sleep(0.01)
    run.run_report(inp, out, stages=FAKES)
    assert (report_2020.read_bytes(), report_2020.stat().st_mtime_ns) == before
    assert (out / "statusrapport_2021-06-03.docx").is_file()


def test_concept_notats_only_write_tables_and_succeed(fakes, folders):
    inp, out = folders
    notat(inp, "koncept.pdf", kind="concept", date="2021-01-10")
    assert run.run_report(inp, out, stages=FAKES) == 0
    assert len(read_csv(out / "tables" / "initiatives.csv")) == 1
    assert not list(out.glob("statusrapport_*"))


# --------------------------------------------------------------------------- exit codes, errors


def test_overrides_file_is_found_beside_the_input_or_given_on_the_command_line(
    fakes, folders, capsys
):
    inp, out = folders
    notat(inp, "a.pdf")
    beside = inp.parent / "goal_overrides.csv"
    beside.write_text("action,wording_a,wording_b\n", encoding="utf-8")
    OVERRIDES_SEEN.clear()
    assert main(["report", "--input", str(inp), "--output", str(out)], stages=FAKES) == 0
    # the file as ingest read it (a child process with limits)
    assert OVERRIDES_SEEN[-1].file == beside.name and len(OVERRIDES_SEEN) == 1
    assert OVERRIDES_SEEN[-1].sha256 == hashlib.sha256(beside.read_bytes()).hexdigest()

    chosen = inp.parent / "andre_afgørelser.csv"
    chosen.write_text("action,wording_a,wording_b\n", encoding="utf-8")
    argv = ["report", "--input", str(inp), "--output", str(out), "--overrides", str(chosen)]
    assert main(argv, stages=FAKES) == 0
    assert OVERRIDES_SEEN[-1].file == chosen.name  # another file: not "up to date", run again
    assert main(argv, stages=FAKES) == 0
    assert len(OVERRIDES_SEEN) == 2  # same inputs, same overrides: nothing to do
    chosen.write_text("action,wording_a,wording_b\nsame,a,b\n", encoding="utf-8")
    assert main(argv, stages=FAKES) == 0
    assert len(OVERRIDES_SEEN) == 3  # the decisions changed: the output is made again

    capsys.readouterr()
    missing = ["report", "--input", str(inp), "--output", str(out), "--overrides", "nej.csv"]
    assert main(missing, stages=FAKES) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["error: overrides file not found: nej.csv"]


def test_exit_codes_and_one_plain_line_for_bad_input(fakes, folders, capsys):
    inp, out = folders
    assert (
        main(["report", "--input", str(inp), "--output", str(out), "-q"], stages=FAKES) == 2
    )  # no folder
    inp.mkdir()
    assert (
        main(["report", "--input", str(inp), "--output", str(out), "-q"], stages=FAKES) == 1
    )  # empty
    (inp / "a.txt").write_text("hello")
    notat(inp, "locked.pdf", extra="password=1")
    assert main(["report", "--input", str(inp), "--output", str(out), "-q"], stages=FAKES) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert err.count("\n") == 3 and all(line.startswith("error: ") for line in err.splitlines())
    assert not (out / "tables").exists()  # nothing usable: nothing written
    notat(inp, "status.pdf")
    assert main(["report", "--input", str(inp), "--output", str(out), "-q"], stages=FAKES) == 0
    assert capsys.readouterr().err == ""


def test_nothing_usable_raises_pipeline_error_and_keeps_previous_output(fakes, folders):
    inp, out = folders
    good = notat(inp, "status.pdf")
    run.run_report(inp, out, stages=FAKES)
    before = snapshot(out)
    good.unlink()
    notat(inp, "locked.pdf", extra="password=1")
    with pytest.raises(PipelineError, match="no status or concept notat"):
        run.run_report(inp, out, stages=FAKES)
    assert snapshot(out) == before


def test_ingest_bug_becomes_a_failed_entry_not_a_crash(fakes, folders):
    def broken(path, *, sha256, **_):
        if path.name == "bad.pdf":
            raise RuntimeError("boom")
        return fake_ingest_file(path, sha256=sha256)

    inp, out = folders
    notat(inp, "good.pdf")
    notat(inp, "bad.pdf", extra="x")
    assert run.run_report(inp, out, stages=replace(FAKES, read_notat=broken)) == 0
    log = read_csv(out / "tables" / "ingest_log.csv").set_index("file")
    assert log.loc["bad.pdf", "status"] == "failed"
    assert "boom" in log.loc["bad.pdf", "reason"]


def test_inputs_are_never_modified(fakes, folders):
    inp, out = folders
    notat(inp, "a.pdf")
    notat(inp, "b.pdf", kind="concept", date="2021-01-01")
    (inp / "c.txt").write_text("x")
    before = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in inp.iterdir()}
    run.run_report(inp, out, stages=FAKES)
    run.run_report(inp, out, stages=FAKES)
    assert {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in inp.iterdir()} == before


# --------------------------------------------------------------------------- kill -9 and the lock

_CHILD = """
import sys
sys.path.insert(0, {root!r})
from pipeline.hooks import default_hooks
from tests.test_run import FAKES, PauseAt
from pipeline.__main__ import main
hooks = (*default_hooks(), PauseAt("staged", ".paused"))
sys.exit(main(["report", "--input", {inp!r}, "--output", {out!r}], stages=FAKES, hooks=hooks))
"""


def _start_paused_run(inp: Path, out: Path) -> subprocess.Popen:
    code = _CHILD.format(root=str(ROOT), inp=str(inp), out=str(out))
    proc = subprocess.Popen(
        [sys.executable, "-c", code],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    while not list(out.glob(".staging-*/.paused")):
        if proc.poll() is not None:
            raise AssertionError(proc.stderr.read().decode())
        assert time.monotonic() < deadline, "the paused run never reached its pause"
        time.sleep(0.05)
    return proc


def test_run_killed_mid_run_leaves_previous_output_and_next_run_completes(fakes, folders):
    inp, out = folders
    notat(inp, "status_2020.pdf")
    run.run_report(inp, out, stages=FAKES)
    before = snapshot(out)
    notat(inp, "status_2021.pdf", date="2021-06-03")
    proc = _start_paused_run(inp, out)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    assert snapshot(out) == before  # nothing published
    assert list(out.glob(".staging-*"))  # the killed run's leftovers are there…
    assert run.run_report(inp, out, stages=FAKES) == 0
    assert not list(out.glob(".staging-*"))  # …and the next run cleared them
    assert (out / "statusrapport_2021-06-03.docx").is_file()
    assert len(read_csv(out / "tables" / "documents.csv")) == 2


def test_second_run_is_refused_while_one_is_running(fakes, folders, capsys):
    inp, out = folders
    notat(inp, "status_2020.pdf")
    proc = _start_paused_run(inp, out)
    try:
        with pytest.raises(RunLockedError, match="another run"):
            run.run_report(inp, out, stages=FAKES)
        assert main(["report", "--input", str(inp), "--output", str(out)], stages=FAKES) == 1
        err = capsys.readouterr().err.strip().splitlines()
        assert err[-1].startswith("error: another run") and str(proc.pid) in err[-1]
    finally:
        proc.kill()
        proc.wait(timeout=10)


def test_tables_swap_interrupted_between_renames_is_repaired(fakes, folders):
    inp, out = folders
    notat(inp, "status_2020.pdf")
    run.run_report(inp, out, stages=FAKES)
    before = snapshot(out)
    (out / "tables").rename(out / ".old-tables-12345")  # killed right after the first rename
    (out / ".staging-12345" / "tables").mkdir(parents=True)
    assert snapshot(out) != before
    staging.clear_leftovers(out)
    assert snapshot(out) == before
    assert not list(out.glob(".*-12345"))


# --------------------------------------------------------------------------- the real stages


@pytest.mark.slow
def test_report_on_rendered_notats(status_pdf, tmp_path, capsys):
    """Two periods' status notats, a concept notat, a copy and a stray file, real stages."""
    import shutil

    from tests.fixtures.producers.concept_reportlab import render_pdf as concept_pdf

    inp, out = tmp_path / "input", tmp_path / "output"
    inp.mkdir()
    shutil.copy(status_pdf("reportlab", "status_2020"), inp / "status_2020-05-28.pdf")
    shutil.copy(status_pdf("reportlab", "status_2021"), inp / "status_2021-06-03.pdf")
    shutil.copy(status_pdf("reportlab", "status_2021"), inp / "kopi.pdf")
    shutil.copy(concept_pdf(), inp / "koncept.pdf")
    (inp / "referat.txt").write_text("ikke et notat")
    assert main(["report", "--input", str(inp), "--output", str(out), "--workers", "2"]) == 0
    assert "Traceback" not in capsys.readouterr().err
    for name in (
        "statusrapport_2021-06-03.docx",
        "statusrapport_2021-06-03.pdf",
        "statusskema_2021-06-03.docx",
        "statusdata.sqlite",
        "statusdata.xlsx",
    ):
        assert (out / name).stat().st_size > 0, name
    docs = read_csv(out / "tables" / "documents.csv")
    assert sorted(docs["kind"]) == ["concept", "status", "status"]
    log = read_csv(out / "tables" / "ingest_log.csv").set_index("file")
    assert log["status"].to_dict() == {
        "kopi.pdf": "ok",
        "koncept.pdf": "ok",
        "referat.txt": "skipped",
        "status_2020-05-28.pdf": "ok",
        "status_2021-06-03.pdf": "duplicate",
    }
    statements = read_csv(out / "tables" / "goal_statements.csv")
    assert len(statements) > 100 and (statements["goal_id"] != "").all()
    con = sqlite3.connect(out / "statusdata.sqlite")
    periods = {r[0] for r in con.execute("SELECT DISTINCT period FROM goal_statements")}
    con.close()
    assert periods == {"2020-05-28", "2021-06-03"}
    _check_workbook(out)


def test_unreadable_status_notat_is_a_failed_row_with_an_error_finding(tmp_path, capsys):
    """A notat that looks like a status notat but whose goal table cannot be read: failed in
    ingest_log.csv with a reason, its error finding in findings.csv and in the report's
    Kontrol, the summary says so, and the run still reports on the notat it could read."""
    import shutil

    from tests.fixtures.other_docs import status_table_pdf, unreadable_status_pdf

    inp, out = tmp_path / "input", tmp_path / "output"
    inp.mkdir()
    shutil.copy(status_table_pdf(), inp / "status_2020.pdf")
    shutil.copy(unreadable_status_pdf(), inp / "status_2021.pdf")
    assert main(["report", "--input", str(inp), "--output", str(out)]) == 0
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    assert "status_2021.pdf: failed, no goal table could be read on its page" in captured.out
    log = read_csv(out / "tables" / "ingest_log.csv").set_index("file")
    assert log.loc["status_2021.pdf", "status"] == "failed"
    assert log.loc["status_2021.pdf", "kind"] == "status"
    assert log.loc["status_2021.pdf", "cause"] == "no_goal_table"
    assert "no goal table could be read" in log.loc["status_2021.pdf", "reason"]
    docs = read_csv(out / "tables" / "documents.csv")
    assert list(docs["file"]) == ["status_2020.pdf"]  # a failed document is not a period
    findings = read_csv(out / "tables" / "findings.csv")
    failed_id = log.loc["status_2021.pdf", "sha256"][:16]
    mine = findings[findings["doc_id"] == failed_id]
    assert set(mine["code"]) == {"no_table", "no_goal_table"}
    assert set(mine["severity"]) == {"error"}
    from docx import Document as Docx

    report = Docx(str(out / "statusrapport_2020-05-28.docx"))
    text = "\n".join(p.text for p in report.paragraphs) + "\n".join(
        c.text for t in report.tables for r in t.rows for c in r.cells
    )
    assert "status_2021.pdf" in text
    assert "ingen måltabel kunne læses" in text


def test_concept_notat_without_areas_is_a_failed_row_with_an_error_finding(tmp_path, capsys):
    """A concept notat whose areas cannot be read: failed with its cause, never an empty ok."""
    import shutil

    from tests.fixtures.concept_data import concept_notat
    from tests.fixtures.other_docs import status_table_pdf
    from tests.fixtures.producers import concept_reportlab

    notat = concept_notat()
    notat.areas, notat.closing_title, notat.closing = [], "", []
    inp, out = tmp_path / "input", tmp_path / "output"
    inp.mkdir()
    shutil.copy(status_table_pdf(), inp / "status_2020.pdf")
    shutil.copy(concept_reportlab.render_pdf(notat, name="koncept_uden_omraader"), inp / "k.pdf")
    assert main(["report", "--input", str(inp), "--output", str(out)]) == 0
    assert "Traceback" not in capsys.readouterr().err
    log = read_csv(out / "tables" / "ingest_log.csv").set_index("file")
    assert log.loc["k.pdf", ["status", "kind", "cause"]].tolist() == [
        "failed",
        "concept",
        "no_initiatives",
    ]
    assert "no numbered area (indsatsområde) could be read" in log.loc["k.pdf", "reason"]
    findings = read_csv(out / "tables" / "findings.csv")
    mine = findings[findings["doc_id"] == log.loc["k.pdf", "sha256"][:16]]
    assert mine[["code", "severity"]].values.tolist() == [["no_areas", "error"]]


def test_only_an_unreadable_status_notat_is_an_error_exit(tmp_path, capsys):
    import shutil

    from tests.fixtures.other_docs import unreadable_status_pdf

    inp, out = tmp_path / "input", tmp_path / "output"
    inp.mkdir()
    shutil.copy(unreadable_status_pdf(), inp / "status.pdf")
    assert main(["report", "--input", str(inp), "--output", str(out)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "1 failed" in err[0] and "Traceback" not in err[0]


def test_extract_says_a_file_failed_and_exits_1(tmp_path, capsys):
    from tests.fixtures.other_docs import status_table_pdf, unreadable_status_pdf

    out = tmp_path / "tables"
    code = main(
        ["extract", str(status_table_pdf()), str(unreadable_status_pdf()), "--out", str(out)]
    )
    assert code == 1
    err = capsys.readouterr().err
    assert "status_ulaeselig" in err and "no goal table could be read" in err
    log = read_csv(out / "ingest_log.csv")
    assert sorted(log["status"]) == ["failed", "ok"]
    assert "no_goal_table" in set(read_csv(out / "findings.csv")["code"])
    assert len(read_csv(out / "goal_rows.csv")) == 3  # the readable notat's rows


def _check_workbook(out: Path) -> None:
    """statusdata.xlsx: a sheet per table holding the CSV's rows under Danish headers, with a
    Periode column on every sheet of a notat's rows, except that Koblinger holds only the links
    worth a person's look (refused, or between different wordings)."""
    from openpyxl import load_workbook

    from pipeline.transform.frames import workbook_header
    from pipeline.write.xlsx import SHEET_NAMES

    book = load_workbook(out / "statusdata.xlsx", read_only=True)
    assert book.sheetnames == list(SHEET_NAMES.values())
    for name in SHEET_NAMES:
        table = read_csv(out / "tables" / f"{name}.csv")
        rows = list(book[SHEET_NAMES[name]].iter_rows(values_only=True))
        header = list(rows[0])
        in_csv = [workbook_header(c) for c in table.columns]
        assert [h for h in header if h in in_csv] == in_csv, name
        assert all(h.startswith("Periode") for h in header if h not in in_csv), name
        if name not in ("goals", "decisions"):  # the register has Første/Seneste periode
            assert any(h.startswith("Periode") for h in header), name
        if name != "links":
            assert len(rows) - 1 == len(table), name
            continue
        worth = table[
            (table["decision"] == "refused") | (table["left_text"] != table["right_text"])
        ]
        assert 0 < len(worth) < len(table)
        shown = [dict(zip(header, r, strict=True)) for r in rows[1:]]
        assert len(shown) == len(worth)
        assert all(
            r["Afgørelse"] == "Holdt adskilt" or r["Tekst (A)"] != r["Tekst (B)"] for r in shown
        )
    book.close()


def test_one_and_two_workers_write_the_same_report(status_pdf, tmp_path):
    """With two workers the reports are laid out in a second process: same bytes, same tables."""
    import shutil

    inp = tmp_path / "input"
    inp.mkdir()
    shutil.copy(status_pdf("reportlab", "status_2020"), inp / "status_2020-05-28.pdf")
    shutil.copy(status_pdf("reportlab", "status_2021"), inp / "status_2021-06-03.pdf")
    outs = {}
    for workers in (1, 2):
        out = tmp_path / f"output{workers}"
        assert main(["report", "--input", str(inp), "--output", str(out), "--workers",
                     str(workers)]) == 0  # fmt: skip
        outs[workers] = out
    pdf = "statusrapport_2021-06-03.pdf"
    assert (outs[1] / pdf).read_bytes() == (outs[2] / pdf).read_bytes()
    for table in ("goal_rows.csv", "goal_statements.csv", "changes.csv", "goals.csv"):
        one = (outs[1] / "tables" / table).read_text(encoding="utf-8")
        assert one == (outs[2] / "tables" / table).read_text(encoding="utf-8"), table


# --------------------------------------------------------------------------- progress and summary


def test_progress_bar_counts_files_and_pages(capsys):
    from pipeline.progress import FileProgress

    with FileProgress(2, bar=True) as progress:
        progress.file_done("a.pdf", pages=12, status="ok", cached=False)
        progress.file_done("b.pdf", pages=3, status="skipped", cached=True, reason="b.pdf: x")
    assert (progress.done, progress.pages) == (2, 15)
    err = capsys.readouterr().err
    assert "Reading" in err and "\n" not in err.strip("\n")  # one bar line, redrawn in place


def test_summary_names_documents_skipped_files_findings_and_reports(fakes, folders, caplog):
    inp, out = folders
    notat(inp, "status.pdf")
    notat(inp, "koncept.pdf", kind="concept", date="2021-01-01")
    (inp / "notes.txt").write_bytes(b"Noter")
    caplog.set_level("INFO", logger="pipeline")
    run.run_report(inp, out, stages=FAKES)
    text = caplog.text
    assert "Documents read: 1 concept, 1 status" in text
    assert "notes.txt: skipped, not a PDF or Word document (a .txt file)" in text
    assert "Findings: none" in text
    assert f"Report: {out / 'statusrapport_2020-05-28.pdf'}" in text


def test_formula_safe_csv_neutralizes_formulas_and_plain_csv_keeps_the_text(tmp_path):
    """`report` writes its tables formula-safe (=HYPERLINK… neutralized); `extract` keeps text exact."""
    import pandas as pd

    from pipeline.tables import write_csv

    frame = pd.DataFrame({"remark": ['=HYPERLINK("x")', "+45 57 62 80 10", "Del af driften."]})
    write_csv(frame, tmp_path / "safe.csv", formula_safe=True)
    write_csv(frame, tmp_path / "exact.csv")
    safe = (tmp_path / "safe.csv").read_text(encoding="utf-8").splitlines()
    exact = (tmp_path / "exact.csv").read_text(encoding="utf-8").splitlines()
    assert safe[1].startswith("\"'=HYPERLINK") and safe[2] == "'+45 57 62 80 10"
    assert safe[3] == exact[3] == "Del af driften."
    assert exact[2] == "+45 57 62 80 10"
