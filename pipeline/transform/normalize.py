"""Danish goal wordings reduced to what their words say, for comparing one wording with another.

``normalize_wording`` gives the canonical form used for identity (same_wording) and for goal ids;
``content_stems`` gives the stemmed content words (Danish Snowball stemmer, stop words removed)
that token-level similarity compares.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import snowballstemmer

# Typographic quotes are dropped; dashes and hyphens of every kind separate words, so that
# "KRAM-faktorerne" and "KRAM faktorerne" read the same.
_QUOTES = dict.fromkeys(map(ord, "\"'`´’‘‚‛“”„‟«»‹›"), None)
_DASHES = dict.fromkeys(map(ord, "-‐‑‒–—―−﹣－"), " ")
_NON_WORD = re.compile(r"[^\w]+")
_UNDERSCORE = re.compile(r"_+")
_SPACES = re.compile(r"\s+")

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


@lru_cache(maxsize=65536)
def normalize_wording(text: str) -> str:
    """Casefolded NFC text with quotes dropped and dashes/punctuation as single spaces.

    Memoized: reconciliation asks for the same few hundred wordings thousands of times."""
    text = unicodedata.normalize("NFC", text).casefold()
    text = text.translate(_QUOTES).translate(_DASHES)
    text = _UNDERSCORE.sub(" ", _NON_WORD.sub(" ", text))
    return _SPACES.sub(" ", text).strip()


def words(text: str) -> tuple[str, ...]:
    """The normalized words of a wording, in order."""
    return tuple(normalize_wording(text).split())


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    return _stemmer.stemWord(word)


def content_words(text: str) -> tuple[str, ...]:
    """Normalized words without stop words, in order (unstemmed, for compound joining)."""
    return tuple(w for w in words(text) if w not in STOP_WORDS)


def content_stems(text: str) -> tuple[str, ...]:
    """Stemmed content words, in order, duplicates kept."""
    return tuple(stem(w) for w in content_words(text))
