"""Word documents (.docx) read directly, every field compared with the truth.

The status and concept notats of the layout matrices, written as Word files by the matrices'
python-docx producers, are read from the .docx itself (no PDF in between) by ``extract_docx``
and through ingest, as ``report`` and ``extract`` read an input folder. Word's own features a
filled-in notat carries (check box content controls, tracked changes, fields, hidden text,
content controls around cells) are written into the XML by ``tests.fixtures.docx_features``.
"""

from __future__ import annotations

import copy
import dataclasses
import zipfile
from pathlib import Path

import pytest

from pipeline.extract import extract_docx
from pipeline.hashing import sha256_of
from pipeline.ingest import ingest_file
from tests.fixtures.compare import field_errors
from tests.fixtures.concept_data import TITLE, expected_initiatives
from tests.fixtures.concept_layouts import CONCEPT_HELD_OUT, CONCEPT_NAMED, notat_for
from tests.fixtures.docx_features import with_word_features
from tests.fixtures.layouts import (
    HELD_OUT,
    HELD_OUT_HABITS,
    HELD_OUT_HABITS_2,
    NAMED,
    NAMED_HABITS,
    Layout,
)
from tests.fixtures.notat_data import SENDER
from tests.fixtures.producers import concept_docx, status_docx
from tests.fixtures.render import notat_by_name

_STATUS = [
    layout
    for layout in (*NAMED, *NAMED_HABITS, *HELD_OUT, *HELD_OUT_HABITS, *HELD_OUT_HABITS_2)
    if layout.producer == "docx"
]
_CONCEPT = [layout for layout in (*CONCEPT_NAMED, *CONCEPT_HELD_OUT) if layout.producer == "docx"]
_EXPECTED_CODES = {"no_mark", "two_marks", "untagged_wording", "totals_mismatch", "set_aside"}


def _status_docx(layout: Layout, folder: Path) -> Path:
    path = folder / f"{layout.notat}.docx"
    status_docx.build_docx(notat_by_name(layout.notat), path, layout)
    return path


def _misread(doc, layout: Layout) -> list[str]:
    notat = notat_by_name(layout.notat)
    errors = field_errors(
        title=doc.document.title, date=doc.document.date, goal_rows=doc.goal_rows,
        theme_totals=doc.theme_totals, doc_id=doc.document.doc_id, notat=notat,
        goal_numbers=layout.numbering == "column",
    )  # fmt: skip
    want_sender = SENDER if layout.contact != "none" else dict.fromkeys(SENDER, "")
    if doc.document.sender != want_sender:
        errors.append(f"sender block {doc.document.sender}")
    errors += [f"finding {f.code}" for f in doc.findings if f.code not in _EXPECTED_CODES]
    return errors


@pytest.mark.parametrize("layout", _STATUS, ids=lambda layout: layout.name)
def test_status_notat_docx_is_read_field_by_field(layout, tmp_path):
    """Every python-docx rendering of the status matrix (its habits included), read from the
    Word file: every field exact, no word split (a Word paragraph is read whole)."""
    doc = extract_docx(_status_docx(layout, tmp_path))
    assert doc.document.kind == "status" and not doc.failure
    assert not _misread(doc, layout)


@pytest.mark.parametrize("layout", _CONCEPT, ids=lambda layout: layout.name)
def test_concept_notat_docx_is_read_field_by_field(layout, tmp_path):
    notat = notat_for(layout)
    path = tmp_path / "koncept.docx"
    concept_docx.build_docx(copy.deepcopy(notat), path, layout)
    doc = extract_docx(path)
    assert (doc.document.kind, doc.failure, doc.document.title) == ("concept", "", TITLE)
    assert doc.document.date == ("2015-05-12" if layout.contact == "top" else "")
    want = [dataclasses.astuple(e)[1:] for e in expected_initiatives("", notat)]
    assert [dataclasses.astuple(g)[1:] for g in doc.initiatives] == want
    assert not doc.findings


