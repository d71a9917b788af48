# ruff: noqa: F811 (the fixtures of tests.test_run and tests.test_review_loop are parameters here)
"""Issue 28: nothing the secretary drops into the folder can stop, bloat, fool or poison a run.

One named test per attack the issue found, each with the bound that now holds it. The hostile
files are built by the suite (``tests/fixtures/hostile_decisions.py``). The decision files are
read for real (a child process with limits, as a run reads them); reading the notats is replaced
where it is not the point (``tests.test_review_loop``'s transcribed notats, ``tests.test_run``'s
fakes), and done for real where it is (the cache, Ctrl-C during OCR).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest

from pipeline import run
from pipeline.limits import Limits
from pipeline.stages import STAGES
from pipeline.tables import read_csv
from pipeline.wording import DECISIONS_LISTED
from tests.fixtures import hostile_decisions as hostile
from tests.fixtures.proctree import descendants
from tests.test_faults import _fill, needs_mount, small_disk
from tests.test_reports import docx_text
from tests.test_review_loop import (  # noqa: F401 (fixtures and helpers)
    DIABETES,
    PATHS_2021,
    PATHS_2022,
    SENIORS_2021,
    SENIORS_2022,
    _first_run,
    loop,
)
from tests.test_run import FAKES, fakes, folders, notat, snapshot  # noqa: F401 (fixtures)

ROOT = Path(__file__).resolve().parents[1]
LIMITS = Limits()


def _kontrol(out: Path, period: str = "2022-06-02") -> str:
    text = docx_text(out / f"statusrapport_{period}.docx")
    return text[text.index("Kontrol") :]


def _log(out: Path):
    return read_csv(out / "tables" / "ingest_log.csv").set_index("file")


def _decisions(out: Path):
    return read_csv(out / "tables" / "decisions.csv")


def _every_output_text(out: Path) -> str:
    """The text of every table and report a run wrote (to look for what must not be there)."""
    texts = [p.read_text(encoding="utf-8") for p in (out / "tables").glob("*.csv")]
    texts += [docx_text(p) for p in out.glob("*.docx")]
    with sqlite3.connect(out / "statusdata.sqlite") as db:
        for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'"):
            texts += [repr(r) for r in db.execute(f'SELECT * FROM "{name}"')]
    return "\n".join(texts)


# --------------------------------------------------------------------------- decision workbooks


@pytest.mark.parametrize("how", ["entity_bomb", "external_entity", "damaged"])
def test_workbook_whose_sheet_breaks_after_its_dimension_is_listed_and_the_run_goes_on(loop, how):
    """Bound: the workbook is read in a child process under ``Limits`` (memory, time); its XML
    may break anywhere. Before: exit 70 "internal error: ParseError", nothing written."""
    inp, out, _, report = loop
    _first_run(loop)
    good = (SENIORS_2021, SENIORS_2022, "samme mål")
    (inp / "afstemning_angreb.xlsx").write_bytes(hostile.broken_after_dimension(how, good))
    (inp / "afstemning_god.xlsx").write_bytes(hostile.good_workbook([good]))
    report()  # exits 0
    row = _log(out).loc["afstemning_angreb.xlsx"]
    assert (row["status"], row["kind"], row["cause"]) == ("failed", "decisions", "damaged")
    kontrol = _kontrol(out)
    assert "afstemning_angreb.xlsx" in kontrol and "Filen kunne ikke læses" in kontrol
    # the good workbook beside it is applied
    assert f"»{SENIORS_2021}« og »{SENIORS_2022}« er samme mål" in kontrol
    assert "root:x:0:0" not in _every_output_text(out)  # nothing of /etc/passwd leaked


def test_workbook_whose_sheet_inflates_to_3_gib_is_refused_before_it_is_inflated(loop):
    """Bound: ``max_inflated_mb`` (100 MB), checked on the sizes the ZIP directory declares,
    before any part is inflated. Before: the run passed 1.5 GB."""
    inp, out, _, report = loop
    _first_run(loop)
    bomb = hostile.inflating_to(3)
    assert bomb.stat().st_size < 4 << 20  # a 3 MB file
    shutil.copy(bomb, inp / "afstemning_bombe.xlsx")
    report()
    row = _log(out).loc["afstemning_bombe.xlsx"]
    assert (row["status"], row["cause"]) == ("failed", "bomb")
    assert "3,072 MB" in row["reason"] and "max_inflated_mb" in row["reason"]
    assert "pakker sig ud til 3.072 MB" in _kontrol(out)


def test_decision_filled_down_a_million_rows_is_refused_at_the_row_limit(loop):
    """Bound: ``max_decision_rows`` (20,000) rows read; the file is not used at all (no half of
    its decisions applied). Before: the run passed 1.5 GB."""
    inp, out, _, report = loop
    _first_run(loop)
    shutil.copy(hostile.filled_down(1_000_000), inp / "afstemning_udfyldt.xlsx")
    report()
    row = _log(out).loc["afstemning_udfyldt.xlsx"]
    assert (row["status"], row["cause"]) == ("failed", "too_many_rows")
    assert f"{LIMITS.max_decision_rows:,} rows (max_decision_rows)" in row["reason"]
    assert "flere end 20.000 rækker" in _kontrol(out)
    decided = _decisions(out)
    decided = decided[decided["file"] == "afstemning_udfyldt.xlsx"]
    rows = list(zip(decided["row_no"], decided["outcome"], strict=True))
    assert rows == [("0", "unusable")]  # the file, not one of its rows


def test_encrypted_decision_workbook_is_named_password_protected(loop):
    """Before: reported as "BadZipFile"."""
    inp, out, _, report = loop
    _first_run(loop)
    (inp / "afstemning_kode.xlsx").write_bytes(
        hostile.encrypted([(SENIORS_2021, SENIORS_2022, "samme mål")])
    )
    report()
    row = _log(out).loc["afstemning_kode.xlsx"]
    assert (row["status"], row["cause"]) == ("failed", "password")
    assert "password protected" in row["reason"]
    kontrol = _kontrol(out)
    assert "beskyttet med adgangskode" in kontrol and "BadZipFile" not in kontrol


def test_workbook_of_more_cells_than_the_limit_is_refused_as_they_are_read(tmp_path):
    """Bound: ``max_cells`` (500,000) cells parsed: 40 rows as wide as a sheet can be."""
    from pipeline import ingest

    path = tmp_path / "afstemning_bred.xlsx"
    path.write_bytes(hostile.wide(40))
    read = ingest.ingest_decisions(path)
    assert (read.status, read.cause) == ("failed", "too_many_cells")
    assert f"more than {LIMITS.max_cells:,} cells (max_cells)" in read.reason


def test_decision_file_needing_more_memory_than_its_limit_is_stopped_and_listed(tmp_path):
    """Bound: ``memory_mb`` of the child that reads it, as for a notat."""
    from pipeline import ingest

    path = tmp_path / "afstemning.xlsx"
    path.write_bytes(hostile.good_workbook([(SENIORS_2021, SENIORS_2022, "samme mål")]))
    read = ingest.ingest_decisions(path, limits=Limits(memory_mb=64))
    assert (read.status, read.cause) == ("failed", "memory")
    assert "memory limit of 64 MB" in read.reason
    assert "hukommelse" in read.problems[0][1]
    assert ingest.ingest_decisions(path).rows  # within the default limits: read


def test_decision_file_read_past_its_time_limit_is_stopped_with_all_it_started(
    tmp_path, monkeypatch
):
    """Bound: ``seconds`` of the child that reads it (wall clock), killed with its group."""
    from pipeline import ingest
    from tests.fixtures import hung_reader

    assert ingest.start_fork_server()
    marker = tmp_path / "child.pid"
    monkeypatch.setenv("HUNG_READER_MARKER", str(marker))
    monkeypatch.setattr(ingest, "_STARTUP_GRACE_SECONDS", 0.0)
    path = tmp_path / "goal_overrides.csv"
    path.write_text("same,a,b\n", encoding="utf-8")
    started = time.monotonic()
    read = ingest.ingest_decisions(path, limits=Limits(seconds=1), reader=hung_reader.hang)
    assert time.monotonic() - started < 10
    assert (read.status, read.cause) == ("failed", "timeout")
    assert "longer than the limit of 1 seconds" in read.reason
    time.sleep(0.2)
    assert not _alive([int(marker.read_text())])  # what the reader started is gone too


# --------------------------------------------------------------------------- goal_overrides.csv


def test_overrides_file_of_100_000_lines_is_refused_at_the_line_limit(loop):
    """Bound: ``max_decision_rows`` (20,000) lines. Before: the run passed 1.5 GB."""
    inp, out, _, report = loop
    _first_run(loop)
    lines = [
        ("same", f"Mål nummer {n} der ikke findes", f"Et andet mål {n}") for n in range(100_000)
    ]
    (inp / "goal_overrides.csv").write_text(hostile.overrides_lines(lines), encoding="utf-8")
    report()
    row = _log(out).loc["goal_overrides.csv"]
    assert (row["status"], row["kind"], row["cause"]) == ("failed", "decisions", "too_many_rows")
    assert "100,001 lines" in row["reason"]  # the header and 100,000 decisions
    assert "goal_overrides.csv" in _kontrol(out)


def test_override_lines_naming_no_goal_are_reported_as_not_applied(loop):
    """Before: every line was listed as "Afgørelse anvendt", also one naming no goal."""
    inp, out, _, report = loop
    _first_run(loop)
    lines = [
        ("same", SENIORS_2021, SENIORS_2022),
        ("different", PATHS_2021, "Flere cykelstier langs skolevejene"),  # no such goal
        ("same", "Færre borgere ryger", DIABETES),  # no such goal either
    ]
    (inp / "goal_overrides.csv").write_text(hostile.overrides_lines(lines), encoding="utf-8")
    report()
    kontrol = _kontrol(out)
    assert f"Afgørelse anvendt (linje 2): »{SENIORS_2021}« og »{SENIORS_2022}«" in kontrol
    assert (
        "Linje 3: »Flere cykelstier langs skolevejene« står ikke i notaterne; afgørelsen er ikke "
        "brugt." in kontrol
    )
    assert "Linje 4: »Færre borgere ryger« står ikke i notaterne" in kontrol
    assert kontrol.count("Afgørelse anvendt") == 1
    decided = _decisions(out).set_index("row_no")
    assert list(decided["outcome"]) == ["applied", "no_goal", "no_goal"]
    assert (decided.loc["3", "action"], decided.loc["3", "wording_a"]) == ("different", PATHS_2021)


def test_ten_thousand_override_lines_are_all_in_the_table_and_kontrol_lists_a_readable_few(loop):
    """Bound: Kontrol lists at most ``DECISIONS_LISTED`` (20) decisions applied and as many not
    used, then counts the rest; decisions.csv has every line. Before: 10,000 lines took 33 s,
    almost all of it writing a 1.8 MB list into the report. (Seconds: ``make bench``.)"""
    inp, out, _, report = loop
    _first_run(loop)
    real = [(SENIORS_2021, SENIORS_2022), (PATHS_2021, PATHS_2022)]
    lines = [("same", a, b) for a, b in real]
    lines += [("different", f"Et mål der ikke findes {n}", DIABETES) for n in range(9_998)]
    (inp / "goal_overrides.csv").write_text(hostile.overrides_lines(lines), encoding="utf-8")
    started = time.monotonic()
    report()
    print(f"\n10,000 override lines: the run took {time.monotonic() - started:.1f} s")
    decided = _decisions(out)
    assert len(decided) == 10_000
    assert (decided["outcome"] == "applied").sum() == 2
    kontrol = _kontrol(out)
    assert kontrol.count("Afgørelse anvendt") == 2
    assert kontrol.count("står ikke i notaterne") == DECISIONS_LISTED
    assert "… og 9.978 afgørelser mere er ikke brugt" in kontrol
    assert (out / "statusrapport_2022-06-02.docx").stat().st_size < 200_000


# --------------------------------------------------------------------------- a typo in the year


def test_year_typo_is_an_error_finding_and_never_the_latest_period(fakes, folders):
    """Bound: a status notat dated after the end of next year, or before the strategy began
    (2017), is set aside. Before: "3. juni 2201" became the latest period without a warning."""
    inp, out = folders
    notat(inp, "status_2020.pdf", date="2020-05-28")
    notat(inp, "status_2021.pdf", date="2021-06-03", extra="remark=2021")
    notat(inp, "status_2201.pdf", date="2201-06-03", extra="remark=typo")
    notat(inp, "status_1921.pdf", date="1921-06-03", extra="remark=typo2")
    assert run.run_report(inp, out, stages=FAKES) == 0
    assert (out / "statusrapport_2021-06-03.docx").is_file()
    assert not list(out.glob("*2201*")) and not list(out.glob("*1921*"))
    log = _log(out)
    for name, why in (("status_2201.pdf", "after the end of next year"),
                      ("status_1921.pdf", "before the strategy")):  # fmt: skip
        assert (log.loc[name, "status"], log.loc[name, "cause"]) == ("skipped", "implausible_date")
        assert why in log.loc[name, "reason"]
    findings = read_csv(out / "tables" / "findings.csv")
    typo = findings[findings["code"] == "implausible_date"]
    assert len(typo) == 2 and set(typo["severity"]) == {"error"}
    assert any("3. juni 2201" in m for m in typo["message"])


# --------------------------------------------------------------------------- cache poisoning


def _same_size(first: bytes, second: bytes) -> tuple[bytes, bytes]:
    """Two PDFs padded to one size (white space after %%EOF, which readers ignore)."""
    size = max(len(first), len(second))
    return first + b"\n" * (size - len(first)), second + b"\n" * (size - len(second))


def test_file_swapped_after_hashing_is_never_read_or_cached_as_the_other_notat(
    status_pdf, tmp_path
):
    """Bound: the reader hashes the copy it reads; other bytes than those listed are not used
    and not cached. Before: a file swapped after it was hashed, for another of the same size
    and modification time, was read as the other notat, logged and cached under the first
    file's checksum, and the next run served the wrong notat for the original bytes."""
    a, b = _same_size(
        status_pdf("html", "status_2020").read_bytes(),
        status_pdf("html", "status_2021").read_bytes(),
    )
    inp, out = tmp_path / "input", tmp_path / "output"
    inp.mkdir()
    shutil.copy(ROOT / "input_pdfs" / "koncept_sundhedshus.pdf", inp / "koncept.pdf")
    path = inp / "status.pdf"
    path.write_bytes(a)

    def listed_then_swapped(*args, **kwargs):
        files = STAGES.list_inputs(*args, **kwargs)
        st = path.stat()
        path.write_bytes(b)  # the other notat, same size, same modification time
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
        return files

    swapped = replace(STAGES, list_inputs=listed_then_swapped)
    assert run.run_report(inp, out, workers=1, stages=swapped) == 0
    row = _log(out).loc["status.pdf"]
    assert (row["status"], row["cause"]) == ("skipped", "being_written")
    assert row["sha256"] == hashlib.sha256(a).hexdigest()
    assert not (out / "statusrapport_2021-06-03.docx").exists()

    path.write_bytes(a)  # the original bytes again: read as what they are
    assert run.run_report(inp, out, workers=1) == 0
    documents = read_csv(out / "tables" / "documents.csv").set_index("file")
    assert documents.loc["status.pdf", "date"] == "2020-05-28"
    assert documents.loc["status.pdf", "sha256"] == hashlib.sha256(a).hexdigest()


