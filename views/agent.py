"""KI-Agent in Schritten: waste-collection tours, four steps, a person approves each one."""

from pathlib import Path

import streamlit as st

from workbench.agent import STEPS, AgentHistory, run_step, supports_tools
from workbench.errors import PrivacyRefused, WorkbenchError
from workbench.exports import to_csv, to_docx, to_xlsx
from workbench.routes import FILES
from workbench.transparency import computed_notice
from workbench.ui import agent_view, cache, components, state
from workbench.ui.ask import Ask

SAMPLE = Path(__file__).resolve().parent.parent / "sample_data" / "abfalltouren"
FLAGGING_STEP = 3  # "Auffällige Touren und Bürgerfeedback"

gw = state.gateway()
sel = state.selection(gw)
st.title("KI-Agent in Schritten: Abfalltouren prüfen")
st.markdown(
    "Ein KI-Agent arbeitet die vier Schritte aus der Guideline ab: Daten zusammenführen, Mengen mit GPS prüfen, "
    "auffällige Touren mit Bürgerfeedback abgleichen, Diagramme und Empfehlungen. Die **Fakten rechnet die "
    "Werkbank** (nachprüfbar, ohne KI); das Modell wählt die Werkzeuge und kommentiert. **Vor jedem Schritt "
    "entscheiden Sie**, ob es weitergeht – die Letztverantwortung bleibt bei Ihnen."
)
st.info(
    "An das Modell gehen nur Zahlen und Zusammenfassungen. Die Beschwerdetexte enthalten Namen und Anschriften; "
    "sie bleiben in der Werkbank und werden nur gezählt. Zusätzlich prüft der Datenschutz-Check jede Anfrage.",
    icon=":material/shield:",
)

left, right = st.columns([2, 1])
with left:
    uploads = st.file_uploader(
        "Vier CSV-Dateien: touren.csv, mengen.csv, gps.csv, beschwerden.csv",
        type=["csv"],
        accept_multiple_files=True,
        key="ag_upload",
    )
    if st.button("Beispieldaten der Musterstadt verwenden", icon=":material/dataset:"):
        st.session_state["ag_source"] = "sample"
with right:
    st.download_button(
        "Vorlage (ZIP mit vier CSV-Dateien)",
        agent_view.template_zip(),
        "abfalltouren-vorlage.zip",
        "application/zip",
        icon=":material/download:",
    )
try:
    if uploads:
        key = cache.digest(
            {f.name: cache.upload_digest(f.name, f.file_id, f.getvalue).encode() for f in uploads}
        )
        data = cache.route_data(key, lambda: {f.name: f.getvalue() for f in uploads})
    elif st.session_state.get("ag_source") == "sample":
        key = cache.folder_digest(SAMPLE, [name for name, _ in FILES.values()])
        data = cache.route_data(key, lambda: SAMPLE)
    else:
        st.info(
            "Laden Sie die vier Dateien hoch oder verwenden Sie die Beispieldaten.",
            icon=":material/upload_file:",
        )
        st.stop()
except WorkbenchError as exc:
    components.show_error(exc)
    st.stop()
analysis = cache.route_analysis(key, data)

can_call_tools = sel.endpoint is not None and supports_tools(gw, sel.endpoint.id, sel.model, sel.schutzstufe)
mode = st.radio(
    "Arbeitsweise des Agenten",
    ["Werkzeugaufrufe", "Geführter Modus"],
    index=0 if can_call_tools else 1,
    horizontal=True,
    key="ag_mode",
    help="Werkzeugaufrufe: Das Modell ruft die Werkzeuge selbst auf. Geführter Modus: Die Werkbank ruft sie der Reihe "
    "nach auf, das Modell kommentiert nur (für Modelle ohne Werkzeugunterstützung).",
)
if mode == "Werkzeugaufrufe" and not can_call_tools:
    st.warning(
        "Das gewählte Modell unterstützt keine Werkzeugaufrufe; nutzen Sie den geführten Modus.",
        icon=":material/build:",
    )

if st.session_state.get("ag_data") not in (None, key) and st.session_state.get("ag_outcomes"):
    # other data: the steps, comments and any held-back step of the old data do not belong to it
    for name in ("ag_outcomes", "ag_history", "ag_stopped"):
        st.session_state.pop(name, None)
    Ask(gw, sel, "ag_step", editable=False).discard()
    st.info("Neue Daten geladen: Der Agent beginnt von vorn.", icon=":material/restart_alt:")
st.session_state["ag_data"] = key
outcomes = st.session_state.setdefault("ag_outcomes", [])
history: AgentHistory = st.session_state.setdefault("ag_history", AgentHistory())
if history.is_locked_to_stufe_2(sel.schutzstufe):
    st.info(
        "Dieser Agentenlauf hat Daten auf Schutzstufe 2 gesendet und bleibt deshalb auf Schutzstufe 2: Seine "
        "Nachrichten gehen nicht an öffentliche Dienste. Beginnen Sie neu, um auf Schutzstufe 1 zu arbeiten.",
        icon=":material/lock:",
    )
