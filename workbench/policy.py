"""Schutzstufen and the allow/deny decision.

Pure functions over plain values. The rule comes from the VITAKO/KGSt Stufenmodell: at Schutzstufe 1
(no personal data, no secrets) any endpoint may be used; at Schutzstufe 2 only endpoints the
organisation classified as ``lokal``. Anything unexpected (an unknown level, a missing classification)
is refused: the decision fails closed.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum, StrEnum

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

# A Schutzstufe as callers hold it: the enum, or 1/2 from a command line or a stored value. Anything
# that is not 1 or 2 (also a wrong type at run time) is refused by `decide`: it fails closed.
Level = Schutzstufe | int


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


def decide(schutzstufe: Level | None, endpoint: Endpoint | None) -> Decision:
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


# --- personal data at Schutzstufe 1 ---------------------------------------------------------------

# What the person may do when a request with personal data is held back.
OPTION_STUFE_2 = "schutzstufe_2"  # switch to Schutzstufe 2 and a local model
OPTION_EDIT = "edit"  # edit the text


class PrivacyAction(StrEnum):
    """The person's explicit choice for a request in which the Datenschutz-Check found personal data."""

    PSEUDONYMIZE = "pseudonymize"  # send with placeholders, restore the answer on screen
    CONFIRM = "confirm"  # confirm "kein Personenbezug" / send despite the warning (recorded)


def parse_privacy_action(value: object) -> PrivacyAction | None:
    """The action from a screen, a command or a stored retry; anything unknown is no action at all."""
    if isinstance(value, PrivacyAction):
        return value
    try:
        return PrivacyAction(str(value)) if value is not None else None
    except ValueError:
        return None


OPTION_PSEUDONYMIZE = PrivacyAction.PSEUDONYMIZE
OPTION_CONFIRM = PrivacyAction.CONFIRM


OPTION_LABELS = {
    OPTION_STUFE_2: "auf Schutzstufe 2 wechseln und ein lokales Modell nutzen",
    OPTION_EDIT: "die Eingabe bearbeiten und die Angaben entfernen",
    OPTION_PSEUDONYMIZE: "pseudonymisiert senden (Platzhalter statt der Angaben)",
    OPTION_CONFIRM: "bestätigen, dass kein Personenbezug vorliegt",
}


@dataclass(frozen=True)
class PrivacyDecision:
    allowed: bool
    code: str
    reason: str
    options: tuple[str, ...] = ()

    @property
    def hint(self) -> str:
        if self.allowed or not self.options:
            return ""
        return (
            "Sie können "
            + ", ".join(OPTION_LABELS[o] for o in self.options[:-1])
            + (
                f" oder {OPTION_LABELS[self.options[-1]]}."
                if len(self.options) > 1
                else f"{OPTION_LABELS[self.options[0]]}."
            )
        )


def privacy_options(policy: str, allow_override: bool) -> tuple[str, ...]:
    options = [OPTION_STUFE_2, OPTION_EDIT]
    if policy in ("pseudonymize", "warn"):
        options.append(OPTION_PSEUDONYMIZE)
    if policy == "warn" or allow_override:
        options.append(OPTION_CONFIRM)
    return tuple(options)


def decide_privacy(
    endpoint: Endpoint,
    finding_count: int,
    *,
    policy: str,
    allow_override: bool,
    action: PrivacyAction | None,
) -> PrivacyDecision:
    """May a request with `finding_count` findings go to `endpoint`? (The Schutzstufe check came first.)

    Personal data never leaves silently: towards a public endpoint it needs the person's explicit
    choice (pseudonymise, or confirm), and only the choices the organisation's policy allows.
    Unknown policies count as "block".
    """
    if finding_count == 0:
        return PrivacyDecision(True, "no_findings", "Keine personenbezogenen Daten gefunden.")
    if endpoint.classification is Classification.LOCAL:
        return PrivacyDecision(
            True,
            "findings_stay_local",
            "Personenbezogene Daten gefunden; sie bleiben auf eigener Infrastruktur.",
        )
    options = privacy_options(
        policy if policy in ("block", "pseudonymize", "warn") else "block", allow_override
    )
    if action == OPTION_PSEUDONYMIZE and OPTION_PSEUDONYMIZE in options:
        return PrivacyDecision(
            True, "pseudonymized", "Personenbezogene Daten werden vor dem Versand ersetzt.", options
        )
    if action == OPTION_CONFIRM and OPTION_CONFIRM in options:
        return PrivacyDecision(
            True, "confirmed", "Versand trotz Fundstellen ausdrücklich bestätigt (protokolliert).", options
        )
    return PrivacyDecision(
        False,
        "personal_data_at_stufe_1",
        f"Ihre Eingabe enthält personenbezogene Daten. Auf Schutzstufe 1 wird sie nicht an den öffentlichen "
        f"Dienst „{endpoint.label}“ gesendet.",
        options,
    )
