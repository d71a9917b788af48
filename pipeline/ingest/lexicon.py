"""The words a scanned notat is expected to use, and OCR's unsure words checked against them.

Most wordings of a notat stand, word for word, in the earlier periods' notats (goal wordings,
remarks, themes), and every notat is Danish. A word tesseract is unsure of that is no word of
either is compared with the known words that look like it, counting the letters OCR confuses
(``é``/``e``, ``i``/``l``/``1``/``I``, ``5``/``§``, ``rn``/``m``) as small differences: when one
known word is clearly nearest, it is read instead. A confident reading is never replaced, and a
word that is really new keeps its reading (and its ``ocr_doubt`` finding) when nothing known is
near enough: the vocabulary cannot turn a changed wording back into last period's, because
every word of the changed wording that OCR read with confidence stays as read.

Two sources: ``Vocabulary`` (the period's own words, handed in by the run from the notats it
read from their text layers) and tesseract's own Danish dictionary (its ``dan.traineddata``,
read once per process).
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the run's CLI imports ingest before the readers: nothing heavy here
    from pipeline.extract.pdf import Word
    from pipeline.model import ExtractedDocument

__all__ = ["Vocabulary", "corrected", "danish_words", "mid_sentence", "printed_lines"]

# Letters OCR takes for one another: a substitution among them costs this much instead of 1.
_CONFUSED = [
    "eéèêë",
    "iíìl1I|!",
    "oO0ø",
    "aáàå",
    "uüú",
    "§5$S8",
    "’'‘`´",
    '”"“″',
    "–-—‐",
    ",.",
    "cC",
    "sS",
    "vV",
    "wW",
    "zZ",
    "xX",
]
_CONFUSED_COST = 0.35
_GROUP = {c: k for k, chars in enumerate(_CONFUSED) for c in chars}
# Pairs of letters read as one and back: their swap costs this much.
_SPLITS = {("rn", "m"), ("m", "rn"), ("cl", "d"), ("d", "cl"), ("li", "h"), ("h", "li"),
           ("ii", "ü"), ("vv", "w")}  # fmt: skip
_SPLIT_COST = 0.5
_TOKEN = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*", re.UNICODE)
_SENTENCE_END = frozenset(".!?:")
# A capital whose small letter has its shape, as a list's label ("c." that OCR read "C.").
_SAME_SHAPE_LABEL = re.compile(r"[COSVWXZ][.)]")
_AS_DIGITS = str.maketrans({"I": "1", "l": "1", "|": "1", "i": "1", "O": "0", "o": "0"})
# The punctuation a word carries before and after its letters.
_EDGE = "\"'’‘”“«»()[]{}.,;:!?"


@dataclass(frozen=True)
class Vocabulary:
    """The period's own words (as printed, case kept) with how often each was read, and the
    words it writes with a capital inside a sentence (names: *Sundhed og Træning*)."""

    counts: dict[str, int] = field(default_factory=dict)
    inner_capitals: frozenset[str] = frozenset()  # casefolded

    @classmethod
    def of_texts(cls, texts: Iterable[str]) -> Vocabulary:
        counts: Counter[str] = Counter()
        inner: set[str] = set()
        for text in texts:
            previous = ""
            for token in text.split():
                core = unicodedata.normalize("NFC", token.strip(_EDGE))
                if core:
                    counts[core] += 1
                    inside = previous and previous[-1] not in _SENTENCE_END
                    if inside and core[:1].isupper() and core[1:].islower():
                        inner.add(core.casefold())
                previous = token
        return cls(dict(counts), frozenset(inner))

    @classmethod
    def of_documents(cls, documents: Iterable[ExtractedDocument]) -> Vocabulary:
        """The words of notats read from their text layers: titles, themes, goal wordings,
        remarks, proposals, initiatives (a notat read by OCR teaches nothing)."""
        texts: list[str] = []
        for doc in documents:
            texts.append(doc.document.title)
            for row in doc.goal_rows:
                texts += [row.theme_title, row.remark, row.proposed_text]
                texts += [s.text for s in row.statements]
            for item in doc.initiatives:
                texts += [item.area_title, item.group_title, item.text]
        return cls.of_texts(t for t in texts if t)

    def __bool__(self) -> bool:
        return bool(self.counts)

    def save(self, path: Path) -> None:
        lines = [f"{n}\t{w}\n" for w, n in sorted(self.counts.items())]
        lines += [f"name\t{w}\n" for w in sorted(self.inner_capitals)]
        path.write_text("".join(lines), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> Vocabulary:
        counts, inner = {}, set()
        for line in path.read_text(encoding="utf-8").splitlines():
            n, _, word = line.partition("\t")
            if word and n.isdigit():
                counts[word] = int(n)
            elif word and n == "name":
                inner.add(word)
        return cls(counts, frozenset(inner))

    @property
    def folded(self) -> dict[str, Counter[str]]:
        return _folded(tuple(sorted(self.counts.items())))


@cache
def _folded(items: tuple[tuple[str, int], ...]) -> dict[str, Counter[str]]:
    out: dict[str, Counter[str]] = {}
    for word, n in items:
        out.setdefault(word.casefold(), Counter())[word] += n
    return out


@cache
def danish_words() -> frozenset[str]:
    """Tesseract's Danish dictionary (casefolded), read from its model with its own tools once
    per model (kept in the user's cache folder); empty where the tools are missing."""
    model = _danish_model()
    if model is None:
        return frozenset()
    import hashlib

    digest = hashlib.sha256(model.read_bytes()).hexdigest()[:16]
    kept = _words_cache() / f"dan-words-{digest}.txt"
    try:
        return frozenset(kept.read_text(encoding="utf-8").split())
    except OSError:
        pass
    words = _read_dictionary(model)
    if words:
        try:
            kept.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".dan-words-", dir=kept.parent)
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write("\n".join(sorted(words)))
            os.replace(tmp, kept)
        except OSError:
            pass  # a cache that cannot be written only costs time
    return words


