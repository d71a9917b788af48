"""Concept notat extraction against the transcribed *Koncept for Ringsted Sundhedshus*.

Every producer renders the same ``ConceptNotat``; extraction must give back every field of
every initiative. The named tests below each guard one hard case of the real notat, and first
check that the rendered fixture really shows that case (so none of them can pass vacuously).
"""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.extract import extract_pdf
from pipeline.extract.concept import body_lines, parse_concept_notat
from pipeline.extract.pdf import PageLayout, Rule, Word, read_pages
from tests.fixtures.concept_data import (
    BULLET,
    MARKUP,
    TITLE,
    Area,
    Block,
    Footnote,
    Group,
    Item,
    SubItem,
    concept_notat,
    expected_initiatives,
)
from tests.fixtures.producers import concept_docx, concept_reportlab, concept_weasyprint

DOC = "doc"
PRODUCERS = {
    "docx": pytest.param(
        concept_docx.render_pdf,
        id="docx",
        marks=[
            pytest.mark.libreoffice,
            pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice not installed"),
        ],
    ),
    "reportlab": pytest.param(concept_reportlab.render_pdf, id="reportlab"),
    "weasyprint": pytest.param(concept_weasyprint.render_pdf, id="weasyprint"),
}


@pytest.fixture(scope="session", params=list(PRODUCERS.values()))
def rendered(request) -> Path:
    return request.param()


@pytest.fixture(scope="session")
def pages(rendered):
    return list(read_pages(rendered))


@pytest.fixture(scope="session")
def parsed(pages):
    return parse_concept_notat(DOC, pages)


def _rows(parsed, area_no: int):
    return [r for r in parsed.initiatives if r.area_no == area_no]


def test_every_initiative_field_matches_the_transcription(parsed):
    expected = expected_initiatives(DOC)
    got = parsed.initiatives
    assert len(got) == len(expected) == 50
    mismatches = [
        (e, g)
        for e, g in zip(expected, got, strict=True)
        if dataclasses.astuple(e) != dataclasses.astuple(g)
    ]
    assert mismatches == []
    assert parsed.findings == []


def test_title_as_printed_and_no_date(parsed, pages):
    assert parsed.title == TITLE
    assert parsed.date == ""  # the concept notat prints no Dato
    assert parsed.pages == len(pages) == 18


def test_extract_pdf_reads_a_concept_notat_end_to_end():
    """Through the stage's entry point: classified from its first pages, then read whole."""
    extracted = extract_pdf(concept_reportlab.render_pdf())
    assert extracted.document.kind == "concept"
    assert extracted.document.title == TITLE
    assert extracted.document.date == ""
    assert len(extracted.initiatives) == 50
    assert extracted.goal_rows == []


def test_wrapped_area_title_is_one_title(parsed, pages):
    lines, _ = body_lines(pages)
    heading = next(ln for ln in lines if ln.text.startswith("2. Sammen skaber vi sundhed"))
    full = "Sammen skaber vi sundhed – borgere, virksomheder, foreninger og frivillige"
    assert heading.text != f"2. {full}", "fixture must wrap the heading over two lines"
    assert {r.area_title for r in _rows(parsed, 2)} == {full}
    assert [r.area_no for r in parsed.initiatives] == sorted(r.area_no for r in parsed.initiatives)
    assert {r.area_no for r in parsed.initiatives} == set(range(1, 8))


def test_numbering_restarts_under_each_group(parsed):
    area1 = _rows(parsed, 1)
    assert [(r.group_title.split()[0:2], r.item_no) for r in area1] == [
        (["Eksisterende", "indsatser"], "1"),
        (["Eksisterende", "indsatser"], "2"),
        (["Eksisterende", "indsatser"], "3"),
        (["Eksisterende", "indsatser"], "4"),
        (["Nye", "kommunale"], "1"),
        (["Nye", "kommunale"], "2"),
        (["Nye", "kommunale"], "3"),
        (["Nye", "kommunale"], "4"),
        (["Nye", "kommunale"], ""),
        (["Nye", "kommunale"], ""),
    ]
    assert area1[4].group_title == (
        "Nye kommunale indsatser der foreslås udviklet og placeres i sundhedshuset"
    )
    assert all(r.group_title == "" for r in parsed.initiatives if r.area_no != 1)


