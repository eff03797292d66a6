"""Anwendungsfälle: any catalogue exercise – form, prompt preview, answer with notice, follow-ups, downloads."""

import streamlit as st

from workbench.plan import JSON_INSTRUCTION
from workbench.ui import state, usecase_plan, usecase_runner, usecase_table
from workbench.usecases import read_catalog

gw = state.gateway()
sel = state.selection(gw)
catalog = read_catalog(gw.settings)
for problem in catalog.problems:
    st.warning(f"**Anwendungsfall nicht geladen:** {problem}", icon=":material/warning:")
if not catalog.usecases:
    st.info("Es sind keine Anwendungsfälle vorhanden.", icon=":material/info:")
    st.stop()

ids = [u.id for u in catalog.usecases]
requested = st.query_params.get("id")
if requested in ids and requested != st.session_state.get("usecase_last_link"):
    st.session_state["usecase_id"] = requested  # arrived through a link (Start page card)
    st.session_state["usecase_last_link"] = requested
state.restore_input("usecase_id", ids[0])  # back from another page: the exercise the person had open
if st.session_state["usecase_id"] not in ids:
    st.session_state["usecase_id"] = ids[0]
chosen = st.selectbox(
    "Anwendungsfall",
    ids,
    format_func=lambda i: f"{catalog.get(i).category} · {catalog.get(i).title}",
    key="usecase_id",
)
if chosen != requested:
    st.query_params["id"] = st.session_state["usecase_last_link"] = chosen
state.remember_input("usecase_id")
usecase = catalog.get(chosen)

st.title(usecase.title)
st.caption(f"{usecase.category} · {usecase.guideline}" if usecase.guideline else usecase.category)
st.markdown(usecase.description)
usecase_runner.recommended_level(usecase, sel.schutzstufe)

form_column, tips_column = st.columns([3, 1])
with form_column:
    values = usecase_runner.form(usecase)
with tips_column, st.container(border=True):
    st.markdown("**Worauf achten?**")
    for tip in usecase.tips:
        st.markdown(f"- {tip}")

prompt = usecase.render(values)
system = usecase.render_system(values)
with st.expander("Vorschau: Das wird an das Modell gesendet", icon=":material/visibility:"):
    if system:
        st.caption("Anweisung an das Modell (Systemnachricht):")
        st.code(system, language=None, wrap_lines=True)
    st.code(
        prompt + (f"\n\n{JSON_INSTRUCTION}" if usecase.kind == "plan" else ""), language=None, wrap_lines=True
    )
    st.caption(f"Ziel: {sel.description}. Vor dem Versand prüft der Datenschutz-Check den gesamten Text.")

missing = usecase_runner.missing_required(usecase, values)
send_column, reset_column = st.columns([1, 1])
start = send_column.button(
    "An das Modell senden",
    type="primary",
    icon=":material/send:",
    disabled=bool(missing),
    key=f"uc_{usecase.id}_send_btn",
)
if missing:
    st.caption("Bitte ausfüllen: " + ", ".join(missing))
if reset_column.button("Von vorn beginnen", icon=":material/restart_alt:", key=f"uc_{usecase.id}_reset"):
    usecase_runner.reset(usecase)
    st.rerun()

ask = {"plan": usecase_plan.ask_for_plan, "table": usecase_table.ask_for_rows}.get(usecase.kind)
unresolved = usecase_runner.asker(gw, sel, usecase).unresolved
retry = usecase_runner.retry_panel(gw, sel, usecase)
turn = (prompt, None) if start else retry
# Follow-ups build on an answer; while the last question is held back or failed they would go out
# without it, so they wait until it is resolved above.
answered = usecase_runner.has_answer(usecase)
unresolved = unresolved and not retry
if answered:
    with st.container(horizontal=True):
        for followup in usecase.followups:
            if st.button(
                followup.label,
                key=f"uc_{usecase.id}_fu_{followup.label}",
                icon=":material/auto_fix_high:",
                disabled=unresolved,
            ):
                turn = (followup.prompt, None)
    if unresolved:
        st.caption("Verfeinern können Sie, sobald die letzte Anfrage oben beantwortet ist.")

if usecase.kind == "text":
    usecase_runner.history(usecase)
    if unresolved:  # said here too: the panel above may be far out of sight after a long conversation
        st.warning(
            "Ihre letzte Anfrage wurde nicht gesendet. Warum, und was Sie tun können, steht oben unter "
            "„An das Modell senden“ – Ihre Eingabe ist dort erhalten.",
            icon=":material/arrow_upward:",
        )
    free = st.chat_input("Nachfrage oder Änderungswunsch …", key=f"uc_{usecase.id}_chat", disabled=unresolved)
    if free:
        turn = (free, None)
    if turn:
        with st.chat_message("user"):
            st.markdown(turn[0])
        if usecase_runner.send(gw, sel, usecase, values, turn[0], action=turn[1]):
            st.rerun()
    usecase_runner.downloads(usecase)
else:
    if answered:
        with st.form(f"uc_{usecase.id}_own_request", clear_on_submit=True, border=False):
            own = st.text_input(
                "Eigener Änderungswunsch",
                placeholder="Was soll die KI ändern oder ergänzen?",
                key=f"uc_{usecase.id}_own_text",
            )
            if (
                st.form_submit_button("Änderung anfordern", icon=":material/edit_note:", disabled=unresolved)
                and own.strip()
            ):
                turn = (own.strip(), None)
    if turn:
        ask(gw, sel, usecase, values, turn[0], action=turn[1])
        st.rerun()  # show the result together with the refinement buttons
    if usecase.kind == "plan":
        usecase_plan.show(gw, sel, usecase, values)
    else:
        usecase_table.show(usecase)
    with st.expander("Verlauf mit der KI (Rohantworten)", icon=":material/history:"):
        usecase_runner.history(usecase)