def _words_cache() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "ringsted-statuspipeline"


def _danish_model() -> Path | None:
    try:
        langs = subprocess.run(
            ["tesseract", "--list-langs"], capture_output=True, text=True, timeout=30, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    folder = re.search(r'"([^"]+)"', langs)
    model = Path(folder.group(1)) / "dan.traineddata" if folder else None
    return model if model is not None and model.is_file() else None


def _read_dictionary(model: Path) -> frozenset[str]:
    """The word list of ``model``, by tesseract's ``combine_tessdata`` and ``dawg2wordlist``."""
    try:
        with tempfile.TemporaryDirectory(prefix="dan-words-") as tmp:
            subprocess.run(
                ["combine_tessdata", "-u", str(model), f"{tmp}/dan."],
                capture_output=True, timeout=60, check=False,
            )  # fmt: skip
            dawg, charset = Path(tmp) / "dan.lstm-word-dawg", Path(tmp) / "dan.lstm-unicharset"
            out = Path(tmp) / "words.txt"
            subprocess.run(
                ["dawg2wordlist", str(charset), str(dawg), str(out)],
                capture_output=True, timeout=60, check=False,
            )  # fmt: skip
            if not out.is_file():
                return frozenset()
            text = out.read_text(encoding="utf-8", errors="replace")
    except (OSError, subprocess.SubprocessError):
        return frozenset()
    return frozenset(w.casefold() for w in text.split())


def _cost(a: str, b: str) -> float:
    """Edit distance from ``a`` to ``b`` in which the letters OCR confuses cost little."""
    n, m = len(a), len(b)
    d = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(n + 1):
        d[i][0] = float(i)
    for j in range(m + 1):
        d[0][j] = float(j)
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            x, y = a[i - 1], b[j - 1]
            if x == y:
                sub = 0.0
            elif x.casefold() == y.casefold():
                sub = 0.1
            elif _GROUP.get(x, -1) == _GROUP.get(y, -2):
                sub = _CONFUSED_COST
            else:
                sub = 1.0
            best = min(d[i - 1][j] + _spurious(x), d[i][j - 1] + 1.0, d[i - 1][j - 1] + sub)
            if i >= 2 and (a[i - 2 : i], y) in _SPLITS:
                best = min(best, d[i - 2][j - 1] + _SPLIT_COST)
            if j >= 2 and (x, b[j - 2 : j]) in _SPLITS:
                best = min(best, d[i - 1][j - 2] + _SPLIT_COST)
            d[i][j] = best
    return d[n][m]


# Letters Danish hardly uses, and marks: what OCR adds of a speck or a letter's edge.
_SPURIOUS = frozenset("éèêëüúíìïóòáàâ!|'`´^~.,:;")


def _spurious(c: str) -> float:
    """What it costs that the reading has ``c`` where the word has nothing."""
    return 0.5 if c in _SPURIOUS else 1.0


def _allowed(word: str) -> float:
    """How far a reading may be from the word it is read as."""
    return 0.75 if len(word) <= 4 else 1.0 if len(word) <= 7 else 2.0


@dataclass(frozen=True)
class _Candidate:
    word: str
    cost: float


def _nearest(core: str, choices: Iterable[str], period: bool) -> list[_Candidate]:
    from rapidfuzz import process
    from rapidfuzz.distance import Levenshtein

    folded = core.casefold()
    found = process.extract(folded, choices, scorer=Levenshtein.distance, score_cutoff=2, limit=12)
    out = [_Candidate(choice, _cost(folded, choice) - (0.05 if period else 0.0))
           for choice, _, _ in found]  # fmt: skip
    return sorted(out, key=lambda c: c.cost)


def _best(core: str, vocabulary: Vocabulary) -> str | None:
    """The known word ``core`` is a misreading of, when one is clearly nearest."""
    if len(core) < 2 or (core.isdigit() and core[:1] not in "5$S8"):
        return None
    folded_period = vocabulary.folded
    candidates = _nearest(core, list(folded_period), True) if folded_period else []
    general = danish_words()
    if general and len(core) >= 3:
        # Danish makes new words by joining and bending known ones: a dictionary word is read
        # instead only a confused letter or one letter away, never a syllable
        candidates += [c for c in _nearest(core, _general_list(len(core)), False) if c.cost <= 1.0]
    if not candidates:
        return None
    candidates.sort(key=lambda c: c.cost)
    best = candidates[0]
    others = [c for c in candidates[1:] if c.word != best.word]
    if best.cost > _allowed(best.word) or (others and others[0].cost - best.cost < 0.3):
        return None
    forms = folded_period.get(best.word)
    if forms:
        return _case_like(core, forms)
    # a dictionary word, in small letters: the reading's capital (of its first letters) stays
    capital = any(c.isupper() for c in core[:2]) and not core.isupper()
    return best.word[:1].upper() + best.word[1:] if capital else best.word


def _confused_with(core: str, vocabulary: Vocabulary) -> str | None:
    """The word the period or the document prints that a reading only the dictionary knows is
    a letter or two OCR confuses away from ("vii" for "vil")."""
    found = [
        c for c in _nearest(core, list(vocabulary.folded), True) if c.cost <= 2 * _CONFUSED_COST
    ]
    if len(found) != 1 or found[0].word == core.casefold():
        return None
    return _case_like(core, vocabulary.folded[found[0].word])


@cache
def _general_list(length: int) -> list[str]:
    """The dictionary's words of about this length (the candidates for a misreading)."""
    return [w for w in danish_words() if abs(len(w) - length) <= 2]


def _case_like(core: str, forms: Counter[str]) -> str:
    """Of the forms the period prints a word in, the one whose case the reading shows."""
    for form, _ in forms.most_common():
        if form[:1].isupper() == core[:1].isupper():
            return form
    form = forms.most_common(1)[0][0]  # written otherwise: the reading's first letter decides
    return (form[:1].upper() if core[:1].isupper() else form[:1].lower()) + form[1:]


def known(core: str, vocabulary: Vocabulary) -> bool:
    folded = core.casefold()
    return folded in vocabulary.folded or folded in danish_words()


def printed_lines(words: list[Word]) -> list[list[int]]:
    """The indexes of ``words`` by printed line, each line left to right."""
    order = sorted(range(len(words)), key=lambda k: words[k].bottom)
    lines: list[list[int]] = []
    for k in order:
        w = words[k]
        if lines and abs(words[lines[-1][-1]].bottom - w.bottom) <= 0.35 * w.size:
            lines[-1].append(k)
        else:
            lines.append([k])
    return [sorted(line, key=lambda k: words[k].x0) for line in lines]


def mid_sentence(previous: Word | None, word: Word) -> bool:
    """The word stands inside a sentence: the word before it on its line, in its cell, does
    not end one."""
    if previous is None or word.x0 - previous.x1 > 1.5 * word.size:
        return False
    return previous.text[-1:] not in _SENTENCE_END and any(c.isalpha() for c in previous.text)


def corrected(words: list[Word], confidences: list[float], vocabulary: Vocabulary,
              sure: float) -> list[Word]:  # fmt: skip
    """The page's words, those OCR was unsure of (confidence below ``sure``) that are no known
    word read as the known word they are clearly nearest to, and a capital OCR gave a word
    inside a sentence taken back where the period writes the word in small letters."""
    out = list(words)
    for line in printed_lines(words):
        previous: Word | None = None
        for k in line:
            w = words[k]
            text = w.text
            lead = text[: len(text) - len(text.lstrip(_EDGE))]
            rest = text[len(lead) :]
            trail = rest[len(rest.rstrip(_EDGE + "-")) :]
            core = rest[: len(rest) - len(trail)]
            unsure = confidences[k] < sure
            if previous is not None and previous.text.casefold() == "tema" and trail[:1] in ":.":
                core = core.translate(_AS_DIGITS)  # a theme's number: "Tema I:" is "Tema 1:"
            if core and unsure:
                if not known(core, vocabulary):
                    core = _best(core, vocabulary) or core
                elif core.casefold() not in vocabulary.folded:
                    core = _confused_with(core, vocabulary) or core
            after = words[line[line.index(k) + 1]] if k != line[-1] else None
            if previous is None and after is not None and _SAME_SHAPE_LABEL.fullmatch(text):
                lead, core = "", core.lower()  # a list's letter: "C." at a line's start is "c."
            if core.casefold() == "dato" and trail in (".", ";", ",") and after is not None:
                trail = ":" if after.text[:1].isdigit() else trail  # "Dato: 3. juni 2021"
            if trail[:1] in ("!", "?") and after is not None and after.text[:1].islower():
                trail = trail[1:]  # no sentence goes on in small letters after ! or ?
            quoted = bool(lead) and lead[-1] in _QUOTE + "\"'‘“"
            if (
                core[:1].isupper()
                and core[1:].islower()
                and mid_sentence(previous, w)
                and not quoted
            ):
                core = _small_inside_sentence(core, vocabulary, unsure)
            lead, core, trail = _typography(lead, core, trail, previous, w, after)
            new = lead + core + trail
            if new != text:
                out[k] = replace(w, text=new)
            previous = out[k]
    return _quotes_closed(out)


_QUOTE = "”’"


def _quotes_closed(words: list[Word]) -> list[Word]:
    """A quote mark that opens nothing (no closing mark on its line or the two after it) or
    stands alone between words is a speck OCR read as one: a Danish notat quotes in pairs.
    A word that was only such a mark is left with no text (the caller drops it)."""
    lines = printed_lines(words)
    out = list(words)
    for n, line in enumerate(lines):
        following = [k for later in lines[n : n + 3] for k in later]
        for k in line:
            text = out[k].text
            if text and all(c in _QUOTE for c in text):
                nxt = line[line.index(k) + 1] if k != line[-1] else None
                if nxt is not None and out[nxt].x0 - out[k].x1 < 0.3 * out[k].size:
                    # a quote mark OCR read apart from the word it opens
                    out[nxt] = replace(out[nxt], text=text + out[nxt].text, x0=out[k].x0)
                out[k] = replace(out[k], text="")  # dropped by the caller
                continue
            if text[:1] in _QUOTE and len(text) > 1:
                rest = following[following.index(k) :]
                closed = any(
                    out[j].text.rstrip(".,:;)!?")[-1:] == text[0]
                    for j in rest
                    if out[j].text.rstrip(".,:;)!?")
                )
                if not closed:
                    out[k] = replace(out[k], text=text[1:])
    return out


# Quote marks as OCR reads them, and as a Danish notat prints them (Word's Danish quotes: ”…”
# and ’…’ on both sides).
_DANISH_QUOTES = str.maketrans({'"': "”", "“": "”", "„": "”", "″": "”", "'": "’", "‘": "’",
                                "`": "’", "´": "’"})  # fmt: skip
# Words a full stop ends as an abbreviation, not a sentence ("jf. §119", "4,5 mio. kr.").
_ABBREVIATIONS = frozenset(
    ["jf", "evt", "ift", "mio", "mia", "kr", "ca", "inkl", "ekskl", "vedr", "nr", "stk", "pkt",
     "dvs", "mht", "osv", "etc", "tlf", "tel", "bl.a", "f.eks", "m.fl", "m.m", "fx", "ang"]
)  # fmt: skip
# A per cent sign as OCR reads it after a number ("40-50 X af", "16 96 af").
_PERCENT_MISREADS = frozenset({"X", "x", "96", "9%", "%6", "°%", "Yo", "%o"})
_NUMBER = re.compile(r"^\d+(?:[-–,.]\d+)*$")


def _typography(lead: str, core: str, trail: str, previous: Word | None, w: Word,
                after: Word | None) -> tuple[str, str, str]:  # fmt: skip
    """Danish typography decided from the context OCR's first guess leaves out: the notat's
    quote marks and apostrophes, a per cent sign after a number, a comma where a full stop
    would be followed by a small letter."""
    lead, core, trail = (part.translate(_DANISH_QUOTES) for part in (lead, core, trail))
    same_line = after is not None and after.x0 - w.x1 < 1.5 * w.size
    if (
        core in _PERCENT_MISREADS
        and previous is not None
        and _NUMBER.match(previous.text)
        and w.x0 - previous.x1 < 0.8 * w.size
        and same_line
        and after.text[:1].islower()
    ):
        return lead, "%", trail
    going_on = same_line and after.text[:1].isalpha() and after.text[:1].islower()
    prose = core.isalpha() and len(core) >= 4 and not core.isupper()
    if trail == "." and going_on and prose and core.casefold() not in _ABBREVIATIONS:
        return lead, core, ","  # "Veje, stier og …": no sentence goes on in small letters
    return lead, core, trail


def _small_inside_sentence(core: str, vocabulary: Vocabulary, unsure: bool) -> str:
    """A capitalised word OCR was unsure of, inside a sentence, in small letters where every
    known writing of it is small (a name such as *Træning* in *Sundhed og Træning* is written
    with its capital, also by the period, and keeps it)."""
    folded = core.casefold()
    if not unsure or folded in vocabulary.inner_capitals:
        return core
    forms = vocabulary.folded.get(folded)
    if forms:
        return core.lower() if all(f[:1].islower() for f in forms) else core
    return core.lower() if folded in danish_words() and core.lower() != core else core
