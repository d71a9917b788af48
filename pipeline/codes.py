"""Every finding code and every ingest cause, each a member of one type, and what each says in
Danish: one table per kind, beside its type (docling records a soft failure as an ``ErrorItem``
with a typed component and a message; so do we).

- A *finding* (findings.csv, the report's *Kontrol*) is a soft problem in a document: data, not
  an exception. Its emitter gives the code and the details (``Finding.of(code, doc_id, theme_no,
  row_no, **details)``); the severity and the Danish message come from ``FINDINGS``.
- A *cause* (ingest_log.csv) says why an input file was not read or not used, beside the reason
  in plain English with its technical detail. ``CAUSES`` says it in Danish: for *Kontrol*'s list
  of files not read and the workbook's ingest_log sheet, and for a decision file not used.

A template's fields are the emitter's details and the finding's ``theme_no`` and ``row_no``;
a code with several wordings (``variant``) names each. tests/test_codes.py walks the source:
every code and cause used is a member of its type, every member is used, every member has its
wording, and every emitter gives exactly the details its template asks for.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from pipeline.model import Severity

__all__ = [
    "CAUSES",
    "FINDINGS",
    "Cause",
    "CauseText",
    "FindingCode",
    "FindingText",
    "cause_text",
    "decision_file_unread",
    "finding_message",
    "template_fields",
]

FindingCode = Literal[
    # extraction: the page order
    "pages_reordered",
    "page_order",
    # extraction: a Word file
    "tracked_changes",
    # extraction: a concept notat
    "no_areas",
    "no_initiatives",
    "item_number_gap",
    # extraction: a status notat's goal tables
    "no_goal_table",
    "no_table",
    "table_without_theme",
    "totals_missing",
    "totals_mismatch",
    "two_marks",
    "no_mark",
    "untagged_wording",
    "empty_goal",
    "stray_text",
    "set_aside",
    # ingest: how the file was read
    "ocr_used",
    "ocr_doubt",
    "turned_pages",
    "repaired_pdf",
    "damaged_pdf",
    # transform: returned forms
    "form_without_date",
    "form_dates",
    "forms_merged",
    "form_conflict",
    "form_remarks",
    "form_unfilled",
    "form_row_added",
    "form_row_deleted",
    # transform: the periods
    "competing_notats",
    "implausible_date",
]

Cause = Literal[
    # the input folder's entries (pipeline.inputs, the run)
    "instructions",
    "not_a_file",
    "link",
    "too_large",
    "unreadable",
    "duplicate",
    "not_pdf",
    "empty",
    # what the file is
    "office_document",
    "not_word",
    "password",
    "damaged",
    "no_pages",
    "too_many_pages",
    "bomb",
    "no_text",
    "undecodable",
    "ocr_unavailable",
    "ocr_disabled",
    "ocr_failed",
    "not_a_notat",
    "no_goal_table",
    "no_initiatives",
    # the reader's process
    "memory",
    "timeout",
    "cpu_time",
    "crashed",
    "killed",
    "no_space",
    "being_written",
    "internal_error",
    # what the run decided about a document it read
    "contract",
    "two_notats",
    "no_date",
    "same_content",
    "competing",
    "implausible_date",
    # a decision file (goal_overrides.csv, a filled-in review workbook)
    "not_a_workbook",
    "not_decisions",
    "encoding",
    "too_many_rows",
    "too_many_cells",
]


# --------------------------------------------------------------------------- findings


@dataclass(frozen=True)
class FindingText:
    """A finding code's severity and its Danish message: one template, or one per variant."""

    severity: Severity
    template: str | Mapping[str, str]

    def variants(self) -> Mapping[str, str]:
        return self.template if isinstance(self.template, Mapping) else {"": self.template}


# A goal table row as the findings of a status notat name it.
_ROW = "Tema {theme_no}, række {row_no} (side {page})"
# A returned form's row: its theme, its row in the merged notat and its first wording.
_FORM_ROW = "Tema {theme_no}, række {row_no}: »{wording}«"
_BOTH_COLUMNS = "Gennemført/igangsat og {not_started} X under Ikke igangsat"
_READ_AGAIN = "ret datoen i notatet og kør igen."

