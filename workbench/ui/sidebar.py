"""The sidebar every screen shares: Schutzstufe switch, model choice, endpoint status."""

from __future__ import annotations

import streamlit as st

from workbench.config import Endpoint
from workbench.gateway import EndpointStatus, Gateway
from workbench.policy import DEFAULT_SCHUTZSTUFE, Schutzstufe
from workbench.ui import state

_STUFE_LABELS = {
    1: "Schutzstufe 1 – ohne Personenbezug",
    2: "Schutzstufe 2 – mit Personenbezug",
}


def _service_label(endpoint: Endpoint) -> str:
    """ "Lokales Ollama (lokal)"; a label that already says where it runs is not said twice."""
    stem = "lokal" if endpoint.is_local else "öffentlich"
    if stem in endpoint.label.lower():
        return endpoint.label
    return f"{endpoint.label} ({endpoint.classification.german})"


def _status_line(status: EndpointStatus, level: Schutzstufe) -> str:
    label = status.endpoint.label
    if status.key_present is False:
        return f":material/key_off: {label}: API-Schlüssel fehlt"
    if not status.checked:
        return f":material/lock: {label}: auf Schutzstufe {int(level)} gesperrt, nicht geprüft"
    if status.error:
        return f":red[:material/cancel:] {label}: nicht erreichbar"
    count = len(status.models)
    return f":green[:material/check_circle:] {label}: erreichbar, {count} Modell{'e' if count != 1 else ''}"


def render(gw: Gateway) -> state.Selection:
    with st.sidebar:
        st.radio(
            "Schutzstufe",
            options=[2, 1],
            index=0 if DEFAULT_SCHUTZSTUFE == Schutzstufe.TWO else 1,
            format_func=lambda value: _STUFE_LABELS[value],
            captions=[Schutzstufe.TWO.explanation, Schutzstufe.ONE.explanation],
            key=state.KEY_SCHUTZSTUFE,
            # the switch takes effect for contacts still under way from the previous run, too
            on_change=state.sync_schutzstufe,
            help="Im Zweifel Schutzstufe 2: Dann bleiben alle Daten auf eigener Infrastruktur.",
        )
        level = state.schutzstufe()
        options = gw.options(level)
        statuses = state.endpoint_statuses(gw, [o.endpoint.id for o in options], level)
        usable = {o.endpoint.id: o.endpoint for o in options if o.usable}

        if usable:
            ids = list(usable)
            if st.session_state.get(state.KEY_ENDPOINT) not in ids:
                st.session_state[state.KEY_ENDPOINT] = ids[0]
            st.selectbox(
                "KI-Dienst",
                ids,
                format_func=lambda i: _service_label(usable[i]),
                key=state.KEY_ENDPOINT,
            )
            endpoint = usable[st.session_state[state.KEY_ENDPOINT]]
            installed = [m.name for m in statuses[endpoint.id].models]
            choices = list(dict.fromkeys([*installed, endpoint.default_model]))
            mkey = state.model_key(endpoint.id)
            if st.session_state.get(mkey) not in choices:
                preferred = next((n for n in installed if n.split(":")[0] == endpoint.default_model), None)
                st.session_state[mkey] = preferred or (installed[0] if installed else endpoint.default_model)
            st.selectbox(
                "Modell",
                choices,
                key=mkey,
                accept_new_options=True,
                help="Installierte Modelle werden angeboten; Sie können auch einen Namen eintippen.",
            )
        else:
            st.warning(
                f"Auf Schutzstufe {int(level)} ist kein KI-Dienst nutzbar. Hinweise finden Sie unter "
                "„Modelle & Status“.",
                icon=":material/block:",
            )

        blocked = [o for o in options if not o.usable]
        if blocked:
            st.caption("**Nicht verfügbar:**")
            for option in blocked:
                st.caption(f":material/lock: **{option.endpoint.label}:** {option.reason}")

        with st.expander("Status der KI-Dienste", icon=":material/monitor_heart:"):
            for option in options:
                st.markdown(_status_line(statuses[option.endpoint.id], level))
            if st.button("Status aktualisieren", icon=":material/refresh:", key="sidebar_refresh"):
                state.clear_status_cache()
                st.rerun()
    return state.selection(gw)
