"""What a row's remark (*Bemærkning*) says about the goal's identity, in the notat's own words.

A new coordinator often says it: "Flyttet fra Tema 2." (the goal stood in Tema 2 of the previous
notat, in that notat's numbering), "Tidligere: Borgernes ejerskab … skal styrkes." (the wording
it had), "Målet er omformuleret …" (an old goal in new words), "Nyt mål i 2023." (a goal of its
own). Each reader returns nothing when the remark does not say it.
"""

from __future__ import annotations

import re

_MOVED = re.compile(r"\bflyttet\s+(?:hertil\s+)?fra\s+tema\s+(\d{1,2})\b", re.IGNORECASE)
_FORMER = re.compile(
    r"\b(?:tidligere(?:\s+formulering)?|før|hidtil|tidl\.)\s*:\s*[»«\"“”„']?(.+?)[»«\"“”„']?"
    r"(?:\.\s|\.?$)",
    re.IGNORECASE,
)
_REWORDED = re.compile(r"\b(?:er|blev)\s+(?:omformuleret|omskrevet|forenklet)\b", re.IGNORECASE)
_NEW = re.compile(r"\bnyt\s+mål\b(?:\s+(?:i|fra)\s+(\d{4}))?", re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÆØÅ0-9»\"“])")


def moved_from(remark: str) -> int | None:
    """The theme number of "Flyttet fra Tema N" (the previous notat's numbering), or None."""
    m = _MOVED.search(remark)
    return int(m.group(1)) if m else None


def former_wording(remark: str) -> str:
    """The wording a remark quotes as the goal's former one ("Tidligere: …"), or ""."""
    m = _FORMER.search(remark)
    return m.group(1).strip() if m else ""


def says_reworded(remark: str) -> bool:
    """The remark says the goal was put in other words ("Målet er omformuleret …")."""
    return _REWORDED.search(remark) is not None


def says_new(remark: str, year: int | None = None) -> bool:
    """The remark says the goal is new ("Nyt mål.", "Nyt mål i 2023." in a notat of 2023); "Nyt
    mål i 2022." in a later notat is the goal's history, not a claim that it is new."""
    for m in _NEW.finditer(remark):
        if m.group(1) is None or year is None or int(m.group(1)) >= year:
            return True
    return False


def sentences(remark: str) -> list[str]:
    """The remark's sentences, in order."""
    return [s.strip() for s in _SENTENCE_END.split(remark) if s.strip()]
