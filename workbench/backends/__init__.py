"""Model backends behind one interface. Only `workbench.gateway` creates them."""

from __future__ import annotations

from functools import lru_cache

from workbench.backends.base import (
    Backend,
    JSONDict,
    ModelInfo,
    PullProgress,
    StreamEvent,
    ToolCall,
    Usage,
)
from workbench.config import Endpoint, Kind

__all__ = [
    "Backend",
    "JSONDict",
    "ModelInfo",
    "PullProgress",
    "StreamEvent",
    "ToolCall",
    "Usage",
    "create_backend",
]


@lru_cache(maxsize=32)
def create_backend(endpoint: Endpoint, api_key: str | None) -> Backend:
    """One backend per endpoint configuration and key, reused across requests and sessions.

    Building an HTTP client costs about 15 ms (TLS context); the clients are thread-safe and keep
    their connection pools, so reuse takes that off every request's time to first token.
    """
    if endpoint.kind is Kind.OLLAMA:
        from workbench.backends.ollama_backend import OllamaBackend

        return OllamaBackend(endpoint, api_key)
    from workbench.backends.openai_backend import OpenAIBackend

    return OpenAIBackend(endpoint, api_key)
