"""Ollama backend on the official ``ollama`` client (NDJSON streaming over HTTP).

The client has no default timeout, so every client gets an explicit one. With ``stream=True`` a
server that is down raises a raw ``httpx.ConnectError`` on the first iteration rather than the
client's ``ConnectionError``; both are mapped here.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator, Sequence
from typing import Literal

import httpx
import ollama

from workbench.backends.base import (
    MALFORMED,
    Backend,
    JSONDict,
    ModelInfo,
    PullProgress,
    StreamEvent,
    ToolCall,
    Usage,
    format_instruction,
)
from workbench.config import Endpoint
from workbench.errors import (
    AuthenticationFailed,
    BackendError,
    BackendTimeout,
    EndpointUnreachable,
    InvalidRequest,
    ModelNotFound,
    RateLimited,
    ServerFailure,
    redact,
)

log = logging.getLogger("workbench.backends.ollama")


CAPABILITIES_SECONDS = 300.0  # a model's capabilities change only with a new model version


class OllamaBackend(Backend):
    supports_pull = True

    def __init__(self, endpoint: Endpoint, api_key: str | None = None) -> None:
        super().__init__(endpoint, api_key)
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else None
        self._client = ollama.Client(
            host=endpoint.base_url,
            timeout=httpx.Timeout(endpoint.timeout, connect=endpoint.connect_timeout),
            headers=headers,
            # A redirect could carry the request to a host nobody approved: never follow one, and
            # stop at the 3xx itself, whose Location the client's own error would not keep.
            follow_redirects=False,
            event_hooks={"response": [self._refuse_redirect]},
        )
        self._capabilities: dict[str, tuple[float, frozenset[str]]] = {}

    def _refuse_redirect(self, response: httpx.Response) -> None:
        if 300 <= response.status_code < 400:
            raise self.redirected(response.status_code, response.headers.get("location"))

    # --- error mapping --------------------------------------------------------------------------

    def _unreachable(self) -> EndpointUnreachable:
        return EndpointUnreachable(
            f"Ollama ist unter {self.endpoint.base_url} nicht erreichbar.",
            "Starten Sie Ollama mit `ollama serve` (oder die Ollama-App) und versuchen Sie es erneut. "
            "Läuft Ollama auf einem anderen Rechner, setzen Sie OLLAMA_HOST auf dessen Adresse.",
        )

    def _map(self, exc: Exception, model: str | None = None) -> BackendError:
        label = self.endpoint.label
        if isinstance(exc, ollama.ResponseError):
            status = exc.status_code
            detail = redact(str(exc.error), self._api_key)
            if status == 404 and model and ("model" in detail.lower() or "not found" in detail.lower()):
                return ModelNotFound(
                    f"Das Modell „{model}“ ist in „{label}“ nicht installiert.",
                    f"Laden Sie es mit `ollama pull {model}` oder auf der Seite „Modelle & Status“.",
                )
            if status in (401, 403):
                return AuthenticationFailed(
                    f"„{label}“ verweigert den Zugang ({status}).",
                    "Prüfen Sie den hinterlegten Zugangsschlüssel (api_key_env in workbench.toml).",
                )
            if status == 429:
                return RateLimited(
                    f"„{label}“ meldet zu viele Anfragen (429).",
                    "Warten Sie einen Moment und senden Sie die Anfrage erneut.",
                )
            if status >= 500:
                return ServerFailure(
                    f"„{label}“ meldet einen Serverfehler ({status}): {detail}",
                    "Versuchen Sie es erneut. Bleibt der Fehler, prüfen Sie das Ollama-Protokoll "
                    "(z. B. zu wenig Arbeitsspeicher für das Modell).",
                )
            return InvalidRequest(
                f"„{label}“ hat die Anfrage abgelehnt ({status}): {detail}",
                "Prüfen Sie Modell und Eingabe und versuchen Sie es erneut.",
            )
        if isinstance(exc, httpx.TimeoutException):
            return BackendTimeout(
                f"„{label}“ hat nicht rechtzeitig geantwortet (Zeitlimit {self.endpoint.timeout:.0f} s).",
                "Beim ersten Aufruf lädt Ollama das Modell in den Speicher, das kann dauern. Versuchen Sie "
                "es erneut, wählen Sie ein kleineres Modell oder erhöhen Sie timeout in workbench.toml.",
            )
        if isinstance(exc, ConnectionError | httpx.ConnectError):
            return self._unreachable()
        if isinstance(exc, httpx.HTTPError | OSError):
            return EndpointUnreachable(
                f"Die Verbindung zu „{label}“ ist gestört ({type(exc).__name__}).",
                "Prüfen Sie, ob Ollama läuft (`ollama serve`), und versuchen Sie es erneut.",
            )
        raise exc

    # --- interface ------------------------------------------------------------------------------

    @staticmethod
    def _messages(messages: Sequence[JSONDict]) -> list[JSONDict]:
        """OpenAI-shaped tool calls and tool results in Ollama's shape (arguments as objects, tool_name)."""
        converted: list[JSONDict] = []
        for message in messages:
            if message.get("tool_calls"):
                calls: list[JSONDict] = []
                for call in message["tool_calls"]:
                    function = call.get("function", {})
                    arguments = function.get("arguments", {})
                    if isinstance(arguments, str):
                        try:
                            arguments = json.loads(arguments or "{}")
                        except json.JSONDecodeError:
                            arguments = {}
                    calls.append({"function": {"name": function.get("name", ""), "arguments": arguments}})
                converted.append(
                    {"role": "assistant", "content": message.get("content") or "", "tool_calls": calls}
                )
            elif message.get("role") == "tool":
                converted.append(
                    {
                        "role": "tool",
                        "content": message.get("content", ""),
                        "tool_name": message.get("name", ""),
                    }
                )
            else:
                converted.append({k: v for k, v in message.items() if k in ("role", "content", "images")})
        return converted

    def capabilities(self, model: str) -> frozenset[str]:
        """What `model` can do, from /api/show. A page asks on every rerun: the answer is kept for
        `CAPABILITIES_SECONDS` per model (a failed look-up is not kept, it is asked again)."""
        known = self._capabilities.get(model)
        if known is not None and time.monotonic() - known[0] < CAPABILITIES_SECONDS:
            return known[1]
        found = self._ask_capabilities(model)
        self._capabilities[model] = (time.monotonic(), found)
        return found

    def _ask_capabilities(self, model: str) -> frozenset[str]:
        try:
            found = frozenset(self._client.show(model).capabilities or [])
            return found - {"tools"} if self.endpoint.tools == "off" else found
        except (ollama.ResponseError, httpx.HTTPError, ConnectionError, OSError) as exc:
            raise self._map(exc, model) from exc
        except MALFORMED as exc:
            raise self.malformed("die Modellbeschreibung") from exc

    def stream_chat(
        self,
        messages: Sequence[JSONDict],
        model: str,
        *,
        options: JSONDict | None = None,
        json_schema: JSONDict | None = None,
        tools: Sequence[JSONDict] | None = None,
    ) -> Iterator[StreamEvent]:
        received_any = False
        calls: list[ToolCall] = []
        # The answer's length limit is Ollama's num_predict; a use case may set its own.
        settings = dict(options or {})
        settings.pop("tool_choice", None)  # Ollama lets the model choose; it has no such option
        settings.setdefault("num_predict", settings.pop("max_tokens", self.endpoint.max_tokens))
        # structured_output: the schema as format (Ollama 0.5 and later), plain JSON mode, or instruction only
        answer_format: JSONDict | Literal["json"] | None = json_schema
        if json_schema is not None and self.endpoint.structured_output in ("json_object", "prompt"):
            answer_format = "json" if self.endpoint.structured_output == "json_object" else None
            messages = [format_instruction(json_schema), *messages]
        try:
            stream = self._client.chat(
                model=model,
                messages=self._messages(messages),
                stream=True,
                options=settings,
                format=answer_format,
                tools=list(tools) if tools else None,
            )
            for part in stream:
                received_any = True
                for call in (part.message.tool_calls or []) if part.message else []:
                    calls.append(
                        ToolCall(
                            f"call_{len(calls) + 1}", call.function.name, dict(call.function.arguments or {})
                        )
                    )
                text = (part.message.content or "") if part.message else ""
                if part.done:
                    if text:
                        yield StreamEvent(text=text)
                    yield StreamEvent(
                        done=True,
                        usage=Usage(part.prompt_eval_count, part.eval_count),
                        finish_reason=part.done_reason,
                        tool_calls=tuple(calls),
                    )
                    return
                if text:
                    yield StreamEvent(text=text)
        except (ollama.ResponseError, httpx.HTTPError, ConnectionError, OSError) as exc:
            if received_any and not isinstance(exc, ollama.ResponseError):
                raise self.broke_off() from exc
            raise self._map(exc, model) from exc
        except MALFORMED as exc:
            log.info("malformed stream from %s: %s: %s", self.endpoint.id, type(exc).__name__, exc)
            raise self.malformed() from exc
        raise self.ended_early()

    def list_models(self) -> list[ModelInfo]:
        try:
            listing = self._client.list()
        except (ollama.ResponseError, httpx.HTTPError, ConnectionError, OSError) as exc:
            raise self._map(exc) from exc
        except MALFORMED as exc:
            raise self.malformed("die Modellliste") from exc
        models = []
        for m in listing.models:
            details = m.details
            models.append(
                ModelInfo(
                    name=m.model or "",
                    size_bytes=m.size,
                    family=details.family if details else None,
                    parameter_size=details.parameter_size if details else None,
                    quantization=details.quantization_level if details else None,
                    modified_at=m.modified_at.isoformat() if m.modified_at else None,
                )
            )
        return models

    def version(self) -> str:
        try:
            response = self._client._client.get("/api/version")
            response.raise_for_status()
            return f"Ollama {response.json().get('version', '?')}"
        except httpx.ConnectError as exc:
            raise self._unreachable() from exc
        except (httpx.HTTPError, *MALFORMED) as exc:
            raise EndpointUnreachable(
                f"Unter {self.endpoint.base_url} antwortet kein Ollama-Dienst.",
                "Prüfen Sie die Adresse (OLLAMA_HOST bzw. base_url in workbench.toml).",
            ) from exc

    def pull(self, model: str) -> Iterator[PullProgress]:
        # Ollama reports each layer separately; the bar shows all layers seen so far together.
        totals: dict[str, int] = {}
        done: dict[str, int] = {}
        try:
            for part in self._client.pull(model, stream=True):
                if part.digest and part.total:
                    totals[part.digest] = part.total
                    done[part.digest] = part.completed or 0
                if totals:
                    yield PullProgress(part.status or "", sum(done.values()), sum(totals.values()))
                else:
                    yield PullProgress(part.status or "")
        except ollama.ResponseError as exc:
            if exc.status_code >= 500 or "manifest" in str(exc.error) or "not exist" in str(exc.error):
                raise ModelNotFound(
                    f"Das Modell „{model}“ konnte nicht geladen werden: {redact(str(exc.error))}",
                    "Prüfen Sie den Namen in der Ollama-Bibliothek (z. B. llama3.2, mistral, qwen2.5) "
                    "und die Internetverbindung des Ollama-Servers.",
                ) from exc
            raise self._map(exc, model) from exc
        except (httpx.HTTPError, ConnectionError, OSError) as exc:
            raise self._map(exc, model) from exc
        except MALFORMED as exc:
            raise self.malformed("den Fortschritt des Downloads") from exc
