"""Danish dates and labels, the municipality's own terms, shared by extraction and the writers."""

from __future__ import annotations

import datetime as dt
import re

from pipeline.text import normalize_text

MONTHS = (
    "januar",
    "februar",
    "marts",
    "april",
    "maj",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "december",
)
_MONTH_NO = {name: i + 1 for i, name in enumerate(MONTHS)}
# Short forms seen in notats ("28. maj 2020", "3. jun. 2021", "28.05.2020").
_MONTH_NO.update({name[:3]: i + 1 for i, name in enumerate(MONTHS)})

_DATE_WORDS = re.compile(r"(\d{1,2})\.\s*([A-Za-zæøåÆØÅ]+)\.?\s+(\d{4})")
_DATE_DIGITS = re.compile(r"(\d{1,2})[.\-/](\d{1,2})[.\-/](\d{4})")
_DATO = re.compile(r"Dato\s*:\s*(.+)", re.IGNORECASE)

STATUS_LABELS = {
    "started": "Gennemført/igangsat",
    "not_started": "Ikke igangsat",
    "": "Ikke angivet",
}


def parse_danish_date(text: str) -> dt.date | None:
    """``28. maj 2020`` or ``28.05.2020`` to a date; None when the text holds no valid date."""
    text = normalize_text(text)
    m = _DATE_WORDS.search(text)
    if m:
        month = _MONTH_NO.get(m.group(2).lower())
        if month:
            try:
                return dt.date(int(m.group(3)), month, int(m.group(1)))
            except ValueError:
                return None
    m = _DATE_DIGITS.search(text)
    if m:
        try:
            return dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        except ValueError:
            return None
    return None


def find_dato(text: str) -> dt.date | None:
    """The date of a ``Dato: …`` line anywhere in ``text``."""
    for line in text.splitlines():
        m = _DATO.search(line)
        if m:
            found = parse_danish_date(m.group(1))
            if found:
                return found
    return None


def format_danish_date(day: dt.date) -> str:
    """``2021-06-03`` to ``3. juni 2021``."""
    return f"{day.day}. {MONTHS[day.month - 1]} {day.year}"


# --------------------------------------------------------------------------- report labels
# What the reports print; the report model is built from these, the writers print them as given.

REPORT_SUBTITLE = "Er opgaven igangsat/gennemført?"

# The notat's own paragraph on what "(bilag 1)" and "(bilag 2)" after each goal refer to.
BILAG_INTRO = (
    "Angivelse af bilagsnummer efter hvert mål henviser til bilag fra sagens behandling i "
    "Byrådet d. 15. januar 2018, punkt 16: ”Strategi og handleplaner for Sundhedspolitikken”. "
    "Bilag 1 henviser til sagens bilag 1 ”Strategier og handleplaner for sundhedspolitikken i "
    "Ringsted Kommune 2017-2021” og bilag 2 henviser til sagens bilag 2 ”Oversigt over mål til "
    "sundhedsstrategien”."
)

FORM_INTRO = (
    "Skemaet viser målene, som de står, når forslagene fra sidste status er gennemført: mål, "
    "der er foreslået udgået, er taget ud, og mål, der er foreslået omformuleret, står i den nye "
    "formulering. Sæt X under Gennemført/igangsat eller Ikke igangsat, og skriv en bemærkning. "
    "Kolonnen længst til højre viser status og bemærkning fra sidste periode til orientering."
)

# Kontrol lists the findings of the notats the report is built on; those of older periods are
# in the tables, and the report says how many.
NO_FINDINGS_TEXT = "Kontrollen af notaterne har ingen fund."
NO_RECENT_FINDINGS_TEXT = "Kontrollen af denne og sidste periodes notater har ingen fund."


def earlier_findings_text(count: int) -> str:
    return (
        f"Notaterne fra tidligere perioder har i alt {count} fund. De står i arket »Fund« i "
        "statusdata.xlsx og i tabellen findings.csv."
    )


