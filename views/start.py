"""Start: what the workbench is, the Schutzstufen, the use cases, and what to do next."""

import streamlit as st

from workbench.policy import Schutzstufe
from workbench.ui import state
from workbench.usecases import read_catalog
from workbench.usecases_overview import TOOLS

gw = state.gateway()
sel = state.selection(gw)

st.title("KI-Werkbank")
st.markdown(
    "Der Experimentierraum für generative KI in der Verwaltung: Probieren Sie Anwendungsfälle aus, "
    "vergleichen Sie lokale und öffentliche Modelle und lernen Sie, worauf es beim sicheren Einsatz ankommt. "
    "Jede KI-Antwort trägt einen **Transparenzhinweis**, und die **Letztverantwortung** bleibt bei Ihnen."
)

user = state.user(gw.settings)
if user.sandbox:
    st.caption(
        ":material/person: **Einzelplatz-Sandbox:** Eine Anmeldung ist nicht eingerichtet. Wer diese Werkbank "
        "öffnet, kann alles: Workshops anlegen und auswerten, das Protokoll für den Datenschutz lesen, Modelle "
        "laden. Für den Betrieb in einer Organisation richtet die IT die Anmeldung mit Rollen ein (siehe README, "
        "„Betrieb in einer Organisation“)."
    )
else:
    st.caption(
        f":material/badge: Angemeldet als **{user.display_name or 'Person ohne Namen'}** – Ihre Rollen: "
        + (", ".join(user.role_labels) or "Teilnahme an Übungen")
        + ". In Protokollen erscheinen Sie nur unter einem Pseudonym."
    )

ollama = gw.settings.endpoint("ollama")
if ollama is not None:
    status = state.endpoint_status(gw, "ollama", sel.schutzstufe)
    if status.error is not None:
        st.warning(
            "**Das lokale Modell ist noch nicht erreichbar.** So geht es weiter:\n"
            "1. Ollama installieren (ollama.com) und starten: `ollama serve`\n"
            f"2. Ein Modell laden: `ollama pull {ollama.default_model}` – oder auf der Seite „Modelle & Status“\n"
            "3. Für Schutzstufe 1 optional einen öffentlichen Dienst anbinden: Umgebungsvariable "
            "`OPENAI_API_KEY` setzen und die Werkbank neu starten",
            icon=":material/info:",
        )
    elif not status.models:
        st.info(
            f"Ollama läuft, aber es ist noch kein Modell installiert. Laden Sie eines mit "
            f"`ollama pull {ollama.default_model}` oder auf der Seite „Modelle & Status“.",
            icon=":material/download:",
        )

st.subheader("Die Schutzstufen")
st.caption("Nach dem Stufenmodell der VITAKO/KGSt-Guideline „Generative KI in Kommunalverwaltungen“.")
left, right = st.columns(2)
for column, level in ((left, Schutzstufe.ONE), (right, Schutzstufe.TWO)):
    with column.container(border=True):
        current = " (aktuell gewählt)" if level == sel.schutzstufe else ""
        st.markdown(f"**{level.title}{current}**")
        st.markdown(level.explanation)
        if level is Schutzstufe.ONE:
            st.caption(
                "Beispiele: Ideen für eine Veranstaltung, ein Text ohne Namen, eine allgemeine Recherche."
            )
        else:
            st.caption("Beispiele: eine Bürgeranfrage mit Namen und Adresse, ein Bescheid, interne Vorgänge.")
st.markdown(
    "Im Zweifel gilt **Schutzstufe 2**: Die Werkbank sendet dann nur an Dienste, die Ihre Organisation als "
    "lokal freigegeben hat. Öffentliche Dienste sind auf dieser Stufe gesperrt – auch für Verbindungstests."
)

st.subheader("Anwendungsfälle")
st.caption("Geführte Übungen aus der Guideline und dem Verwaltungsalltag – mit vorausgefüllten Beispielen.")
catalog = read_catalog(gw.settings)
for category, usecases in catalog.by_category().items():
    st.markdown(f"**{category}**")
    columns = st.columns(3)
    for index, usecase in enumerate(usecases):
        with columns[index % 3].container(border=True):
            st.markdown(f"**{usecase.title}**")
            st.badge(
                f"empfohlen: Schutzstufe {usecase.schutzstufe}",
                color="orange" if usecase.schutzstufe == 2 else "green",
                icon=":material/shield:",
            )
            st.caption(usecase.description)
            st.page_link(
                "views/usecase.py",
                label="Übung starten",
                icon=":material/arrow_forward:",
                query_params={"id": usecase.id},
            )

st.subheader("Werkzeuge")
st.page_link("views/chat.py", label="Freier Chat – jetzt ausprobieren", icon=":material/chat:")
columns = st.columns(len(TOOLS))
for column, tool in zip(columns, TOOLS, strict=True):
    with column.container(border=True):
        st.markdown(f"**{tool.title}**")
        st.caption(f"{tool.category} · empfohlen: Schutzstufe {tool.schutzstufe}")
        st.markdown(tool.description)
        if tool.page:
            st.page_link(tool.page, label="Öffnen", icon=":material/arrow_forward:")
        else:
            st.badge("in Vorbereitung", color="gray")
