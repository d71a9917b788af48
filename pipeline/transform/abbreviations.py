"""Abbreviations a notat introduces, learned for the run (``SST``, ``PL``, ``KIP``).

Two sources, both the notats' own:
- a definition anywhere in a wording or remark: "Sundhedsstyrelsen (SST)" or "SST
  (Sundhedsstyrelsen)";
- a wording that is the same as an earlier period's but for one abbreviation: "Vi vil i
  samarbejde med PL udfærdige …" beside "… med almen praksis udfærdige …" (read as
  *praktiserende læger* through the synonym list): the words the abbreviation stands in for.

Either way the abbreviation must fit its long form: its letters, in order, begin the long form's
words and may continue inside them (PL: *p*raktiserende *l*æger; SST: *S*undheds*st*yrelsen;
KIP: *k*oordinerede *i*ndsats*p*laner). An abbreviation is written in capitals, two to six
letters; the abbreviations of the synonym list (``pipeline/data/synonyms.csv``) are known
already and never learned again.

What is learned holds for the notat it is learned from and every later one
(``abbreviations_by_notat``), so adding a later notat never changes how earlier periods were
compared: goal ids stay as they were.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache, lru_cache

from pipeline.transform.normalize import compare_words, words

_ABBR = r"[A-ZÆØÅ]{2,6}"
_TOKEN = re.compile(rf"(?<![\wÆØÅæøå])({_ABBR})(?![\wÆØÅæøå])")
_LONG_THEN_SHORT = re.compile(rf"((?:[\wæøåÆØÅ-]+\s+){{0,4}}[\wæøåÆØÅ-]+)\s*\(\s*({_ABBR})\s*\)")
_SHORT_THEN_LONG = re.compile(rf"(?<![\wÆØÅæøå])({_ABBR})\s*\(\s*([^()]{{3,60}}?)\s*\)")
_MAX_SPAN = 4  # words an abbreviation may stand in for
# cheap tests that a text may hold a definition at all (the full patterns backtrack)
_MAY_DEFINE = re.compile(rf"\(\s*{_ABBR}\s*\)|(?<![\wÆØÅæøå]){_ABBR}\s*\(")


def fits(abbreviation: str, long_words: Sequence[str]) -> bool:
    """Whether ``abbreviation``'s letters, in order, begin every word of ``long_words`` and
    otherwise stand inside them (see the module doc)."""
    letters = abbreviation.casefold()
    if not long_words or len(long_words) > len(letters):
        return False

    @cache
    def match(i: int, w: int, pos: int) -> bool:
        # i: next letter; w: current word; pos: position inside it (0 = the word not begun)
        if i == len(letters):
            return w == len(long_words) - 1 and pos > 0
        word = long_words[w]
        if pos == 0:
            return word[:1] == letters[i] and match(i + 1, w, 1)
        found = word.find(letters[i], pos)
        if found >= 0 and match(i + 1, w, found + 1):
            return True
        return w + 1 < len(long_words) and match(i, w + 1, 0)

    return match(0, 0, 0)


def _known() -> frozenset[str]:
    from pipeline.transform.normalize import synonyms

    return frozenset(" ".join(variant) for variant, _ in synonyms())


@lru_cache(maxsize=16384)
def _definitions(text: str) -> tuple[tuple[str, str], ...]:
    """Abbreviations defined in ``text``: (abbreviation, long form in normalized words)."""
    if not _MAY_DEFINE.search(text):
        return ()
    found: dict[str, str] = {}
    for m in _LONG_THEN_SHORT.finditer(text):
        before, abbr = words(m.group(1)), m.group(2)
        for n in range(1, min(_MAX_SPAN, len(before)) + 1):
            if before[-n:] != (abbr.casefold(),) and fits(abbr, before[-n:]):
                found.setdefault(abbr, " ".join(before[-n:]))
                break
    for m in _SHORT_THEN_LONG.finditer(text):
        abbr, long = m.group(1), words(m.group(2))
        if long != (abbr.casefold(),) and fits(abbr, long):
            found.setdefault(abbr, " ".join(long))
    return tuple(found.items())


@lru_cache(maxsize=65536)
def _aligned(new: str, old: str) -> tuple[str, str] | None:
    """(abbreviation, long form) when ``new`` is ``old`` with one span of words written as an
    abbreviation; None otherwise."""
    abbrs = _TOKEN.findall(new)
    if len(abbrs) != 1:
        return None
    abbr = abbrs[0]
    new_words, old_words = list(compare_words(new)), list(compare_words(old))
    key = abbr.casefold()
    if key not in new_words or new_words.count(key) != 1:
        return None
    at = new_words.index(key)
    head, tail = new_words[:at], new_words[at + 1 :]
    span = len(old_words) - len(head) - len(tail)
    if not 1 <= span <= _MAX_SPAN:
        return None
    if old_words[: len(head)] != head or old_words[len(old_words) - len(tail) :] != tail:
        return None
    long = old_words[len(head) : len(head) + span]
    if long == [key]:
        return None  # the same abbreviation in both wordings: nothing to learn
    return (abbr, " ".join(long)) if fits(abbr, long) else None


def abbreviations_by_notat(
    notats: Sequence[tuple[Sequence[str], Sequence[str]]],
) -> list[dict[str, str]]:
    """For notats in period order, each given as (its wordings, its remarks): the abbreviations
    known when that notat is read (learned from it and every earlier one), abbreviation ->
    long form. The first definition of an abbreviation wins."""
    known_already = _known()
    learned: dict[str, str] = {}
    out: list[dict[str, str]] = []
    previous: Sequence[str] = ()
    for wordings, remarks in notats:
        for text in (*wordings, *remarks):
            for abbr, long in _definitions(text):
                if abbr.casefold() not in known_already:
                    learned.setdefault(abbr, long)
        for new in wordings:
            if not _TOKEN.search(new):
                continue
            for old in previous:
                pair = _aligned(new, old)
                if pair and pair[0].casefold() not in known_already:
                    learned.setdefault(*pair)
                    break
        out.append(dict(learned))
        previous = wordings
    return out


def expand(text: str, known: dict[str, str]) -> str:
    """``text`` with every learned abbreviation written out (as a whole word, in capitals)."""
    if not known or not _TOKEN.search(text):
        return text
    return _TOKEN.sub(lambda m: known.get(m.group(1), m.group(1)), text)
