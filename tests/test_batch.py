"""Issue 6's acceptance: one `report` over a folder of awkward files mixed with good notats.

The run goes through the real command line (child processes, limits, cache, staging), as a user
runs it, and must exit 0, report the good notats correctly, log every file with a reason, print
no traceback and leave every input byte for byte as it was.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.tables import read_csv
from tests.fixtures.bad_inputs import make_bad_inputs
from tests.fixtures.compare import MAX_SPLIT_WORDS, split_inside_a_word
from tests.fixtures.notat_data import expected_tables
from tests.fixtures.status_2021 import STATUS_2021

ROOT = Path(__file__).resolve().parents[1]


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def batch(tmp_path_factory, status_pdf):
    inputs = tmp_path_factory.mktemp("mixed_inputs")
    expected = make_bad_inputs(inputs)
    # More awkward things people leave in the folder, on top of the generated bad PDFs.
    (inputs / "noter til mødet.txt").write_text("Husk at tjekke Tema 2\n", encoding="utf-8")
    (inputs / "Thumbs.db").write_bytes(b"\x00\x01junk" * 50)
    expected["noter til mødet.txt"] = "skipped"
    expected["Thumbs.db"] = "skipped"
    good_2020 = status_pdf("docx", "status_2020", "ruled")
    good_2021 = status_pdf("html", "status_2021", "ruled")
    shutil.copy(good_2020, inputs / "status 28. maj 2020.pdf")
    shutil.copy(good_2021, inputs / "Status_juni_2021.PDF")
    shutil.copy(good_2021, inputs / "Status_juni_2021 - kopi.pdf")  # the copy Windows makes
    half = good_2020.read_bytes()
    (inputs / "status_afbrudt_download.pdf").write_bytes(half[: len(half) // 2])
    shutil.copy(ROOT / "input_pdfs" / "koncept_sundhedshus.pdf", inputs / "koncept.pdf")
    before = {p.name: _sha(p) for p in inputs.iterdir()}
    output = tmp_path_factory.mktemp("mixed_output")
    proc = subprocess.run(
        [sys.executable, "-m", "pipeline", "report", "--input", str(inputs), "--output",
         str(output), "--workers", "2"],
        cwd=ROOT, capture_output=True, text=True, timeout=1200,
    )  # fmt: skip
    return inputs, output, proc, before, expected


def test_mixed_batch_exits_0_without_a_traceback(batch):
    _, _, proc, _, _ = batch
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr + proc.stdout


def test_mixed_batch_holds_at_least_30_awkward_files(batch):
    _, _, _, before, _ = batch
    good = {"status 28. maj 2020.pdf", "Status_juni_2021.PDF", "koncept.pdf"}
    awkward = [name for name in before if name not in good]
    assert len(awkward) >= 30, awkward


def test_mixed_batch_logs_every_file_with_a_reason(batch):
    _, output, _, before, expected = batch
    log = read_csv(output / "tables" / "ingest_log.csv")
    assert sorted(log["file"]) == sorted(before)
    not_ok = log[log["status"] != "ok"]
    assert (not_ok["reason"].str.len() > 0).all()
    assert not log["reason"].str.contains("Traceback").any()
    by_file = dict(zip(log["file"], log["status"], strict=True))
    for name, status in expected.items():
        # byte-identical files: the first stays as it is, the rest are duplicates
        assert by_file[name] in (status, "duplicate"), (name, by_file[name])
    pair = sorted(by_file[n] for n in ("Status_juni_2021.PDF", "Status_juni_2021 - kopi.pdf"))
    assert pair == ["duplicate", "ok"]
    assert by_file["status_afbrudt_download.pdf"] in ("skipped", "failed")
    assert by_file["status 28. maj 2020.pdf"] == by_file["koncept.pdf"] == "ok"


def test_mixed_batch_reports_the_good_notats_correctly(batch):
    _, output, _, _, _ = batch
    assert (output / "statusrapport_2021-06-03.docx").is_file()
    assert (output / "statusrapport_2021-06-03.pdf").is_file()
    assert (output / "statusskema_2021-06-03.docx").is_file()
    docs = read_csv(output / "tables" / "documents.csv")
    doc_2021 = docs.loc[docs["date"] == "2021-06-03", "doc_id"].item()
    rows = read_csv(output / "tables" / "goal_rows.csv")
    got = rows[rows["doc_id"] == doc_2021]
    want = expected_tables(STATUS_2021, doc_2021)["goal_rows"]
    assert len(got) == len(want)
    split = []  # a word a narrow column broke inside, read as two (tests.fixtures.compare)
    for exp, (_, row) in zip(want, got.iterrows(), strict=True):
        for column in ("theme_no", "row_no", "status", "remark", "proposal", "proposed_text"):
            if split_inside_a_word(str(exp[column]), row[column]):
                split.append((exp["theme_no"], exp["row_no"], column))
                continue
            assert row[column] == str(exp[column]), (exp["theme_no"], exp["row_no"], column)
    assert len(split) <= MAX_SPLIT_WORDS, split
    assert set(docs["kind"]) == {"status", "concept"}


def test_mixed_batch_leaves_every_input_byte_for_byte_unchanged(batch):
    inputs, _, _, before, _ = batch
    assert {p.name: _sha(p) for p in inputs.iterdir()} == before
