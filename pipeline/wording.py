"""The Danish words the reports and the workbooks print, in the municipality's own terms: the
report's labels and sentences, what changed since the last period in words, the decisions put to
the council, the review workbook's instructions, and the headers and values of statusdata.xlsx.

The words a notat or our own form prints and the reader reads back (the table's headers, *I alt*,
*Foreslås udgået*, *Dato:*) are pipeline.vocabulary's; the Danish of each finding code and
ingest cause is pipeline.codes'; dates are pipeline.dates'.
"""

from __future__ import annotations

import datetime as dt
import re

from pipeline.dates import format_danish_date
from pipeline.vocabulary import (
    DROP_LABEL,
    NOT_STARTED_HEADING,
    REMARK_HEADING,
    REVIEW_DECISION,
    REVIEW_DECISIONS,
    REVIEW_WORDING_A,
    REVIEW_WORDING_B,
    REWORD_LABEL,
    STARTED_HEADING,
)

STATUS_LABELS = {
    "started": STARTED_HEADING,
    "not_started": NOT_STARTED_HEADING,
    "": "Ikke angivet",
}


def pages_da(numbers: list[int]) -> str:
    """Page numbers as a Danish reader reads them: "side 3", "side 2–5, 7 og 9"."""
    numbers = sorted(set(numbers))
    spans: list[str] = []
    start = prev = numbers[0]
    for n in [*numbers[1:], None]:
        if n is not None and n == prev + 1:
            prev = n
            continue
        spans.append(f"{start}–{prev}" if prev > start else str(start))
        if n is not None:
            start = prev = n
    joined = spans[0] if len(spans) == 1 else ", ".join(spans[:-1]) + " og " + spans[-1]
    return f"side {joined}"


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
    "formulering. Sæt kryds i feltet under Gennemført/igangsat eller Ikke igangsat (i Word: "
    "klik i feltet; på papir: sæt X), skriv en bemærkning, tæl krydsene i I alt, og skriv "
    "datoen. Kolonnen længst til højre viser status og bemærkning fra sidste periode til "
    "orientering. Skemaet kan deles mellem flere enheder: hver udfylder sine mål, og alle "
    "udfyldte skemaer lægges i mappen med notaterne."
)

# Kontrol lists the findings of the notats the report is built on; those of older periods are
# in the tables, and the report says how many.
NO_FINDINGS_TEXT = "Kontrollen af notaterne har ingen fund."
NO_RECENT_FINDINGS_TEXT = "Kontrollen af denne og sidste periodes notater har ingen fund."


def earlier_findings_text(count: int) -> str:
    return (
        f"Notaterne fra tidligere perioder har i alt {count} fund. De står i administrationens "
        "datatabeller."
    )


def notat_name(kind: str, date: str, title: str, file: str) -> str:
    """How the council's report names a notat: by kind and date, not by file."""
    try:
        day = format_danish_date(dt.date.fromisoformat(date))
    except ValueError:
        day = ""
    if kind == "status":
        return f"Statusnotat af {day}" if day else f"Statusnotat uden dato ({file})"
    if kind == "concept":
        return title or "Konceptnotat"
    return file


DECISIONS_NAME = "Administrationens afgørelser"


CHANGE_LABELS = {
    "status_changed": "Status ændret",
    "new_goal": "Nyt mål",
    "goal_gone": "Mål udgået",
    "wording_changed": "Ny ordlyd, samme mål",
    "target_changed": "Måltal ændret",
    "scope_changed": "Målets omfang ændret",
    "moved": "Flyttet til et andet tema",
    "reworded_as_proposed": "Omformuleret som foreslået",
    "revived": "Genoptaget",
    "merged": "Lagt sammen med et andet mål",
    "split": "Delt i flere rækker",
    "pending": "Afventer afklaring",
}
# A gone goal whose last notat gave no reason.
NO_REASON_GIVEN = "Notatet angav ingen begrundelse."
# A goal gone that the previous notat did not propose dropped.
NOT_PROPOSED = "Ikke foreslået udgået i sidste status."

# A wording change with nothing on one side: a wording the goal no longer has, or one it gained
# beside its old ones (the goal itself stands on, in the wording shown as its Mål).
WORDING_NONE_AFTER = "(formuleringen står ikke længere i notatet)"
WORDING_NONE_BEFORE = "(ny formulering ved siden af de hidtidige)"

