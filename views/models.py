"""Modelle & Status: endpoints, their classification and reachability, Ollama models, connection test."""

import pandas as pd
import streamlit as st

from workbench import german
from workbench.access import Action
from workbench.errors import WorkbenchError
from workbench.gateway import ChatRequest
from workbench.ui import components, state

gw = state.gateway()
level = state.schutzstufe()
user = state.user(gw.settings)

st.title("Modelle & Status")
st.caption(
    f"Alle KI-Dienste der Werkbank auf Schutzstufe {int(level)}. Öffentliche Dienste werden auf "
    "Schutzstufe 2 nicht kontaktiert – auch nicht für den Status."
)
if st.button("Status neu prüfen", icon=":material/refresh:"):
    state.clear_status_cache()

for option in gw.options(level):
    endpoint = option.endpoint
    status = state.endpoint_status(gw, endpoint.id, level)
    with st.container(border=True):
        st.subheader(endpoint.label)
        badge_color = "green" if endpoint.is_local else "orange"
        st.badge(endpoint.classification.german, color=badge_color)
        st.markdown(
            f"Kennung `{endpoint.id}` · Schnittstelle {endpoint.kind.value} · Adresse `{endpoint.base_url}` · "
            f"Voreingestelltes Modell `{endpoint.default_model}`"
        )
        st.caption(
            "Daten verlassen die Organisation: **nein**"
            if endpoint.is_local
            else "Daten verlassen die Organisation: **ja** – nur für Schutzstufe 1"
        )
        if status.key_present is not None:
            st.markdown(
                f"API-Schlüssel ({endpoint.api_key_env}): "
                + ("vorhanden" if status.key_present else "**fehlt** – setzen Sie die Umgebungsvariable.")
            )
        if not option.decision.allowed:
            st.info(option.decision.reason, icon=":material/lock:")
            continue
        if not status.checked:
            continue
        if status.error:
            components.show_error(status.error)
            continue
        st.success(f"Erreichbar: {status.summary}", icon=":material/check_circle:")
        if status.models:
            frame = pd.DataFrame(
                {
                    "Modell": [m.name for m in status.models],
                    "Größe (GB)": [
                        round(m.size_bytes / 1e9, 2) if m.size_bytes else None for m in status.models
                    ],
                    "Familie": [m.family for m in status.models],
                    "Parameter": [german.parameter_count(m.parameter_size) for m in status.models],
                    "Quantisierung": [m.quantization for m in status.models],
                }
            ).dropna(axis=1, how="all")
            components.table(frame, hide_index=True)
        elif endpoint.kind.value == "ollama":
            st.warning(f"Noch kein Modell installiert. Laden Sie z. B. `{endpoint.default_model}`.")

        if not user.may(Action.ADMINISTER_MODELS):
            st.caption(":material/lock: " + user.refusal(Action.ADMINISTER_MODELS))
            continue
        test_col, pull_col = st.columns(2)
        with test_col:
            model = st.text_input(
                "Modell für den Test", value=endpoint.default_model, key=f"test_model_{endpoint.id}"
            )
            if st.button("Verbindung testen", key=f"test_{endpoint.id}", icon=":material/network_check:"):
                request = ChatRequest(
                    messages=[{"role": "user", "content": "Antworte nur mit dem Wort: OK"}],
                    schutzstufe=level,
                    endpoint_id=endpoint.id,
                    model=model,
                    purpose="verbindungstest",
                )
                try:
                    response = gw.chat(request)
                    with st.spinner("Warte auf Antwort …"):
                        result = response.result
                    st.success(f"Antwort: {result.text.strip()[:200]}", icon=":material/check:")
                    st.caption(components.result_metrics(result))
                    components.notice_box(result.notice)
                except WorkbenchError as exc:
                    components.show_error(exc)
        if endpoint.kind.value == "ollama":
            with pull_col:
                name = st.text_input(
                    "Modell laden (ollama pull)", value=endpoint.default_model, key=f"pull_{endpoint.id}"
                )
                if st.button("Modell laden", key=f"pull_btn_{endpoint.id}", icon=":material/download:"):
                    bar = st.progress(0.0, text="Starte Download …")
                    try:
                        for progress in gw.pull(endpoint.id, name, level):
                            fraction = progress.fraction
                            bar.progress(fraction if fraction is not None else 0.0, text=progress.status)
                        bar.progress(1.0, text="Fertig")
                        st.success(f"Das Modell „{name}“ ist installiert.", icon=":material/check_circle:")
                        state.clear_status_cache()
                    except WorkbenchError as exc:
                        components.show_error(exc)
