"""A word broken over two lines after a hyphen: a compound's own hyphen, or a hyphenation?

A line that ends in "-" may end inside a compound written with a hyphen ("KRAM-" + "faktorer",
"6-" + "13", "Marte Meo-" + "forløb"), whose hyphen is part of the word; or at a hyphenation
point, where the engine broke a closed word and printed a hyphen that is no part of it: a soft
hyphen the author typed (Word: Ctrl+-), or automatic hyphenation ("økono-" + "miudvalget").
Most engines print both as the same "-" glyph, so the page's text alone cannot tell them apart;
this module decides from the words themselves:

1. a hyphen next to a digit, a capital or a one-letter part (an abbreviation or a number:
   "KRAM-faktorer", "6-13", "X-hale") belongs to the word; so does the hyphen of a suspended
   compound ("ledighedsydelses-" + "og");
2. the notat's own words decide next: the compound written with its hyphen elsewhere on one
   line keeps it; the closed word written elsewhere drops it;
3. a notat that does not hyphenate keeps every other hyphen. A notat hyphenates when at least
   two of its line ends break a word where neither part is a word of its own ("Kom-" +
   "petenceudviklingen"): a document hyphenates all its long words or none;
4. in a notat that hyphenates, a name's part before a word ("Marte Meo-" + "forløb": a
   capitalised part after another capitalised word, before a word the notat writes alone) keeps
   its hyphen; two parts joined at one of the closed word's Danish hyphenation points (pyphen's
   dictionary) are one word.

A soft hyphen the PDF itself marks (U+00AD at the line's end) is a hyphenation, always.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

__all__ = [
    "SOFT_HYPHEN",
    "SUSPENSION_FOLLOWERS",
    "could_hyphenate",
    "hyphenates",
    "hyphenation_break",
    "inside_a_syllable",
    "join_broken",
]

SOFT_HYPHEN = "\u00ad"
# What a line-final hyphen is followed by when it suspends a compound ("ledighedsydelses- og",
# "Social- & Sundhed", "for- / efterår"): the hyphen is the word's, and a space follows it.
SUSPENSION_FOLLOWERS = frozenset({"og", "eller", "samt", "til", "som", "&", "/", ","})
# Line ends that must break a word apart before a notat is taken to hyphenate its words.
_HYPHENATING_BREAKS = 2
_CORE = re.compile(r"^[\W_]*(.*?)[\W_]*$")


def _core(token: str) -> str:
    m = _CORE.match(token.lower())
    return m.group(1) if m else token.lower()


@functools.cache
def _hyphenator():
    import pyphen

    return pyphen.Pyphen(lang="da_DK")


def _at_hyphenation_point(first: str, second: str) -> bool:
    return len(first) in _hyphenator().positions(first + second)


def _parts(before: str, rest: str) -> tuple[str, str, str] | None:
    """(the word's part before the hyphen as printed, its core, the core after) for a break
    that could be a hyphenation: letters on both sides, lowercase at the junction, no
    acronym, number or suspended compound; None for a hyphen that is surely the word's."""
    words = before.split()
    if not words:
        return None
    head = re.sub(r"^.*/", "", words[-1])  # the word's own part: after a slash
    if len(head) < 2 or not head[-1].isalpha() or not rest[:1].isalpha():
        return None
    if not (head[-1].islower() and rest[0].islower()):
        return None  # a capital or an acronym beside the hyphen: "KRAM-", "COVID-"
    if head.isupper() or any(c.isdigit() for c in head):
        return None
    second = _core(rest)
    if second in SUSPENSION_FOLLOWERS:
        return None
    return head, _core(head), second


def inside_a_syllable(head: str, rest: str) -> bool:
    """Whether joining ``head`` and ``rest`` puts their meeting point inside a syllable of the
    joined word (no Danish hyphenation point there): two separate words meet at a syllable's
    edge, a word broken where it stopped fitting mostly does not."""
    first, second = _core(head), _core(rest)
    if not first.isalpha() or not second.isalpha():
        return False
    return not _at_hyphenation_point(first, second)


def could_hyphenate(head: str, rest: str) -> bool:
    """Whether a word ``head`` + ``rest``, broken bare after ``head`` (the part that filled its
    line), has a Danish hyphenation point inside ``head``: an engine that hyphenates would have
    broken it there, with a hyphen, rather than bare."""
    first, second = _core(head), _core(rest)
    if not first.isalpha() or not second.isalpha():
        return False
    return any(2 <= p < len(first) for p in _hyphenator().positions(first + second))


def hyphenates(breaks: Iterable[tuple[str, str]], lexicon: frozenset[str]) -> bool:
    """Whether a notat hyphenates its words: ``breaks`` are its line ends after a hyphen, as
    (the text before the hyphen, the next line's first word)."""
    found = 0
    for before, rest in breaks:
        parts = _parts(before, rest)
        if parts is None:
            continue
        _, first, second = parts
        if first not in lexicon and second not in lexicon and _at_hyphenation_point(first, second):
            found += 1
            if found >= _HYPHENATING_BREAKS:
                return True
    return False


def hyphenation_break(
    before: str, rest: str, lexicon: frozenset[str], hyphenating: bool = True
) -> bool:
    """Whether the hyphen that ends ``before`` (the text before the line's final "-", without
    it) is a hyphenation point of one closed word that goes on with ``rest`` (the next line's
    first word), rather than a hyphen of the word itself. ``lexicon``: the notat's words as
    written inside its lines (lowercase cores, hyphenated compounds included);
    ``hyphenating``: the notat hyphenates its words (``hyphenates``)."""
    parts = _parts(before, rest)
    if parts is None:
        return False
    head, first, second = parts
    if f"{first}-{second}" in lexicon:
        return False
    if first + second in lexicon:
        return True
    if not hyphenating:
        return False
    words = before.split()
    previous = words[-2] if len(words) > 1 else ""
    named = previous[:1].isupper() and not previous.endswith((".", ":", "!", "?"))
    if head[0].isupper() and named and second in lexicon:
        return False  # a name's hyphen before a word: "Marte Meo-forløb"
    return _at_hyphenation_point(first, second)


def join_broken(text: str, line: str, lexicon: frozenset[str], hyphenating: bool) -> str | None:
    """``text`` and the next ``line`` joined where ``text`` ends inside a word broken after a
    hyphen or a slash: the hyphen dropped where it was the engine's (a soft hyphen the PDF
    marks as one, or a hyphenation ``hyphenation_break`` judges so), kept where it is the
    word's ("KRAM-" + "faktorer", "6-" + "13", "og/" + "eller"). None where the line break
    falls between words: a suspended compound ("ledighedsydelses-" + "og"), a dash standing
    alone (" -"), or no hyphen or slash at all."""
    first = line.split(" ", 1)[0]
    if text.endswith(SOFT_HYPHEN):
        return text[:-1] + line
    if len(text) < 2 or text[-1] not in "-/" or not text[-2].isalnum():
        return None
    if text[-1] == "/":  # "og/" + "eller": a slash joins two words into one
        return text + line if first[:1].isalnum() else None
    if hyphenation_break(text[:-1], first, lexicon, hyphenating):
        return text[:-1] + line
    if first[:1].isalnum() and first.lower() not in SUSPENSION_FOLLOWERS:
        return text + line
    return None