# --------------------------------------------------------------------------- Ctrl-C, SIGTERM

_FAKE_RUN = """
import os, sys
sys.path.insert(0, {root!r})
from dataclasses import replace
from pipeline.hooks import default_hooks
from tests.test_run import FAKES, PauseAt
stages, hooks = FAKES, default_hooks()
{extra}
from pipeline.__main__ import main
argv = ["report", "--input", {inp!r}, "--output", {out!r}, "--workers", "2"]
code = main(argv, stages=stages, hooks=hooks)
import gc; gc.freeze()  # as `python -m pipeline` ends: no last collection of all it loaded
sys.exit(code)
"""
# The run held while its writer processes write (PauseAt makes ``.writing`` in the staging folder).
_WHILE_WRITING = """
hooks = (*hooks, PauseAt("tables_written", ".writing"))
"""
# A reconciliation stuck inside one long call into C (no signal is looked at until it returns).
_STUCK_IN_C = """
import pathlib, zlib
_noise, _fake = os.urandom(120 << 20), FAKES.reconcile
def _stuck(*args, **kwargs):
    pathlib.Path(os.environ["STUCK_MARKER"]).write_text("x")
    zlib.compress(_noise, 9)  # seconds in C
    return _fake(*args, **kwargs)
stages = replace(FAKES, reconcile=_stuck)
"""
# The real stages, with a reader that sleeps (the sleeping reader reads).
_SLEEPING_READER = """
from functools import partial
from pipeline import ingest
from pipeline.stages import STAGES
from tests.fixtures import killed_reader
stages = replace(STAGES, read_notat=partial(ingest.ingest_file, reader=killed_reader.sleeping))
"""
# Ctrl-C or SIGTERM: the run, and everything it started, gone within this many seconds.
STOP_SECONDS = 2.0


