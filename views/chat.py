"""Freier Chat: a multi-turn conversation through the gateway, with a notice under every answer."""

import streamlit as st

from workbench.chat import Conversation
from workbench.ui import components, readability, state
from workbench.ui.ask import Ask

KEY_CONVERSATION = "chat_conversation"

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
        if entry.role == "user":  # the prompt exactly as typed, not as Markdown
            components.literal(entry.content)
        else:
            st.markdown(entry.content)
        if entry.result is not None:
            components.result_footer(entry.result, key=f"chat_{index}")
    if entry.result is not None:  # below the answer, where it also stands while the answer is new
        readability.show_single(entry.content, key=f"chat_{index}_readability")


ask = Ask(gw, sel, "chat")
retry = ask.panel()
typed = st.chat_input("Ihre Frage oder Aufgabe …", key="chat_input")
question = (typed, None) if typed else (retry.text, retry.action) if retry else None
if question:
    ask.discard()  # a new question replaces one that was left unanswered
    with st.chat_message("user"):
        components.literal(question[0])  # exactly as typed, not as Markdown
    footer = f"chat_{len(conversation.entries) + 1}"  # the answer's index, as in the loop above
    answer = ask.turn(conversation, question[0], question[1], footer_key=footer)
    readability.show_single(answer.text, key=f"{footer}_readability")

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
