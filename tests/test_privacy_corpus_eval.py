"""The detector against the labelled corpus: the figures the Datenschutz-Check promises.

Structured identifiers (validated by check digits or number rules) must be found with recall
>= 0.95, names, addresses, birth dates and file references with >= 0.85, and clean administrative
documents must stay clean in >= 95 % of cases. `python bench/privacy_eval.py` prints the figures.
"""

import pytest

from tests.privacy_corpus import REQUIRED_KINDS, SOFT_KINDS, STRUCTURED_KINDS, load_corpus
from tests.privacy_eval import evaluate


@pytest.fixture(scope="module")
def report():
    return evaluate(load_corpus())


@pytest.mark.parametrize("kind", STRUCTURED_KINDS)
def test_structured_identifiers_recall(report, kind):
    assert report.per_kind[kind].expected >= 25
    assert report.per_kind[kind].recall >= 0.95, report.missed


@pytest.mark.parametrize("kind", SOFT_KINDS)
def test_context_kinds_recall(report, kind):
    assert report.per_kind[kind].expected >= 25
    assert report.per_kind[kind].recall >= 0.85


@pytest.mark.parametrize("kind", REQUIRED_KINDS)
def test_precision_per_kind(report, kind):
    # Few false alarms in the positive documents too, so the check stays credible.
    assert report.per_kind[kind].precision >= 0.9


def test_clean_administrative_texts_stay_clean(report):
    assert report.negatives >= 40
    assert report.clean_rate >= 0.95, report.false_alarms


def test_health_data_is_recognised(report):
    # Art. 9 data is optional in the kinds, but the corpus holds some: most must be found.
    assert report.per_kind["HEALTH"].recall >= 0.7
