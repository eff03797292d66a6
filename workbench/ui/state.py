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

from workbench.access import User
from workbench.config import Endpoint, Settings, load_settings
from workbench.gateway import EndpointStatus, Gateway, logged_gateway
from workbench.policy import DEFAULT_SCHUTZSTUFE, Schutzstufe, parse_schutzstufe
from workbench.ui.access import current_user

KEY_SCHUTZSTUFE = "schutzstufe"
KEY_ENDPOINT = "endpoint_id"
KEY_STATUS_CACHE = "_status_cache"
KEY_WORKSHOP = "workshop_code"
KEY_LIVE_SCHUTZSTUFE = "_live_schutzstufe"
STATUS_TTL_S = 30.0


class LiveSchutzstufe:
    """The session's Schutzstufe as the person set it last, readable from any thread at any time.

    A script run reads the Schutzstufe once, when it starts. Streamlit starts the next run as soon as
    the person clicks, while the previous run may still be inside a call to a model service (a status
    check, say) and go on to the next one. The gateway asks this object right before every contact,
    so a run that began at Schutzstufe 1 cannot reach a public service after the switch to 2.
    """

    def __init__(self, level: Schutzstufe) -> None:
        self._level = level

    def set(self, level: Schutzstufe) -> None:
        self._level = level  # one reference assignment: atomic, no lock needed

    def __call__(self) -> Schutzstufe:
        return self._level


def settings() -> Settings:
    """Settings for this run. Re-read every run: cheap, and edits to workbench.toml apply at once."""
    return load_settings()


def live_schutzstufe() -> LiveSchutzstufe:
    """This session's live Schutzstufe, brought in line with the session state."""
    live: LiveSchutzstufe | None = st.session_state.get(KEY_LIVE_SCHUTZSTUFE)
    if live is None:
        live = st.session_state[KEY_LIVE_SCHUTZSTUFE] = LiveSchutzstufe(schutzstufe())
    else:
        live.set(schutzstufe())
    return live


def sync_schutzstufe() -> None:
    """Callback of the Schutzstufe switch: runs before the next script run starts."""
    live_schutzstufe()


def set_schutzstufe(level: Schutzstufe) -> None:
    """Change the Schutzstufe from code (e.g. "Auf Schutzstufe 2 wechseln"): switch and live level."""
    st.session_state[KEY_SCHUTZSTUFE] = int(level)
    live_schutzstufe()


def gateway() -> Gateway:
    """The gateway for this run, recording into the shared run log under this session's id.

    Every contact it makes is checked against the session's live Schutzstufe as well as the level the
    request carries.
    """
    session = st.session_state.setdefault("_session_id", uuid.uuid4().hex[:12])
    current = settings()
    return logged_gateway(
        current,
        session=session,
        workshop=st.session_state.get(KEY_WORKSHOP),
        live_schutzstufe=live_schutzstufe(),
        user_id=user(current).pseudonym,
    )


def user(current: Settings | None = None) -> User:
    """The person at the screen (the sandbox user when sign-in is not configured)."""
    return current_user(current or settings())


KEY_KEPT_INPUTS = "_kept_inputs"


def restore_input(key: str, default: object) -> None:
    """Before a widget is drawn: give it what the person last entered, else `default`.

    Streamlit forgets the state of a widget that a script run does not draw, so a text typed into a
    use case was gone after a visit to another page. The value is kept here as well and put back.
    """
    if key not in st.session_state:
        st.session_state[key] = st.session_state.get(KEY_KEPT_INPUTS, {}).get(key, default)


def remember_input(key: str) -> None:
    """After a widget is drawn: keep its value beyond the page (see `restore_input`)."""
    st.session_state.setdefault(KEY_KEPT_INPUTS, {})[key] = st.session_state[key]


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


StatusKey = tuple[Endpoint | None, int, bool]


def endpoint_statuses(gw: Gateway, endpoint_ids: list[str], level: Schutzstufe) -> dict[str, EndpointStatus]:
    """Status of several endpoints, cached per session for a short time so the sidebar stays fast.

    The ones not in the cache are checked one after the other, at the level this run started with;
    the gateway compares each contact with the session's live Schutzstufe as well.
    """
    cache: dict[StatusKey, tuple[float, EndpointStatus]] = st.session_state.setdefault(KEY_STATUS_CACHE, {})
    statuses: dict[str, EndpointStatus] = {}
    for endpoint_id in endpoint_ids:
        endpoint = gw.settings.endpoint(endpoint_id)
        key = (endpoint, int(level), bool(endpoint and gw.settings.api_key(endpoint)))
        hit = cache.get(key)
        if hit and time.monotonic() - hit[0] < STATUS_TTL_S:
            statuses[endpoint_id] = hit[1]
        else:
            statuses[endpoint_id] = gw.status(endpoint_id, level)
            cache[key] = (time.monotonic(), statuses[endpoint_id])
    return statuses


def endpoint_status(gw: Gateway, endpoint_id: str, level: Schutzstufe) -> EndpointStatus:
    return endpoint_statuses(gw, [endpoint_id], level)[endpoint_id]


def clear_status_cache() -> None:
    st.session_state.pop(KEY_STATUS_CACHE, None)
