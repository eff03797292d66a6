"""Words that end a name: organisations and trades, legal forms, roles, streets and other nouns.

"Stadtwerke Musterstadt GmbH", "Stadtmarketing Musterstadt" and "Friedrich Elektroanlagen" name
organisations, which are no persons; "Bürgermeisterin" is a role and "Lindenstraße" a street.
"""

from __future__ import annotations

import re
from functools import lru_cache

from workbench.privacy.data import NOT_NAME_WORDS, ORGANISATION_ENDINGS, ORGANISATION_WORDS, ROLE_WORDS
from workbench.privacy.normalize import UPPER

# Legal forms of companies and associations: "GmbH", "eG", "e.V.", "& Co. KG", "Stiftung", "& Partner".
# Not "e.K.": the eingetragene Kaufmann is a natural person, "Jana Lange e.K." names her.
_LEGAL_FORM = (
    r"(?:(?:g?GmbH|AG|KG|KGaA|OHG|UG|eG|GbR|SE|mbH|PartG(?:mbB)?|Partnerschaft|Stiftung)(?![\wäöüß])"
    r"|e\.[ \t]?V\.|[&+][ \t]?(?:Co\b|Partner|Söhne|Sohn|Kollegen))"
)
_COMPANY_AFTER = re.compile(rf"[ \t]+(?:[{UPPER}][\wäöüß\-]*[ \t]+){{0,3}}{_LEGAL_FORM}")
_HAS_LEGAL_FORM = re.compile(rf"(?:^|[ \t]){_LEGAL_FORM}")
_NOUN_ENDINGS = re.compile(
    r"(?i)-(?:institut|instituts|schule|stiftung|preis|preises|haus|hauses|platz|straße|weg|allee|gymnasium|klinik|"
    r"klinikum|zentrum|museum|halle|bad|park|brücke|bibliothek|kaserne|ring|saal|kirche|gemeinde|verein|forum)$"
)


# Street words that end a name ("Jürgen Krause Lindenstraße"); "-kamp", "-ring", "-winkel" are also
# common surnames (Haverkamp), so only the unambiguous ones count.
_STREET_IN_NAME = re.compile(r"(?i)(?:straße|strasse|str\.|allee|gasse|platz|chaussee|promenade|weg)$")


# Words repeat a lot in a text, and both checks are pure: each word is looked at once.
@lru_cache(maxsize=16384)
def _is_organisation_word(value: str) -> bool:
    """A word that names an organisation or a trade: "Stadtmarketing", "Sparkasse", "Elektroanlagen"."""
    low = value.lower().rstrip(".")
    return low in ORGANISATION_WORDS or low.endswith(ORGANISATION_ENDINGS)


@lru_cache(maxsize=16384)
def _is_stop_word(value: str) -> bool:
    low = value.lower().rstrip(".")
    return (
        low in NOT_NAME_WORDS
        or low in ROLE_WORDS
        or _is_organisation_word(value)
        or bool(_STREET_IN_NAME.search(value))
        or bool(_NOUN_ENDINGS.search(value))
    )


def _is_organisation(value: str) -> bool:
    """A whole table cell or line that names an organisation: "Sparkasse Musterland", "Wohnungsbau eG"."""
    words = value.split(maxsplit=2)
    return bool(words) and (
        any(_is_organisation_word(word) for word in words[:2]) or bool(_HAS_LEGAL_FORM.search(value))
    )