def test_unnumbered_paragraphs_under_a_group_are_items(parsed):
    group = "Nye kommunale indsatser der udvikles i samarbejde med arbejdsmarkedsområdet"
    rows = [r for r in parsed.initiatives if r.group_title == group]
    assert [r.item_no for r in rows] == ["", ""]
    assert rows[0].text.startswith("Sygedagpenge- og kontanthjælpsmodtagere med")
    assert rows[0].text.endswith("mellem de forskellige instanser i kommunen.")
    assert rows[1].text.startswith("Udvikling og igangsættelse af livsstilskurser")


def test_lettered_sub_items_are_rows_with_sub(parsed):
    subs = [(r.area_no, r.item_no, r.sub) for r in parsed.initiatives if r.sub]
    assert subs == [
        (6, "2", "a"), (6, "2", "b"), (6, "2", "c"), (6, "2", "d"),
        (6, "5", "a"), (6, "5", "b"), (6, "5", "c"),
        (7, "1", "a"), (7, "1", "b"), (7, "1", "c"),
    ]  # fmt: skip
    item2 = next(r for r in _rows(parsed, 6) if r.item_no == "2" and not r.sub)
    assert item2.text.endswith("med den målsætning at:")  # the sub-items are not in the item


def test_bullets_stay_in_the_items_text(parsed):
    item = next(r for r in _rows(parsed, 3) if r.item_no == "2")
    assert item.text.endswith(
        f"Det kunne for eksempel være: {BULLET} Blodprøvetagning, røntgen, CT og MR scanninger "
        f"{BULLET} Ambulatoriefunktioner: Hjerte- kar, KOL, diabetes, vægtkontrol af børn og urologi "
        f"{BULLET} Jordemødre herunder svangrekontrol og fødselsforberedelse"
    )
    assert [r.item_no for r in _rows(parsed, 3)] == ["1", "2", "3", "4", "5", "6", "7"]


def test_intro_paragraph_before_item_one_is_not_an_item(parsed):
    area3 = _rows(parsed, 3)
    assert area3[0].text.startswith("Almen praksis og andre sundhedsudbydere")
    assert not any("Forudsætningen for at flere" in r.text for r in parsed.initiatives)
    assert not any("Ringsted kommune ønsker at" in r.text for r in parsed.initiatives)


def test_footnotes_headers_and_footers_never_leak(parsed):
    notat = concept_notat()
    for r in parsed.initiatives:
        assert "http" not in r.text
        assert "Side " not in r.text and TITLE not in r.text and "Bilag 1" not in r.text
        for fn in notat.footnotes.values():
            assert fn.text not in r.text


def test_closing_section_is_not_an_area(parsed):
    assert max(r.area_no for r in parsed.initiatives) == 7
    assert not any(r.text.startswith("At der") for r in parsed.initiatives)
    assert _rows(parsed, 7)[-1].text == (
        "Der etableres en socialpsykiatrisk akutfunktion i tilknytning til lægevagten."
    )


def _pages_of_items(pages):
    """For each expected initiative: the pages its first and last words are printed on."""
    lines, _ = body_lines(pages)
    words = [(w.text, ln.page) for ln in lines for w in ln.words]
    texts = [w for w, _ in words]
    spans = {}
    for ini in expected_initiatives(DOC):
        tokens = ini.text.split()
        for i in range(len(texts) - 6):
            if texts[i : i + 6] == tokens[:6]:
                spans[(ini.area_no, ini.group_title, ini.item_no, ini.sub)] = (
                    words[i][1],
                    words[i + len(tokens) - 1][1],
                )
                break
    return spans


def test_item_across_a_page_break_is_one_item(parsed, pages):
    spans = _pages_of_items(pages)
    split = {key for key, (first, last) in spans.items() if first != last}
    assert split, "fixture must break at least one item across pages"
    expected = {(e.area_no, e.group_title, e.item_no, e.sub): e for e in expected_initiatives(DOC)}
    got = {(r.area_no, r.group_title, r.item_no, r.sub): r for r in parsed.initiatives}
    for key in split:
        assert got[key].text == expected[key].text


