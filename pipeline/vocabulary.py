"""The notat's own words and glyphs: what a reader looks for on the page, spelled once.

Classification, status extraction and the scan path all recognise a goal table by its header
cells, its marks and its labels; they all ask this module, so an office's way of writing a
heading (*Gennemført / igangsat*, *Ikke-igangsat*, *Bemærkninger*) or a mark (``×``, ``✓``) is
accepted everywhere or nowhere.

Header cells are compared *squeezed*: Unicode NFC, case folded, with every space, line break and
hyphen removed. A heading that a narrow column broke inside a word ("Gennemfør" + "t/") or
hyphenated ("Gennem-" + "ført/") squeezes to the same key as the heading on one line.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Literal

from rapidfuzz.distance import Levenshtein

__all__ = [
    "BILAG_TAG",
    "COLUMN_KEYS",
    "CONTACT_LABEL",
    "DATE_LABEL",
    "DOCUMENT_LABEL",
    "DROP_LABEL",
    "DROP_PHRASE",
    "FORM_BASED_ON",
    "FORM_BASED_ON_LINE",
    "FORM_GOAL_TAG",
    "GOAL_HEADING",
    "GOAL_NUMBER",
    "GOAL_NUMBER_LEAD",
    "MARK_GLYPHS",
    "NOT_STARTED_HEADING",
    "PAGE_FOOTER",
    "PAGE_OF",
    "REMARK_HEADING",
    "REVIEW_COLUMNS",
    "REVIEW_DECISION",
    "REVIEW_DECISIONS",
    "REVIEW_FILE_PREFIX",
    "REVIEW_SHEET",
    "REVIEW_WORDING_A",
    "REVIEW_WORDING_B",
    "REWORD_LABEL",
    "REWORD_LEAD",
    "STARTED_HEADING",
    "TEMA_HEADING",
    "TOTALS_LABEL",
    "ColumnKey",
    "heading_column",
    "heading_prefix",
    "heading_start",
    "is_mark",
    "is_totals_label",
    "squeeze",
    "theme_heading",
]

ColumnKey = Literal["number", "goal", "started", "not_started", "remark"]
COLUMN_KEYS: tuple[ColumnKey, ...] = ("number", "goal", "started", "not_started", "remark")

# --------------------------------------------------------------------------- printed, read back
# The words the notat prints and our own reports and form print the same way, so the reader reads
# back what the writers wrote: the goal table's headers (the first of each column's wordings
# below), its totals row, the proposals, the date line, the page footer and a theme's heading.
GOAL_HEADING = "Mål"
STARTED_HEADING = "Gennemført/igangsat"
NOT_STARTED_HEADING = "Ikke igangsat"
REMARK_HEADING = "Bemærkning"
TOTALS_LABEL = "I alt"
DROP_LABEL = "Foreslås udgået"
REWORD_LABEL = "Foreslås omformuleret til:"
DATE_LABEL = "Dato:"
PAGE_OF = ("Side ", " af ")  # the footer: "Side 3 af 9"


def theme_heading(theme_no: int, title: str) -> str:
    """A theme's heading as the notat prints it (``TEMA_HEADING`` reads it): "Tema 1: …"."""
    return f"Tema {theme_no}: {title}"


# Every header wording an office writes, by the column it heads (as printed; squeezed below).
# ``number``: a column before *Mål* that numbers the goals (1.1, 1.2, …); optional.
_HEADINGS: dict[ColumnKey, tuple[str, ...]] = {
    "number": ("Nr.", "Nr", "Nummer", "Løbenr.", "Løbenummer", "#"),
    "goal": (GOAL_HEADING, "Målet", "Mål og indsatser"),
    "started": (
        STARTED_HEADING,
        "Gennemført / igangsat",
        "Igangsat/gennemført",
        "Gennemført eller igangsat",
        "Igangsat eller gennemført",
    ),
    "not_started": (NOT_STARTED_HEADING, "Ikke-igangsat", "Ikke gennemført/igangsat"),
    "remark": (REMARK_HEADING, "Bemærkninger"),
}

# A mark in a status cell: any one of these glyphs, bold or not (``X`` as in the user's notat).
MARK_GLYPHS = frozenset("Xx×✕✖✗✘✓✔☒☑╳")
# Wrapping a mark may bring along (a mark typed as "(X)" or "X.").
_MARK_WRAPPING = "().[]"

