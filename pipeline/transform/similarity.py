"""How alike two goal wordings are, and the thresholds that turn likeness into a link.

Two measures, both in 0..1:
- ``token``: a Jaccard score on stemmed content words, where a word also counts as shared when it
  is a near-typo of a word on the other side (``token_typo_ratio``) or equals two adjacent words
  there joined (compounds: "alkohol vaner" ~ "alkoholvaner", "Sundheds App" ~ "sundhedsapp");
- ``char``: rapidfuzz's ratio on the normalized wordings.

Overall likeness is not enough: "Færre borgere … får diabetes" and "… får forhøjet blodtryk" are
very alike and state different goals. So the words left over on *both* sides (a substitution)
are counted as ``substituted`` and each costs ``substitution_penalty`` in the combined ``score``;
a wording that only adds words to another ("Motionsvejledning" → "Indsats vedr.
motionsvejledning") is not a substitution. Within one notat a fuzzy link also requires no
substitution at all.

A target number that differs ("Tilbud om 6 hjemmebesøg" → "… 5 hjemmebesøg") is no substitution
but a *revised* target (``Likeness.revised``), counted as a shared word: across periods the goal
goes on with its new target; within one notat two targets side by side are two goals. A number
of a target group (an age, a grade) is a content word like any other (see
pipeline.transform.normalize). Both wordings are compared with the synonym list applied.
"""

from __future__ import annotations

import bisect
import itertools
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from rapidfuzz import fuzz, process

from pipeline.settings import Settings, setting
from pipeline.transform.normalize import (
    TARGET_MARK,
    compare_text,
    content_stems,
    content_words,
    stem,
    target_text,
)


@dataclass(frozen=True)
class ReconcileSettings(Settings):
    """Thresholds of the reconciliation. Where each value was chosen is shown by
    tests/test_reconcile.py::test_thresholds_separate_true_pairs_from_near_misses."""

    # within one notat: a fuzzy link between wordings of different rows needs both
    within_min_score: float = setting(0.86, high=1)
    within_min_char: float = setting(0.80, high=1)
    # across periods: a goal of the previous period and one of the new notat are linked when the
    # best wording pair (or proposed text vs new wording) reaches this combined score
    across_min_score: float = setting(0.72, high=1)
    # added to an across-period candidate's score when it stands in the same theme / same row no
    same_theme_bonus: float = setting(0.04, high=1)
    same_position_bonus: float = setting(0.02, high=1)
    # cost of each content word substituted (present on one side only, while the other side
    # also has a word of its own)
    substitution_penalty: float = setting(0.22, high=1)
    # two words count as the same word when their char ratio reaches this (typos, inflection)
    token_typo_ratio: float = setting(0.86, high=1)
    # refused candidates are logged as links when they come this close to a threshold
    refusal_margin: float = setting(0.25, high=1)
    # review marks (pipeline.transform.review): a link is put to a person when its wordings'
    # score is below this; a refused pair only from this score on
    review_link_below: float = setting(0.85, high=1)
    review_refused_from: float = setting(0.5, high=1)
    # a goal gone from a notat and a goal new in it are put to a person from this likeness on
    # (token and char averaged, no substitution penalty)
    review_gone_new_from: float = setting(0.5, high=1)
    # within one notat, a bilag 1 row and a bilag 2 row of one theme state one goal when this
    # share of the shorter wording's content words, and at least ``bilag_pair_min_shared`` of
    # them, stand in the longer one (pipeline.transform.reconcile._bilag_pairs)
    bilag_pair_min_cover: float = setting(0.8, high=1)
    bilag_pair_min_shared_words: int = setting(5, low=1, whole=True)
    # the goals left over after the rules (gone from a notat, new in it) are paired on all the
    # evidence (pipeline.transform.reconcile._left_overs): a pair from ``leftover_min_score`` on
    # is linked, one from ``leftover_ask_from`` on is put to a person (measured in
    # tests/test_reconcile_2023.py::test_left_over_thresholds_separate_true_pairs_from_others)
    leftover_min_score: float = setting(0.6, high=1)
    leftover_ask_from: float = setting(0.3, high=1)
    # evidence besides the words: the remark says where the goal came from ("Flyttet fra Tema
    # 2") or that it was put in other words, or that the goal is new ("Nyt mål")
    moved_remark_bonus: float = setting(0.1, high=1)
    reworded_remark_bonus: float = setting(0.05, high=1)
    new_remark_penalty: float = setting(0.2, high=1)
    # a headline whose detail moved into the remark, a piece of a wording cut in two rows, a
    # goal inside a row that merges two: this share of the one's words stand in the other
    piece_min_cover: float = setting(0.75, high=1)


DEFAULT_SETTINGS = ReconcileSettings()


