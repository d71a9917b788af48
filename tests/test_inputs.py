# ruff: noqa: F811 (the fixtures of tests.test_run, imported, are test parameters here)
"""Issue 14: every entry of the input folder gets exactly one ingest_log row, shown safely; one
bad document never stops the batch; competing status notats of one period are a finding.

The stages are the fakes of ``tests.test_run`` (seconds per test); the batch test runs the same
kinds of entries through the real stages.
"""

from __future__ import annotations

import ast
import os
import socket
import time
from dataclasses import replace
from pathlib import Path

from pipeline import run
from pipeline.model import Document, ExtractedDocument, GoalRow, GoalStatement
from pipeline.names import safe_name
from pipeline.tables import read_csv
from pipeline.transform import reconcile, settle_periods
from tests.test_run import FAKES, fake_ingest_file, fakes, folders, notat  # noqa: F401 (fixtures)

ROOT = Path(__file__).resolve().parents[1]


def _log(out: Path):
    return read_csv(out / "tables" / "ingest_log.csv").set_index("file")


def test_folders_pipes_sockets_and_devices_each_get_one_row_and_are_never_opened(fakes, folders):
    inp, out = folders
    notat(inp, "status.pdf")
    (inp / "mappe.pdf").mkdir()
    os.mkfifo(inp / "rør.pdf")  # opening it for reading would block the run for ever
    here = os.getcwd()
    os.chdir(inp)
    try:
        sock = socket.socket(socket.AF_UNIX)
        sock.bind("sokkel.pdf")
    finally:
        os.chdir(here)
    started = time.monotonic()
    assert run.run_report(inp, out, stages=FAKES) == 0
    assert time.monotonic() - started < 30
    sock.close()
    log = _log(out)
    assert sorted(log.index) == sorted(os.listdir(inp))
    for name, what in (
        ("mappe.pdf", "folder"),
        ("rør.pdf", "named pipe"),
        ("sokkel.pdf", "socket"),
    ):
        assert (log.loc[name, "status"], log.loc[name, "cause"]) == ("skipped", "not_a_file")
        assert what in log.loc[name, "reason"]
    assert fakes == ["status.pdf"]


def test_links_are_followed_only_to_regular_files_inside_the_input_folder(fakes, folders):
    inp, out = folders
    notat(inp, "status.pdf")
    notat(inp.parent / "elsewhere", "ude.pdf", kind="concept", date="2021-01-01")
    os.symlink(inp / "status.pdf", inp / "genvej.pdf")
    os.symlink(inp.parent / "elsewhere" / "ude.pdf", inp / "ude_genvej.pdf")
    os.symlink("/etc/passwd", inp / "passwd.pdf")
    os.symlink("/dev/zero", inp / "nul.pdf")
    os.symlink(inp / "væk.pdf", inp / "død.pdf")
    os.symlink(inp / "b.pdf", inp / "a.pdf")
    os.symlink(inp / "a.pdf", inp / "b.pdf")
    os.symlink(inp.parent / "elsewhere", inp / "mappe_genvej.pdf")
    assert run.run_report(inp, out, stages=FAKES) == 0
    log = _log(out)
    assert len(log) == 9
    assert log.loc["genvej.pdf", "status"] == "duplicate"  # inside: followed, same bytes
    reasons = {
        "ude_genvej.pdf": "outside the input folder",
        "passwd.pdf": "outside the input folder",
        "nul.pdf": "outside the input folder",
        "død.pdf": "does not exist",
        "a.pdf": "loop",
        "b.pdf": "loop",
        "mappe_genvej.pdf": "outside the input folder",
    }
    for name, why in reasons.items():
        assert (log.loc[name, "status"], log.loc[name, "cause"]) == ("skipped", "link"), name
        assert why in log.loc[name, "reason"] and log.loc[name, "sha256"] == "", name
    assert sorted(fakes) == ["status.pdf"]


def test_a_link_inside_to_a_device_or_folder_is_not_followed(fakes, folders):
    inp, out = folders
    notat(inp, "status.pdf")
    (inp / "undermappe").mkdir()
    os.symlink(inp / "undermappe", inp / "mappe.pdf")
    assert run.run_report(inp, out, stages=FAKES) == 0
    log = _log(out)
    assert log.loc["mappe.pdf", "cause"] == "link" and "a folder" in log.loc["mappe.pdf", "reason"]


