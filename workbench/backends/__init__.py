"""Model backends behind one interface. Only `workbench.gateway` creates them."""

from __future__ import annotations

from workbench.backends.base import Backend, ModelInfo, PullProgress, StreamEvent, Usage
from workbench.config import Endpoint, Kind

__all__ = ["Backend", "ModelInfo", "PullProgress", "StreamEvent", "Usage", "create_backend"]


def create_backend(endpoint: Endpoint, api_key: str | None) -> Backend:
    if endpoint.kind is Kind.OLLAMA:
        from workbench.backends.ollama_backend import OllamaBackend

        return OllamaBackend(endpoint, api_key)
    from workbench.backends.openai_backend import OpenAIBackend

    return OpenAIBackend(endpoint, api_key)