def _alive(pids) -> list[int]:
    from pipeline.processes import pid_alive

    return [pid for pid in pids if pid_alive(pid)]


def _started(script: str, tmp: Path, **env: str) -> subprocess.Popen:
    """The command line run by ``script`` in a session of its own (a terminal's Ctrl-C goes to
    its process group), its temp folder ``tmp``."""
    tmp.mkdir(exist_ok=True)
    return subprocess.Popen(
        [sys.executable, "-c", script], cwd=ROOT, env={**os.environ, "TMPDIR": str(tmp), **env},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
    )  # fmt: skip


def _wait_for(predicate, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, what
        time.sleep(0.05)


def _stopped(proc: subprocess.Popen, sig: int, *, group: bool) -> tuple[str, float]:
    """Send ``sig`` (to the process group, as a terminal's Ctrl-C, or to the run alone, as
    ``kill``); return the run's stderr and the seconds until it and every process it had
    started were gone."""
    tree = set(descendants(proc.pid))
    assert len(tree) >= 2, tree  # the run and the fork server, with a reader or the writers
    sent = time.monotonic()
    (os.killpg if group else os.kill)(proc.pid, sig)
    _, err = proc.communicate(timeout=30)
    ended = time.monotonic() - sent
    while _alive(tree) and time.monotonic() - sent < 10:
        time.sleep(0.01)
    print(f"\nstopped: the run in {ended:.2f} s, all it started in {time.monotonic() - sent:.2f} s")
    return err.decode(), time.monotonic() - sent


def _check_stopped(proc, err: str, seconds: float, code: int, tmp: Path) -> None:
    assert proc.returncode == code, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    assert "the output folder holds the last complete run's output" in lines[0]
    assert seconds <= STOP_SECONDS, f"{seconds:.2f} s"
    assert not os.listdir(tmp), os.listdir(tmp)  # nothing of the run left in its temp folder


@pytest.mark.ocr
def test_ctrl_c_during_ocr_of_a_scan_stops_the_run_within_2_s(tmp_path):
    """Bound: 2 s from Ctrl-C to the run and every process it started gone, exit 130, one line,
    the previous output as it was. Before: the run went on until the OCR ended (26 s): the
    readers run in sessions of their own, where a terminal's Ctrl-C does not reach them."""
    from tests.test_scans import SCAN_KINDS, _require_ocr, scanned, short_pdf

    _require_ocr()
    inp, out, tmp = tmp_path / "input", tmp_path / "output", tmp_path / "tmp"
    inp.mkdir()
    shutil.copy(short_pdf(), inp / "status_2020.pdf")
    assert run.run_report(inp, out, workers=1) == 0
    before = snapshot(out)
    scan = scanned(
        short_pdf(), name="scanshort_ruled_300dpi_clean", kind=SCAN_KINDS["300dpi_clean"]
    )
    shutil.copy(scan, inp / "skannet.pdf")
    script = (
        f"import gc, sys; sys.path.insert(0, {str(ROOT)!r}); from pipeline.__main__ import main; "
        f"code = main(['report', '--input', {str(inp)!r}, '--output', {str(out)!r}]); "
        "gc.freeze(); sys.exit(code)"
    )
    proc = _started(script, tmp)
    try:
        ocr = lambda: any(  # noqa: E731
            Path(f"/proc/{p}/comm").read_text().strip() == "tesseract"
            for p in descendants(proc.pid) if Path(f"/proc/{p}/comm").exists()
        )  # fmt: skip
        _wait_for(ocr, 120, "OCR never started")
        err, seconds = _stopped(proc, signal.SIGINT, group=True)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    print(f"\nCtrl-C during OCR: stopped in {seconds:.2f} s")
    _check_stopped(proc, err, seconds, 130, tmp)
    assert err.startswith("interrupted")
    assert snapshot(out) == before and not list(out.glob(".staging-*"))


def test_ctrl_c_while_writing_stops_within_2_s_and_leaves_the_previous_output(
    fakes, folders, tmp_path
):
    """Bound: 2 s, exit 130, one line; the writer processes (in the run's process group, a
    terminal's Ctrl-C reaches them too) end without a traceback of theirs."""
    inp, out = folders
    notat(inp, "status_2020.pdf")
    assert run.run_report(inp, out, stages=FAKES) == 0
    before = snapshot(out)
    notat(inp, "status_2021.pdf", date="2021-06-03")
    tmp = tmp_path / "tmp"
    script = _FAKE_RUN.format(root=str(ROOT), inp=str(inp), out=str(out), extra=_WHILE_WRITING)
    proc = _started(script, tmp)
    try:
        _wait_for(lambda: list(out.glob(".staging-*/.writing")), 60, "the run never wrote")
        err, seconds = _stopped(proc, signal.SIGINT, group=True)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    _check_stopped(proc, err, seconds, 130, tmp)
    assert snapshot(out) == before and not list(out.glob(".staging-*"))


def test_ctrl_c_inside_a_long_call_into_c_still_stops_within_2_s(fakes, folders, tmp_path):
    """Bound: 2 s even when the run's thread cannot take the signal (it is inside one long C
    call): a thread that wakes on the signal ends every child, and the process after 1.2 s,
    removing what it staged."""
    inp, out = folders
    notat(inp, "status_2020.pdf")
    assert run.run_report(inp, out, stages=FAKES) == 0
    before = snapshot(out)
    notat(inp, "status_2021.pdf", date="2021-06-03")
    tmp, marker = tmp_path / "tmp", tmp_path / "stuck"
    script = _FAKE_RUN.format(root=str(ROOT), inp=str(inp), out=str(out), extra=_STUCK_IN_C)
    proc = _started(script, tmp, STUCK_MARKER=str(marker))
    try:
        _wait_for(marker.exists, 60, "the run never reconciled")
        err, seconds = _stopped(proc, signal.SIGINT, group=False)  # `kill -INT`: the run alone
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    _check_stopped(proc, err, seconds, 130, tmp)
    assert snapshot(out) == before and not list(out.glob(".staging-*"))


def test_sigterm_while_reading_stops_within_2_s_with_nothing_left_in_the_temp_folder(
    fakes, folders, tmp_path
):
    """Bound: 2 s, exit 143, one line; the reader (a session of its own) ended with its group,
    its temp folder and the fork server's removed. Before: a ``pymp-*`` folder stayed in the
    temp folder for good."""
    inp, out = folders
    notat(inp, "status_2020.pdf")
    tmp, marker = tmp_path / "tmp", tmp_path / "reader.pid"
    script = _FAKE_RUN.format(root=str(ROOT), inp=str(inp), out=str(out), extra=_SLEEPING_READER)
    proc = _started(script, tmp, SLEEPING_READER_MARKER=str(marker))
    try:
        _wait_for(lambda: marker.exists() and marker.read_text(), 60, "no reader started")
        reader = int(marker.read_text())
        assert reader in descendants(proc.pid)
        err, seconds = _stopped(proc, signal.SIGTERM, group=False)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    _check_stopped(proc, err, seconds, 143, tmp)
    assert err.startswith("stopped (SIGTERM)")


# --------------------------------------------------------------------------- the temp folder


def test_a_run_killed_with_9_leaves_its_temp_folder_to_the_next_start_which_removes_it(
    fakes, folders, tmp_path
):
    """Bound: what a run killed with -9 left in the temp folder (its own folder, and the fork
    server's ``pymp-*``, linked from it) is removed when the next run starts. Before: the
    ``pymp-*`` folder stayed for good."""
    inp, out = folders
    notat(inp, "status_2020.pdf")
    tmp, marker = tmp_path / "tmp", tmp_path / "reader.pid"
    script = _FAKE_RUN.format(root=str(ROOT), inp=str(inp), out=str(out), extra=_SLEEPING_READER)
    proc = _started(script, tmp, SLEEPING_READER_MARKER=str(marker))
    try:
        _wait_for(lambda: marker.exists() and marker.read_text(), 60, "no reader started")
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    left = sorted(os.listdir(tmp))
    assert left[0].startswith("pipeline-run-") and left[1].startswith("pymp-"), left
    assert os.readlink(tmp / left[0] / f"adopted-{left[1]}") == str(tmp / left[1])
    again = _started(_FAKE_RUN.format(root=str(ROOT), inp=str(inp), out=str(out), extra=""), tmp)
    _, err = again.communicate(timeout=120)
    assert again.returncode == 0, err
    assert not os.listdir(tmp), os.listdir(tmp)


@needs_mount
def test_full_temp_folder_with_the_notats_cached_still_writes_every_output(status_pdf, tmp_path):
    """Bound: the writers keep their parts in the staging folder, never the temp folder. Before:
    the Excel writer failed in a full temp folder, the message named a file in the output
    folder, and five temp files stayed behind."""
    inp, out, temp = tmp_path / "input", tmp_path / "output", tmp_path / "tmp"
    inp.mkdir()
    shutil.copy(status_pdf("html", "status_2021", "ruled"), inp / "status_2021.pdf")
    cmd = [sys.executable, "-m", "pipeline", "report", "--input", str(inp), "--output", str(out)]
    with small_disk(temp, "4m"):
        env = {**os.environ, "TMPDIR": str(temp)}
        first = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
        assert first.returncode == 0, first.stderr
        (out / ".cache" / "last_run.json").unlink()  # not "up to date": written again
        for written in out.glob("statusrapport_*"):
            written.unlink()
        _fill(temp)
        full = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
        left = sorted(os.listdir(temp))
    assert full.returncode == 0, full.stderr
    assert (out / "statusrapport_2021-06-03.docx").is_file()
    assert (out / "statusdata.xlsx").is_file() and (out / "afstemning_2021-06-03.xlsx").is_file()
    assert left == ["fyld"], left  # nothing of ours in the temp folder
