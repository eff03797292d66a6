"""The one interface every model backend implements.

A backend streams `StreamEvent`s for a chat request, lists models and reports its version. It raises
only typed workbench errors (`workbench.errors`); the client library's own exceptions never leave
the backend. Backends are created by the gateway alone: no page or command constructs one directly.
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

from workbench.config import Endpoint
from workbench.errors import MalformedResponse, RedirectRefused, StreamInterrupted, WorkbenchError

# What the client libraries raise when a server sends data outside the protocol: broken JSON
# (json.JSONDecodeError), fields of the wrong type (pydantic's ValidationError is a ValueError),
# or shapes the client's parsing code does not expect.
MALFORMED = (ValueError, TypeError, AttributeError, KeyError, IndexError)

# A chat message, a tool definition or a model option set, in the OpenAI-style shape both backends take.
JSONDict = dict[str, Any]


def format_instruction(schema: JSONDict) -> JSONDict:
    """The system message that asks for JSON when the server cannot be told to produce it."""
    return {
        "role": "system",
        "content": "Antworte ausschließlich mit einem JSON-Objekt, ohne Text davor oder danach. "
        f"Es muss diesem JSON-Schema entsprechen: {json.dumps(schema, ensure_ascii=False)}",
    }


_KEEP_PARTIAL = "Der bisher empfangene Text bleibt erhalten. Senden Sie die Anfrage erneut."


@dataclass(frozen=True)
class Usage:
    prompt_tokens: int | None = None
    completion_tokens: int | None = None


@dataclass(frozen=True)
class ToolCall:
    """A function the model wants called; `arguments` is a dict, or the raw text if it was not JSON."""

    id: str
    name: str
    arguments: JSONDict | str


@dataclass(frozen=True)
class StreamEvent:
    """A piece of a streamed answer. The last event has ``done=True`` and carries the usage."""

    text: str = ""
    done: bool = False
    usage: Usage | None = None
    finish_reason: str | None = None
    tool_calls: tuple[ToolCall, ...] = ()


@dataclass(frozen=True)
class ModelInfo:
    name: str
    size_bytes: int | None = None
    family: str | None = None
    parameter_size: str | None = None
    quantization: str | None = None
    modified_at: str | None = None


@dataclass(frozen=True)
class PullProgress:
    status: str
    completed: int | None = None
    total: int | None = None

    @property
    def fraction(self) -> float | None:
        if self.total and self.completed is not None:
            return max(0.0, min(1.0, self.completed / self.total))
        return None


class Backend(ABC):
    """A model service behind an endpoint."""

    supports_pull = False

    def __init__(self, endpoint: Endpoint, api_key: str | None = None) -> None:
        self.endpoint = endpoint
        self._api_key = api_key

    def capabilities(self, model: str) -> frozenset[str]:
        """What `model` can do beyond plain chat, e.g. ``"tools"``; empty when the server cannot say.

        Backends whose protocol has a capability query override this; an empty set means "unknown",
        and callers then take the path that needs nothing optional (the agent's guided mode).
        """
        return frozenset()

    @abstractmethod
    def stream_chat(
        self,
        messages: Sequence[JSONDict],
        model: str,
        *,
        options: JSONDict | None = None,
        json_schema: JSONDict | None = None,
        tools: Sequence[JSONDict] | None = None,
    ) -> Iterator[StreamEvent]:
        """Stream the answer. Ends with a ``done`` event, or raises `StreamInterrupted` if it breaks.

        With `json_schema` the model is asked for structured output matching that schema; with `tools`
        it may answer with tool calls (OpenAI-style function definitions).
        """

    @abstractmethod
    def list_models(self) -> list[ModelInfo]: ...

    @abstractmethod
    def version(self) -> str:
        """A short server description; raises when the endpoint cannot be reached, if it asks it."""

    def broke_off(self) -> StreamInterrupted:
        """The connection dropped while the answer was streaming."""
        return StreamInterrupted(
            f"Die Verbindung zu „{self.endpoint.label}“ brach während der Antwort ab.", _KEEP_PARTIAL
        )

    def ended_early(self) -> StreamInterrupted:
        """The stream ended cleanly but without the protocol's end-of-answer marker."""
        return StreamInterrupted(
            f"„{self.endpoint.label}“ hat die Antwort ohne Abschlussmeldung beendet.", _KEEP_PARTIAL
        )

    def malformed(self, what: str = "die Antwort") -> MalformedResponse:
        """The server sent something the protocol does not allow; what arrived before it is kept."""
        return MalformedResponse(
            f"„{self.endpoint.label}“ hat {what} in einer Form geschickt, die die Werkbank nicht lesen kann "
            "(ungültige Daten im Datenstrom).",
            "Senden Sie die Anfrage erneut; bereits empfangener Text bleibt erhalten. Bleibt der Fehler, "
            "passt der Dienst nicht zur eingestellten Schnittstelle (kind in workbench.toml) oder hat "
            "einen Fehler: Wenden Sie sich an Ihre IT.",
        )

    def redirected(self, status: int, location: str | None) -> RedirectRefused:
        """The endpoint sent the request elsewhere. Clients never follow: the target was not approved."""
        target = urlsplit(urljoin(self.endpoint.base_url, location or "")).netloc if location else ""
        where = f" an „{target}“" if target else ""
        return RedirectRefused(
            f"„{self.endpoint.label}“ hat die Anfrage{where} umgeleitet (HTTP {status}). Die Werkbank folgt "
            "keiner Umleitung: Ihre Daten gehen nur an die Adresse, die für diesen Dienst freigegeben ist. "
            "Es wurde nichts weitergeleitet.",
            "Prüfen Sie die Adresse des Dienstes (base_url in workbench.toml bzw. OLLAMA_HOST, "
            "OPENAI_BASE_URL), etwa http statt https oder einen fehlenden Schrägstrich. Ist das Ziel "
            "ein freigegebener Dienst, tragen Sie es selbst als Endpunkt ein; sonst wenden Sie sich an Ihre IT.",
        )

    def pull(self, model: str) -> Iterator[PullProgress]:
        raise WorkbenchError(
            f"„{self.endpoint.label}“ kann keine Modelle herunterladen.",
            "Modelle lassen sich nur bei Ollama-Endpunkten laden.",
        )
