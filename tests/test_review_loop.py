"""The secretary's loop in Excel, end to end (issue 15): a `report` run writes the doubtful pairs
as afstemning_<date>.xlsx; the workbook, filled in with openpyxl the way the secretary fills it
in Excel, is saved in the input folder; the next run applies the decisions, lists them in
*Kontrol*, no longer asks about them, and they go on holding when a later notat edits a wording.

Reading the PDFs is not what this tests: ingest is replaced by one that hands back the
transcribed notats below; reconciliation, the report model and every writer are the real ones.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from pathlib import Path

import pytest
from openpyxl import load_workbook

from pipeline import run
from pipeline.model import ExtractedDocument, IngestEntry
from pipeline.stages import STAGES
from pipeline.tables import read_csv
from pipeline.vocabulary import (
    REVIEW_COLUMNS,
    REVIEW_DECISION,
    REVIEW_SHEET,
    REVIEW_WORDING_A,
    REVIEW_WORDING_B,
)
from pipeline.wording import REVIEW_NONE
from tests.fixtures.notat_data import StatusNotat, Theme, goal_row
from tests.fixtures.to_model import extracted_document
from tests.test_reports import docx_text

SENIORS_2021 = "Tryghed i trafikken for ældre borgere"
SENIORS_2022 = "Tryghed i trafikken for seniorer"  # a synonym the list does not know
SENIORS_2023 = "Tryghed i trafikken for seniorer og gangbesværede"
PATHS_2021 = "Flere sikre og attraktive cykelstier"
PATHS_2022 = "Flere sikre og attraktive cykelstier i hele kommunen"  # linked, not sure
PATHS_2023 = "Flere sikre og attraktive cykelstier i hele Ringsted Kommune"
DIABETES = "Færre borgere i Ringsted Kommune får diabetes"
ASTHMA = "Færre borgere i Ringsted Kommune får astma"  # a near miss: not asked about

NOTATS = {
    "2021": (dt.date(2021, 6, 3), (SENIORS_2021, PATHS_2021, DIABETES)),
    "2022": (dt.date(2022, 6, 2), (SENIORS_2022, PATHS_2022, DIABETES, ASTHMA)),
    "2023": (dt.date(2023, 6, 1), (SENIORS_2023, PATHS_2023, DIABETES, ASTHMA)),
}


def _notat(key: str) -> StatusNotat:
    day, texts = NOTATS[key]
    rows = tuple(goal_row(f"{key}-{i}", (t, "2")) for i, t in enumerate(texts))
    return StatusNotat("Status på mål", "", day, "", (Theme(1, "Sunde rammer", rows),))


@dataclasses.dataclass
class _Ingested:
    entry: IngestEntry
    document: ExtractedDocument
    used_ocr: bool = False


def _ingest(path: Path, *, sha256: str, **_):
    key = path.read_bytes().decode().split("notat=")[1].strip()
    doc = extracted_document(_notat(key), doc_id=hashlib.sha256(key.encode()).hexdigest()[:16])
    doc.document = dataclasses.replace(doc.document, file=path.name)
    return _Ingested(IngestEntry(path.name, sha256, "ok", "status", ""), doc)


def _test_version(*, everything: bool = False) -> str:
    return "test-version"  # other work on the source tree must not invalidate the cache


# The real stages, but for ingest: the notats are made from transcribed data (``_ingest``).
STAGES_OF_THE_LOOP = dataclasses.replace(STAGES, read_notat=_ingest, version=_test_version)


@pytest.fixture
def loop(tmp_path):
    inp, out = tmp_path / "input_pdfs", tmp_path / "output"
    inp.mkdir()

    def add(key: str) -> None:
        (inp / f"status {key}.pdf").write_bytes(f"%PDF-1.4 fake\nnotat={key}\n".encode())

    def report() -> None:
        assert run.run_report(inp, out, workers=1, stages=STAGES_OF_THE_LOOP) == 0

    return inp, out, add, report


def _rows(path: Path) -> list[dict[str, object]]:
    sheet = load_workbook(path)[REVIEW_SHEET]
    header = [c.value for c in sheet[1]]
    assert tuple(header) == REVIEW_COLUMNS
    return [dict(zip(header, (c.value for c in row), strict=True)) for row in sheet.iter_rows(2)]


def _goal_of(out: Path, text: str, period: str) -> str:
    statements = read_csv(out / "tables" / "goal_statements.csv")
    documents = read_csv(out / "tables" / "documents.csv")
    doc_ids = set(documents[documents["date"] == period]["doc_id"])
    found = statements[(statements["text"] == text) & statements["doc_id"].isin(doc_ids)]
    (goal_id,) = set(found["goal_id"])
    return goal_id


def _first_run(loop) -> Path:
    """2021 and 2022 reported; the review workbook the run wrote."""
    _, out, add, report = loop
    add("2021")
    add("2022")
    report()
    return out / "afstemning_2022-06-02.xlsx"


def _decide(workbook: Path, folder: Path, decisions: dict[int, str]) -> None:
    """Fill in the Afgørelse cells (row number -> text) and save the workbook in ``folder``."""
    book = load_workbook(workbook)
    sheet = book[REVIEW_SHEET]
    for row, text in decisions.items():
        sheet.cell(row=row, column=REVIEW_COLUMNS.index(REVIEW_DECISION) + 1, value=text)
    book.save(folder / workbook.name)


def test_secretary_decides_in_excel_and_the_next_runs_apply_it(loop):
    inp, out, add, report = loop
    workbook = _first_run(loop)
    rows = _rows(workbook)
    asked = [(r[REVIEW_WORDING_A], r[REVIEW_WORDING_B]) for r in rows]
    # the likeliest miss first; the near miss (astma beside diabetes, which goes on) not asked
    assert asked == [(SENIORS_2021, SENIORS_2022), (PATHS_2021, PATHS_2022)]
    assert all(r[REVIEW_DECISION] is None for r in rows)
    assert rows[0]["Hvor A står"] == "Tema 1, række 1, notat af 3. juni 2021 (status 2021.pdf)"
    assert "»A« står ikke i notatet af 2. juni 2022" in rows[0]["Hvorfor spørges der"]
    assert _goal_of(out, SENIORS_2022, "2022-06-02") != _goal_of(out, SENIORS_2021, "2021-06-03")
    # the drop-down of the Afgørelse column
    sheet = load_workbook(workbook)[REVIEW_SHEET]
    (validation,) = sheet.data_validations.dataValidation
    assert validation.type == "list"
    assert validation.formula1 == '"samme mål,forskellige mål"'
    column = "ABCDEFGHIJK"[REVIEW_COLUMNS.index(REVIEW_DECISION)]
    assert f"{column}2" in validation.sqref

    # the secretary fills it in and saves it in input_pdfs/
    _decide(workbook, inp, {2: "samme mål", 3: "forskellige mål"})
    report()

    seniors = _goal_of(out, SENIORS_2021, "2021-06-03")
    assert _goal_of(out, SENIORS_2022, "2022-06-02") == seniors
    assert _goal_of(out, PATHS_2022, "2022-06-02") != _goal_of(out, PATHS_2021, "2021-06-03")
    text = docx_text(out / "statusrapport_2022-06-02.docx")
    kontrol = text[text.index("Kontrol") :]
    assert f"»{SENIORS_2021}« og »{SENIORS_2022}« er samme mål" in kontrol
    assert f"»{PATHS_2021}« og »{PATHS_2022}« er forskellige mål" in kontrol
    # the council's report names the administration's decisions, not its files
    assert "Administrationens afgørelser" in kontrol and "afstemning_" not in kontrol
    assert [r["Slags"] for r in _rows(workbook)] == [REVIEW_NONE]  # nothing asked again
    log = read_csv(out / "tables" / "ingest_log.csv")
    # a decision file, not a bad PDF: listed as the decisions the run applied
    row = log.set_index("file").loc[workbook.name]
    assert (row["status"], row["kind"], row["cause"]) == ("ok", "decisions", "")

    # a later notat edits both wordings: the decisions hold on the goals
    add("2023")
    report()
    assert _goal_of(out, SENIORS_2023, "2023-06-01") == seniors
    paths = {
        _goal_of(out, t, p) for t, p in ((PATHS_2021, "2021-06-03"), (PATHS_2023, "2023-06-01"))
    }
    assert len(paths) == 2
    assert [r["Slags"] for r in _rows(out / "afstemning_2023-06-01.xlsx")] == [REVIEW_NONE]


def test_a_decision_that_is_not_one_is_listed_in_kontrol_and_the_run_goes_on(loop):
    inp, out, _, report = loop
    workbook = _first_run(loop)
    _decide(workbook, inp, {2: "ja"})
    book = load_workbook(inp / workbook.name)  # a wording edited in the workbook
    sheet = book[REVIEW_SHEET]
    sheet.cell(row=3, column=REVIEW_COLUMNS.index(REVIEW_WORDING_A) + 1, value="Flere cykelstier")
    sheet.cell(row=3, column=REVIEW_COLUMNS.index(REVIEW_DECISION) + 1, value="samme mål")
    book.save(inp / workbook.name)
    (inp / "noter.xlsx").write_bytes(b"not a workbook")
    report()
    text = docx_text(out / "statusrapport_2022-06-02.docx")
    kontrol = text[text.index("Kontrol") :]
    assert "Række 2: »ja« er ikke en afgørelse" in kontrol
    assert "noter.xlsx" in kontrol and "kunne ikke læses" in kontrol
    assert "Række 3: »Flere cykelstier« står ikke i notaterne; afgørelsen er ikke brugt." in kontrol
    # undecided: still asked
    assert len(_rows(workbook)) == 2


def test_goal_ids_stay_when_the_files_are_renamed_and_a_period_is_added(loop):
    inp, out, add, report = loop
    _first_run(loop)

    def ids() -> dict[tuple, str]:
        statements = read_csv(out / "tables" / "goal_statements.csv")
        return {
            (r.doc_id, r.theme_no, r.row_no, r.stmt_no): r.goal_id for r in statements.itertuples()
        }

    before = ids()
    for path in inp.glob("*.pdf"):
        path.rename(inp / f"omdøbt {path.stem[-4:]}.pdf")
    report()
    assert ids() == before
    add("2023")
    report()
    assert {k: v for k, v in ids().items() if k in before} == before
