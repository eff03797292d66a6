"""OpenAI-compatible backend on the official ``openai`` client (SSE streaming).

Serves the public OpenAI API as well as OpenAI-compatible gateways of a data centre (vLLM, the
LiteLLM proxy, llama.cpp's server, Ollama's ``/v1``). These servers differ, so the backend
negotiates: usage comes from the final stream chunk (``stream_options.include_usage``), and a
server that rejects that option is asked once more without it; structured output is asked for as
``json_schema``, then as ``json_object`` with the schema, then by instruction alone, and what a
server accepted is remembered per model; a server that rejects tool definitions raises
`ToolsRefused`, so the caller can do without them. Every answer is limited to the endpoint's
``max_tokens``. Error messages from the service can contain parts of the API key,
so every detail shown to the user passes through `redact`.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator, Sequence
from typing import Any
from urllib.parse import urlsplit

import httpx2
import openai

from workbench.backends.base import (
    MALFORMED,
    Backend,
    JSONDict,
    ModelInfo,
    StreamEvent,
    ToolCall,
    Usage,
    format_instruction,
)
from workbench.config import STRUCTURED_OUTPUT_MODES, Endpoint
from workbench.errors import (
    AuthenticationFailed,
    BackendError,
    BackendTimeout,
    EndpointUnreachable,
    InvalidRequest,
    ModelNotFound,
    RateLimited,
    ServerFailure,
    ToolsRefused,
    redact,
)

log = logging.getLogger("workbench.backends.openai")

# A gateway without keys still needs a non-empty string for the client.
_NO_KEY = "keiner-erforderlich"

# The ways to ask for JSON, strongest first: the `structured_output` modes of workbench.toml after "auto".
FORMAT_STEPS = STRUCTURED_OUTPUT_MODES[1:]


class OpenAIBackend(Backend):
    def __init__(self, endpoint: Endpoint, api_key: str | None = None) -> None:
        super().__init__(endpoint, api_key)
        # OpenAI's own API calls the limit max_completion_tokens (newer models reject max_tokens).
        host = (urlsplit(endpoint.base_url).hostname or "").lower().rstrip(".")
        self._limit_name = "max_completion_tokens" if host == "api.openai.com" else "max_tokens"
        self._formats: dict[str, str] = {}  # model -> the way of asking for JSON its server accepted
        self._tools_refused: set[str] = set()  # models whose server rejected tool definitions
        self._client = openai.OpenAI(
            api_key=api_key or _NO_KEY,
            base_url=endpoint.base_url,
            timeout=openai.Timeout(endpoint.timeout, connect=endpoint.connect_timeout),
            max_retries=1,
            # The client follows redirects by default; one could carry the request to a host nobody
            # approved. A 3xx becomes an APIStatusError and is reported (see `_map`).
            http_client=openai.DefaultHttpxClient(
                timeout=openai.Timeout(endpoint.timeout, connect=endpoint.connect_timeout),
                follow_redirects=False,
            ),
        )
        # The client imports its chat resource on first use (tens of milliseconds); a backend is built
        # before its first request is due, so that import happens now rather than on the way out.
        self._completions = self._client.chat.completions

    def _detail(self, exc: Exception) -> str:
        message = getattr(exc, "message", None) or str(exc)
        return redact(message, self._api_key)

    def _map(self, exc: Exception, model: str | None = None) -> BackendError:
        label = self.endpoint.label
        key_env = self.endpoint.api_key_env or "des API-Schlüssels"
        if isinstance(exc, openai.AuthenticationError):
            return AuthenticationFailed(
                f"„{label}“ hat den API-Schlüssel abgelehnt (401): Er ist ungültig, abgelaufen oder widerrufen.",
                f"Legen Sie einen gültigen Schlüssel in der Umgebungsvariable {key_env} ab und starten Sie "
                "die Werkbank neu.",
            )
        if isinstance(exc, openai.PermissionDeniedError):
            return AuthenticationFailed(
                f"„{label}“ verweigert den Zugriff (403).",
                "Der Schlüssel hat keine Berechtigung für dieses Modell oder diese Region. Wenden Sie sich "
                "an die Verwaltung Ihres Zugangs.",
            )
        if isinstance(exc, openai.NotFoundError):
            return ModelNotFound(
                f"Das Modell „{model}“ ist bei „{label}“ nicht verfügbar.",
                "Wählen Sie ein anderes Modell in der Seitenleiste; die verfügbaren Modelle zeigt die Seite "
                "„Modelle & Status“.",
            )
        if isinstance(exc, openai.RateLimitError):
            body = getattr(exc, "body", None)
            code = body.get("code") if isinstance(body, dict) else None
            if code == "insufficient_quota":
                hint = "Das Kontingent des Zugangs ist erschöpft. Prüfen Sie Abrechnung und Limits beim Anbieter."
            else:
                hint = "Warten Sie einen Moment und senden Sie die Anfrage erneut."
            return RateLimited(f"„{label}“ meldet zu viele Anfragen (429).", hint)
        if isinstance(exc, openai.APITimeoutError):
            return BackendTimeout(
                f"„{label}“ hat nicht rechtzeitig geantwortet (Zeitlimit {self.endpoint.timeout:.0f} s).",
                "Versuchen Sie es erneut oder erhöhen Sie timeout in workbench.toml.",
            )
        if isinstance(exc, openai.APIConnectionError):
            return EndpointUnreachable(
                f"„{label}“ ist unter {self.endpoint.base_url} nicht erreichbar.",
                "Prüfen Sie die Netzverbindung und die Adresse (OPENAI_BASE_URL bzw. base_url in "
                "workbench.toml).",
            )
        if isinstance(exc, openai.APIStatusError) and 300 <= exc.status_code < 400:
            return self.redirected(exc.status_code, exc.response.headers.get("location"))
        if isinstance(exc, openai.APIStatusError) and exc.status_code >= 500:
            return ServerFailure(
                f"„{label}“ meldet einen Serverfehler ({exc.status_code}).",
                "Der Dienst hat ein Problem. Versuchen Sie es in einigen Minuten erneut.",
            )
        if isinstance(exc, openai.APIStatusError):
            return InvalidRequest(
                f"„{label}“ hat die Anfrage abgelehnt ({exc.status_code}): {self._detail(exc)}",
                "Prüfen Sie Modell und Eingabe und versuchen Sie es erneut.",
            )
        if isinstance(exc, openai.APIError | httpx2.HTTPError | OSError):
            return EndpointUnreachable(
                f"Die Verbindung zu „{label}“ ist gestört ({type(exc).__name__}).",
                "Versuchen Sie es erneut.",
            )
        raise exc

    def _format_steps(self, model: str) -> tuple[str, ...]:
        """The ways to ask for JSON to try, in order: the configured one, or what worked before."""
        configured = self.endpoint.structured_output
        if configured != "auto":
            return (configured,)
        known = self._formats.get(model)
        return FORMAT_STEPS[FORMAT_STEPS.index(known) :] if known else FORMAT_STEPS

    def _open_stream(
        self,
        messages: Sequence[JSONDict],
        model: str,
        options: JSONDict | None,
        json_schema: JSONDict | None,
        tools: Sequence[JSONDict] | None,
    ) -> Any:  # the client's Stream[ChatCompletionChunk]; its overloads cannot see through **kwargs
        base: JSONDict = dict(model=model, stream=True, **(options or {}))
        base[self._limit_name] = base.pop("max_tokens", None) or self.endpoint.max_tokens
        if tools:
            base["tools"] = list(tools)
        steps = self._format_steps(model) if json_schema is not None else ("",)
        for number, step in enumerate(steps):
            kwargs = dict(base, messages=list(messages))
            if step == "json_schema":
                kwargs["response_format"] = {
                    "type": "json_schema",
                    "json_schema": {"name": "antwort", "schema": json_schema, "strict": False},
                }
            elif step == "json_object":  # llama.cpp's server: grammar-constrained JSON from the schema
                kwargs["response_format"] = {"type": "json_object", "schema": json_schema}
            elif step == "prompt" and json_schema is not None:
                kwargs["messages"] = [format_instruction(json_schema), *messages]
            try:
                stream = self._create(kwargs)
            except (
                openai.BadRequestError,
                openai.UnprocessableEntityError,
                openai.InternalServerError,
            ) as exc:
                detail = self._detail(exc).lower()
                if tools and "tool" in detail:
                    self._tools_refused.add(model)
                    raise ToolsRefused(
                        f"„{self.endpoint.label}“ nimmt keine Werkzeugdefinitionen an.",
                        "Die Werkbank arbeitet ohne Werkzeugaufrufe weiter. Wer das dauerhaft will, setzt "
                        "tools = false für diesen Dienst in workbench.toml.",
                    ) from exc
                status = getattr(exc, "status_code", 0)
                caused_by_format = status in (400, 422) or any(
                    word in detail for word in ("response_format", "json", "schema", "format")
                )
                if number + 1 < len(steps) and step != "prompt" and caused_by_format:
                    log.info(
                        "%s rejected response_format %s for %s: trying %s",
                        self.endpoint.id,
                        step,
                        model,
                        steps[number + 1],
                    )
                    continue  # the format option was refused: the next weaker way of asking for JSON
                raise
            if step:
                self._formats[model] = step
            return stream
        raise AssertionError("no format step was tried")

    def _create(self, kwargs: JSONDict) -> Any:
        try:
            return self._completions.create(stream_options={"include_usage": True}, **kwargs)
        except openai.BadRequestError as exc:
            if "stream_options" not in self._detail(exc):
                raise
        return self._completions.create(**kwargs)

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
        finish_reason = None
        usage = None
        parts: dict[int, dict[str, str]] = {}  # tool calls arrive as fragments, keyed by index
        try:
            stream = self._open_stream(messages, model, options, json_schema, tools)
            for chunk in stream:
                received_any = True
                if chunk.usage:
                    usage = Usage(chunk.usage.prompt_tokens, chunk.usage.completion_tokens)
                for choice in chunk.choices:
                    if choice.delta and choice.delta.content:
                        yield StreamEvent(text=choice.delta.content)
                    for fragment in (choice.delta.tool_calls or []) if choice.delta else []:
                        part = parts.setdefault(fragment.index, {"id": "", "name": "", "arguments": ""})
                        part["id"] = fragment.id or part["id"]
                        if fragment.function:
                            part["name"] = fragment.function.name or part["name"]
                            part["arguments"] += fragment.function.arguments or ""
                    if choice.finish_reason:
                        finish_reason = choice.finish_reason
        except (openai.OpenAIError, httpx2.HTTPError, OSError) as exc:
            if received_any and not isinstance(exc, openai.APIStatusError):
                raise self.broke_off() from exc
            raise self._map(exc, model) from exc
        except MALFORMED as exc:
            log.info("malformed stream from %s: %s: %s", self.endpoint.id, type(exc).__name__, exc)
            raise self.malformed() from exc
        if finish_reason is None:
            raise self.ended_early()
        yield StreamEvent(
            done=True, usage=usage or Usage(), finish_reason=finish_reason, tool_calls=_tool_calls(parts)
        )

    def list_models(self) -> list[ModelInfo]:
        try:
            return sorted((ModelInfo(name=m.id) for m in self._client.models.list()), key=lambda m: m.name)
        except (openai.OpenAIError, httpx2.HTTPError, OSError) as exc:
            raise self._map(exc) from exc
        except MALFORMED as exc:
            raise self.malformed("die Modellliste") from exc

    def capabilities(self, model: str) -> frozenset[str]:
        """The protocol has no capability query: tools are tried unless `tools = false`; a server that
        rejected them once (`ToolsRefused`) is not asked again in this process."""
        if self.endpoint.tools == "off" or model in self._tools_refused:
            return frozenset()
        return frozenset({"tools"})

    def format_used(self, model: str) -> str | None:
        """How JSON was last asked for successfully with `model` ("json_schema", "json_object", "prompt")."""
        return self._formats.get(model)

    def version(self) -> str:
        return "OpenAI-kompatibel"  # the protocol has no version call; list_models checks reachability


def _tool_calls(parts: dict[int, dict[str, str]]) -> tuple[ToolCall, ...]:
    calls = []
    for index in sorted(parts):
        part = parts[index]
        try:
            arguments = json.loads(part["arguments"] or "{}")
        except json.JSONDecodeError:
            arguments = part["arguments"]  # kept raw: the caller reports it as invalid
        calls.append(ToolCall(part["id"] or f"call_{index + 1}", part["name"], arguments))
    return tuple(calls)
