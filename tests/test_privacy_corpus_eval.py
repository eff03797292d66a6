"""The detector against the labelled corpus: the figures the Datenschutz-Check promises.

Every kind the corpus labels, structured identifiers and context kinds (names, addresses, birth
dates, file references, health data) alike, must be found with recall >= 0.95 and flagged with
precision >= 0.9, and clean administrative documents must stay clean in >= 95 % of cases.
`python bench/privacy_eval.py` prints the figures.
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
    assert report.per_kind[kind].recall >= 0.95, report.missed


@pytest.mark.parametrize("kind", REQUIRED_KINDS)
def test_precision_per_kind(report, kind):
    # Few false alarms in the positive documents too, so the check stays credible.
    assert report.per_kind[kind].precision >= 0.9


def test_clean_administrative_texts_stay_clean(report):
    assert report.negatives >= 40
    assert report.clean_rate >= 0.95, report.false_alarms


def test_health_data_is_recognised(report):
    # Art. 9 data: every diagnosis, treatment, injury, degree of disability and care level about a person.
    health = report.per_kind["HEALTH"]
    assert health.expected >= 20
    assert health.recall >= 0.95, report.missed
    assert health.precision >= 0.9, report.false_alarms
