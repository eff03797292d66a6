"""The one widget through which a screen asks a model.

It sends a turn of a `Conversation` (a fresh one for a single question), streams the answer, and when
the gateway holds the question back or the answer fails, it keeps the question: the next script run
shows why (the privacy panel with its choices, or the German error), the text in an editable box, and
"Erneut senden" / "Verwerfen". Chat, use cases, the sponsor page and the agent use it, so a held-back
or failed turn looks and behaves the same everywhere, and the conversation's Schutzstufe lock (see
`workbench.chat`) is never bypassed.

Callers pass a key prefix; the widget owns the session keys under it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, NoReturn

import streamlit as st

from workbench.chat import Conversation, PendingTurn
from workbench.errors import PolicyRefused, PrivacyRefused, WorkbenchError
from workbench.gateway import Gateway, Result
from workbench.policy import PrivacyAction, parse_privacy_action
from workbench.ui import components, privacy_panel, state

Display = Literal["chat", "status", "plain"]


@dataclass(frozen=True)
class Retry:
    """The person's choice in the panel: the (possibly edited) text, and how to send it."""

    text: str
    action: PrivacyAction | None
    original: str  # the text as it was held back, so callers can tell which question it was
    context: Any = None  # what the caller stored with the question (e.g. its JSON schema)


@dataclass(frozen=True)
class _Unresolved:
    text: str
    error: WorkbenchError
    context: Any
    serial: int  # a new editor widget for every kept question, so it starts with that question's text
    situation: tuple[int, str | None] = (0, None)  # Schutzstufe and service when it was held back


def no_endpoint(level: int) -> WorkbenchError:
    return WorkbenchError(
        f"Auf Schutzstufe {level} ist kein KI-Dienst nutzbar.",
        "Starten Sie Ollama (`ollama serve`) oder prüfen Sie die Dienste unter „Modelle & Status“.",
    )


class Ask:
    def __init__(self, gw: Gateway, sel: state.Selection, key: str, *, editable: bool = True) -> None:
        self.gw = gw
        self.sel = sel
        self.key = key
        self.editable = editable  # computed questions (agent steps) are retried, not edited

    @property
    def _state_key(self) -> str:
        return f"{self.key}_unresolved"

    @property
    def unresolved(self) -> bool:
        """Whether a question waits in the panel (held back or failed); follow-ups should wait too."""
        return self._state_key in st.session_state

    def keep(self, text: str, error: WorkbenchError, context: Any = None) -> NoReturn:
        """Keep an unanswered question for the panel and start the next script run."""
        serial = st.session_state.get(f"{self.key}_serial", 0) + 1
        st.session_state[f"{self.key}_serial"] = serial
        st.session_state[self._state_key] = _Unresolved(text, error, context, serial, self._situation())
        st.rerun()

    def discard(self) -> None:
        st.session_state.pop(self._state_key, None)

    def _situation(self) -> tuple[int, str | None]:
        return int(self.sel.schutzstufe), self.sel.endpoint.id if self.sel.endpoint else None

    def panel(self, *, edit_hint: str | None = None) -> Retry | None:
        """Show the unresolved question, if any; returns the retry when the person chose one."""
        pending: _Unresolved | None = st.session_state.get(self._state_key)
        if pending is None:
            return None
        choice: str | None = None
        slot = st.empty()  # cleared at once when the person decides, so the answer shows below alone
        with slot.container(border=True):
            switched_here = st.session_state.get(f"{self.key}_privacy_stufe2")  # the panel's own button
            if (
                isinstance(pending.error, PolicyRefused)
                and pending.situation != self._situation()
                and not switched_here
            ):
                # the gate's message was about the level or service of then; it would mislead now
                st.info(
                    "Sie haben seitdem die Schutzstufe oder den KI-Dienst gewechselt; die Meldung von vorhin gilt "
                    "nicht mehr. Ihre Eingabe ist noch da: Senden Sie sie erneut, dann prüft die Werkbank sie für "
                    "die neue Auswahl.",
                    icon=":material/sync:",
                )
            elif isinstance(pending.error, PrivacyRefused):
                local = self.gw.default_endpoint(2)
                choice = privacy_panel.held_back(
                    pending.error,
                    pending.text,
                    key=f"{self.key}_privacy",
                    local_endpoint_id=local.id if local else None,
                    editable=self.editable,
                )
            else:
                components.show_error(pending.error)
                st.markdown("**Ihre Anfrage wurde nicht beantwortet.** Sie ist nicht verloren:")
            text = pending.text
            if self.editable:
                text = st.text_area(
                    "Eingabe bearbeiten",
                    value=pending.text,
                    key=f"{self.key}_editor_{pending.serial}",
                    height="content",
                )
            if edit_hint:
                st.caption(edit_hint)
            with st.container(horizontal=True):
                if st.button("Erneut senden", key=f"{self.key}_retry", icon=":material/send:"):
                    choice = "send"
                if st.button("Verwerfen", key=f"{self.key}_discard", icon=":material/delete:"):
                    self.discard()
                    st.rerun()
        if choice is None:
            return None
        slot.empty()
        self.discard()
        return Retry(text, parse_privacy_action(choice), pending.text, pending.context)

    def turn(
        self,
        conversation: Conversation,
        prompt: str,
        action: PrivacyAction | None = None,
        *,
        display: Display = "chat",
        json_schema: dict[str, Any] | None = None,
        purpose: str = "chat",
        context: Any = None,
        status_label: str = "Die KI arbeitet …",
        footer_key: str | None = None,
    ) -> Result:
        """Ask and stream the answer. A refusal or failure keeps the question and reruns the script."""
        if self.sel.endpoint is None:
            self.keep(prompt, no_endpoint(int(self.sel.schutzstufe)), context)
        try:
            pending = conversation.ask(
                self.gw,
                prompt,
                self.sel.schutzstufe,
                self.sel.endpoint.id,
                self.sel.model,
                action,
                json_schema=json_schema,
                purpose=purpose,
            )
        except WorkbenchError as exc:  # refused before anything left
            self.keep(prompt, exc, context)
        try:
            result = _stream(pending, display, status_label, footer_key)
        except WorkbenchError as exc:  # the question was dropped again; the level lock stays
            self.keep(prompt, exc, context)
        components.show_record_problem(self.gw)  # the answer came, but its record may not have
        return result


def _stream(pending: PendingTurn, display: Display, status_label: str, footer_key: str | None) -> Result:
    if display == "chat":
        with st.chat_message("assistant"):
            st.write_stream(pending)
            result = pending.result
            if footer_key is not None:
                components.result_footer(result, key=footer_key)
        return result
    if display == "status":
        with st.status(status_label, expanded=False) as status:
            st.write_stream(pending)
            status.update(label="Antwort erhalten", state="complete")
        return pending.result
    st.write_stream(pending)
    return pending.result
