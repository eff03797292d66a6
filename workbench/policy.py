"""Schutzstufen and the allow/deny decision.

Pure functions over plain values. The rule comes from the VITAKO/KGSt Stufenmodell: at Schutzstufe 1
(no personal data, no secrets) any endpoint may be used; at Schutzstufe 2 only endpoints the
organisation classified as ``lokal``. Anything unexpected (an unknown level, a missing classification)
is refused: the decision fails closed.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

from workbench.config import Classification, Endpoint


class Schutzstufe(IntEnum):
    ONE = 1
    TWO = 2

    @property
    def title(self) -> str:
        return f"Schutzstufe {int(self)}"

    @property
    def explanation(self) -> str:
        return SCHUTZSTUFE_EXPLANATIONS[self]


SCHUTZSTUFE_EXPLANATIONS = {
    Schutzstufe.ONE: (
        "Keine personenbezogenen Daten und keine Amts-, Dienst- oder Geschäftsgeheimnisse: "
        "auch öffentliche KI-Dienste sind erlaubt."
    ),
    Schutzstufe.TWO: (
        "Personenbezogene Daten oder Geheimnisse: nur freigegebene Dienste auf eigener Infrastruktur, "
        "die Daten verlassen die Organisation nicht."
    ),
}

DEFAULT_SCHUTZSTUFE = Schutzstufe.TWO


@dataclass(frozen=True)
class Decision:
    """Whether a request may go to an endpoint, and the German reason either way."""

    allowed: bool
    code: str
    reason: str
    hint: str = ""


def parse_schutzstufe(value: object) -> Schutzstufe | None:
    """Accept 1/2 as int or digit string; everything else is None (and will be refused)."""
    if isinstance(value, Schutzstufe):
        return value
    if isinstance(value, bool):
        return None
    if isinstance(value, int) and value in (1, 2):
        return Schutzstufe(value)
    if isinstance(value, str) and value.strip() in ("1", "2"):
        return Schutzstufe(int(value.strip()))
    return None


def decide(schutzstufe: object, endpoint: Endpoint | None) -> Decision:
    """The policy: may a request at this Schutzstufe go to this endpoint?"""
    level = parse_schutzstufe(schutzstufe)
    if level is None:
        return Decision(
            False,
            "invalid_schutzstufe",
            "Die Schutzstufe ist nicht festgelegt oder ungültig, daher wird nichts gesendet.",
            "Wählen Sie Schutzstufe 1 oder 2.",
        )
    if endpoint is None:
        return Decision(
            False,
            "unknown_endpoint",
            "Dieser KI-Dienst ist nicht konfiguriert, daher wird nichts gesendet.",
            "Wählen Sie einen Dienst aus der Liste unter „Modelle & Status“.",
        )
    classification = endpoint.classification
    if not isinstance(classification, Classification):
        return Decision(
            False,
            "unclassified_endpoint",
            f"„{endpoint.label}“ ist weder als lokal noch als öffentlich eingestuft, daher wird nichts gesendet.",
            'Tragen Sie in workbench.toml classification = "lokal" oder "oeffentlich" ein.',
        )
    if level is Schutzstufe.TWO and classification is not Classification.LOCAL:
        return Decision(
            False,
            "public_endpoint_at_stufe_2",
            f"Schutzstufe 2: „{endpoint.label}“ ist ein öffentlicher Dienst. Daten der Schutzstufe 2 "
            "dürfen nur an freigegebene Dienste auf eigener Infrastruktur gehen.",
            "Wählen Sie ein lokales Modell, oder wechseln Sie zu Schutzstufe 1, wenn Ihre Eingabe "
            "weder personenbezogene Daten noch Geheimnisse enthält.",
        )
    if classification is Classification.LOCAL:
        return Decision(
            True,
            "local_endpoint",
            f"„{endpoint.label}“ läuft auf eigener Infrastruktur; die Daten verlassen die Organisation nicht.",
        )
    return Decision(
        True,
        "public_endpoint_at_stufe_1",
        f"Schutzstufe 1: „{endpoint.label}“ ist ein öffentlicher Dienst und für Eingaben ohne "
        "personenbezogene Daten und ohne Geheimnisse erlaubt.",
    )
