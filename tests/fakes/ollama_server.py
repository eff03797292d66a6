"""A fake Ollama server speaking the real HTTP API (modelled on Ollama 0.6.5).

Endpoints: ``GET|HEAD /``, ``GET /api/version``, ``GET /api/tags``,
``GET /api/ps``, ``POST /api/show``, ``POST /api/chat`` (NDJSON streaming or a
single JSON object), ``POST /api/pull`` (NDJSON progress). Anything else gets
``404 page not found`` like the real (gin based) server.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

from .base import Event, Exchange, FakeServer, Reply, Route, to_json, with_injection

DEFAULT_MODELS = ("llama3.2:latest",)
DEFAULT_CAPABILITIES = ("completion", "tools")
MODIFIED_AT = "2026-11-01T10:00:00Z"
PULL_ERROR = "pull model manifest: file does not exist"
NDJSON = "application/x-ndjson"


def normalize_model_name(name: str) -> str:
    """Add the implicit ``:latest`` tag like Ollama does and fold case.

    ``"llama3.2"`` -> ``"llama3.2:latest"``; a ``host:port/ns/model`` name only
    counts as tagged if its last path segment has a colon.
    """
    name = name.strip().lower()
    if name and ":" not in name.rsplit("/", 1)[-1]:
        name += ":latest"
    return name


def _digest(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()


def _now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _family(name: str) -> str:
    base = name.rsplit("/", 1)[-1].split(":", 1)[0]
    match = re.match(r"[a-z]+", base)
    return match.group(0) if match else "llama"


def _ndjson(obj: Any) -> bytes:
    return to_json(obj).encode("utf-8") + b"\n"


class FakeOllama(FakeServer):
    """Fake Ollama server.

    ``models`` is a list of model names, or a mapping name -> capabilities.
    ``capabilities`` maps a model name to its capability list (default
    ``["completion", "tools"]``), reported by ``/api/show``. Pulling a name in
    ``unpullable`` fails the way Ollama does for a non-existent model.
    """

    CHAT_PATH = "/api/chat"
    VERSION = "0.6.5"
    SERVER_HEADER = "FakeOllama"

    def __init__(
        self,
        models: Iterable[str] | Mapping[str, Iterable[str]] | None = None,
        *,
        capabilities: Mapping[str, Iterable[str]] | None = None,
        unpullable: Iterable[str] = (),
        host: str = "127.0.0.1",
        port: int = 0,
        verbose: bool = False,
    ) -> None:
        initial_caps: dict[str, list[str]] = {}
        if models is None:
            names = list(DEFAULT_MODELS)
        elif isinstance(models, Mapping):
            names = list(models)
            initial_caps.update({k: list(v) for k, v in models.items()})
        else:
            names = list(models)
        initial_caps.update({k: list(v) for k, v in (capabilities or {}).items()})
        self._initial = (names, initial_caps, set(unpullable))
        super().__init__(host=host, port=port, verbose=verbose)
        self._reset_protocol_state()

    def _reset_protocol_state(self) -> None:
        names, caps, unpullable = self._initial
        self.models: list[str] = list(names)
        self.capabilities: dict[str, list[str]] = {k: list(v) for k, v in caps.items()}
        self.unpullable: set[str] = set(unpullable)

    # model helpers --------------------------------------------------------

    def resolve_model(self, name: str) -> str | None:
        """Return the entry of ``models`` that ``name`` refers to, or None."""
        wanted = normalize_model_name(name)
        if not wanted:
            return None
        for candidate in list(self.models):
            if normalize_model_name(candidate) == wanted:
                return candidate
        return None

    def capabilities_of(self, name: str) -> list[str]:
        wanted = normalize_model_name(name)
        for key, caps in self.capabilities.items():
            if normalize_model_name(key) == wanted:
                return list(caps)
        return list(DEFAULT_CAPABILITIES)

    def _details(self, name: str) -> dict[str, Any]:
        family = _family(name)
        return {
            "parent_model": "",
            "format": "gguf",
            "family": family,
            "families": [family],
            "parameter_size": "3.2B",
            "quantization_level": "Q4_K_M",
        }

    def _model_entry(self, name: str) -> dict[str, Any]:
        return {
            "name": name,
            "model": name,
            "modified_at": MODIFIED_AT,
            "size": 2019393189,
            "digest": _digest(name),
            "details": self._details(name),
        }

    # routing ----------------------------------------------------------------

    def _route(self, method: str, path: str) -> Route | None:
        if path == "/" and method in ("GET", "HEAD"):
            return Route("root", self._root)
        routes = {
            ("GET", "/api/version"): Route("version", self._version),
            ("GET", "/api/tags"): Route("tags", self._tags),
            ("GET", "/api/ps"): Route("ps", self._ps),
            ("POST", "/api/show"): Route("show", self._show, model_bound=True),
            ("POST", "/api/chat"): Route("chat", self._chat, model_bound=True, streams=True),
            ("POST", "/api/pull"): Route("pull", self._pull, streams=True),
        }
        return routes.get((method, path))

    def _send_not_found(self, ex: Exchange) -> None:
        ex.send_text(404, "404 page not found")

    def _send_fault(self, ex: Exchange, fault: str) -> None:
        if fault == "unknown_model":
            self._send_unknown_model(ex, str(ex.body.get("model") or ex.body.get("name") or ""))
        elif fault == "unauthorized":
            ex.send_json(401, {"error": "unauthorized"})
        elif fault == "rate_limit":
            ex.send_json(429, {"error": "too many requests"})
        else:
            ex.send_json(500, {"error": "internal server error"})

    def _send_unknown_model(self, ex: Exchange, name: str) -> None:
        if ex.path == "/api/show":
            ex.send_json(404, {"error": f"model '{name}' not found"})
        else:
            ex.send_json(404, {"error": f'model "{name}" not found, try pulling it first'})

    # simple endpoints -------------------------------------------------------

    def _root(self, ex: Exchange, breaking: bool) -> None:
        ex.send_text(200, "Ollama is running")

    def _version(self, ex: Exchange, breaking: bool) -> None:
        ex.send_json(200, {"version": self.VERSION})

    def _tags(self, ex: Exchange, breaking: bool) -> None:
        ex.send_json(200, {"models": [self._model_entry(n) for n in list(self.models)]})

    def _ps(self, ex: Exchange, breaking: bool) -> None:
        ex.send_json(200, {"models": []})

    def _show(self, ex: Exchange, breaking: bool) -> None:
        requested = str(ex.body.get("model") or ex.body.get("name") or "")
        name = self.resolve_model(requested)
        if name is None:
            self._send_unknown_model(ex, requested)
            return
        family = _family(name)
        ex.send_json(
            200,
            {
                "license": "FAKE LICENSE",
                "modelfile": f'# Modelfile generated by "ollama show"\nFROM {name}\n',
                "parameters": 'stop                           "<|eot_id|>"',
                "template": "{{ .Prompt }}",
                "details": self._details(name),
                "model_info": {
                    "general.architecture": family,
                    "general.parameter_count": 3212749888,
                    f"{family}.context_length": 131072,
                },
                "capabilities": self.capabilities_of(name),
                "modified_at": MODIFIED_AT,
            },
        )

    # chat ---------------------------------------------------------------------

    def _chat(self, ex: Exchange, breaking: bool) -> None:
        body = ex.body
        requested = str(body.get("model") or "")
        if not requested:
            ex.send_json(400, {"error": "model is required"})
            return
        if self.resolve_model(requested) is None:
            self._send_unknown_model(ex, requested)
            return
        reply = self._take_reply()
        started = time.monotonic_ns()
        model = reply.model or requested
        prompt_tokens = reply.prompt_token_count(body)
        completion_tokens = reply.completion_token_count()
        tool_calls = [
            {"function": {"name": call["name"], "arguments": reply.tool_call_arguments(call)[0]}}
            for call in reply.tool_calls or []
        ]

        def final_fields() -> dict[str, Any]:
            prompt_ns = 1_000_000 * max(prompt_tokens, 1)
            eval_ns = 20_000_000 * max(completion_tokens, 1)
            load_ns = 5_000_000
            elapsed = time.monotonic_ns() - started
            return {
                "done": True,
                "done_reason": reply.finish_reason or "stop",
                "total_duration": max(elapsed, load_ns + prompt_ns + eval_ns),
                "load_duration": load_ns,
                "prompt_eval_count": prompt_tokens,
                "prompt_eval_duration": prompt_ns,
                "eval_count": completion_tokens,
                "eval_duration": eval_ns,
            }

        stream = body.get("stream")
        if stream is None or stream:
            events = with_injection(self._chat_events(model, reply, tool_calls, final_fields), reply)
            self._stream(ex, NDJSON, events, breaking)
            return
        message: dict[str, Any] = {"role": "assistant", "content": reply.full_text}
        if tool_calls:
            message["tool_calls"] = tool_calls
        result = {"model": model, "created_at": _now_iso(), "message": message, **final_fields()}
        if breaking:
            ex.send_json_broken(200, result)
        else:
            ex.send_json(200, result)

    def _chat_events(
        self,
        model: str,
        reply: Reply,
        tool_calls: list[dict[str, Any]],
        final_fields: Any,
    ) -> Iterator[Event]:
        def line(message: dict[str, Any], **extra: Any) -> bytes:
            obj = {"model": model, "created_at": _now_iso(), "message": message, **extra}
            return _ndjson(obj)

        for piece in reply.pieces():
            yield Event(line({"role": "assistant", "content": piece}, done=False))
        if tool_calls:
            msg = {"role": "assistant", "content": "", "tool_calls": tool_calls}
            yield Event(line(msg, done=False))
        yield Event(line({"role": "assistant", "content": ""}, **final_fields()), "final")

    # pull -----------------------------------------------------------------------

    def _pull(self, ex: Exchange, breaking: bool) -> None:
        body = ex.body
        requested = str(body.get("model") or body.get("name") or "")
        fails = not requested or normalize_model_name(requested) in {
            normalize_model_name(n) for n in self.unpullable
        }
        stream = body.get("stream")
        if stream is None or stream:
            self._stream(ex, NDJSON, self._pull_events(requested, fails), breaking)
            return
        if fails:
            ex.send_json(500, {"error": PULL_ERROR})
            return
        self._add_model(requested)
        ex.send_json(200, {"status": "success"})

    def _add_model(self, requested: str) -> None:
        with self._lock:
            if self.resolve_model(requested) is None:
                self.models.append(normalize_model_name(requested))

    def _pull_events(self, requested: str, fails: bool) -> Iterator[Event]:
        yield Event(_ndjson({"status": "pulling manifest"}))
        if fails:
            yield Event(_ndjson({"error": PULL_ERROR}), "final")
            return
        name = normalize_model_name(requested)
        for index, total in enumerate((2019377376, 1429, 7711)):
            digest = _digest(name, str(index))
            for completed in (0, total // 2, total):
                yield Event(
                    _ndjson(
                        {
                            "status": f"pulling {digest[:12]}",
                            "digest": f"sha256:{digest}",
                            "total": total,
                            "completed": completed,
                        }
                    )
                )
        yield Event(_ndjson({"status": "verifying sha256 digest"}))
        yield Event(_ndjson({"status": "writing manifest"}))
        yield Event(_ndjson({"status": "success"}), "final", lambda: self._add_model(requested))
