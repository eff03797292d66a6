"""Datenschutz-Check: find German personal data in text, and pseudonymise it.

Pure functions over strings, no model and nothing to download. The text is normalised first
(`normalize`: zero-width characters, full-width digits, look-alike letters), then each family of
detectors looks for its kind: identifiers with check digits (`identifiers`), addresses
(`addresses`), names from their context (`names`, `casing`, `tables`) and health data (`health`).
`scan` resolves overlapping candidates to one finding each, the more specific kind winning, with
offsets into the original text. `pseudonymize` replaces findings by German placeholders
("[NAME_1]", "[STEUER-ID_1]") and `restore` puts the values back into an answer.
"""

from workbench.privacy.identifiers import icao_check_digit, rv_check_digit
from workbench.privacy.pseudonymize import (
    Pseudonymized,
    StreamRestorer,
    pseudonymize,
    pseudonymize_messages,
    restore,
)
from workbench.privacy.scan import (
    KIND_LABELS,
    PLACEHOLDER_WORDS,
    PRIORITY,
    Finding,
    MessageFinding,
    describe,
    recommend_schutzstufe,
    scan,
    scan_messages,
    summarize,
)

__all__ = [
    "KIND_LABELS",
    "PLACEHOLDER_WORDS",
    "PRIORITY",
    "Finding",
    "MessageFinding",
    "Pseudonymized",
    "StreamRestorer",
    "describe",
    "icao_check_digit",
    "pseudonymize",
    "pseudonymize_messages",
    "recommend_schutzstufe",
    "restore",
    "rv_check_digit",
    "scan",
    "scan_messages",
    "summarize",
]