@dataclass(frozen=True)
class Likeness:
    """How alike two wordings are, with the words that differ (for the evidence text)."""

    token: float
    char: float
    only_left: tuple[str, ...]  # content words (as printed, lowercase) only in the left wording
    only_right: tuple[str, ...]
    score: float
    revised: tuple[tuple[str, str], ...] = ()  # target numbers revised: (left, right)

    @property
    def substituted(self) -> int:
        return min(len(self.only_left), len(self.only_right))

    def describe(self) -> str:
        parts = [f"token {self.token:.2f}, char {self.char:.2f}, score {self.score:.2f}"]
        if self.only_left or self.only_right:
            parts.append(
                f"differing words: {' '.join(self.only_left) or '-'} | "
                f"{' '.join(self.only_right) or '-'}"
            )
        if self.revised:
            parts.append("revised target: " + ", ".join(f"{a} → {b}" for a, b in self.revised))
        return "; ".join(parts)


def _joined_pairs(raw: tuple[str, ...]) -> dict[str, tuple[int, int]]:
    """Stems of adjacent word pairs written as one word, to the two positions they join."""
    return {stem(a + b): (i, i + 1) for i, (a, b) in enumerate(itertools.pairwise(raw))}


class _Parsed(NamedTuple):
    normalized: str
    words: tuple[str, ...]  # content words, unstemmed
    stems: tuple[str, ...]
    # adjacent word pairs written as one word: (joined stem, stems of the two parts), in the
    # order _joined_pairs gives them
    joined: tuple[tuple[str, tuple[str, str]], ...]


@lru_cache(maxsize=65536)
def _parsed(text: str) -> _Parsed:
    words = content_words(text)
    joined = tuple(
        (key, (stem(words[i]), stem(words[j]))) for key, (i, j) in _joined_pairs(words).items()
    )
    return _Parsed(compare_text(text), words, content_stems(text), joined)


@lru_cache(maxsize=262144)
def _word_ratio(a: str, b: str) -> float:
    return fuzz.ratio(a, b)


def _leftovers(
    left: _Parsed, right: _Parsed, settings: ReconcileSettings
) -> tuple[int, list[str], list[str]]:
    """Match content stems one-to-one (exact, compound, typo); return shared count and leftovers."""
    ls, rs = list(left.stems), list(right.stems)
    shared = 0
    # exact
    rest_r = list(rs)
    rest_l: list[str] = []
    for s in ls:
        if s in rest_r:
            rest_r.remove(s)
            shared += 1
        else:
            rest_l.append(s)
    # compounds: a word on one side equal to two adjacent words on the other
    for one, other_joined, other_rest in (
        (rest_l, right.joined, rest_r),
        (rest_r, left.joined, rest_l),
    ):
        for joined, parts in other_joined:
            # both parts must be left (twice, when the two words are the same word)
            if joined in one and all(other_rest.count(p) >= parts.count(p) for p in parts):
                one.remove(joined)
                for p in parts:
                    other_rest.remove(p)
                shared += 1
    # typos and inflections the stemmer leaves apart
    for s in list(rest_l):
        if s.startswith(TARGET_MARK):
            continue
        best, best_ratio = None, 0.0
        for r in rest_r:  # the first of the most alike, as max() picks it
            if r.startswith(TARGET_MARK):
                continue
            ratio = _word_ratio(s, r)
            if best is None or ratio > best_ratio:
                best, best_ratio = r, ratio
        if (
            best is not None
            and min(len(s), len(best)) >= 4
            and (
                best_ratio / 100 >= settings.token_typo_ratio
                or (len(s) >= 4 and best.startswith(s))
                or (len(best) >= 4 and s.startswith(best))
            )
        ):
            rest_l.remove(s)
            rest_r.remove(best)
            shared += 1
    return shared, rest_l, rest_r


def likeness(left: str, right: str, settings: ReconcileSettings = DEFAULT_SETTINGS) -> Likeness:
    """Compare two wordings (see the module docstring)."""
    return _likeness(left, right, settings)


@lru_cache(maxsize=262144)
def _likeness(left: str, right: str, settings: ReconcileSettings) -> Likeness:
    pl, pr = _parsed(left), _parsed(right)
    if pl.normalized == pr.normalized:
        return Likeness(1.0, 1.0, (), (), 1.0)
    char = fuzz.ratio(pl.normalized, pr.normalized) / 100
    shared, only_l, only_r = _leftovers(pl, pr, settings)
    # target numbers left on both sides: the target was revised (in order of the wordings)
    targets_l = [s for s in only_l if s.startswith(TARGET_MARK)]
    targets_r = [s for s in only_r if s.startswith(TARGET_MARK)]
    revised = tuple(
        (target_text(a), target_text(b)) for a, b in zip(targets_l, targets_r, strict=False)
    )
    for a, b in zip(targets_l, targets_r, strict=False):
        only_l.remove(a)
        only_r.remove(b)
        shared += 1
    total = shared + len(only_l) + len(only_r)
    token = shared / total if total else (1.0 if char >= 0.99 else 0.0)
    substituted = min(len(only_l), len(only_r))
    score = max(0.0, (token + char) / 2 - settings.substitution_penalty * substituted)
    return Likeness(
        round(token, 4),
        round(char, 4),
        _as_printed(only_l, pl),
        _as_printed(only_r, pr),
        round(score, 4),
        revised,
    )


