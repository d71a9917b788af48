"""Danish goal wordings reduced to what their words say, for comparing one wording with another.

``normalize_wording`` gives the canonical form used for identity (same_wording) and for goal ids;
``compare_words`` the words two wordings are compared by: the normalized words with the
municipality's synonyms and abbreviations (``pipeline/data/synonyms.csv``) read as one canonical
wording; ``content_stems`` the stemmed content words of that (Danish Snowball stemmer, stop words
removed) that token-level similarity compares. Synonyms do not enter ``normalize_wording``, so
goal ids do not move when the list grows.

Numbers, and the rule that tells a revised target from another target group: a number that
counts what the goal offers or measures ("6 hjemmebesøg", "40-50 %", "inden 2022") is a
*target*, written ``#6``: a later period may revise it and it is the same goal. A range is one
target (``#40-50``) and so is a floor or a ceiling with its number (``#mindst_65``), so "50-60 %"
→ "Mindst 65 %" is one revised target, not a substitution. A number that says whom the goal is
for, an age or a school grade ("børn fra 6 til 13 år", "0-1-årige", "9. klasse"), is part of the
goal's content: another number there is another goal.

A goal number that opens a wording ("2.3 Unges rygevaner", "Mål 5.1: …") is a label, not a word
of the goal: ``normalize_wording`` leaves it out (``split_goal_no`` gives it apart).
"""

from __future__ import annotations

import csv
import re
import unicodedata
from functools import lru_cache
from importlib import resources

import snowballstemmer

# Typographic quotes are dropped; dashes and hyphens of every kind separate words, so that
# "KRAM-faktorerne" and "KRAM faktorerne" read the same.
_QUOTES = dict.fromkeys(map(ord, "\"'`´’‘‚‛“”„‟«»‹›"), None)
_DASHES = dict.fromkeys(map(ord, "-‐‑‒–—―−﹣－"), " ")
_NON_WORD = re.compile(r"[^\w]+")
_UNDERSCORE = re.compile(r"_+")
_SPACES = re.compile(r"\s+")
# A goal number before the wording: "2.3 ", "2.3. ", "Mål 2.3: ", "(2.3) ": a dotted number (a
# Danish decimal is written with a comma) followed by a space and a letter or a number ("5.3
# 50-60 % af alle …"), never by a unit ("2.5 mio.", "1.5 km").
_GOAL_NO = re.compile(
    r"^\s*(?:mål\s+)?\(?(\d{1,2}(?:\.\d{1,2}){1,2})\.?\)?\s*[:.)–-]?\s+"
    r"(?=[^\W\d_]|\d+(?:\s*[-–]\s*\d+)?\s*(?:%|procent|\w))(?!mio\b|mia\b|km\b|kr\b)",
    re.IGNORECASE,
)

# Danish function words (after the Snowball project's Danish stop list, trimmed to words that
# never carry a goal's content). "ikke" and "ingen" are kept out: they reverse a goal.
STOP_WORDS = frozenset(
    [
        "og",
        "i",
        "jeg",
        "det",
        "at",
        "en",
        "den",
        "til",
        "er",
        "som",
        "på",
        "de",
        "med",
        "han",
        "af",
        "for",
        "der",
        "var",
        "mig",
        "sig",
        "men",
        "et",
        "har",
        "om",
        "vi",
        "min",
        "havde",
        "ham",
        "hun",
        "nu",
        "over",
        "da",
        "fra",
        "du",
        "ud",
        "sin",
        "dem",
        "os",
        "op",
        "man",
        "hans",
        "hvor",
        "eller",
        "hvad",
        "skal",
        "selv",
        "her",
        "alle",
        "vil",
        "blev",
        "kunne",
        "ind",
        "når",
        "være",
        "dog",
        "noget",
        "end",
        "hende",
        "mit",
        "jo",
        "kan",
        "sådan",
        "have",
        "hvis",
        "ved",
        "efter",
        "under",
        "dette",
        "denne",
        "disse",
        "hvilke",
        "mod",
        "ad",
        "dér",
        "the",
        "f",
        "eks",
        "fx",
        "bl",
        "a",
        "m",
        "v",
        "mv",
        "samt",
        "vores",
        "deres",
        "deri",
        "får",
        "få",
        "skal",
        "skulle",
        "kan",
        "kunne",
        "vil",
        "ville",
        "bliver",
        "blive",
        "blevet",
        "også",
        "mere",
        "mest",
    ]
)

_stemmer = snowballstemmer.stemmer("danish")

SYNONYMS_FILE = "data/synonyms.csv"  # inside the pipeline package
# Words after a number that make it say whom a goal is for (age, grade), not what it targets.
TARGET_GROUP_UNITS = frozenset(
    [
        "år",
        "årig",
        "årige",
        "års",
        "måned",
        "måneder",
        "måneders",
        "mdr",
        "uger",
        "ugers",
        "klasse",
        "klasses",
        "klasser",
        "klassetrin",
        "årgang",
        "årgange",
    ]
)
# Words that may stand between the numbers of a range ("6 til 13 år", "0-1 år").
_RANGE_WORDS = frozenset(["til", "og", "eller"])
# Words that make a target number a floor or a ceiling ("mindst 65 %", "højst 2 uger"): one
# target with the number. ("over"/"under" stay stop words: "over for børn".)
TARGET_BOUNDS = frozenset(["mindst", "minimum", "højst", "maksimalt", "maks", "ca", "cirka"])
TARGET_MARK = "#"  # a target number among the content words: "#6" (no word holds a "#")
# Numbers written as words ("fire gange") count as the number ("en"/"et" are stop words).
NUMBER_WORDS = {
    "to": "2",
    "tre": "3",
    "fire": "4",
    "fem": "5",
    "seks": "6",
    "syv": "7",
    "otte": "8",
    "ni": "9",
    "ti": "10",
    "tolv": "12",
}