for index, outcome in enumerate(outcomes):
    agent_view.step_card(outcome, key=f"ag_step_{index}")
if len(outcomes) == len(STEPS):
    agent_view.charts(key, data, analysis)

stopped = st.session_state.get("ag_stopped", False)
ask = Ask(gw, sel, "ag_step", editable=False)  # a step's messages are computed: retried, not edited
retry = ask.panel()
if len(outcomes) < len(STEPS) and not stopped and sel.endpoint is not None:
    upcoming = STEPS[len(outcomes)]
    st.markdown(f"**Nächster Schritt {upcoming.number}: {upcoming.title}** – {upcoming.intent}")
    go, stop = st.columns(2)
    label = "Agent starten" if not outcomes else "Weiter"
    if (
        go.button(
            f"{label}: Schritt {upcoming.number} ausführen",
            type="primary",
            icon=":material/play_arrow:",
            key="ag_next",
            disabled=ask.unresolved and retry is None,  # the held-back or failed step comes first
        )
        or retry
    ):
        with st.spinner(f"Schritt {upcoming.number} läuft …"):
            mark = len(history.messages)
            try:
                outcomes.append(
                    run_step(gw, data, upcoming, history, schutzstufe=sel.schutzstufe, endpoint_id=sel.endpoint.id,
                             model=sel.model, use_tools=mode == "Werkzeugaufrufe" and can_call_tools,
                             privacy_action=retry.action if retry else None)
                )  # fmt: skip
            except WorkbenchError as exc:
                # the text the findings point into: the last message with a finding, as it was sent
                findings = exc.findings if isinstance(exc, PrivacyRefused) else ()
                index = max((f.message for f in findings), default=len(history.messages) - 1)
                shown = str(history.messages[index].get("content") or "") if history.messages else ""
                del history.messages[mark:]  # the step is not done; its level lock stays
                ask.keep(shown or upcoming.instruction, exc)
        st.rerun()
    if outcomes and stop.button("Anhalten", icon=":material/stop:", key="ag_stop"):
        st.session_state["ag_stopped"] = True
        st.rerun()
elif stopped:
    st.info(
        "Sie haben den Agenten angehalten. Die bisherigen Schritte bleiben sichtbar.",
        icon=":material/pan_tool:",
    )
if outcomes and st.button("Neu beginnen", icon=":material/restart_alt:", key="ag_reset"):
    for name in ("ag_outcomes", "ag_history", "ag_stopped"):
        st.session_state.pop(name, None)
    ask.discard()  # a question of the old run does not wait in the new one
    st.rerun()

if len(outcomes) < FLAGGING_STEP:
    # the exercise is finding the anomalous tours: the computed answer is shown once the agent got there
    st.caption(
        f":material/visibility_off: Das Ergebnis der Berechnung erscheint, sobald der Agent Schritt {FLAGGING_STEP} "
        f"„{STEPS[FLAGGING_STEP - 1].title}“ erledigt hat."
    )
    st.stop()
st.subheader("Ergebnis der Berechnung (ohne KI)")
for finding in analysis.attrs.get("findings", []):
    st.caption(f":material/report: {finding}")
flagged = agent_view.for_people(analysis[analysis["flagged"]])
components.table(flagged[["Tour", "Bezirk", "Fraktion", "Auffälligkeiten", "Beschwerden"]], hide_index=True)
notice = computed_notice(
    "Regelbasierte Prüfung der Touren (Median, MAD, GPS-Schüttungen).", gw.settings.organisation
)
components.notice_box(notice)
cols = st.columns(3)
cols[0].download_button(
    "Auffällige Touren (CSV)",
    lambda: to_csv(agent_view.for_people(analysis), notice),  # built when clicked, not on every rerun
    "touren-analyse.csv",
    "text/csv",
    icon=":material/table:",
)
cols[1].download_button("Auffällige Touren (Excel)", lambda: to_xlsx(agent_view.for_people(analysis), notice, "Touren"), "touren-analyse.xlsx",
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", icon=":material/grid_on:")  # fmt: skip
if outcomes:
    last = next((o.comment for o in reversed(outcomes) if o.comment is not None), None)
    report = agent_view.report_markdown(outcomes, analysis)
    if last is not None:
        notice_of_last = last.notice
        cols[2].download_button("Bericht (Word)", lambda: to_docx("Abfalltouren – Bericht", report, notice_of_last), "abfalltouren-bericht.docx",
                                "application/vnd.openxmlformats-officedocument.wordprocessingml.document", icon=":material/description:")  # fmt: skip
        st.download_button(
            "Bericht (Markdown)",
            report,
            "abfalltouren-bericht.md",
            "text/markdown",
            icon=":material/download:",
        )