def coverage(
    part: str, whole: str, settings: ReconcileSettings = DEFAULT_SETTINGS
) -> tuple[int, float]:
    """How many of ``part``'s content words stand in ``whole`` (as they are, as a typo or an
    inflection, in a compound, or as a revised target), and what share of ``part``'s they are:
    a headline inside the wording it heads, a piece of a wording cut in two rows."""
    n = len(_parsed(part).stems)
    if not n:
        return 0, 0.0
    shared = n - len(_likeness(part, whole, settings).only_left)
    return shared, shared / n


def _as_printed(stems: list[str], parsed: _Parsed) -> tuple[str, ...]:
    """Content stems shown as the words the wording prints (``mød`` → ``møde``)."""
    word_of: dict[str, str] = {}
    for w, s in zip(parsed.words, parsed.stems, strict=True):
        if s not in word_of:
            word_of[s] = target_text(w) if w.startswith(TARGET_MARK) else w
    for joined, _ in parsed.joined:
        word_of.setdefault(joined, joined)
    return tuple(word_of.get(s, target_text(s)) for s in stems)


def related_wordings(
    left: Iterable[str],
    right: Iterable[str],
    min_score: float,
    min_char: float,
    settings: ReconcileSettings = DEFAULT_SETTINGS,
) -> dict[str, set[str]]:
    """For each left wording, the right wordings whose likeness to it may reach ``min_score`` or
    ``min_char``: a superset, so every pair left out is sure to stay below both.

    A pair can only share a content word (and so have a token score above 0) when the two
    share a stem, a stem equals two adjacent words joined on the other side, or two stems are
    near-typos (the rules of ``_leftovers``); those pairs are found through an index on stems.
    Every other pair has token 0, so its score is at most char / 2: it needs a char likeness of
    ``min(min_char, 2 * min_score)``, which rapidfuzz's cdist finds among all pairs at once.
    """
    lefts, rights = list(dict.fromkeys(left)), list(dict.fromkeys(right))
    out: dict[str, set[str]] = {t: set() for t in lefts}
    if not lefts or not rights:
        return out
    parsed_l = [_parsed(t) for t in lefts]
    parsed_r = [_parsed(t) for t in rights]
    by_stem: dict[str, set[int]] = defaultdict(set)
    by_joined: dict[str, set[int]] = defaultdict(set)
    no_stems: set[int] = set()
    for k, p in enumerate(parsed_r):
        for s in p.stems:
            by_stem[s].add(k)
            if s.startswith(TARGET_MARK):  # a revised target counts as shared: any target
                by_stem[TARGET_MARK].add(k)
        for joined, _ in p.joined:
            by_joined[joined].add(k)
        if not p.stems:
            no_stems.add(k)
    typos = _typo_partners(
        {s for p in parsed_l for s in p.stems}, set(by_stem), settings.token_typo_ratio
    )
    for t, p in zip(lefts, parsed_l, strict=True):
        found: set[int] = set(no_stems) if not p.stems else set()
        for s in set(p.stems):
            found.update(by_stem.get(s, ()))
            if s.startswith(TARGET_MARK):
                found.update(by_stem.get(TARGET_MARK, ()))
            found.update(by_joined.get(s, ()))
            for partner in typos.get(s, ()):
                found.update(by_stem[partner])
        for joined, _ in p.joined:
            found.update(by_stem.get(joined, ()))
        out[t].update(rights[k] for k in found)
    cutoff = 100 * min(min_char, 2 * min_score) - 0.1  # a margin for float32 and rounding
    if cutoff <= 0:
        for t in lefts:
            out[t].update(rights)
        return out
    chars = process.cdist(
        [p.normalized for p in parsed_l],
        [p.normalized for p in parsed_r],
        scorer=fuzz.ratio,
        score_cutoff=cutoff,
    )
    for i, k in zip(*chars.nonzero(), strict=True):
        out[lefts[i]].add(rights[k])
    return out


def _typo_partners(words: set[str], vocabulary: set[str], ratio: float) -> dict[str, set[str]]:
    """Each word's near-typos and prefix relatives in ``vocabulary`` (the typo rule of
    ``_leftovers``: both at least 4 letters; char ratio >= ``ratio`` or one begins the other)."""
    long_words = sorted(w for w in words if len(w) >= 4)
    vocab = sorted(w for w in vocabulary if len(w) >= 4)
    out: dict[str, set[str]] = defaultdict(set)
    if not long_words or not vocab:
        return out
    close = process.cdist(long_words, vocab, scorer=fuzz.ratio, score_cutoff=100 * ratio - 0.1)
    for i, k in zip(*close.nonzero(), strict=True):
        out[long_words[i]].add(vocab[k])
    for w in long_words:
        # vocabulary words that begin with w (sorted: they follow w), and those w begins with
        k = bisect.bisect_left(vocab, w)
        while k < len(vocab) and vocab[k].startswith(w):
            out[w].add(vocab[k])
            k += 1
        out[w].update(w[:n] for n in range(4, len(w)) if w[:n] in vocabulary)
    return out
