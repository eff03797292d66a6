"""The Schutzstufe decision, table-driven: every level x classification, and failing closed."""

import pytest

from workbench.config import Classification, Endpoint, Kind
from workbench.policy import Schutzstufe, decide, parse_schutzstufe


def endpoint(classification) -> Endpoint:
    return Endpoint(
        id="x",
        label="Testdienst",
        kind=Kind.OPENAI,
        base_url="http://127.0.0.1:1/v1",
        default_model="m",
        classification=classification,
    )


@pytest.mark.parametrize(
    ("level", "classification", "allowed", "code"),
    [
        (1, Classification.LOCAL, True, "local_endpoint"),
        (1, Classification.PUBLIC, True, "public_endpoint_at_stufe_1"),
        (2, Classification.LOCAL, True, "local_endpoint"),
        (2, Classification.PUBLIC, False, "public_endpoint_at_stufe_2"),
        ("2", Classification.PUBLIC, False, "public_endpoint_at_stufe_2"),
        (Schutzstufe.TWO, Classification.PUBLIC, False, "public_endpoint_at_stufe_2"),
        ("1", Classification.PUBLIC, True, "public_endpoint_at_stufe_1"),
        # Anything but a clear 1 or 2 is refused, whatever the endpoint.
        (None, Classification.LOCAL, False, "invalid_schutzstufe"),
        (0, Classification.LOCAL, False, "invalid_schutzstufe"),
        (3, Classification.PUBLIC, False, "invalid_schutzstufe"),
        (True, Classification.PUBLIC, False, "invalid_schutzstufe"),
        ("eins", Classification.PUBLIC, False, "invalid_schutzstufe"),
        (1.0, Classification.PUBLIC, False, "invalid_schutzstufe"),
        # An endpoint without a proper classification never receives anything.
        (1, "lokal", False, "unclassified_endpoint"),
        (2, None, False, "unclassified_endpoint"),
    ],
)
def test_decision_table(level, classification, allowed, code):
    decision = decide(level, endpoint(classification))
    assert decision.allowed is allowed
    assert decision.code == code
    assert decision.reason  # always a German reason, allowed or not


def test_unknown_endpoint_is_refused():
    decision = decide(1, None)
    assert not decision.allowed
    assert decision.code == "unknown_endpoint"


def test_refusal_at_stufe_2_explains_in_german():
    decision = decide(2, endpoint(Classification.PUBLIC))
    assert "Schutzstufe 2" in decision.reason
    assert "öffentlicher Dienst" in decision.reason
    assert "lokales Modell" in decision.hint


@pytest.mark.parametrize(
    ("value", "expected"), [(1, 1), (2, 2), (" 2 ", 2), ("3", None), (None, None), (False, None)]
)
def test_parse_schutzstufe(value, expected):
    parsed = parse_schutzstufe(value)
    assert (int(parsed) if parsed else None) == expected