FINDINGS: dict[FindingCode, FindingText] = {
    "pages_reordered": FindingText("warning", (
        "Siderne står i en anden rækkefølge i filen end deres påtrykte 'Side X af Y'; de er læst "
        "i den påtrykte rækkefølge."
    )),
    "page_order": FindingText("warning", (
        "Siderækkefølgen passer ikke med de påtrykte sidetal: side {physical} i filen er påtrykt "
        "'Side {printed} af {printed_of}'. Kontrollér, at siderne er hele og i rækkefølge."
    )),
    "tracked_changes": FindingText("warning", (
        "Word-filen har registrerede ændringer, der ikke er godkendt; de er læst, som om de var "
        "godkendt (tilføjet tekst med, slettet tekst uden)"
    )),
    "no_areas": FindingText("error", (
        "Ingen nummererede indsatsområder kunne læses i konceptnotatet (side 1–{pages})."
    )),
    "no_initiatives": FindingText("error", (
        "Ingen forslag kunne læses under konceptnotatets {areas} indsatsområder."
    )),
    "item_number_gap": FindingText("warning", (
        "Indsatsområde {area_no}: forslag {number} følger efter forslag {previous}; numre mangler "
        "i listen."
    )),
    "no_goal_table": FindingText("error", (
        "Notatet har Tema-overskrifter, men der kunne ikke læses nogen måltabel (side 1–{pages})"
    )),
    "no_table": FindingText("error", (
        "Tema {theme_no} (side {page}): der kunne ikke læses nogen måltabel under overskriften"
    )),
    "table_without_theme": FindingText("error", (
        "Side {page}: en måltabel uden Tema-overskrift over sig er ikke læst"
    )),
    "totals_missing": FindingText("error", (
        "Tema {theme_no} (side {page}): tabellen har ingen 'I alt'-række"
    )),
    "totals_mismatch": FindingText("error", {
        # the notat's printed I alt against its own marks
        "notat": "Tema {theme_no} (side {page}): 'I alt' angiver {printed}, men der er talt "
        "{started} X under " + _BOTH_COLUMNS,
        # one returned form's printed I alt against its own marks
        "form": "Tema {theme_no} ({file}): 'I alt' angiver {reported_started}, "
        "{reported_not_started}, men der er talt {started} X under " + _BOTH_COLUMNS + " i skemaet",
    }),
    "two_marks": FindingText("error", _ROW + ": X i både Gennemført/igangsat og Ikke igangsat"),
    "no_mark": FindingText("error", _ROW + ": intet X i statuskolonnerne"),
    "untagged_wording": FindingText("warning", (
        _ROW + ": formulering {stmt_no} har ingen bilagshenvisning: »{wording}«"
    )),
    "empty_goal": FindingText("error", _ROW + ": målcellen er tom"),
    "stray_text": FindingText("warning", (
        _ROW + ": et løst tegn »{text}« i målcellen er ikke læst som en formulering (fx støv på en "
        "skannet side); kontrollér cellen"
    )),
    "set_aside": FindingText("info", {
        "running": "{pages}: tekst, der gentages samme sted på siderne (sidehoved eller sidefod, "
        "fx »{text}«), er ikke læst som en del af tabellerne",
        "drawn": "{pages}: tegninger bag eller ved teksten, der hverken er tabellinjer eller "
        "vandret tekst (fx et vandmærke eller et logo), er ikke læst",
    }),
    # How the file itself was read. The problem is said in the English of the ingest_log reason
    # (the same words), not yet in Danish: worded as the run has always worded it.
    "ocr_used": FindingText("info", (
        "{file}: {pages}; teksten er læst med tekstgenkendelse (OCR)."
    )),
    "turned_pages": FindingText("info", (
        "{file}: siderne vises drejet (/Rotate) med teksten på tværs; de er læst uden drejningen."
    )),
    "repaired_pdf": FindingText("warning", "{file}: PDF'en var beskadiget; en repareret kopi er læst."),
    "damaged_pdf": FindingText("warning", {
        "structure": "{file}: PDF'ens opbygning er beskadiget ({detail}); den er læst, så vidt det "
        "kunne lade sig gøre.",
        "page": "{file}: indholdet af side {page} er beskadiget og er ikke læst ({detail}).",
    }),
    "ocr_doubt": FindingText("warning", {
        "page": "{file}, side {page}: tekstgenkendelsen er usikker på »{word}« ({confidence:.0f} % "
        "sikker); kontrollér feltet mod den skannede side.",
        "row": "{file}, side {page}, Tema {theme_no}, række {row_no}: tekstgenkendelsen er usikker "
        "på »{word}« ({confidence:.0f} % sikker); kontrollér feltet mod den skannede side.",
    }),
    "form_without_date": FindingText("error", (
        "Det udfyldte skema {file} (på grundlag af status af {based_on}) har ingen dato; skriv "
        "datoen i feltet Dato, og kør igen."
    )),
    "form_dates": FindingText("error", (
        "De udfyldte skemaer på grundlag af status af {based_on} har forskellige datoer ({dates}); "
        "statussen er dateret {period}, den seneste."
    )),
    "forms_merged": FindingText("info", (
        "Statussen af {period} er samlet fra {count} udfyldte skemaer: {files}."
    )),
    "form_conflict": FindingText("error", (
        _FORM_ROW + " er markeret forskelligt i de udfyldte skemaer: {marks}; status er ukendt, "
        "til det er afklaret."
    )),
    "form_remarks": FindingText("warning", (
        _FORM_ROW + " har forskellige bemærkninger i de udfyldte skemaer; begge er taget med."
    )),
    "form_unfilled": FindingText("warning", (
        _FORM_ROW + " er ikke udfyldt i nogen af skemaerne ({files})."
    )),
    "form_row_added": FindingText("warning", (
        _FORM_ROW + " er tilføjet i skemaet {file} (en række uden målets nummer): den læses som "
        "et nyt mål."
    )),
    "form_row_deleted": FindingText("warning", (
        "Målet »{wording}« (Tema {theme_no} i status af {based_on}) har ingen række i det "
        "udfyldte skema {file}: rækken er slettet, og målet tælles som udgået."
    )),
    "competing_notats": FindingText("error", (
        "Flere statusnotater har datoen {day} med forskelligt indhold: {files}. Rapporten bygger "
        "på {used} (senest ændret); fjern den fil, der ikke gælder, fra mappen og kør igen."
    )),
    "implausible_date": FindingText("error", {
        "late": "{file} er dateret {day}, senere end udgangen af næste år ({year}); årstallet "
        "er nok skrevet forkert. Notatet er ikke brugt som en periode i rapporten; " + _READ_AGAIN,
        "early": "{file} er dateret {day}, før strategien, notatet gør status på, begyndte "
        "({year}); årstallet er nok skrevet forkert. Notatet er ikke brugt som en periode i "
        "rapporten; " + _READ_AGAIN,
    }),
}  # fmt: skip