def test_name_that_is_not_utf8_is_read_and_shown_escaped(fakes, folders):
    inp, out = folders
    notat(inp, "status.pdf")
    raw = os.fsencode(inp) + b"/M\xf8de \xc6r\xf8.pdf"  # Latin-1, as from an old file share
    with open(raw, "wb") as f:
        f.write(b"%PDF-1.4 fake\nkind=concept\ndate=2021-01-01\n")
    assert run.run_report(inp, out, stages=FAKES) == 0
    log = _log(out)
    shown = "M\\xf8de \\xc6r\\xf8.pdf"
    assert log.loc[shown, "status"] == "ok" and log.loc[shown, "kind"] == "concept"
    docs = read_csv(out / "tables" / "documents.csv")
    assert shown in set(docs["file"])


def test_size_limit_is_checked_before_hashing(fakes, folders):
    inp, out = folders
    notat(inp, "status.pdf")
    with open(inp / "kæmpe.pdf", "wb") as f:
        f.truncate(8 << 30)  # 8 GiB (sparse): hashing it would take most of a minute
    started = time.monotonic()
    assert run.run_report(inp, out, stages=FAKES) == 0
    assert time.monotonic() - started < 10
    row = _log(out).loc["kæmpe.pdf"]
    assert (row["status"], row["cause"], row["sha256"]) == ("skipped", "too_large", "")
    assert "8,192 MB" in row["reason"] and "200 MB (max_file_mb)" in row["reason"]


def test_bidi_and_control_characters_in_names_are_escaped_in_logs_and_progress(capsys):
    assert safe_name("rapport_\u202efdp.exe") == "rapport_\\u202efdp.exe"
    assert safe_name("linje\nskift.pdf") == "linje\\u000askift.pdf"
    assert safe_name(os.fsdecode(b"M\xf8de.pdf")) == "M\\xf8de.pdf"
    assert safe_name("møde referat; Ærø æøå.pdf") == "møde referat; Ærø æøå.pdf"
    assert safe_name("nul\u200bbredde.pdf") == "nul\\u200bbredde.pdf"


def test_newline_in_a_name_does_not_split_the_progress_line(fakes, folders, caplog):
    inp, out = folders
    notat(inp, "linje\nskift.pdf")
    notat(inp, "rapport_\u202efdp.pdf", kind="concept", date="2021-01-01")
    caplog.set_level("INFO", logger="pipeline")
    assert run.run_report(inp, out, stages=FAKES) == 0
    progress = [r.getMessage() for r in caplog.records if r.getMessage().startswith("[")]
    assert len(progress) == 2 and all("\n" not in line for line in progress)
    assert any("linje\\u000askift.pdf" in line for line in progress)
    assert "\u202e" not in caplog.text


def test_schema_violation_fails_that_document_naming_its_file_and_the_batch_goes_on(fakes, folders):
    def doubled(path, *, sha256, **kw):
        result = fake_ingest_file(path, sha256=sha256)
        if path.name == "dobbelt.pdf":  # the same row twice: goal_rows' key is not unique
            result.document.goal_rows.append(result.document.goal_rows[0])
        return result

    inp, out = folders
    notat(inp, "status.pdf")
    notat(inp, "dobbelt.pdf", date="2021-06-03")
    assert run.run_report(inp, out, stages=replace(FAKES, read_notat=doubled)) == 0
    row = _log(out).loc["dobbelt.pdf"]
    assert (row["status"], row["cause"]) == ("failed", "contract")
    assert row["reason"].startswith("dobbelt.pdf: ") and "goal_rows" in row["reason"]
    assert len(row["reason"].splitlines()) == 1
    assert (out / "statusrapport_2020-05-28.docx").is_file()  # the other notat's report


