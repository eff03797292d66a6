"""Freier Chat: a multi-turn conversation through the gateway, with a notice under every answer."""

import streamlit as st

from workbench.chat import Conversation
from workbench.errors import PrivacyRefused, WorkbenchError
from workbench.ui import components, privacy_panel, state

KEY_CONVERSATION = "chat_conversation"
KEY_PENDING = "chat_pending"  # (prompt, privacy action) to (re)send on this run
KEY_DRAFT = "chat_draft"  # the text of a prompt that was not answered, kept for editing
KEY_ERROR = "chat_error"  # why it was not answered

gw = state.gateway()
sel = state.selection(gw)
conversation: Conversation = st.session_state.setdefault(KEY_CONVERSATION, Conversation())

st.title("Freier Chat")
st.caption(
    f"Stellen Sie Fragen oder geben Sie Aufgaben – mehrere Runden sind möglich. Aktuell: {sel.description}."
)

if conversation.is_locked_to_stufe_2(sel.schutzstufe):
    st.info(
        "Dieser Verlauf enthält Eingaben aus Schutzstufe 2 und bleibt deshalb auf Schutzstufe 2: Er geht nicht an "
        "öffentliche Dienste. Beginnen Sie einen neuen Chat, um auf Schutzstufe 1 zu arbeiten.",
        icon=":material/lock:",
    )

for index, entry in enumerate(conversation.entries):
    with st.chat_message(entry.role):
        st.markdown(entry.content)
        if entry.result is not None:
            components.result_footer(entry.result, key=f"chat_{index}")


def keep_unanswered(prompt: str, exc: WorkbenchError) -> None:
    st.session_state[KEY_DRAFT] = prompt
    st.session_state[KEY_ERROR] = exc
    st.rerun()


def send(prompt: str, privacy_action: str | None) -> None:
    if sel.endpoint is None:
        keep_unanswered(
            prompt,
            WorkbenchError(
                f"Auf Schutzstufe {int(sel.schutzstufe)} ist kein KI-Dienst nutzbar.",
                "Starten Sie Ollama (`ollama serve`) oder prüfen Sie die Dienste unter „Modelle & Status“.",
            ),
        )
    request = conversation.request(prompt, sel.schutzstufe, sel.endpoint.id, sel.model, privacy_action)
    try:
        response = gw.chat(request)  # checks policy and personal data before anything is shown or sent
    except WorkbenchError as exc:
        keep_unanswered(prompt, exc)
    entry = conversation.add_user(prompt)
    with st.chat_message("user"):
        st.markdown(prompt)
    with st.chat_message("assistant"):
        try:
            st.write_stream(response)
            result = response.result
        except WorkbenchError as exc:
            conversation.discard_failed(entry, request.schutzstufe)
            keep_unanswered(prompt, exc)
        conversation.add_result(result)
        components.result_footer(result, key=f"chat_{len(conversation.entries) - 1}")


draft = st.session_state.get(KEY_DRAFT)
if draft:
    with st.container(border=True):
        error = st.session_state.get(KEY_ERROR)
        choice = None
        if isinstance(error, PrivacyRefused):
            local = gw.default_endpoint(2)
            choice = privacy_panel.held_back(
                error, draft, key="chat_privacy", local_endpoint_id=local.id if local else None
            )
        elif isinstance(error, WorkbenchError):
            components.show_error(error)
            st.markdown("**Ihre letzte Eingabe wurde nicht beantwortet.** Sie ist nicht verloren:")
        edited = st.text_area("Eingabe bearbeiten", value=draft, key="chat_draft_editor")
        retry, discard = st.columns(2)
        if retry.button("Erneut senden", icon=":material/send:"):
            choice = "send"
        if choice:
            st.session_state[KEY_PENDING] = (edited, choice if choice != "send" else None)
            st.session_state.pop(KEY_DRAFT, None)
            st.rerun()
        if discard.button("Verwerfen", icon=":material/delete:"):
            st.session_state.pop(KEY_DRAFT, None)
            st.rerun()

typed = st.chat_input("Ihre Frage oder Aufgabe …", key="chat_input")
pending = (typed, None) if typed else st.session_state.pop(KEY_PENDING, None)
if pending:
    send(*pending)

if conversation.entries:
    st.divider()
    cols = st.columns(4)
    cols[0].download_button(
        "Gespräch (Markdown)", conversation.export_markdown(), "gespraech.md", "text/markdown",
        icon=":material/download:",
    )  # fmt: skip
    cols[1].download_button(
        "Gespräch (Text)",
        conversation.export_text(),
        "gespraech.txt",
        "text/plain",
        icon=":material/download:",
    )
    cols[2].download_button(
        "Gespräch (JSON)", conversation.export_json(), "gespraech.json", "application/json",
        icon=":material/download:",
    )  # fmt: skip
    if cols[3].button("Neuen Chat beginnen", icon=":material/restart_alt:"):
        st.session_state[KEY_CONVERSATION] = Conversation()
        st.rerun()