def finding_message(
    code: FindingCode, variant: str = "", /, **details: object
) -> tuple[Severity, str]:
    """A finding's severity and its Danish message, from its code's template and ``details``."""
    text = FINDINGS[code]
    return text.severity, text.variants()[variant].format(**details)


def template_fields(template: str) -> frozenset[str]:
    """The names a template's fields ask for (``{page}``, ``{confidence:.0f}``: page, confidence)."""
    return frozenset(
        field.split(".")[0].split("[")[0]
        for _, field, _, _ in string.Formatter().parse(template)
        if field
    )


# --------------------------------------------------------------------------- causes


@dataclass(frozen=True)
class CauseText:
    """What a cause says in Danish. ``text``: why a file was not read, said whole (the report's
    list of files not read, the workbook's ingest_log sheet); "" where the cause arises only for
    a decision file, whose English reason the workbook then shows. ``decision_file``: why a
    decision file is not used, from its details (one template, or one per variant); "" to say
    ``text``."""

    text: str = ""
    decision_file: str | Mapping[str, str] = ""

    def decision_variants(self) -> Mapping[str, str]:
        if isinstance(self.decision_file, Mapping):
            return self.decision_file
        return {"": self.decision_file} if self.decision_file else {}


_NEXT_TIME = "filen læses igen næste gang."

