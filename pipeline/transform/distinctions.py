"""Why two alike wordings state different goals, when the notats' own words say it.

"Færre borgere får diabetes" and "… får astma" differ in one word, and that word is another
disease: another goal, whatever the likeness. ``pipeline/data/distinctions.csv`` lists the words
of each kind the goals are told apart by (a target group, a disease, a setting, a sector, a
habit, physical or mental health); two wordings whose words left over on *both* sides hold two
different words of one kind state different goals, for that stated reason. An age or grade that
differs (a number of a target group, pipeline.transform.normalize) is another target group.

The reason is shown to the person wherever such a pair is shown, and reconciliation never links
the pair; a person who knows better decides in the workbook or goal_overrides.csv.
"""

from __future__ import annotations

import csv
from functools import lru_cache
from importlib import resources

from pipeline.errors import ReconcileError
from pipeline.transform.normalize import TARGET_MARK
from pipeline.transform.similarity import Likeness

DISTINCTIONS_FILE = "data/distinctions.csv"  # inside the pipeline package


def read_distinctions(text: str) -> tuple[tuple[str, str], ...]:
    """(word, kind) entries, longest word first; a broken line raises ReconcileError."""
    entries = []
    for line_no, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cells = [c.strip() for c in next(csv.reader([line]))]
        if [c.casefold() for c in cells] == ["kind", "word"]:
            continue
        if len(cells) != 2 or not all(cells):
            raise ReconcileError(f"{DISTINCTIONS_FILE}, line {line_no}: expected kind,word")
        entries.append((cells[1].casefold(), cells[0]))
    return tuple(sorted(entries, key=lambda e: -len(e[0])))


@lru_cache(maxsize=1)
def distinctions() -> tuple[tuple[str, str], ...]:
    text = resources.files("pipeline").joinpath(DISTINCTIONS_FILE).read_text(encoding="utf-8")
    return read_distinctions(text)


@lru_cache(maxsize=4096)
def kind_of(word: str) -> tuple[str, str] | None:
    """(kind, entry) of a word, or None: "rygevaner" -> ("vane", "ryge")."""
    w = word.casefold()
    if w.isdigit():
        return ("alder", w)  # a number left as a word is an age or a grade
    if w.startswith(TARGET_MARK):
        return None
    for entry, kind in distinctions():
        if w.startswith(entry):
            return (kind, entry)
    return None


def apart_reason(like: Likeness) -> str:
    """Danish: why the two wordings compared in ``like`` state different goals ("en anden
    målgruppe: fædre, ikke mødre"); "" when their words do not say so."""
    left: dict[str, list[tuple[str, str]]] = {}
    for w in like.only_left:
        found = kind_of(w)
        if found:
            left.setdefault(found[0], []).append((found[1], w))
    for w in like.only_right:
        found = kind_of(w)
        if not found or found[0] not in left:
            continue
        kind, entry = found
        others = [word for e, word in left[kind] if e != entry]
        if others:
            if kind == "alder":
                return f"en anden alder: {_ages(like.only_right)}, ikke {_ages(like.only_left)}"
            return f"{_ANOTHER[kind]}: {w}, ikke {others[0]}"
    return ""


def _ages(ws: tuple[str, ...]) -> str:
    return "-".join(w for w in ws if w.isdigit()) + " år"


_ANOTHER = {
    "målgruppe": "en anden målgruppe",
    "sygdom": "en anden sygdom",
    "sted": "et andet sted",
    "sektor": "en anden sektor",
    "vane": "en anden vane",
    "sundhed": "en anden side af sundheden",
}
