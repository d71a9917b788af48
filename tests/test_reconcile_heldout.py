"""A held-out measure of reconciliation (issue 25; the brief's rule: measure on what you did not
tune to): the 2022 notat restructured at random (tests/fixtures/restructured.py) with a seed of
its own, after 2020, 2021 and 2022, no overrides. Drawn once, run first after the rules were
done; its first-run figure is in the report of the change that added it. Kept as a test so the
figure cannot silently get worse."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from pipeline.transform import reconcile
from tests.fixtures.restructured import restructured
from tests.fixtures.status_2020 import STATUS_2020
from tests.fixtures.status_2021 import STATUS_2021
from tests.fixtures.status_2022 import STATUS_2022
from tests.fixtures.to_model import extracted_document, goal_labels
from tests.test_reconcile_2023 import _answered, pair_counts

# Each drawn once and never changed to make a figure look better. The first was run after the
# rules were done and showed three gaps the rules then closed (so it is no longer held out);
# the second was drawn after that and run once, as the figure of record.
HELD_OUT_SEEDS = (71_905_523, 40_417_289)


@pytest.fixture(scope="module", params=HELD_OUT_SEEDS)
def held_out(request):
    notat = restructured(STATUS_2022, request.param, dt.date(2023, 6, 1))
    notats = (STATUS_2020, STATUS_2021, STATUS_2022, notat)
    docs = [extracted_document(n) for n in notats]
    labels = {k: v for n in notats for k, v in goal_labels(n).items()}
    return docs, labels, request.param


def test_held_out_restructured_notat(held_out, tmp_path: Path):
    docs, labels, seed = held_out
    rec = reconcile(docs)
    tp, fp, fn, missed = pair_counts(rec, labels, merged={})
    last = docs[3].document.doc_id
    tp4, fp4, fn4, _ = pair_counts(rec, labels, only=last, merged={})
    answered = reconcile(docs, overrides=_answered(rec, labels, tmp_path))
    rtp, rfp, rfn, rmissed = pair_counts(answered, labels, merged={})
    print(
        f"held-out (seed {seed}): without review recall {tp / (tp + fn):.3f} "
        f"({fp} false; the restructured notat alone {tp4 / (tp4 + fn4):.3f}, {fp4} false; "
        f"missed {sorted(missed)}); with the questions answered {rtp / (rtp + rfn):.3f} "
        f"({rfp} false; still missed {sorted(rmissed)}); {len(rec.questions)} questions"
    )
    assert fp == 0
    assert tp / (tp + fn) >= 0.95