CAUSES: dict[Cause, CauseText] = {
    "instructions": CauseText("Mappens vejledning; ikke et input."),
    "not_a_file": CauseText(
        "Ikke en fil (en mappe, et rør, en sokkel eller en enhed); ikke læst."
    ),
    "link": CauseText("En genvej, der ikke peger på en fil i mappen; ikke fulgt."),
    "too_large": CauseText(
        "Filen er større end grænsen for en fil og er ikke læst.",
        "den er større end grænsen på {mb} MB.",
    ),
    "unreadable": CauseText("Filen kunne ikke læses.", {
        "unopened": "den kunne ikke åbnes.",
        "not_regular": "den er ikke en almindelig fil.",
    }),
    "duplicate": CauseText(
        "Samme fil som en anden i mappen (identisk indhold); kun den ene er læst."
    ),
    "not_pdf": CauseText("Filen er hverken en PDF eller et Word-dokument."),
    "empty": CauseText("Filen er tom."),
    "office_document": CauseText(
        "Filen er et ældre Word-dokument (.doc); gem den som .docx eller PDF."
    ),
    "not_word": CauseText("Filen er et ZIP-arkiv, men ikke et Word-dokument (.docx)."),
    "password": CauseText(
        "Filen er beskyttet med adgangskode og kan ikke åbnes.",
        "den er beskyttet med adgangskode; gem den uden adgangskode.",
    ),
    "damaged": CauseText(
        "Filen er beskadiget og kunne ikke læses eller repareres.",
        "den er beskadiget eller indeholder XML, der ikke er tilladt (fx entiteter).",
    ),
    "no_pages": CauseText("PDF'en har ingen sider."),
    "too_many_pages": CauseText("PDF'en har flere sider end grænsen tillader."),
    "bomb": CauseText(
        "PDF'en indeholder data, der pakker sig ud til en urimelig størrelse; den er ikke læst.",
        "den pakker sig ud til {mb} MB, mere end grænsen på {limit} MB.",
    ),
    "no_text": CauseText("PDF'en har hverken tekst eller billeder."),
    "undecodable": CauseText(
        "PDF'ens tekst kan ikke afkodes (skrifttypen mangler tegnkort), og tekstgenkendelse er "
        "ikke til rådighed."
    ),
    "ocr_unavailable": CauseText(
        "Skannet PDF uden tekst; tekstgenkendelse (tesseract med dansk) er ikke installeret."
    ),
    "ocr_disabled": CauseText("Skannet PDF uden tekst; tekstgenkendelse er slået fra."),
    "ocr_failed": CauseText("Skannet PDF; tekstgenkendelsen mislykkedes."),
    "not_a_notat": CauseText("Ikke et statusnotat eller et koncept-notat."),
    "no_goal_table": CauseText(
        "Notatet har Tema-overskrifter som et statusnotat, men ingen måltabel kunne læses; se "
        "fundene i Kontrol."
    ),
    "no_initiatives": CauseText(
        "Notatet ligner et koncept-notat, men ingen indsatsområder eller forslag kunne læses; se "
        "fundene i Kontrol."
    ),
    "memory": CauseText("Læsningen brugte mere hukommelse end tilladt og blev stoppet."),
    "timeout": CauseText("Læsningen tog længere tid end tilladt og blev stoppet."),
    "cpu_time": CauseText("Læsningen brugte mere regnetid end tilladt og blev stoppet."),
    "crashed": CauseText("Læsningen af filen fejlede uventet."),
    "killed": CauseText(
        "Læsningen blev afbrudt udefra (processen blev stoppet); " + _NEXT_TIME
    ),
    "no_space": CauseText(
        "Der var ikke plads i den midlertidige mappe; " + _NEXT_TIME
    ),
    "being_written": CauseText(
        "Filen blev ændret, mens den blev læst (den skrives eller kopieres stadig); den læses "
        "igen næste gang."
    ),
    "internal_error": CauseText("En fejl i programmet under læsningen; " + _NEXT_TIME),
    "contract": CauseText("Det læste brød tabellernes regler; notatet er ikke brugt."),
    "two_notats": CauseText(
        "Filen indeholder mere end ét notat; gem hvert notat som sin egen PDF."
    ),
    "no_date": CauseText(
        "Et udfyldt skema uden dato; skriv datoen i feltet Dato, og kør igen."
    ),
    "same_content": CauseText(
        "Samme statusnotat som en anden fil (samme dato og mål); kun den ene er læst."
    ),
    "competing": CauseText(
        "Et andet statusnotat har samme dato med andet indhold; se Kontrol."
    ),
    "implausible_date": CauseText(
        "Notatets dato kan ikke passe (årstallet er nok skrevet forkert); det er ikke brugt som "
        "en periode. Ret datoen i notatet; se Kontrol."
    ),
    "not_a_workbook": CauseText(decision_file={
        "": "den er ikke en Excel-projektmappe (.xlsx).",
        "old_format": "den er en gammel Excel-fil (.xls) eller en anden Office-fil, ikke en "
        ".xlsx-fil.",
    }),
    "not_decisions": CauseText(decision_file=(
        "den er ikke en afstemningsfil: intet ark med kolonnerne »{wording_a}«, »{wording_b}« og "
        "»{decision}«."
    )),
    "encoding": CauseText(decision_file="den er ikke UTF-8-tekst; gem den som »CSV UTF-8«."),
    "too_many_rows": CauseText(decision_file={
        "rows": "den har flere end {limit} rækker (grænsen).",
        "lines": "den har {count} linjer, flere end grænsen på {limit}.",
    }),
    "too_many_cells": CauseText(decision_file="den har flere end {limit} celler (grænsen)."),
}  # fmt: skip

# A decision file not used, in Kontrol: why (its cause's wording), and what that means.
_DECISION_FILE_UNREAD = "Filen kunne ikke læses: {why} Ingen af filens afgørelser er brugt."
_DECISION_FILE_UNREAD_UNSAID = "Filen kunne ikke læses. Ingen af filens afgørelser er brugt."


def cause_text(cause: str) -> str:
    """Why a file was not read, in Danish; "" for no cause or one said only of decision files."""
    text = CAUSES.get(cause)  # type: ignore[call-overload]
    return text.text if text is not None else ""


def decision_file_unread(cause: Cause, variant: str = "", /, **details: object) -> str:
    """Why a decision file is not used, in Danish for Kontrol: its cause's wording for a decision
    file, with ``details``, or else the cause's whole text."""
    text = CAUSES[cause]
    why = text.decision_variants().get(variant, "").format(**details)
    if not why:
        why = text.text[:1].lower() + text.text[1:]
    if not why:
        return _DECISION_FILE_UNREAD_UNSAID
    return _DECISION_FILE_UNREAD.format(why=why)