def split_goal_no(text: str) -> tuple[str, str]:
    """``("2.3", "Unges rygevaner")`` for "2.3 Unges rygevaner"; ``("", text)`` without one."""
    m = _GOAL_NO.match(text)
    if m is None:
        return "", text
    return m.group(1), text[m.end() :]


@lru_cache(maxsize=65536)
def normalize_wording(text: str) -> str:
    """Casefolded NFC text with quotes dropped and dashes/punctuation as single spaces, without
    a leading goal number.

    Memoized: reconciliation asks for the same few hundred wordings thousands of times."""
    text = unicodedata.normalize("NFC", split_goal_no(text)[1]).casefold()
    text = text.translate(_QUOTES).translate(_DASHES)
    text = _UNDERSCORE.sub(" ", _NON_WORD.sub(" ", text))
    return _SPACES.sub(" ", text).strip()


def words(text: str) -> tuple[str, ...]:
    """The normalized words of a wording, in order."""
    return tuple(normalize_wording(text).split())


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    if word.startswith(TARGET_MARK):
        return word
    return _stemmer.stemWord(word)


def read_synonyms(text: str) -> tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]:
    """The entries of a synonyms file as (variant stems, canonical words), longest variant first.
    A line that is not ``variant,canonical`` with both given raises ValueError naming it."""
    entries = []
    for line_no, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cells = next(csv.reader([line]))
        if [c.strip() for c in cells] == ["variant", "canonical"]:
            continue
        if len(cells) != 2 or not words(cells[0]) or not words(cells[1]):
            raise ValueError(f"{SYNONYMS_FILE}, line {line_no}: expected variant,canonical")
        entries.append((tuple(stem(w) for w in words(cells[0])), words(cells[1])))
    return tuple(sorted(entries, key=lambda e: -len(e[0])))


@lru_cache(maxsize=1)
def synonyms() -> tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]:
    """The shipped synonym list (``pipeline/data/synonyms.csv``)."""
    text = resources.files("pipeline").joinpath(SYNONYMS_FILE).read_text(encoding="utf-8")
    return read_synonyms(text)


@lru_cache(maxsize=65536)
def compare_words(text: str) -> tuple[str, ...]:
    """The normalized words with every synonym or abbreviation read as its canonical words."""
    found = words(text)
    stems = [stem(w) for w in found]
    out: list[str] = []
    i = 0
    entries = synonyms()
    while i < len(found):
        for variant, canonical in entries:
            if tuple(stems[i : i + len(variant)]) == variant:
                out.extend(canonical)
                i += len(variant)
                break
        else:
            out.append(found[i])
            i += 1
    return tuple(out)


def compare_text(text: str) -> str:
    """``compare_words`` as one string, for character likeness."""
    return " ".join(compare_words(text))


def _is_target_group(ws: tuple[str, ...], i: int) -> bool:
    """Whether the number at ``ws[i]`` says whom the goal is for: a number, or a range of them,
    followed by an age or grade word."""
    j = i + 1
    while j < len(ws) and j - i <= 3 and (ws[j].isdigit() or ws[j] in _RANGE_WORDS):
        j += 1
    return j < len(ws) and ws[j] in TARGET_GROUP_UNITS


@lru_cache(maxsize=65536)
def content_words(text: str) -> tuple[str, ...]:
    """Compared words without stop words, in order (unstemmed, for compound joining); a target
    number is marked ``#6``, a range ``#40-50``, a floor ``#mindst_65`` (see the module doc)."""
    ws = tuple(NUMBER_WORDS.get(w, w) for w in compare_words(text))
    out: list[str] = []
    i = 0
    while i < len(ws):
        w = ws[i]
        if w.isdigit() and not _is_target_group(ws, i):
            target, i = _target(ws, i)
            if out and out[-1] in TARGET_BOUNDS:
                target = f"{out.pop()}_{target}"
            out.append(TARGET_MARK + target)
            continue
        if w not in STOP_WORDS:
            out.append(w)
        i += 1
    return tuple(out)


def _target(ws: tuple[str, ...], i: int) -> tuple[str, int]:
    """The target number at ``ws[i]``, a range ("40 50", "40 til 50") taken as one; and the
    index after it."""
    j = i + 1
    if j < len(ws) and ws[j] in ("til",) and j + 1 < len(ws) and ws[j + 1].isdigit():
        return f"{ws[i]}-{ws[j + 1]}", j + 2
    if j < len(ws) and ws[j].isdigit():
        return f"{ws[i]}-{ws[j]}", j + 1
    return ws[i], j


def target_text(token: str) -> str:
    """A target token as printed: ``#mindst_65`` → ``mindst 65``."""
    return token.removeprefix(TARGET_MARK).replace("_", " ")


def content_stems(text: str) -> tuple[str, ...]:
    """Stemmed content words, in order, duplicates kept."""
    return tuple(stem(w) for w in content_words(text))
