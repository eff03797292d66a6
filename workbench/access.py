"""Who may do what: signed-in people, their roles, and the pseudonym that stands for them in records.

Without sign-in (no `[auth]` in Streamlit's secrets) the workbench is a single-person sandbox: the one
person at the screen may do everything, as before. With sign-in (OpenID Connect through `st.login`):

- every signed-in person may use the exercises, chat, compare and the privacy check;
- creating, resetting and evaluating workshops needs the role ``trainer``;
- the protocol for data protection needs ``datenschutz``;
- model downloads and connection tests need ``admin``.

Roles come from a claim of the ID token (``[roles] claim``, default "roles"; a dotted path such as
"realm_access.roles" reaches into Keycloak's structure) and from lists of e-mail addresses or subject ids
in workbench.toml ``[roles]``. Records never carry a name or an address: a person appears as a keyed
hash of issuer and subject (`pseudonym`), the same on every instance that shares the key.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum

from workbench.config import ROLE_NAMES, Roles

ROLE_LABELS = {"trainer": "Workshop-Leitung", "datenschutz": "Datenschutz", "admin": "Administration"}


class Action(Enum):
    """What needs a role; the value is the role."""

    MANAGE_WORKSHOPS = "trainer"  # create, reset and evaluate workshops
    READ_PROTOCOL = "datenschutz"  # the protocol for data protection
    ADMINISTER_MODELS = "admin"  # model downloads and connection tests


# German: what is refused, and who to ask.
_REFUSALS = {
    Action.MANAGE_WORKSHOPS: (
        "Workshops anlegen, auswerten und zurücksetzen dürfen nur Personen mit der Rolle „Workshop-Leitung“ "
        "(trainer)."
    ),
    Action.READ_PROTOCOL: (
        "Das Protokoll für den Datenschutz sehen nur Personen mit der Rolle „Datenschutz“ (datenschutz), in "
        "der Regel die oder der Datenschutzbeauftragte."
    ),
    Action.ADMINISTER_MODELS: (
        "Modelle laden und Verbindungen testen dürfen nur Personen mit der Rolle „Administration“ (admin)."
    ),
}
_WHO_TO_ASK = (
    "Wenn Sie diese Aufgabe übernehmen sollen, bitten Sie die Administration der KI-Werkbank in Ihrer IT, "
    "Ihnen die Rolle zuzuweisen (im Identitätsdienst oder im Abschnitt [roles] der workbench.toml)."
)


@dataclass(frozen=True)
class User:
    """The person at the screen. `pseudonym` is what records carry; `display_name` is shown, never stored."""

    signed_in: bool = False
    sandbox: bool = True  # no sign-in configured: one person, every function
    pseudonym: str | None = None
    display_name: str = ""
    roles: frozenset[str] = field(default_factory=frozenset)

    def may(self, action: Action) -> bool:
        return self.sandbox or action.value in self.roles

    def refusal(self, action: Action) -> str:
        return f"{_REFUSALS[action]} {_WHO_TO_ASK}"

    @property
    def role_labels(self) -> list[str]:
        return [ROLE_LABELS[role] for role in ROLE_NAMES if role in self.roles]


SANDBOX = User()


def pseudonym(key: str, issuer: str, subject: str) -> str:
    """A stable stand-in for a person: HMAC-SHA-256 of issuer and subject, shortened (no name, no address)."""
    digest = hmac.new(key.encode("utf-8"), f"{issuer}\n{subject}".encode(), hashlib.sha256)
    return "p-" + digest.hexdigest()[:16]


def _claim(claims: Mapping[str, object], path: str) -> object:
    value: object = claims
    for part in path.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


def roles_of(claims: Mapping[str, object], config: Roles) -> frozenset[str]:
    """Roles from the token claim (a list or a space/comma separated text) and from workbench.toml [roles]."""
    raw = _claim(claims, config.claim)
    if isinstance(raw, str):
        named = raw.replace(",", " ").split()
    elif isinstance(raw, list | tuple | set | frozenset):
        named = [str(item) for item in raw]
    else:
        named = []
    roles = {role.strip().lower() for role in named} & set(ROLE_NAMES)
    identities = {str(claims.get(key, "")).strip().lower() for key in ("email", "sub")} - {""}
    roles |= {role for role, members in config.members.items() if identities & members}
    return frozenset(roles)


def signed_in_user(claims: Mapping[str, object], config: Roles, key: str) -> User:
    """The signed-in person from the ID token's claims (`st.user`)."""
    subject = str(claims.get("sub", ""))
    name = claims.get("name") or claims.get("preferred_username") or claims.get("email") or ""
    return User(
        signed_in=True,
        sandbox=False,
        pseudonym=pseudonym(key, str(claims.get("iss", "")), subject),
        display_name=str(name),
        roles=roles_of(claims, config),
    )
