"""Typed workbench errors.

Every failure a user can meet is one of these. Each carries a German `user_message` (what happened)
and a `hint` (how to fix it); the UI and the CLI render them in one place and never show a traceback.
Backends translate client-library exceptions into these with ``raise ... from exc``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # type-only imports: policy and privacy must not be imported at run time here
    from workbench.policy import Decision, PrivacyDecision
    from workbench.privacy import MessageFinding


class WorkbenchError(Exception):
    """Base class: a German message for the user plus a hint on how to fix it."""

    title = "Fehler"

    def __init__(self, user_message: str, hint: str = "") -> None:
        super().__init__(user_message)
        self.user_message = user_message
        self.hint = hint

    def display(self) -> str:
        """Message and hint as one German text for screen or terminal."""
        return f"{self.user_message}\n{self.hint}" if self.hint else self.user_message


class ConfigError(WorkbenchError):
    title = "Konfigurationsfehler"


class PolicyRefused(WorkbenchError):
    """The choke point refused the request; `decision` says why."""

    title = "Anfrage nicht gesendet"

    def __init__(self, decision: Decision | PrivacyDecision) -> None:
        super().__init__(decision.reason, decision.hint)
        self.decision = decision


class PrivacyRefused(PolicyRefused):
    """Personal data at Schutzstufe 1 towards a public endpoint, and no allowed choice was made."""

    title = "Personenbezogene Daten gefunden"

    def __init__(
        self,
        decision: PrivacyDecision,
        findings: Sequence[MessageFinding],
        counts: dict[str, int],
        description: str,
    ) -> None:
        super().__init__(decision)
        self.user_message = f"{decision.reason} Gefunden: {description}."
        self.args = (self.user_message,)
        self.findings = findings  # (message index, Finding) pairs: shown to the person, never logged
        self.counts = counts
        self.options = decision.options


class BackendError(WorkbenchError):
    """A model endpoint could not serve the request."""

    title = "Modell nicht erreichbar"


class EndpointUnreachable(BackendError):
    pass


class ModelNotFound(BackendError):
    title = "Modell nicht vorhanden"


class AuthenticationFailed(BackendError):
    title = "Zugang abgelehnt"


class RateLimited(BackendError):
    title = "Zu viele Anfragen"


class ServerFailure(BackendError):
    title = "Serverfehler"


class BackendTimeout(BackendError):
    title = "Zeitüberschreitung"


class StreamInterrupted(BackendError):
    """The answer broke off mid-way; the partial text is kept by the caller."""

    title = "Antwort abgebrochen"


class MalformedResponse(StreamInterrupted):
    """The service sent data the protocol does not allow (broken JSON, wrong shapes, odd fields)."""

    title = "Unlesbare Antwort"


class InvalidRequest(BackendError):
    title = "Anfrage abgelehnt"


class ToolsRefused(BackendError):
    """The server does not accept tool definitions; the caller can work without them."""


class RedirectRefused(BackendError):
    """The endpoint answered with a redirect (3xx). Followed, it could carry Stufe-2 data elsewhere."""

    title = "Umleitung nicht gefolgt"


class FileRefused(WorkbenchError):
    """An uploaded office file was not opened: too large unpacked, a DTD inside, or broken XML."""

    title = "Datei nicht geöffnet"


_SECRET_PATTERNS = [
    re.compile(r"\b(sk|pk|rk)-[A-Za-z0-9_\-*.]{6,}"),
    re.compile(r"(?i)\bbearer\s+[A-Za-z0-9_\-.=*]{6,}"),
]


REDACTED = "[API-Schlüssel entfernt]"


class StreamRedactor:
    """Removes given secrets from streamed text, also when a secret arrives split across chunks.

    Only a tail that could still grow into a secret is held back, so text streams on as it comes.
    """

    def __init__(self, secrets: Sequence[str | None]) -> None:
        self._secrets = sorted({s for s in secrets if s and len(s) >= 8}, key=len, reverse=True)
        self._pending = ""

    def feed(self, text: str) -> str:
        if not self._secrets:
            return text
        pending = self._pending + text
        for secret in self._secrets:
            pending = pending.replace(secret, REDACTED)
        hold = self._partial_secret_at_end(pending)
        self._pending = pending[len(pending) - hold :] if hold else ""
        return pending[: len(pending) - hold]

    def flush(self) -> str:
        rest, self._pending = self._pending, ""
        return rest

    def _partial_secret_at_end(self, text: str) -> int:
        longest = 0
        for secret in self._secrets:
            for size in range(min(len(secret) - 1, len(text)), longest, -1):
                if secret.startswith(text[-size:]):
                    longest = size
                    break
        return longest


def redact(text: str, *secrets: str | None) -> str:
    """Remove API keys (given ones and anything shaped like a key) from a message."""
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, REDACTED)
    for pattern in _SECRET_PATTERNS:
        text = pattern.sub(REDACTED, text)
    return text