# Labels and running text of a status notat.
TEMA_HEADING = re.compile(r"^Tema\s+(\d+)\s*[:.]\s*(.*)$", re.IGNORECASE)
# "I alt", also as OCR reads it from a scan ("l alt", "lalt", "| alt", "1 alt", "lat": the I
# and the l run together; "Il alt", "lt alt": the I read as two strokes; "talt": a bold I read
# as a t, run together, only as the whole label: "Talt" is a word a wording may begin with).
_TOTALS = re.compile(r"^(?:[il1|!][ilt]?\s*alt|lat)\b\s*:?|^talt\s*:?\s*(?:\d|$)", re.IGNORECASE)
PAGE_FOOTER = re.compile(r"^(Side\s+)?\d+\s*(af|/)\s*\d+$|^Side\s+\d+$", re.IGNORECASE)
BILAG_TAG = re.compile(r"\(\s*bilag\s*(\d)\s*\)", re.IGNORECASE)
# "Foreslås omformuleret til:", however its words are spaced or broken over lines.
REWORD_LEAD = re.compile(
    r"\s+".join(map(re.escape, REWORD_LABEL.removesuffix(":").split())) + r"\s*:", re.IGNORECASE
)
DROP_PHRASE = DROP_LABEL.lower()  # in a remark, any case
DOCUMENT_LABEL = "NOTAT"
# The tag our own form (statusskema_<date>.docx) gives each row's goal cell, in a content
# control: "goal:" and the ids of the row's goals; the writer writes it, the reader reads it.
FORM_GOAL_TAG = "goal:"
# The sentence by which our own form says which status it was made from ("Udarbejdet på
# grundlag af status af 28. maj 2020."): a notat that prints it is a returned form.
FORM_BASED_ON = "Udarbejdet på grundlag af status af"
FORM_BASED_ON_LINE = re.compile(rf"{FORM_BASED_ON}\s+(.+?\d{{4}})", re.IGNORECASE)
CONTACT_LABEL = "Kontaktoplysninger"

# --------------------------------------------------------------------------- the review workbook
# The secretary's loop: the run writes the doubtful pairs as afstemning_<date>.xlsx; the filled-in
# workbook saved in input_pdfs/ is read back (pipeline.decision_files, transform.overrides). Both
# sides use these names, so a heading renamed here is renamed for the reader too.
REVIEW_FILE_PREFIX = "afstemning_"
REVIEW_SHEET = "Afstemning"
REVIEW_DECISION = "Afgørelse"
REVIEW_WORDING_A = "Formulering A"
REVIEW_WORDING_B = "Formulering B"
REVIEW_COLUMNS = (
    "Nr.",  # the question's number, as the working paper numbers it
    "Bud",  # the partner's place among the question's partners: 1 = the likeliest
    "Slags",
    REVIEW_WORDING_A,
    "Hvor A står",
    REVIEW_WORDING_B,
    "Hvor B står",
    "Hvorfor spørges der",
    "Lighed",
    REVIEW_DECISION,
    "Mål-id A",
    "Mål-id B",
)

# What may be chosen in the Afgørelse column, and the override each stands for.
REVIEW_DECISIONS = {"samme mål": "same", "forskellige mål": "different"}

_HYPHENS = "\u00ad\u2010\u2011\u2012\u2013-"
_SQUEEZE = re.compile(rf"[\s{_HYPHENS}]+")


@lru_cache(maxsize=8192)  # asked of the same words on every line of every page
def squeeze(text: str) -> str:
    """``text`` as header cells are compared: NFC, case folded, no spaces, breaks or hyphens."""
    return _SQUEEZE.sub("", unicodedata.normalize("NFC", text).casefold())


_BY_SQUEEZED: dict[str, ColumnKey] = {
    squeeze(text): key for key, texts in _HEADINGS.items() for text in texts
}
_PREFIXES: frozenset[str] = frozenset(
    key[:n] for key in _BY_SQUEEZED for n in range(1, len(key) + 1)
)


# A heading this long (squeezed) stays itself two letters off: the nearest two headings of
# different columns are far more apart ("gennemført/igangsat", "ikkegennemført/igangsat").
_TWO_EDITS_FROM = 16


