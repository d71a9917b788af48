"""Reconciliation stays fast on a folder of many notats, and its shortcuts change no outcome.

``reconcile`` compares only the wording pairs ``related_wordings`` (a stem / typo index plus
rapidfuzz's cdist) and an exact likeness check let through. These tests hold that pruning to
its promise: every pair that can reach a threshold is kept, and the whole result equals the one
of the plain all-pairs comparison.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import importlib
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.model import ExtractedDocument
from pipeline.transform import reconcile, reconciled_frames
from pipeline.transform.similarity import DEFAULT_SETTINGS, likeness, related_wordings
from tests.fixtures.status_2020 import STATUS_2020
from tests.fixtures.status_2021 import STATUS_2021
from tests.fixtures.to_model import extracted_document

S = DEFAULT_SETTINGS
WITHIN = (S.within_min_score - S.refusal_margin, S.within_min_char - S.refusal_margin)
# the module, not the function of the same name the package exports
reconcile_module = importlib.import_module("pipeline.transform.reconcile")
ACROSS = (
    S.across_min_score - S.refusal_margin - S.same_theme_bonus - S.same_position_bonus,
    2.0,
)


def _notat_docs(n: int) -> list[ExtractedDocument]:
    """``n`` notats: the 2020 and 2021 notats moved to other dates, as tests/bench.py builds."""
    out = []
    for i in range(n):
        base = STATUS_2020 if i % 2 == 0 else STATUS_2021
        date = dt.date(2010, 1, 15) + dt.timedelta(days=91 * i)
        out.append(extracted_document(dataclasses.replace(base, date=date), f"n{i:02d}"))
    return out


def _edited(doc: ExtractedDocument, seed: int) -> ExtractedDocument:
    """``doc`` with a third of its wordings edited the ways notats drift: a typo, two words
    written as one, a word dropped, a word taken from another goal."""
    rng = random.Random(seed)
    doc = copy.deepcopy(doc)
    pool = [w for s in doc.statements for w in s.text.split() if len(w) > 4]
    for stmt in doc.statements:
        words = stmt.text.split()
        if rng.random() > 0.35 or len(words) < 3:
            continue
        k = rng.randrange(len(words) - 1)
        edit = rng.choice(("typo", "join", "drop", "swap"))
        if edit == "typo" and len(words[k]) > 3:
            w = words[k]
            words[k] = w[:1] + w[2] + w[1] + w[3:]
        elif edit == "join":
            words[k : k + 2] = [words[k] + words[k + 1].lower()]
        elif edit == "drop":
            del words[k]
        else:
            words[k] = rng.choice(pool)
        stmt.text = " ".join(words)
    return doc


def _outcome(rec) -> dict:
    frames = reconciled_frames(rec)
    return {
        "goal_ids": [
            (s.doc_id, s.theme_no, s.row_no, s.stmt_no, s.goal_id)
            for d in rec.documents
            for s in d.statements
        ],
        **{name: frame.to_dict("split") for name, frame in frames.items()},
    }


def test_pruned_reconcile_equals_all_pairs_comparison(monkeypatch):
    docs = _notat_docs(4)
    docs += [_edited(d, seed) for seed, d in enumerate(_notat_docs(6)[4:], start=1)]
    fast = _outcome(reconcile(docs))

    def everything(left, right, *_args, **_kw):
        right = list(dict.fromkeys(right))
        return {t: set(right) for t in left}

    monkeypatch.setattr(reconcile_module, "related_wordings", everything)
    monkeypatch.setattr(reconcile_module, "_keep", lambda related, near, settings: related)
    slow = _outcome(reconcile(docs))
    assert len(fast["links"]["data"]) > 100  # links made and refused, both kept
    assert fast == slow


def _wordings() -> list[str]:
    docs = [extracted_document(STATUS_2020), extracted_document(STATUS_2021)]
    texts = {s.text for d in docs for s in d.statements}
    texts |= {r.proposed_text for d in docs for r in d.goal_rows if r.proposed_text}
    return sorted(texts)


def test_related_wordings_keep_every_fixture_pair_near_a_threshold():
    texts = _wordings()
    within = related_wordings(texts, texts, *WITHIN)
    across = related_wordings(texts, texts, *ACROSS)
    near_within = near_across = 0
    for a in texts:
        for b in texts:
            like = likeness(a, b)
            if like.char >= WITHIN[1] or like.score >= WITHIN[0]:
                near_within += 1
                assert b in within[a], (a, b, like)
            if like.score >= ACROSS[0]:
                near_across += 1
                assert b in across[a], (a, b, like)
    assert near_within > len(texts) and near_across > len(texts)  # not only a == b
    assert sum(map(len, within.values())) < len(texts) ** 2 / 3  # and it does prune


# pairs alike only through one rule of the token score, or only in characters
ALIKE_BY_ONE_RULE = {
    "typo": ("trivsel hjemmebesøgene", "hjemmebsøg trivsl"),
    "typo_and_prefix": ("trivsel motionsvejledning", "motionsvejlednig trivslen"),
    "prefix": ("rygestop forløb", "forløbene rygestoppet"),
    "compound": ("tilbud om alkohol vaner kursus", "alkoholvaner"),
    "compound_of_three": ("Sundheds App LIVA", "LIVA sundhedsapp"),
    "characters_only": ("xab xac xad", "xae xaf xag"),
}


@pytest.mark.parametrize("rule", sorted(ALIKE_BY_ONE_RULE))
def test_related_wordings_find_pairs_alike_by_one_rule_only(rule):
    a, b = ALIKE_BY_ONE_RULE[rule]
    for min_score, min_char in (WITHIN, ACROSS):
        for x, y in ((a, b), (b, a)):
            like = likeness(x, y)
            if like.char >= min_char or like.score >= min_score:
                assert y in related_wordings([x, "Færre rygere"], [y], min_score, min_char)[x]
    assert likeness(a, b).score >= ACROSS[0] or likeness(a, b).char >= WITHIN[1]


WORDS = ["borgere", "borger", "sundhed", "sundheds", "app", "sundhedsapp", "alkohol", "vaner",
         "alkoholvaner", "motion", "motionsvejledning", "indsats", "vedr", "færre", "ryger",
         "rygere", "ringsted", "kommune", "og", "i", "får", "diabetes", "blodtryk", "tilbud",
         "tilbydes", "kursus", "kurser", "forældre", "forældrene", "vejledning", "ikke", "x",
         "støtte", "stötte", "støtet", "trivsel", "trivsl", "trisvel", "trivslen"]  # fmt: skip
# words from WORDS in any order (typos and compounds that only token matching sees), or short
# strings of a few letters (near in characters while sharing no stem at all)
wording = st.one_of(
    st.lists(st.sampled_from(WORDS), min_size=0, max_size=7).map(" ".join),
    st.text(alphabet="abcø -", min_size=0, max_size=24),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(wording, min_size=2, max_size=8, unique=True))
def test_related_wordings_is_a_superset_for_compounds_typos_and_stop_words(texts):
    for min_score, min_char in (WITHIN, ACROSS):
        related = related_wordings(texts, texts, min_score, min_char)
        for a in texts:
            for b in texts:
                like = likeness(a, b)
                if like.char >= min_char or like.score >= min_score:
                    assert b in related[a], (a, b, like)


def test_likeness_of_a_doubled_word_against_its_compound_does_not_crash():
    # "b b" joined is "bb": the compound rule must find both parts left, not one part twice
    like = likeness("b-b", "bb-b")
    assert (like.only_left, like.only_right) == (("b",), ("bb",))
    assert likeness("sundheds sundheds app", "sundhedssundheds app").token == 1.0
