# ruff: noqa: F811 (the fixtures of tests.test_run, imported, are test parameters here)
"""Issue 14's fault tests: a run killed with -9 while writing, a reader killed, a full temp
folder, full and read-only output disks, an unreadable input folder, a stale lock, a file that
changes while it is read. After each, the output is as it was and the next run succeeds.

Full and read-only disks are real: small tmpfs mounts, which need root or passwordless sudo
(CI has one of them); elsewhere those tests are skipped with that reason.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import replace
from functools import partial
from pathlib import Path

import pytest

from pipeline import inputs, processes, run, staging
from pipeline.__main__ import main
from pipeline.stages import STAGES, Stages
from pipeline.tables import read_csv
from tests.fixtures.proctree import descendants
from tests.test_run import (  # noqa: F401 (fixtures)
    FAKES,
    fake_ingest_file,
    fakes,
    folders,
    notat,
    snapshot,
)

ROOT = Path(__file__).resolve().parents[1]

_CHILD = """
import sys
sys.path.insert(0, {root!r})
from pipeline.hooks import default_hooks
from tests.test_run import FAKES, PauseAt
from pipeline.__main__ import main
hooks = (*default_hooks(), PauseAt("tables_written", ".writing"))
argv = ["report", "--input", {inp!r}, "--output", {out!r}, "--workers", "2"]
sys.exit(main(argv, stages=FAKES, hooks=hooks))
"""


@pytest.fixture(autouse=True)
def _no_cli_handlers_left():
    """``main`` logs to the streams of its test (capsys); later tests must not write there."""
    yield
    root = logging.getLogger()
    for handler in [h for h in root.handlers if getattr(h, "_pipeline_cli", False)]:
        root.removeHandler(handler)


def _wait_for(predicate, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, what
        time.sleep(0.05)


def _alive(pids) -> list[int]:
    return [pid for pid in pids if processes.pid_alive(pid)]


# --------------------------------------------------------------------------- kill -9 of the run


def test_kill_9_of_the_run_while_writing_then_a_rerun_within_10_s_succeeds(fakes, folders):
    inp, out = folders
    notat(inp, "status_2020.pdf")
    assert run.run_report(inp, out, stages=FAKES) == 0
    before = snapshot(out)
    notat(inp, "status_2021.pdf", date="2021-06-03")
    code = _CHILD.format(root=str(ROOT), inp=str(inp), out=str(out))
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # fmt: skip
    try:
        _wait_for(lambda: list(out.glob(".staging-*/.writing")), 60, "the run never wrote")
        children = set(descendants(proc.pid)) - {proc.pid}
        assert len(children) >= 3  # fork server, two writers (and the resource tracker)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        killed_at = time.monotonic()
        assert run.run_report(inp, out, stages=FAKES) == 0  # not locked out by what the run left
        assert time.monotonic() - killed_at < 10
    finally:
        with contextlib.suppress(ProcessLookupError):
            proc.kill()
    _wait_for(lambda: not _alive(children), 5, f"orphans outlived the run: {_alive(children)}")
    assert snapshot(out) != before and (out / "statusrapport_2021-06-03.docx").is_file()
    assert not list(out.glob(".staging-*"))


_READING_CHILD = """
import sys
sys.path.insert(0, {root!r})
from dataclasses import replace
from functools import partial
from pipeline import ingest
from pipeline.stages import STAGES
from tests.fixtures import killed_reader
from pipeline.__main__ import main
stages = replace(STAGES, read_notat=partial(ingest.ingest_file, reader=killed_reader.sleeping))
sys.exit(main(["report", "--input", {inp!r}, "--output", {out!r}, "--workers", "2"], stages=stages))
"""


def test_kill_9_of_the_run_while_reading_ends_its_readers_and_fork_server(fakes, folders, tmp_path):
    inp, out = folders
    notat(inp, "status_2020.pdf")
    marker = tmp_path / "reader.pid"
    env = {**os.environ, "SLEEPING_READER_MARKER": str(marker)}
    code = _READING_CHILD.format(root=str(ROOT), inp=str(inp), out=str(out))
    proc = subprocess.Popen([sys.executable, "-c", code], env=env, cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # fmt: skip
    try:
        _wait_for(lambda: marker.exists() and marker.read_text(), 60, "no reader started")
        reader = int(marker.read_text())
        children = set(descendants(proc.pid)) - {proc.pid}
        assert reader in children
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        killed_at = time.monotonic()
        _wait_for(lambda: not _alive(children), 5, f"outlived the run: {_alive(children)}")
        assert run.run_report(inp, out, stages=FAKES) == 0  # with the fake reader: the lock is free
        assert time.monotonic() - killed_at < 10
    finally:
        with contextlib.suppress(ProcessLookupError):
            proc.kill()


def test_lock_of_a_run_that_ended_is_taken_over_with_a_message(fakes, folders, caplog):
    inp, out = folders
    notat(inp, "status_2020.pdf")
    out.mkdir(parents=True)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (out / staging.LOCK_FILE).write_text(f"{dead.pid}\n")
    # a leftover process of that run still holds the lock for a moment, then ends
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import fcntl, sys, time; f = open(sys.argv[1], 'r+'); fcntl.flock(f, fcntl.LOCK_EX); "
         "print('held', flush=True); time.sleep(1.5)", str(out / staging.LOCK_FILE)],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert holder.stdout.readline().strip() == "held"
    caplog.set_level("INFO", logger="pipeline")
    assert run.run_report(inp, out, stages=FAKES) == 0
    holder.wait(timeout=10)
    assert f"run pid {dead.pid}" in caplog.text and "took over the lock" in caplog.text


def test_temp_folders_of_a_run_that_ended_are_removed(tmp_path):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    left = tmp_path / f"pipeline-run-{dead.pid}"
    (left / "ingest-x").mkdir(parents=True)
    mine = tmp_path / f"pipeline-run-{os.getpid()}"
    mine.mkdir()
    processes.sweep_ended_runs(tmp_path)
    assert not left.exists() and mine.exists()


# --------------------------------------------------------------------------- killed readers


@pytest.fixture
def one_notat(tmp_path, status_pdf):
    folder = tmp_path / "input"
    folder.mkdir()
    shutil.copy(status_pdf("html", "status_2021", "ruled"), folder / "status_2021.pdf")
    return folder, tmp_path / "output"


def _kill_readers(monkeypatch, tmp_path, times: int) -> tuple[Path, Stages]:
    """The file counting the readers started, and the real stages with readers of
    status_2021.pdf killed ``times`` times (``tests.fixtures.killed_reader``)."""
    from pipeline import ingest
    from tests.fixtures import killed_reader

    assert ingest.start_fork_server()
    counter = tmp_path / "readers_started"
    monkeypatch.setenv("KILLED_READER_COUNTER", str(counter))
    monkeypatch.setenv("KILLED_READER_TIMES", str(times))
    monkeypatch.setenv("KILLED_READER_NAME", "status_2021.pdf")
    killing = partial(ingest.ingest_file, reader=killed_reader.killed)
    return counter, replace(STAGES, read_notat=killing)


def test_killed_reader_is_not_cached_and_the_rerun_reads_the_notat_again(
    one_notat, monkeypatch, tmp_path
):
    inp, out = one_notat
    # something usable, so the run itself succeeds
    shutil.copy(ROOT / "input_pdfs" / "koncept_sundhedshus.pdf", inp / "koncept.pdf")
    counter, stages = _kill_readers(monkeypatch, tmp_path, times=1000)
    assert run.run_report(inp, out, workers=1, stages=stages) == 0
    log = read_csv(out / "tables" / "ingest_log.csv").set_index("file")
    row = log.loc["status_2021.pdf"]
    assert (row["status"], row["cause"]) == ("failed", "killed")
    assert "killed (SIGKILL)" in row["reason"] and "tried twice" in row["reason"]
    assert "memory" not in row["reason"]  # what happened, not a guess at why
    assert len(counter.read_text()) == 2  # tried twice
    monkeypatch.setenv("KILLED_READER_TIMES", "0")
    assert run.run_report(inp, out, workers=1, stages=stages) == 0
    log = read_csv(out / "tables" / "ingest_log.csv").set_index("file")
    assert log.loc["status_2021.pdf", "status"] == "ok"  # read again, not replayed
    assert (out / "statusrapport_2021-06-03.docx").is_file()


def test_reader_killed_once_is_retried_within_the_run(one_notat, monkeypatch, tmp_path):
    inp, out = one_notat
    counter, stages = _kill_readers(monkeypatch, tmp_path, times=1)
    assert run.run_report(inp, out, workers=1, stages=stages) == 0
    log = read_csv(out / "tables" / "ingest_log.csv").set_index("file")
    assert log.loc["status_2021.pdf", "status"] == "ok"
    assert len(counter.read_text()) == 2


# --------------------------------------------------------------------------- disks


def _as_root() -> list[str] | None:
    """How to run mount: directly as root, through passwordless sudo (as CI), or not at all."""
    if shutil.which("mount") is None:
        return None
    if os.geteuid() == 0:
        return []
    sudo = shutil.which("sudo")
    if sudo and subprocess.run([sudo, "-n", "true"], capture_output=True).returncode == 0:
        return [sudo, "-n"]
    return None


needs_mount = pytest.mark.skipif(
    _as_root() is None, reason="tmpfs mounts need root or passwordless sudo"
)


@contextlib.contextmanager
def small_disk(path: Path, size: str = "8m", *, read_only: bool = False):
    """A real disk of ``size`` (tmpfs) at ``path``, writable by this user unless ``read_only``."""
    path.mkdir(parents=True, exist_ok=True)
    options = f"size={size},mode=1777" + (",ro" if read_only else "")
    root = _as_root() or []
    subprocess.run([*root, "mount", "-t", "tmpfs", "-o", options, "tmpfs", str(path)], check=True)
    try:
        yield path
    finally:
        subprocess.run([*root, "umount", "-l", str(path)], check=False)


def _fill(disk: Path, leave: int = 0) -> None:
    """Fill the disk, then give back ``leave`` bytes."""
    filler = disk / "fyld"
    with contextlib.suppress(OSError), open(filler, "wb", buffering=0) as f:
        while True:
            f.write(b"\0" * 4096)
    if leave:
        os.truncate(filler, max(0, filler.stat().st_size - leave))


@needs_mount
def test_full_temp_folder_then_a_rerun_with_space_succeeds(one_notat, tmp_path):
    inp, out = one_notat
    temp = tmp_path / "tmp"
    cmd = [sys.executable, "-m", "pipeline", "report", "--input", str(inp), "--output", str(out)]
    with small_disk(temp, "4m"):
        # a few pages left: Python still takes the folder as its temp folder (it tries a small
        # file there first), then the readers' copies and results find no room
        _fill(temp, leave=3 * 4096)
        env = {**os.environ, "TMPDIR": str(temp)}
        full = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
        assert full.returncode == 1, full.stderr
        assert "Traceback" not in full.stderr and len(full.stderr.strip().splitlines()) == 1
        assert f"the temp folder {temp} is full" in full.stderr  # named as such (issue 28)
        assert os.listdir(temp) == ["fyld"]  # and nothing of the run left in it
        (temp / "fyld").unlink()
        again = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    log = read_csv(out / "tables" / "ingest_log.csv").set_index("file")
    assert log.loc["status_2021.pdf", "status"] == "ok"


@needs_mount
def test_full_output_disk_is_one_line_exit_1_and_earlier_output_intact(fakes, tmp_path, capsys):
    inp, out = tmp_path / "input", tmp_path / "output"
    notat(inp, "status_2020.pdf")
    with small_disk(out, "2m"):
        assert main(["report", "--input", str(inp), "--output", str(out)], stages=FAKES) == 0
        before = snapshot(out)
        notat(inp, "status_2021.pdf", date="2021-06-03", extra="x" * 200_000)
        _fill(out)
        capsys.readouterr()
        assert main(["report", "--input", str(inp), "--output", str(out)], stages=FAKES) == 1
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and str(out) in err[0] and "no space left" in err[0], err
        (out / "fyld").unlink()
        assert snapshot(out) == before


@needs_mount
def test_read_only_output_is_one_line_exit_1(fakes, tmp_path, capsys):
    inp, out = tmp_path / "input", tmp_path / "output"
    notat(inp, "status_2020.pdf")
    with small_disk(out, "1m", read_only=True):
        assert main(["report", "--input", str(inp), "--output", str(out)], stages=FAKES) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and str(out) in err[0] and "read-only" in err[0].lower(), err


def test_missing_output_disk_is_one_line_exit_1(fakes, tmp_path, capsys):
    inp = tmp_path / "input"
    notat(inp, "status_2020.pdf")
    (tmp_path / "fil").write_text("x")
    out = tmp_path / "fil" / "output"  # its parent is a file: it can never be made
    assert main(["report", "--input", str(inp), "--output", str(out)], stages=FAKES) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and str(out) in err[0], err


def test_unreadable_input_folder_is_one_line_exit_1_naming_it(fakes, tmp_path, capsys, monkeypatch):
    inp, out = tmp_path / "input", tmp_path / "output"
    notat(inp, "status_2020.pdf")
    real_listdir = os.listdir

    def denied(path="."):
        if Path(path) == inp:
            raise PermissionError(13, "Permission denied", str(path))
        return real_listdir(path)

    if os.geteuid() == 0:  # root reads any folder: the kernel's answer, as it gives it to others
        monkeypatch.setattr(inputs.os, "listdir", denied)
    else:
        inp.chmod(0)
    try:
        assert main(["report", "--input", str(inp), "--output", str(out)], stages=FAKES) == 1
    finally:
        inp.chmod(0o755)
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and str(inp) in err[0] and "permission denied" in err[0], err
    assert "goal_overrides" not in err[0]


# --------------------------------------------------------------------------- changing files


def test_file_changing_between_hash_and_read_is_logged_and_not_cached(fakes, folders):
    inp, out = folders
    notat(inp, "status_2020.pdf")
    growing = notat(inp, "status_2021.pdf", date="2021-06-03")

    def still_copying(path, *, sha256, **kw):
        result = fake_ingest_file(path, sha256=sha256)
        if path.name == "status_2021.pdf":
            with path.open("ab") as f:
                f.write(b"more bytes arriving\n")
        return result

    assert run.run_report(inp, out, stages=replace(FAKES, read_notat=still_copying)) == 0
    log = read_csv(out / "tables" / "ingest_log.csv").set_index("file")
    assert log.loc["status_2021.pdf", "cause"] == "being_written"
    assert "read next run" in log.loc["status_2021.pdf", "reason"]
    fakes.clear()
    assert run.run_report(inp, out, stages=FAKES) == 0
    assert fakes == ["status_2021.pdf"]  # not cached: read again; the other came from cache
    assert growing.read_bytes().endswith(b"more bytes arriving\n")
    log = read_csv(out / "tables" / "ingest_log.csv").set_index("file")
    assert log.loc["status_2021.pdf", "status"] == "ok"


def _holds(path: str) -> bool:
    """Whether this process has ``path`` open (run in a writer process)."""
    fds = os.listdir("/proc/self/fd")
    return any(os.path.realpath(f"/proc/self/fd/{fd}") == path for fd in fds)


def test_output_lock_is_not_held_by_forked_writers(folders):
    """A writer process never holds the lock: it closes the lock's descriptor first."""
    _, out = folders
    out.mkdir(parents=True)
    lock = os.path.realpath(out / staging.LOCK_FILE)
    with staging.output_lock(out):
        assert _holds(lock)
        with processes.writer_processes(2) as pool:
            assert pool.submit(_holds, lock).result() is False
            assert pool.submit(os.getppid).result() == os.getpid()
