"""Danish dates, read and written: ``28. maj 2020``, ``3. jun. 2021``, ``28.05.2020`` read from
a notat's text (its *Dato:* line, its running head), and a date written as the reports print it.
"""

from __future__ import annotations

import datetime as dt
import re

from pipeline.text import normalize_text
from pipeline.vocabulary import DATE_LABEL

__all__ = ["MONTHS", "find_dato", "format_danish_date", "parse_danish_date"]

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
# "Dato: 3. juni 2021": the label as the notat and our own form print it, the colon perhaps
# spaced off.
_DATO = re.compile(rf"{re.escape(DATE_LABEL.rstrip(':'))}\s*:\s*(.+)", re.IGNORECASE)


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