@pytest.mark.parametrize("producer", list(PRODUCERS.values()))
def test_footnote_marker_inside_an_item_is_dropped(producer):
    """A superscript marker in an item's own text (here ``sundhedshuset.¹¹``) is no text."""
    notat = concept_notat()
    item = notat.areas[0].groups[1].items[1]
    item.text += "[^11]"
    notat.footnotes[11] = Footnote(
        11, "Smertebehandling 2015: en kortlægning", "http://example.dk/"
    )
    path = producer(notat, name="koncept_fodnote_i_forslag")
    got = parse_concept_notat(DOC, read_pages(path)).initiatives
    row = next(
        r for r in got if r.area_no == 1 and r.item_no == "2" and r.group_title.startswith("Nye")
    )
    assert row.text == (
        "Kommunen undersøger mulighederne for at videreudvikle tilbuddene om smertebehandling, "
        "som for eksempel kan placeres i sundhedshuset."
    )
    assert [dataclasses.astuple(r) for r in got] == [
        dataclasses.astuple(r) for r in expected_initiatives(DOC, notat)
    ]


# --------------------------------------------------------------------------- property

_VOCAB = sorted(
    {w.strip(".,:;()”") for w in MARKUP.split() if w.isalpha() and len(w) > 1} - {"Side", "af"}
)
_words = st.lists(st.sampled_from(_VOCAB), min_size=1, max_size=45)


@st.composite
def _notats(draw):
    """Random concept notats built from the real notat's words, in its structure."""
    notat = concept_notat()
    notat.intro = notat.intro[:2]
    notat.areas, notat.footnotes = [], {}
    n_areas = draw(st.integers(1, 3))
    for no in range(1, n_areas + 1):
        title = " ".join(
            draw(st.lists(st.sampled_from(_VOCAB), min_size=2, max_size=14))
        ).capitalize()
        area = Area(no, title, ambition=[Block("para", _sentence(draw(_words)))])
        area.challenges_heading = "Udfordringer og muligheder i Ringsted kommune"
        area.challenges = [Block("para", _sentence(draw(_words)))]
        area.proposals_heading = (
            "Det foreslås, at følgende indsatser og tilbud placeres i sundhedshuset"
        )
        if draw(st.booleans()):
            area.proposals_intro = [Block("para", _sentence(draw(_words)))]
        for g in range(draw(st.integers(1, 3))):
            titled = g > 0 or draw(st.booleans())
            group = Group(f"Gruppe {g + 1} af indsatser" if titled else "")
            if titled and draw(st.integers(0, 3)) == 0:
                group.items = [
                    Item("", _sentence(draw(_words))) for _ in range(draw(st.integers(1, 2)))
                ]
            else:
                for k in range(1, draw(st.integers(1, 5)) + 1):
                    item = Item(str(k), _sentence(draw(_words)))
                    item.bullets = [
                        _sentence(draw(_words), end="") for _ in range(draw(st.integers(0, 2)))
                    ]
                    if not item.bullets:
                        item.subs = [
                            SubItem(chr(ord("a") + j), _sentence(draw(_words)))
                            for j in range(draw(st.integers(0, 3)))
                        ]
                    group.items.append(item)
            area.groups.append(group)
        notat.areas.append(area)
    return notat


def _sentence(words: list[str], end: str = ".") -> str:
    return (" ".join(words) + end).capitalize()


