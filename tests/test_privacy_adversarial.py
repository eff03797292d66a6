"""The detector against typing tricks: zero-width and no-break spaces, full-width digits, look-alike
letters, other separators, obfuscated e-mail, names in capitals or lower case.

Every family of tests/privacy_adversarial.py must be found with recall >= 0.95, and the look-alike
negatives must stay clean. `python bench/privacy_eval.py` prints the figures.
"""

from __future__ import annotations

import pytest

from tests.privacy_adversarial import CASES, NEGATIVES, evaluate_adversarial
from workbench.privacy import scan

FAMILIES = sorted({family for family, *_ in CASES})


@pytest.fixture(scope="module")
def adversarial():
    return evaluate_adversarial()


def test_the_corpus_is_large_enough():
    assert len(CASES) >= 60
    assert len(NEGATIVES) >= 15
    assert len(FAMILIES) >= 8


@pytest.mark.parametrize("family", FAMILIES)
def test_recall_per_family(adversarial, family):
    score = adversarial[0][family]
    assert score.recall >= 0.95, score.missed


def test_look_alike_negatives_stay_clean(adversarial):
    assert adversarial[1] == []


@pytest.mark.parametrize(("family", "text", "kind", "value"), CASES)
def test_findings_point_into_the_original_text(family, text, kind, value):
    for finding in scan(text):
        assert text[finding.start : finding.end] == finding.text
