"""A fake OpenAI-compatible server (``/v1`` API subset).

Endpoints: ``GET /v1/models``, ``GET /v1/models/{id}`` and
``POST /v1/chat/completions`` (SSE streaming or a single ``chat.completion``
object). All of them check ``Authorization: Bearer <api_key>`` when
``api_key`` is set. Error bodies use OpenAI's ``{"error": {...}}`` shape.
"""

from __future__ import annotations

import hashlib
import itertools
import time
from collections.abc import Iterable, Iterator
from typing import Any

from .base import Event, Exchange, FakeServer, Reply, Route, to_json, with_injection

DEFAULT_MODELS = ("gpt-4o-mini", "gpt-4o")
DEFAULT_API_KEY = "sk-test-1234"
SYSTEM_FINGERPRINT = "fp_fake"
SSE = "text/event-stream; charset=utf-8"
ARGUMENT_FRAGMENT_SIZE = 8


def mask_api_key(key: str) -> str:
    """Mask a key like the OpenAI API does: first 5 and last 4 characters stay."""
    if len(key) <= 9:
        return "*" * len(key)
    return key[:5] + "*" * (len(key) - 9) + key[-4:]


def _error(message: str, type_: str, code: str | None, param: str | None = None) -> dict[str, Any]:
    return {"error": {"message": message, "type": type_, "param": param, "code": code}}


def _sse(obj: Any) -> bytes:
    return b"data: " + to_json(obj).encode("utf-8") + b"\n\n"