@settings(max_examples=8, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(_notats())
def test_property_reportlab_render_reads_back_to_its_data(notat):
    path = concept_reportlab.render_pdf(notat, name="koncept_egenskab")
    got = parse_concept_notat(DOC, read_pages(path)).initiatives
    assert [dataclasses.astuple(r) for r in got] == [
        dataclasses.astuple(r) for r in expected_initiatives(DOC, notat)
    ]


# --------------------------------------------------------------------------- synthetic layouts
# Pages built word by word (no PDF): fast tests of layout cases no producer above prints.


class _Page:
    """Lays out lines top-down on an A4 page in 11 pt type, 14.5 pt line pitch."""

    def __init__(self, number: int = 1):
        self.number, self.words, self.rules, self.y = number, [], [], 72.0

    def line(self, text, *, x0=71.0, size=11.0, bold=False, gap=0.0):
        self.y += gap
        x = x0
        for token in text.split():
            width = len(token) * size * 0.5
            self.words.append(Word(token, x, x + width, self.y, self.y + size, size, bold))
            x += width + size * 0.3
        self.y += size * 1.32
        return self

    def para(self, text, **kw):
        return self.line(text, gap=8.0, **kw)

    def rule(self, x0, x1):
        self.rules.append(Rule(x0, x1, self.y + 2, self.y + 2))
        self.y += 6
        return self

    def layout(self):
        return PageLayout(self.number, 595.0, 842.0, tuple(self.words), tuple(self.rules), 0)


def _area_page(page: _Page) -> _Page:
    page.line("Koncept for Ringsted Sundhedshus", bold=True, size=12)
    page.para("1. Vi guider borgerne", size=16, bold=True)
    page.para("Ambitionen er én indgang til sundhed.")
    return page


def test_plain_type_headings_for_proposals_and_groups():
    page = _area_page(_Page())
    page.para("Det foreslås, at følgende indsatser og tilbud placeres i sundhedshuset")
    page.para("Eksisterende indsatser der samles")
    page.para("1. Kommunens specialister samles i huset.", x0=71.0)
    page.para("2. Terapeuter får base i huset.", x0=71.0)
    got = parse_concept_notat(DOC, [page.layout()]).initiatives
    assert [(r.group_title, r.item_no, r.text) for r in got] == [
        ("Eksisterende indsatser der samles", "1", "Kommunens specialister samles i huset."),
        ("Eksisterende indsatser der samles", "2", "Terapeuter får base i huset."),
    ]


def test_underline_in_the_text_is_no_footnote_separator():
    """A short rule under a heading in the lower half must not cut the rest of the page away."""
    page = _area_page(_Page())
    page.y = 480.0
    page.para("Det foreslås, at følgende indsatser og tilbud placeres i sundhedshuset", bold=True)
    page.rule(71.0, 200.0)  # an underline, with body-size text below it
    page.para("1. Foreninger får plads i huset og lån af lokaler,")
    page.line("som frivillige kan bruge.", x0=89.0)
    page.rule(71.0, 180.0)  # the real separator: footnote type below it
    page.line("1 Fokusgruppeinterview med patienter", size=9.0)
    got = parse_concept_notat(DOC, [page.layout()]).initiatives
    assert [r.text for r in got] == [
        "Foreninger får plads i huset og lån af lokaler, som frivillige kan bruge."
    ]


def test_item_number_glued_to_its_text_and_slash_break():
    page = _area_page(_Page())
    page.para("Det foreslås, at der arbejdes med følgende indsatser og tilbud", bold=True)
    page.para("1.Kurser for borgere med angst og/")
    page.line("eller stress.", x0=89.0)
    got = parse_concept_notat(DOC, [page.layout()]).initiatives
    assert [(r.item_no, r.text) for r in got] == [
        ("1", "Kurser for borgere med angst og/eller stress.")
    ]


def test_gap_in_the_numbering_keeps_the_item_and_is_a_finding():
    page = _area_page(_Page())
    page.para("Det foreslås, at følgende indsatser og tilbud placeres i sundhedshuset", bold=True)
    for no in ("1", "2", "4"):
        page.para(f"{no}. Forslag nummer {no} om huset,", x0=71.0)
        page.line("som fortsætter her.", x0=89.0)
    parsed = parse_concept_notat(DOC, [page.layout()])
    assert [(r.item_no, r.text) for r in parsed.initiatives] == [
        (no, f"Forslag nummer {no} om huset, som fortsætter her.") for no in ("1", "2", "4")
    ]
    assert [f.code for f in parsed.findings] == ["item_number_gap"]


# --------------------------------------------------------------------------- failure paths


def test_concept_notat_without_areas_is_a_failure_with_an_error_finding():
    """Only the introduction (a concept notat cut short): never an empty ``ok``."""
    notat = concept_notat()
    notat.areas, notat.closing_title, notat.closing = [], "", []
    extracted = extract_pdf(concept_reportlab.render_pdf(notat, name="koncept_uden_omraader"))
    assert extracted.document.kind == "concept"
    assert extracted.initiatives == []
    assert extracted.failure.startswith("no numbered area (indsatsområde) could be read")
    assert [(f.code, f.severity) for f in extracted.findings] == [("no_areas", "error")]


def test_concept_notat_whose_areas_propose_nothing_is_a_failure():
    notat = concept_notat()
    for area in notat.areas:
        area.groups = []
    extracted = extract_pdf(concept_reportlab.render_pdf(notat, name="koncept_uden_forslag"))
    assert extracted.document.kind == "concept"
    assert extracted.failure == "no proposed initiative could be read in its 7 areas"
    assert [(f.code, f.severity) for f in extracted.findings] == [("no_initiatives", "error")]