def test_check_boxes_tracked_changes_fields_and_hidden_text_are_read_as_word_shows_them(
    tmp_path,
):
    """Marks as checked check boxes (an unchecked box is no mark), remarks as tracked
    insertions beside deletions (read as accepted, and said so), the date as a field's result,
    hidden words never read, each goal cell in a tagged content control."""
    layout = Layout("docx", "status_2021", numbering="column")
    plain = _status_docx(layout, tmp_path)
    path = with_word_features(plain, tmp_path / "filled.docx")
    xml = zipfile.ZipFile(path).read("word/document.xml").decode()
    assert "w14:checkbox" in xml and "<w:del " in xml and "DATE" in xml and "w:vanish" in xml
    doc = extract_docx(path)
    assert _misread(doc, layout) == ["finding tracked_changes"]  # said once, and read right
    assert [f.code for f in doc.findings].count("tracked_changes") == 1
    assert not any(r.form_goal_id for r in doc.goal_rows)  # an office's own tags: no goal ids
    text = " ".join(s.text for r in doc.goal_rows for s in r.statements)
    assert "skjult note" not in text and "Tidligere tekst" not in " ".join(
        r.remark for r in doc.goal_rows
    )


def test_a_running_header_date_is_the_notats_date_when_no_dato_line_prints_one(tmp_path):
    layout = Layout("docx", page_header="running", contact="none")
    doc = extract_docx(_status_docx(layout, tmp_path))
    assert doc.document.date == "2020-05-28"


# --------------------------------------------------------------------------- through ingest


def _ingest(path: Path):
    return ingest_file(path, sha256=sha256_of(path))


def test_a_docx_notat_is_read_by_ingest_as_report_reads_it(tmp_path):
    result = _ingest(_status_docx(Layout("docx"), tmp_path))
    assert (result.entry.status, result.entry.kind) == ("ok", "status")
    assert len(result.document.goal_rows) == 94


def test_a_word_file_that_is_no_notat_is_skipped_with_a_reason(tmp_path):
    from docx import Document

    letter = Document()
    letter.add_paragraph("Kære Sundhedsudvalg")
    letter.add_paragraph("Vi sender hermed referatet af mødet den 3. juni.")
    path = tmp_path / "brev.docx"
    letter.save(path)
    result = _ingest(path)
    assert (result.entry.status, result.entry.cause) == ("skipped", "not_a_notat")
    assert "not a status or concept notat" in result.entry.reason


@pytest.mark.parametrize(
    ("name", "data", "status", "cause", "words"),
    [
        ("beskadiget.docx", b"PK\x03\x04" + b"\x00" * 64, "skipped", "damaged", "damaged"),
        ("gammel.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "skipped",
         "office_document", "save it as .docx or PDF"),
        ("adgangskode.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100
         + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 100, "skipped", "password",
         "password protected"),
    ],
)  # fmt: skip
def test_a_damaged_old_or_encrypted_word_file_is_skipped_with_a_reason(
    tmp_path, name, data, status, cause, words
):
    path = tmp_path / name
    path.write_bytes(data)
    result = _ingest(path)
    assert (result.entry.status, result.entry.cause) == (status, cause)
    assert words in result.entry.reason


def test_a_zip_that_is_no_word_file_is_skipped_saying_what_it_is(tmp_path):
    path = tmp_path / "arkiv.zip"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("content.xml", "<office:document-content/>")
    result = _ingest(path)
    assert (result.entry.status, result.entry.cause) == ("skipped", "not_word")
    assert "OpenDocument" in result.entry.reason


def test_a_word_file_that_unpacks_to_gigabytes_is_not_read(tmp_path):
    """A zip bomb: the document part claims more than a notat ever holds."""
    path = tmp_path / "bombe.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", b"<w:document>" + b" " * (80 << 20) + b"</w:document>")
    result = _ingest(path)
    assert result.entry.status == "skipped"
    assert "unpacked" in result.entry.reason