def test_competing_status_notats_are_a_finding_naming_both_files(fakes, folders):
    inp, out = folders
    notat(inp, "status.pdf", date="2021-06-03", extra="remark=endelig\n")
    draft = notat(inp, "status udkast.pdf", date="2021-06-03", extra="remark=kladde\n")
    os.utime(draft, (1_577_836_800, 1_577_836_800))  # the draft is the older file
    assert run.run_report(inp, out, stages=FAKES) == 0
    log = _log(out)
    assert log.loc["status.pdf", "status"] == "ok"
    row = log.loc["status udkast.pdf"]
    assert (row["status"], row["cause"]) == ("skipped", "competing")
    assert "status.pdf" in row["reason"]
    findings = read_csv(out / "tables" / "findings.csv")
    competing = findings[findings["code"] == "competing_notats"]
    assert len(competing) == 1 and competing["severity"].item() == "error"
    assert "status.pdf" in competing["message"].item()
    assert "status udkast.pdf" in competing["message"].item()
    docs = read_csv(out / "tables" / "documents.csv")
    assert list(docs["file"]) == ["status.pdf"]


def test_the_same_notat_saved_twice_is_read_once(fakes, folders):
    inp, out = folders
    notat(inp, "status.pdf", date="2021-06-03")
    notat(inp, "status gemt igen.pdf", date="2021-06-03", extra="other bytes\n")
    assert run.run_report(inp, out, stages=FAKES) == 0
    log = _log(out)
    assert sorted(log["status"]) == ["duplicate", "ok"]
    assert "same_content" in set(log["cause"])
    findings = read_csv(out / "tables" / "findings.csv")
    assert "competing_notats" not in set(findings["code"])


def _status(doc_id: str, file: str, date: str, status: str) -> ExtractedDocument:
    row = GoalRow(doc_id, 1, "Sundhedstilbud", 1, status, "", "", "", 1, 1)
    row.statements.append(GoalStatement(doc_id, 1, 1, 1, "Færre borgere ryger", "1"))
    doc = Document(doc_id, file, doc_id * 4, "status", "Status", date, 1)
    return ExtractedDocument(doc, goal_rows=[row])


def test_change_list_compares_distinct_periods_only():
    docs = [
        _status("a" * 16, "2020.pdf", "2020-05-28", "not_started"),
        _status("b" * 16, "2021.pdf", "2021-06-03", "started"),
        _status("c" * 16, "2021 udkast.pdf", "2021-06-03", "not_started"),
    ]
    settled = settle_periods(docs, {"2021.pdf": 2, "2021 udkast.pdf": 1})
    assert [d.document.file for d in settled.documents] == ["2020.pdf", "2021.pdf"]
    assert settled.decisions["2021 udkast.pdf"][1] == "competing"
    changes = reconcile(settled.documents).changes
    assert {(c.previous_period, c.period) for c in changes} <= {("2020-05-28", "2021-06-03")}
    unsettled = reconcile(docs).changes  # what the change list did before: a period against itself
    assert any(c.period == c.previous_period for c in unsettled)


def test_run_leaves_locking_staging_and_supervision_to_their_own_modules():
    def imported(module: str) -> set[str]:
        tree = ast.parse((ROOT / "pipeline" / f"{module}.py").read_text())
        names = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names |= {a.name for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module:
                names.add(node.module)
        return names

    low_level = {"fcntl", "ctypes", "multiprocessing", "signal", "errno"}
    assert not imported("run") & low_level
    assert "fcntl" in imported("staging") and "ctypes" in imported("processes")
    source = (ROOT / "pipeline" / "run.py").read_text()
    for home in ("flock", "prctl", "PDEATHSIG", "os.replace("):
        assert home not in source, home


def test_decision_file_in_the_input_folder_is_listed_ok_as_decisions(fakes, folders):
    inp, out = folders
    notat(inp, "status.pdf")
    (inp / "goal_overrides.csv").write_text("action,wording_a,wording_b\n", encoding="utf-8")
    (inp / "README.md").write_text("Læg notaterne her.\n", encoding="utf-8")
    assert run.run_report(inp, out, stages=FAKES) == 0
    log = _log(out)
    assert (log.loc["goal_overrides.csv", "status"], log.loc["goal_overrides.csv", "kind"]) == (
        "ok", "decisions")  # fmt: skip
    assert log.loc["README.md", "cause"] == "instructions"
    assert len(log) == 3