CHANGE_LABELS = {
    "status_changed": "Status ændret",
    "new_goal": "Nyt mål",
    "goal_gone": "Mål udgået",
    "wording_changed": "Formulering ændret",
    "reworded_as_proposed": "Omformuleret som foreslået",
}

# A wording change with nothing on one side: a wording the goal no longer has, or one it gained
# beside its old ones (the goal itself stands on, in the wording shown as its Mål).
WORDING_NONE_AFTER = "(formuleringen står ikke længere i notatet)"
WORDING_NONE_BEFORE = "(ny formulering ved siden af de hidtidige)"

PROPOSAL_LABELS = {"drop": "Foreslås udgået", "reword": "Foreslås omformuleret", "": ""}

SEVERITY_LABELS = {"error": "Fejl", "warning": "Advarsel", "info": "Oplysning"}

INGEST_STATUS_LABELS = {
    "ok": "Læst",
    "duplicate": "Dublet",
    "skipped": "Sprunget over",
    "failed": "Fejlet",
}

# Danish wording of why an input file was not read, by IngestEntry.cause; the plain-English reason
# with its technical detail stays in ingest_log.csv.
INGEST_CAUSE_TEXTS = {
    "duplicate": "Samme fil som en anden i mappen (identisk indhold); kun den ene er læst.",
    "empty": "Filen er tom.",
    "not_pdf": "Filen er ikke en PDF.",
    "office_document": "Filen er et Word- eller Office-dokument med endelsen .pdf; gem den som PDF.",
    "password": "PDF'en er beskyttet med adgangskode og kan ikke åbnes.",
    "no_pages": "PDF'en har ingen sider.",
    "too_many_pages": "PDF'en har flere sider end grænsen tillader.",
    "bomb": "PDF'en indeholder data, der pakker sig ud til en urimelig størrelse; den er ikke læst.",
    "no_text": "PDF'en har hverken tekst eller billeder.",
    "ocr_unavailable": "Skannet PDF uden tekst; tekstgenkendelse (tesseract med dansk) er ikke "
    "installeret.",
    "ocr_disabled": "Skannet PDF uden tekst; tekstgenkendelse er slået fra.",
    "ocr_failed": "Skannet PDF; tekstgenkendelsen mislykkedes.",
    "undecodable": "PDF'ens tekst kan ikke afkodes (skrifttypen mangler tegnkort), og "
    "tekstgenkendelse er ikke til rådighed.",
    "not_a_notat": "Ikke et statusnotat eller et koncept-notat.",
    "no_goal_table": "Notatet har Tema-overskrifter som et statusnotat, men ingen måltabel kunne "
    "læses; se fundene i Kontrol.",
    "damaged": "PDF'en er beskadiget og kunne ikke repareres.",
    "memory": "Læsningen brugte mere hukommelse end tilladt og blev stoppet.",
    "timeout": "Læsningen tog længere tid end tilladt og blev stoppet.",
    "cpu_time": "Læsningen brugte mere regnetid end tilladt og blev stoppet.",
    "crashed": "Læsningen af filen fejlede uventet.",
    "unreadable": "Filen kunne ikke læses.",
}

# Danish wording of the validation findings, by finding code; unknown codes keep their message.
FINDING_TEXTS = {
    "total_mismatch": "Den trykte I alt-række stemmer ikke med antallet af X.",
    "totals_mismatch": "Den trykte I alt-række stemmer ikke med antallet af X.",
    "two_marks": "Rækken har X i begge kolonner.",
    "both_marked": "Rækken har X i begge kolonner.",
    "no_mark": "Rækken har intet X.",
    "unmarked": "Rækken har intet X.",
    "untagged_wording": "En formulering mangler (bilag N).",
    "missing_totals": "Tabellen mangler en I alt-række.",
}


def format_count_change(now: int, before: int | None) -> str:
    """``+2``, ``−1`` (a real minus sign), ``0``; empty when there is nothing to compare with."""
    if before is None:
        return ""
    diff = now - before
    if diff > 0:
        return f"+{diff}"
    if diff < 0:
        return f"−{-diff}"
    return "0"
