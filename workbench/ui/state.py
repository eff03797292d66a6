"""Session state shared by all screens: settings, gateway, the chosen Schutzstufe, endpoint and model.

Pages read the selection through `selection()`, which works with or without the sidebar having run
(AppTest renders single pages), and always falls back to the safe side: Schutzstufe 2 and the first
endpoint the policy allows.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass

import streamlit as st

from workbench.config import Endpoint, Settings, load_settings
from workbench.gateway import EndpointStatus, Gateway, logged_gateway
from workbench.policy import DEFAULT_SCHUTZSTUFE, Schutzstufe, parse_schutzstufe

KEY_SCHUTZSTUFE = "schutzstufe"
KEY_ENDPOINT = "endpoint_id"
KEY_STATUS_CACHE = "_status_cache"
KEY_WORKSHOP = "workshop_code"
STATUS_TTL_S = 30.0


def settings() -> Settings:
    """Settings for this run. Re-read every run: cheap, and edits to workbench.toml apply at once."""
    return load_settings()


def gateway() -> Gateway:
    """The gateway for this run, recording into the shared run log under this session's id."""
    session = st.session_state.setdefault("_session_id", uuid.uuid4().hex[:12])
    return logged_gateway(settings(), session=session, workshop=st.session_state.get(KEY_WORKSHOP))


def model_key(endpoint_id: str) -> str:
    return f"model__{endpoint_id}"


def schutzstufe() -> Schutzstufe:
    level = parse_schutzstufe(st.session_state.get(KEY_SCHUTZSTUFE, int(DEFAULT_SCHUTZSTUFE)))
    return level or DEFAULT_SCHUTZSTUFE


@dataclass(frozen=True)
class Selection:
    schutzstufe: Schutzstufe
    endpoint: Endpoint | None
    model: str | None

    @property
    def description(self) -> str:
        if self.endpoint is None:
            return f"Schutzstufe {int(self.schutzstufe)} – kein KI-Dienst verfügbar"
        return (
            f"Schutzstufe {int(self.schutzstufe)} · {self.model} über „{self.endpoint.label}“ "
            f"({self.endpoint.classification.german})"
        )


def selection(gw: Gateway) -> Selection:
    level = schutzstufe()
    usable = [o.endpoint for o in gw.options(level) if o.usable]
    chosen = st.session_state.get(KEY_ENDPOINT)
    endpoint = next((e for e in usable if e.id == chosen), usable[0] if usable else None)
    model = None
    if endpoint is not None:
        model = st.session_state.get(model_key(endpoint.id)) or endpoint.default_model
    return Selection(level, endpoint, model)


def endpoint_status(
    gw: Gateway, endpoint_id: str, level: Schutzstufe, refresh: bool = False
) -> EndpointStatus:
    """Status of an endpoint, cached per session for a short time so the sidebar stays fast."""
    cache: dict = st.session_state.setdefault(KEY_STATUS_CACHE, {})
    endpoint = gw.settings.endpoint(endpoint_id)
    key = (endpoint, int(level), bool(endpoint and gw.settings.api_key(endpoint)))
    hit = cache.get(key)
    if hit and not refresh and time.monotonic() - hit[0] < STATUS_TTL_S:
        return hit[1]
    status = gw.status(endpoint_id, level)
    cache[key] = (time.monotonic(), status)
    return status


def clear_status_cache() -> None:
    st.session_state.pop(KEY_STATUS_CACHE, None)
