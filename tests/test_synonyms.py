"""The municipality's synonyms and abbreviations (pipeline/data/synonyms.csv): every entry is
tested, and the list ships with the package."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from pipeline.transform.normalize import (
    SYNONYMS_FILE,
    compare_words,
    content_words,
    normalize_wording,
    read_synonyms,
    synonyms,
)
from pipeline.transform.similarity import likeness

REPO = Path(__file__).resolve().parents[1]

# Every entry of the file: (variant as the notats write it, canonical, a wording using it).
ENTRIES = [
    ("kronisk obstruktiv lungesygdom", "kol", "Færre borgere får {}"),
    ("almen praksis", "praktiserende læger", "Procedure for samarbejdet med {}"),
    ("egen læge", "praktiserende læger", "Samarbejde med {} om opsporing"),
    ("skoleelever", "skolebørn", "Tryghed i trafikken for {}"),
    ("beskæftigelse", "job", "Støtte til uddannelse og {}"),
    ("fx", "f.eks.", "Kampagner om {} blodtryk"),
    ("ift.", "i forhold til", "Forebygge marginalisering {} arbejdsmarkedet"),
    ("mht.", "med hensyn til", "Vejledning {} kost"),
    ("vedr.", "vedrørende", "Information {} sund kost"),
    ("bl.a.", "blandt andet", "Tilbud om {} motion"),
    ("psykisk", "mental", "Fokus på børns {} sundhed"),
]


def test_every_entry_of_the_file_is_tested():
    shipped = synonyms()
    assert len(shipped) == len(ENTRIES)
    text = (REPO / "pipeline" / SYNONYMS_FILE).read_text(encoding="utf-8")
    assert read_synonyms(text) == shipped


@pytest.mark.parametrize(("variant", "canonical", "template"), ENTRIES, ids=[e[0] for e in ENTRIES])
def test_synonym_reads_as_its_canonical_words(variant, canonical, template):
    a, b = template.format(variant), template.format(canonical)
    assert compare_words(a) == compare_words(b)
    assert likeness(a, b).score == 1.0
    # identity (and so goal ids) is not touched by the list
    assert normalize_wording(a) != normalize_wording(b)


def test_synonym_matches_inflected_and_capitalised_forms():
    assert content_words("Samarbejde med Almen Praksis") == content_words(
        "Samarbejde med praktiserende læger"
    )
    assert compare_words("KRONISK OBSTRUKTIV LUNGESYGDOM") == ("kol",)


def test_synonym_does_not_join_another_disease():
    assert likeness(
        "Færre borgere får kronisk obstruktiv lungesygdom", "Færre borgere får diabetes"
    ).substituted


def test_broken_synonym_line_names_the_line():
    with pytest.raises(ValueError, match="line 2"):
        read_synonyms("variant,canonical\nkol\n")


def test_synonym_list_ships_with_the_package():
    data = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = data["tool"]["setuptools"]["package-data"]["pipeline"]
    assert "data/*.csv" in patterns
