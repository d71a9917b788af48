"""The command line edge: exit codes and one plain line on stderr for misuse (CONTRACT.md)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pipeline", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_no_command_is_a_usage_error_in_one_line():
    r = _run()
    assert r.returncode == 2
    assert len(r.stderr.strip().splitlines()) == 1
    assert "Traceback" not in r.stderr


def test_unknown_option_is_a_usage_error_in_one_line():
    r = _run("report", "--input", "x", "--output", "y", "--bogus")
    assert r.returncode == 2
    assert len(r.stderr.strip().splitlines()) == 1


def test_extract_of_a_missing_file_is_one_line_not_a_traceback(tmp_path):
    r = _run("extract", str(tmp_path / "nope.pdf"), "--out", str(tmp_path / "out"))
    assert r.returncode != 0
    assert "Traceback" not in r.stderr
    assert "nope.pdf" in r.stderr.strip().splitlines()[-1]


def test_report_on_a_missing_input_folder_is_one_line(tmp_path):
    r = _run("report", "--input", str(tmp_path / "nothing"), "--output", str(tmp_path / "out"))
    assert r.returncode != 0
    lines = r.stderr.strip().splitlines()
    assert lines and "Traceback" not in r.stderr
    assert "nothing" in lines[-1]


def test_workers_must_be_positive(tmp_path):
    r = _run("report", "--input", str(tmp_path), "--output", str(tmp_path / "o"), "--workers", "0")
    assert r.returncode == 2
    assert "--workers" in r.stderr


def test_report_with_nothing_usable_prints_exactly_one_line_on_stderr(tmp_path):
    """Progress goes to stdout; stderr holds only the reason the run produced nothing."""
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "brev.pdf").write_text("ikke en pdf", encoding="utf-8")
    r = _run("report", "--input", str(inputs), "--output", str(tmp_path / "out"))
    assert r.returncode == 1
    assert r.stderr.strip().splitlines() == [r.stderr.strip()]
    assert r.stderr.startswith("error: ") and "Traceback" not in r.stderr
    assert "brev.pdf" in r.stdout


def test_a_report_run_prints_only_its_own_lines(tmp_path):
    """What the user sees on the terminal is the run's progress and summary: no library's own
    chatter ("pikepdf C++ to Python logger bridge initialized"), nothing on stderr."""
    inputs = tmp_path / "in"
    inputs.mkdir()
    for pdf in (ROOT / "input_pdfs").glob("status_*.pdf"):
        (inputs / pdf.name).write_bytes(pdf.read_bytes())
    r = _run("report", "--input", str(inputs), "--output", str(tmp_path / "out"))
    assert r.returncode == 0, r.stderr
    assert r.stderr == ""
    assert "Report:" in r.stdout
    assert not [line for line in r.stdout.splitlines() if "pikepdf" in line or "logger" in line]