@lru_cache(maxsize=8192)  # asked of the same words on every line of every page
def heading_column(text: str) -> ColumnKey | None:
    """The column a header cell's whole text names, or None when it names none. A long heading
    one letter off (OCR read the last "t" as "É") still names its column, and a very long one
    two letters off (a 1-bit scan's "t/" read as one "u")."""
    squeezed = squeeze(text)
    key = _BY_SQUEEZED.get(squeezed)
    if key is not None or len(squeezed) < 8:
        return key
    edits = 2 if len(squeezed) >= _TWO_EDITS_FROM else 1
    near = {
        k
        for heading, k in _BY_SQUEEZED.items()
        if Levenshtein.distance(squeezed, heading, score_cutoff=edits) <= edits
    }
    return near.pop() if len(near) == 1 else None


def misread_goal_heading(text: str) -> bool:
    """Whether ``text``, the first cell of a line that also holds both status headings, is the
    goal column's short heading as OCR misread it: one word one letter off "Mål" ("Nål", "MåI",
    "Mal"). Only the status headings beside it make it a header; alone it names nothing."""
    squeezed = squeeze(text)
    return 0 < len(squeezed) <= _SHORT_HEADING + 1 and any(
        Levenshtein.distance(squeezed, heading, score_cutoff=1) <= 1
        for heading, key in _BY_SQUEEZED.items()
        if key == "goal" and len(heading) <= _SHORT_HEADING
    )


# A heading this short (squeezed) is matched one letter off only where a line's status headings
# show it is a header (``misread_goal_heading``).
_SHORT_HEADING = 4


def heading_prefix(text: str) -> bool:
    """Whether ``text`` could be the first line (or lines) of a header cell."""
    squeezed = squeeze(text)
    return bool(squeezed) and squeezed in _PREFIXES


@lru_cache(maxsize=8192)  # asked of the same words on every line of every page
def heading_start(text: str) -> ColumnKey | None:
    """The column whose heading ``text`` (a header cell's first word or line) begins, when only
    one column's headings begin so: "Gennemført/" and "Igangsat/" the started column, "Ikke"
    the not-started one, "Bemærk" the remark column, "Mål" the goal column."""
    squeezed = squeeze(text)
    if len(squeezed) < 3:
        return None
    keys = {key for key_text, key in _BY_SQUEEZED.items() if key_text.startswith(squeezed)}
    return keys.pop() if len(keys) == 1 else None


# A goal's number as a numbering column or the start of a goal cell prints it: "1.1", "2.3.",
# "12"; never a count ("6 hjemmebesøg" is no number column's).
GOAL_NUMBER = re.compile(r"^(\d{1,3}(?:\.\d{1,3}){0,3})\.?$")
# A goal number opening a goal cell's text: dotted ("2.3 Unges rygevaner"), before a capital.
GOAL_NUMBER_LEAD = re.compile(r"^(\d{1,2}(?:\.\d{1,2}){1,3})\.?\s+(?=[A-ZÆØÅ])")


def is_mark(text: str) -> bool:
    """A status cell's word is a mark: one mark glyph, perhaps in brackets or with a full stop."""
    core = text.strip().strip(_MARK_WRAPPING)
    return len(core) == 1 and core in MARK_GLYPHS


def is_totals_label(text: str) -> bool:
    """The label of a table's totals row (*I alt*)."""
    return bool(_TOTALS.match(text.strip()))


# Words any page of Danish prose is full of: a page whose text holds almost none of them is not
# Danish as its glyphs were decoded (a font with a shifted or missing Unicode map).
DANISH_COMMON_WORDS = frozenset(
    [
        "og",
        "i",
        "at",
        "er",
        "det",
        "en",
        "til",
        "på",
        "med",
        "for",
        "af",
        "som",
        "de",
        "den",
        "der",
        "ikke",
        "har",
        "kan",
        "skal",
        "vil",
        "et",
        "om",
        "fra",
        "blev",
        "være",
        "bliver",
        "sig",
        "eller",
        "hvor",
        "ved",
        "nu",
        "også",
        "så",
        "man",
        "efter",
        "under",
        "over",
        "mod",
        "alle",
        "andre",
        "denne",
        "dette",
        "disse",
        "samt",
        "jf",
        "mål",
        "bilag",
        "tema",
        "status",
        "igangsat",
        "gennemført",
        "ikke",
        "bemærkning",
        "borgere",
        "kommune",
        "kommunen",
        "sundhed",
        "indsats",
        "indsatser",
        "arbejde",
    ]
)