PROPOSAL_LABELS = {"drop": DROP_LABEL, "reword": REWORD_LABEL.removesuffix(" til:"), "": ""}

SEVERITY_LABELS = {"error": "Fejl", "warning": "Advarsel", "info": "Oplysning"}

INGEST_STATUS_LABELS = {
    "ok": "Læst",
    "duplicate": "Dublet",
    "skipped": "Sprunget over",
    "failed": "Fejlet",
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


# --------------------------------------------------------------------------- review workbook
# The secretary's loop (afstemning_<date>.xlsx): what the workbook and Kontrol say around the
# decisions. The names the workbook is read back by are pipeline.vocabulary's.

# Kontrol lists at most this many decisions applied, and as many not used, one by one: a file of
# thousands would bury the report. The rest are counted; every one is in decisions.csv.
DECISIONS_LISTED = 20


def more_decisions_text(n: int, *, applied: bool) -> str:
    """The line that counts the decisions Kontrol does not list one by one."""
    what = "anvendt" if applied else "ikke brugt"
    return (
        f"… og {n:,} afgørelser mere er {what}".replace(",", ".")
        + "; alle afgørelser står i tabellen decisions.csv og på arket »Afgørelser« i "
        "statusdata.xlsx."
    )


REVIEW_KIND_LABELS = {
    "likely_miss": "Måske overset kobling",
    "written_twice": "Måske skrevet to gange",
    "uncertain_link": "Usikker kobling",
}
REVIEW_INSTRUCTIONS = (
    "Hver række er to formuleringer, som programmet ikke selv kan afgøre, om er samme mål. "
    "Rækker med samme nummer er ét spørgsmål (samme nummer som i arbejdspapiret), med det mest "
    "sandsynlige bud først (Bud 1); vælg »samme mål« ved det rigtige bud. "
    "Vælg i kolonnen »Afgørelse« enten »samme mål« eller »forskellige mål«; lad feltet stå "
    "tomt, hvis du ikke vil tage stilling. Gem filen i mappen input_pdfs/ og kør rapporten igen: "
    "afgørelserne bruges da, står under »Kontrol« i rapporten, og der spørges ikke om dem igen. "
    "En afgørelse gælder målene, også når formuleringerne senere ændres."
)
REVIEW_NONE = "Ingen formuleringer at afgøre i denne periode."
# --------------------------------------------------------------------------- what changed, in words
# The marks printed under a theme table row's X: what changed for the row's goal since last
# period, in this order.
ROW_MARKERS = {
    "new_goal": "ny",
    "revived": "genoptaget",
    "moved": "flyttet",
    "status_changed": "ændret status",
    "goal_changed": "mål ændret",  # target_changed or scope_changed
    "reworded_as_proposed": "omformuleret",
    "split": "delt",
    "merged": "lagt sammen",
    "pending": "afventer afklaring",
}


def _n(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def _joined(parts: list[str]) -> str:
    """``a``, ``a og b``, ``a, b og c``."""
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " og " + parts[-1]


def change_summary(
    previous: dt.date,
    *,
    started: int,
    not_started: int,
    unmarked: int,
    gone_as_proposed: int,
    gone_otherwise: int,
    reworded: int,
    new_goals: int,
    revived: int = 0,
    new_themes: list[str],
    renamed_themes: list[str] = (),  # type: ignore[assignment]
    target_changes: list[str] = (),  # type: ignore[assignment]
    scope_changes: list[str] = (),  # type: ignore[assignment]
    moved: int = 0,
    questions: int = 0,
    pending: int = 0,
    wording_fixes: int,
    now_started: int,
    now_not_started: int,
    now_total: int,
) -> tuple[str, ...]:
    """The report's summary: what changed since the status of ``previous``, in sentences. Every
    count is of goal rows, as the notat counts them in its *I alt*."""
    new = f"{new_goals} nye" + (f" (heraf {revived} genoptaget)" if revived else "")
    moves = [
        (started, "sat i gang eller gennemført"),
        (not_started, "markeret ikke igangsat"),
        (unmarked, "uden markering"),
        (gone_as_proposed, "udgået som foreslået"),
        (gone_otherwise, "udgået uden forslag i sidste status"),
        (reworded, "omformuleret som foreslået"),
        (moved, "flyttet til et andet tema"),
    ]
    parts = [f"{n} {what}" for n, what in moves if n]
    if new_goals:
        parts.append(new)
    lead = f"Siden status af {format_danish_date(previous)}"
    if parts:
        first, _, rest = parts[0].partition(" ")
        parts[0] = f"{first} mål {rest}"
        sentences = [f"{lead} er {_joined(parts)}."]
    else:
        sentences = [f"{lead} er der ingen ændringer i målene."]
    if target_changes:
        sentences.append(
            _n(len(target_changes), "mål har fået et nyt måltal", "mål har fået nye måltal")
            + ": "
            + _joined(target_changes)
            + "."
        )
    if scope_changes:
        sentences.append(
            _n(
                len(scope_changes),
                "mål dækker nu mere eller mindre",
                "mål dækker nu mere eller mindre",
            )
            + " end før: "
            + _joined(scope_changes)
            + "."
        )
    if new_themes:
        sentences.append(_joined(new_themes) + (" er nyt." if len(new_themes) == 1 else " er nye."))
    if renamed_themes:
        sentences.append(
            "Temaerne er nummereret eller navngivet om: " + _joined(renamed_themes) + "."
        )
    if questions:
        sentences.append(
            _n(questions, "spørgsmål afventer", "spørgsmål afventer")
            + " administrationens afklaring af, om et mål fra sidste status og et nyt mål er det "
            "samme; "
            + (
                f"de {pending} mål er hverken talt som udgået eller nye, men vist som afventer "
                "afklaring."
                if pending != 1
                else "målet er hverken talt som udgået eller nyt, men vist som afventer afklaring."
            )
        )
    if wording_fixes:
        sentences.append(
            _n(wording_fixes, "formulering har", "formuleringer har")
            + " fået ny ordlyd uden at målet er ændret (stavning, ordstilling, forkortelser, "
            "samme mål i andre ord); de står for sig sidst i afsnittet om ændringer."
        )
    sentences.append(
        f"Af i alt {now_total} mål er nu {now_started} gennemført/igangsat og "
        f"{now_not_started} ikke igangsat."
    )
    return tuple(sentences)


# The proposals as the council's decisions.
DECISION_LEAD = "Administrationen indstiller, at Byrådet godkender følgende ændringer af målene:"
NO_DECISIONS_TEXT = (
    "Notatet indeholder ingen forslag om at lade mål udgå eller omformulere dem, og der skal "
    "ikke træffes beslutning om målene."
)


def decision_text(proposal: str, proposed_text: str) -> str:
    if proposal == "drop":
        return "Målet udgår."
    if proposal == "reword" and proposed_text:
        return f"Målet omformuleres til: »{proposed_text}«."
    return "Målet omformuleres."


# The sender block's printed labels (the notat prints "Tel.:" and "EAN:"), under the heading
# vocabulary.CONTACT_LABEL.
SENDER_LABELS = {"sender_phone": "Tel.: ", "sender_ean": "EAN: "}


# --------------------------------------------------------------------------- the workbook
# statusdata.xlsx is for people: Danish column headers and values (the CSV files and the database
# keep the contract's English names and codes, for scripts).
WORKBOOK_HEADERS = {
    "doc_id": "Dokument-id",
    "period": "Periode",
    "file": "Fil",
    "sha256": "SHA-256",
    "kind": "Art",
    "title": "Titel",
    "date": "Dato",
    "pages": "Sider",
    "sender_centre": "Center",
    "sender_unit": "Afdeling",
    "sender_address": "Adresse",
    "sender_phone": "Telefon",
    "sender_email": "E-mail",
    "sender_web": "Hjemmeside",
    "sender_ean": "EAN",
    "theme_no": "Tema",
    "theme_title": "Temaets titel",
    "row_no": "Række",
    "status": "Status",
    "remark": REMARK_HEADING,
    "proposal": "Forslag",
    "proposed_text": "Foreslået formulering",
    "page_first": "Første side",
    "page_last": "Sidste side",
    "goal_no": "Mål nr.",
    "form_goal_id": "Skemaets mål-id",
    "form_based_on": "Skema på grundlag af status",
    "stmt_no": "Formulering nr.",
    "text": "Tekst",
    "bilag": "Bilag",
    "goal_id": "Mål-id",
    "reported_started": "I alt trykt: gennemført/igangsat",
    "reported_not_started": "I alt trykt: ikke igangsat",
    "counted_started": "Talt: gennemført/igangsat",
    "counted_not_started": "Talt: ikke igangsat",
    "area_no": "Område nr.",
    "area_title": "Område",
    "group_title": "Gruppe",
    "item_no": "Punkt",
    "sub": "Underpunkt",
    "severity": "Alvor",
    "code": "Kode",
    "message": "Besked",
    "reason": "Årsag",
    "cause": "Årsagskode",
    "wording": "Formulering",
    "bilag1_wordings": "Formuleringer i bilag 1",
    "bilag2_wordings": "Formuleringer i bilag 2",
    "theme_nos": "Temaer",
    "first_period": "Første periode",
    "last_period": "Seneste periode",
    "merged_into": "Lagt sammen med (mål-id)",
    "latest_status": "Seneste status",
    "previous_period": "Forrige periode",
    "before": "Før",
    "after": "Nu",
    "decision": REVIEW_DECISION,
    "rule": "Regel",
    "score_token": "Lighed, ord (0-1)",
    "score_char": "Lighed, tegn (0-1)",
    "evidence": "Begrundelse",
    "action": REVIEW_DECISION,
    "wording_a": REVIEW_WORDING_A,
    "wording_b": REVIEW_WORDING_B,
    "outcome": "Udfald",
}
# links name two wordings: left_* and right_* columns become "… (A)" and "… (B)"
WORKBOOK_SIDES = {"left_": " (A)", "right_": " (B)"}

DOCUMENT_KIND_LABELS = {
    "status": "Statusnotat",
    "concept": "Konceptnotat",
    "unknown": "Ukendt",
    "decisions": "Beslutninger",
}
LINK_DECISION_LABELS = {"linked": "Koblet", "refused": "Holdt adskilt"}
# decisions.csv: a person's decision, and what the run did with it
DECISION_ACTION_LABELS = {action: words for words, action in REVIEW_DECISIONS.items()}
DECISION_OUTCOME_LABELS = {
    "applied": "Anvendt",
    "no_goal": "Ikke brugt: en formulering står ikke i notaterne",
    "unusable": "Ikke brugt: ikke en afgørelse",
}
LINK_RULE_LABELS = {
    "same_row": "Samme række",
    "same_wording": "Samme formulering",
    "fuzzy": "Lignende formulering",
    "across_periods": "Samme mål i en anden periode",
    "reworded": "Omformuleret som foreslået",
    "reworded_as_proposed": "Omformuleret som foreslået",
    "override": "Afgjort af en person",
    "bilag_pair": "Bilag 1 og bilag 2 af samme mål",
    "split": "Samme mål i flere rækker",
    "split_wording": "Formulering delt i to rækker",
    "merged": "Lagt sammen",
    "merged_row": "Række med to mål",
    "merged_goals": "Lagt sammen med et andet mål",
    "leftover": "Parret på alle spor",
}


# How a link between two wordings was decided (links.evidence, written in English by
# transform.reconcile for the CSV and the database), in the Danish of the workbook's *Koblinger*
# sheet: each phrase the reconciliation writes, in the order they are replaced; figures get a
# decimal comma.
_EVIDENCE_PHRASES = (
    (r"near-identical wording", "næsten samme ordlyd"),
    (r"a content word is substituted", "et indholdsord er skiftet ud"),
    (r"another target in the same notat", "et andet måltal i samme notat"),
    (r"below the within-notat thresholds", "for lidt ens til at være samme mål i ét notat"),
    (r"below the across-period threshold", "for lidt ens til at være samme mål i næste periode"),
    (r"a better match was taken \(one-to-one\)", "en formulering, der lignede mere, blev valgt"),
    (
        r"an override 'different' keeps these goals apart",
        "en rettelse »forskellige mål« holder målene adskilt",
    ),
    (r"override 'same'", "rettelse »samme mål«"),
    (r", on the goals", ", på målene"),
    (r"both wordings stand in (Tema \d+), row (\d+)", r"begge formuleringer står i \1, række \2"),
    (r"both wordings stand in", "begge formuleringer står i"),
    (r"identical wording also in (Tema \d+), row (\d+)", r"samme ordlyd står også i \1, række \2"),
    (r"identical wording also in", "samme ordlyd står også i"),
    (r"the previous notat proposed this wording", "sidste notat foreslog denne formulering"),
    (
        r"merged: this goal goes on in a row that also continues another goal; the earlier ids are "
        r"kept",
        "slået sammen: målet fortsætter i en række, der også fortsætter et andet mål; de "
        "tidligere mål-id'er beholdes",
    ),
    (
        r"split: this row continues the goal another row of the notat also continues",
        "delt: rækken fortsætter det mål, som en anden række i notatet også fortsætter",
    ),
    (
        r"revived: the goal was not in the 1 notat between",
        "genoptaget: målet stod ikke i notatet imellem",
    ),
    (
        r"revived: the goal was not in the (\d+) notats between",
        r"genoptaget: målet stod ikke i de \1 notater imellem",
    ),
    (r"next period's notat", "næste periodes notat"),
    (
        r"the bilag 1 and the bilag 2 wording of one goal in two rows: (\d+) of the shorter "
        r"wording's words stand in the longer \((\d+)%\)",
        r"bilag 1- og bilag 2-formuleringen af ét mål i to rækker: \1 af den korteste "
        r"formulerings ord står i den længste (\2 %)",
    ),
    (
        r"merged: this goal goes on in a row that merges it with another goal; the earlier ids "
        r"are kept",
        "slået sammen: målet fortsætter i en række, der slår det sammen med et andet mål; de "
        "tidligere mål-id'er beholdes",
    ),
    (r"the row merges this goal with another", "rækken slår dette mål sammen med et andet"),
    (
        r"split: the wording is cut in two rows, both of whose words stand in it",
        "delt: formuleringen er skåret i to rækker, hvis ord begge står i den",
    ),
    (
        r"split: the wording is cut in two rows; the other row continues it",
        "delt: formuleringen er skåret i to rækker; den anden række fortsætter den",
    ),
    (
        r"split: the goal is written in several rows; this row continues one of its wordings",
        "delt: målet står i flere rækker; denne række fortsætter en af dets formuleringer",
    ),
    (r"paired on all the evidence \((\d)\.(\d\d)\)", r"parret på alle kendetegn (\1,\2)"),
    (
        r"put to a person \((\d)\.(\d\d); linked from (\d)\.(\d\d) with the substitution "
        r"penalty: (\d)\.(\d\d)\)",
        r"lagt frem for en person (\1,\2; kobles fra \3,\4 med fradrag for ombyttede ord: \5,\6)",
    ),
    (r"the remark says it moved from (Tema \d+)", r"bemærkningen siger, at det er flyttet fra \1"),
    (r"the remark says it was reworded", "bemærkningen siger, at det er omformuleret"),
    (r"the remark says the goal is new", "bemærkningen siger, at målet er nyt"),
    (r"the remark quotes the former wording", "bemærkningen citerer den tidligere formulering"),
    (r"the same goal number ([\d.]+)", r"samme målnummer \1"),
    (r"kept apart:", "holdt adskilt:"),
    (r"the returned form's row carries the goal's id", "det udfyldte skemas række bærer målets id"),
    (r"(Tema \d+) row (\d+) → (Tema \d+) row (\d+)", r"\1 række \2 → \3 række \4"),
    (r"with structure (\d)\.(\d\d)", r"med placering \1,\2"),
    (r"\(Tema (\d+), row (\d+)\)", r"(Tema \1, række \2)"),
    (r"differing words:", "forskellige ord:"),
    (r"revised target:", "ændret måltal:"),
    (
        r"token (\d)\.(\d\d), char (\d)\.(\d\d), score (\d)\.(\d\d)",
        r"ordlighed \1,\2, tegnlighed \3,\4, samlet lighed \5,\6",
    ),
    (r"with structure (\d)\.(\d\d)", r"med placering \1,\2"),
    (r"\brow (\d+)", r"række \1"),
    (r"\bline (\d+)", r"linje \1"),
)
_EVIDENCE_RULES = tuple((re.compile(a), b) for a, b in _EVIDENCE_PHRASES)


def evidence_in_danish(evidence: str) -> str:
    """The reconciliation's evidence for a link, in Danish (the wordings it quotes unchanged)."""
    for pattern, replacement in _EVIDENCE_RULES:
        evidence = pattern.sub(replacement, evidence)
    return evidence