class FakeOpenAI(FakeServer):
    """Fake OpenAI-compatible server; ``url`` ends with ``/v1``.

    ``api_key`` (default ``"sk-test-1234"``; ``None`` disables the check) is
    the only accepted bearer token. ``retry_after`` (default ``None``) is sent
    as ``retry-after`` header with "rate_limit" faults when set; leave it unset
    (or use a tiny value such as ``"0.01"``) so client retries stay fast.
    """

    CHAT_PATH = "/v1/chat/completions"
    URL_SUFFIX = "/v1"
    SERVER_HEADER = "FakeOpenAI"

    def __init__(
        self,
        models: Iterable[str] | None = None,
        *,
        api_key: str | None = DEFAULT_API_KEY,
        host: str = "127.0.0.1",
        port: int = 0,
        verbose: bool = False,
    ) -> None:
        self._initial = (list(models) if models is not None else list(DEFAULT_MODELS), api_key)
        self._ids = itertools.count(1)
        super().__init__(host=host, port=port, verbose=verbose)
        self._reset_protocol_state()

    def _reset_protocol_state(self) -> None:
        names, api_key = self._initial
        self.models: list[str] = list(names)
        self.api_key: str | None = api_key
        self.retry_after: str | None = None
        # A server profile like llama.cpp's: response_format types it rejects (with `refusal_status`),
        # tool definitions it rejects, and whether its stream reports usage at all.
        self.refused_formats: set[str] = set()
        self.refuse_tools = False
        self.refusal_status = 400
        self.sends_usage = True

    def _next_id(self, prefix: str) -> str:
        with self._lock:
            return f"{prefix}{next(self._ids)}"

    def _headers(self) -> dict[str, str]:
        return {"x-request-id": self._next_id("req_fake"), "openai-processing-ms": "1"}

    # routing ----------------------------------------------------------------

    def _route(self, method: str, path: str) -> Route | None:
        if method == "GET" and path == "/v1/models":
            return Route("models", self._list_models)
        if method == "GET" and path.startswith("/v1/models/") and len(path) > len("/v1/models/"):
            return Route("model", self._retrieve_model, model_bound=True)
        if method == "POST" and path == self.CHAT_PATH:
            return Route("chat", self._chat, model_bound=True, streams=True)
        return None

    def _send_not_found(self, ex: Exchange) -> None:
        body = _error(f"Invalid URL ({ex.method} {ex.path})", "invalid_request_error", None)
        ex.send_json(404, body, self._headers())

    def _send_fault(self, ex: Exchange, fault: str) -> None:
        if fault == "unknown_model":
            self._send_unknown_model(ex, self._requested_model(ex))
        elif fault == "unauthorized":
            self._send_unauthorized(ex)
        elif fault == "rate_limit":
            model = self._requested_model(ex) or "gpt-4o-mini"
            message = (
                f"Rate limit reached for {model} in organization org-fake on requests per min (RPM): "
                "Limit 3, Used 3, Requested 1. Please try again in 20s. "
                "Visit https://platform.openai.com/account/rate-limits to learn more."
            )
            headers = self._headers()
            if self.retry_after is not None:
                headers["retry-after"] = self.retry_after
            ex.send_json(429, _error(message, "requests", "rate_limit_exceeded"), headers)
        else:
            message = (
                "The server had an error while processing your request. Sorry about that! "
                "You can retry your request, or contact us through our help center at "
                "help.openai.com if the error persists."
            )
            ex.send_json(500, _error(message, "server_error", None), self._headers())

    def _requested_model(self, ex: Exchange) -> str:
        if ex.path.startswith("/v1/models/"):
            return ex.path[len("/v1/models/") :]
        return str(ex.body.get("model") or "")

    def _send_unknown_model(self, ex: Exchange, name: str) -> None:
        message = f"The model `{name}` does not exist or you do not have access to it."
        ex.send_json(404, _error(message, "invalid_request_error", "model_not_found"), self._headers())

    def _send_unauthorized(self, ex: Exchange) -> None:
        auth = ex.header("authorization") or ""
        scheme, _, token = auth.partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            message = (
                "You didn't provide an API key. You need to provide your API key in an Authorization "
                "header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password "
                "field (with blank username) if you're accessing the API from your browser and are "
                "prompted for a username and password. You can obtain an API key from "
                "https://platform.openai.com/account/api-keys."
            )
            body = _error(message, "invalid_request_error", None)
        else:
            message = (
                f"Incorrect API key provided: {mask_api_key(token)}. You can find your API key at "
                "https://platform.openai.com/account/api-keys."
            )
            body = _error(message, "invalid_request_error", "invalid_api_key")
        ex.send_json(401, body, self._headers())

    def _authorized(self, ex: Exchange) -> bool:
        """Check the bearer token; send the 401 response and return False if wrong."""
        if self.api_key is None or ex.header("authorization") == f"Bearer {self.api_key}":
            return True
        self._send_unauthorized(ex)
        return False

    # models -------------------------------------------------------------------

    def _model_object(self, name: str) -> dict[str, Any]:
        return {"id": name, "object": "model", "created": 1700000000, "owned_by": "system"}

    def _list_models(self, ex: Exchange, breaking: bool) -> None:
        if self._authorized(ex):
            data = [self._model_object(n) for n in list(self.models)]
            ex.send_json(200, {"object": "list", "data": data}, self._headers())

    def _retrieve_model(self, ex: Exchange, breaking: bool) -> None:
        if not self._authorized(ex):
            return
        name = self._requested_model(ex)
        if name not in self.models:
            self._send_unknown_model(ex, name)
            return
        ex.send_json(200, self._model_object(name), self._headers())

    # chat ---------------------------------------------------------------------

    def _chat(self, ex: Exchange, breaking: bool) -> None:
        if not self._authorized(ex):
            return
        body = ex.body
        # Differences between real OpenAI-compatible servers (llama.cpp's, vLLM, LiteLLM):
        fmt = body.get("response_format")
        fmt_type = fmt.get("type") if isinstance(fmt, dict) else None
        if fmt_type in self.refused_formats:
            message = f"1 validation error: response_format.type Input should be 'text' or 'json_object', got {fmt_type!r}"
            ex.send_json(self.refusal_status, _error(message, "invalid_request_error", None), self._headers())
            return
        if body.get("tools") and self.refuse_tools:
            message = "tools are not supported with this chat format"
            ex.send_json(self.refusal_status, _error(message, "invalid_request_error", None), self._headers())
            return
        requested = str(body.get("model") or "")
        if not requested:
            message = "you must provide a model parameter"
            ex.send_json(400, _error(message, "invalid_request_error", None), self._headers())
            return
        if requested not in self.models:
            self._send_unknown_model(ex, requested)
            return
        reply = self._take_reply()
        completion_id = self._next_id("chatcmpl-fake")
        created = int(time.time())
        model = reply.model or requested
        prompt_tokens = reply.prompt_token_count(body)
        completion_tokens = reply.completion_token_count()
        usage = {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        }
        calls = []
        for index, call in enumerate(reply.tool_calls or []):
            seed = f"{completion_id}:{index}".encode()
            call_id = call.get("id") or "call_" + hashlib.sha256(seed).hexdigest()[:24]
            calls.append((call_id, call["name"], reply.tool_call_arguments(call)[1]))
        finish_reason = reply.finish_reason or ("tool_calls" if calls else "stop")

        if body.get("stream"):
            options = body.get("stream_options") or {}
            include_usage = (
                bool(isinstance(options, dict) and options.get("include_usage")) and self.sends_usage
            )
            chunk_base = {
                "id": completion_id,
                "object": "chat.completion.chunk",
                "created": created,
                "model": model,
                "system_fingerprint": SYSTEM_FINGERPRINT,
            }
            events = with_injection(
                self._chat_events(chunk_base, reply, calls, finish_reason, usage, include_usage), reply
            )
            headers = {**self._headers(), "Cache-Control": "no-cache"}
            self._stream(ex, SSE, events, breaking, headers)
            return

        message: dict[str, Any] = {
            "role": "assistant",
            "content": reply.full_text if (reply.full_text or not calls) else None,
            "refusal": None,
            "annotations": [],
        }
        if calls:
            message["tool_calls"] = [
                {"id": cid, "type": "function", "function": {"name": name, "arguments": args}}
                for cid, name, args in calls
            ]
        result = {
            "id": completion_id,
            "object": "chat.completion",
            "created": created,
            "model": model,
            "system_fingerprint": SYSTEM_FINGERPRINT,
            "choices": [{"index": 0, "message": message, "logprobs": None, "finish_reason": finish_reason}],
            "usage": usage,
        }
        if breaking:
            ex.send_json_broken(200, result, self._headers())
        else:
            ex.send_json(200, result, self._headers())

    def _chat_events(
        self,
        chunk_base: dict[str, Any],
        reply: Reply,
        calls: list[tuple[str, str, str]],
        finish_reason: str,
        usage: dict[str, int],
        include_usage: bool,
    ) -> Iterator[Event]:
        def chunk(delta: dict[str, Any], finish: str | None = None) -> bytes:
            obj: dict[str, Any] = {
                **chunk_base,
                "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}],
            }
            if include_usage:
                obj["usage"] = None
            return _sse(obj)

        yield Event(chunk({"role": "assistant", "content": "", "refusal": None}), "prefix")
        for piece in reply.pieces():
            yield Event(chunk({"content": piece}))
        for index, (call_id, name, args) in enumerate(calls):
            function = {"name": name, "arguments": ""}
            head = {"index": index, "id": call_id, "type": "function", "function": function}
            yield Event(chunk({"tool_calls": [head]}))
            for start in range(0, len(args), ARGUMENT_FRAGMENT_SIZE):
                fragment = args[start : start + ARGUMENT_FRAGMENT_SIZE]
                yield Event(chunk({"tool_calls": [{"index": index, "function": {"arguments": fragment}}]}))
        yield Event(chunk({}, finish_reason), "final")
        if include_usage:
            yield Event(_sse({**chunk_base, "choices": [], "usage": usage}), "final")
        yield Event(b"data: [DONE]\n\n", "final")
