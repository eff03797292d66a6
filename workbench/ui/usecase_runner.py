"""Running a catalogue use case: form, prompt preview, sending through the gateway, follow-ups, downloads.

The kinds "plan" and "table" add their own result views (`usecase_plan`, `usecase_table`); this module
holds what all kinds share. Session-state keys carry the prefix ``uc_<id>_``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NoReturn

import streamlit as st

from workbench.chat import Conversation
from workbench.documents import SUPPORTED, read_document
from workbench.errors import PrivacyRefused, WorkbenchError
from workbench.exports import to_docx
from workbench.gateway import Gateway, Result
from workbench.policy import Schutzstufe
from workbench.structured import StructuredFormatError
from workbench.ui import components, privacy_panel, state
from workbench.usecases import Field, UseCase


def key(usecase: UseCase, name: str) -> str:
    return f"uc_{usecase.id}_{name}"


def form(usecase: UseCase) -> dict[str, object]:
    """The use case's form; returns the current values (prefilled with the defaults)."""
    values: dict[str, object] = {}
    for field in usecase.fields:
        widget_key = key(usecase, f"field_{field.name}")
        if field.type == "number":
            integral = all(isinstance(v, int) for v in (field.default, field.min, field.max) if v is not None)
            cast = int if integral else float
            values[field.name] = st.number_input(
                field.label,
                value=cast(field.default),
                min_value=None if field.min is None else cast(field.min),
                max_value=None if field.max is None else cast(field.max),
                help=field.help or None,
                key=widget_key,
            )
        elif field.type == "choice":
            values[field.name] = st.selectbox(
                field.label,
                field.options,
                index=field.options.index(field.default),
                help=field.help or None,
                key=widget_key,
            )
        elif field.type == "long_text":
            values[field.name] = st.text_area(
                field.label, value=str(field.default), help=field.help or None, key=widget_key
            )
        elif field.type == "file":
            values[field.name] = _file_field(usecase, field, widget_key)
        else:
            values[field.name] = st.text_input(
                field.label, value=str(field.default), help=field.help or None, key=widget_key
            )
    return values


def _file_field(usecase: UseCase, field: Field, widget_key: str) -> str:
    upload = st.file_uploader(
        f"{field.label}: Datei hochladen (optional)",
        type=list(SUPPORTED),
        key=f"{widget_key}_upload",
        help=field.help or None,
    )
    if upload is not None:
        try:
            text = read_document(upload.name, upload.getvalue())
            st.caption(f"Verwendet wird der Text aus „{upload.name}“.")
            return text
        except WorkbenchError as exc:
            components.show_error(exc)
    return st.text_area(f"{field.label} (Text)", value=str(field.default), height=220, key=widget_key)


def missing_required(usecase: UseCase, values: dict[str, object]) -> list[str]:
    return [f.label for f in usecase.fields if f.required and not str(values.get(f.name, "")).strip()]


def conversation(usecase: UseCase, values: dict[str, object]) -> Conversation:
    conv = st.session_state.get(key(usecase, "conversation"))
    if conv is None:
        conv = Conversation(system=usecase.render_system(values), title=f"{usecase.title} – KI-Werkbank")
        st.session_state[key(usecase, "conversation")] = conv
    return conv


def reset(usecase: UseCase) -> None:
    for name in list(st.session_state):
        if isinstance(name, str) and name.startswith(f"uc_{usecase.id}_") and "_field_" not in name:
            del st.session_state[name]


def recommended_level(usecase: UseCase, level: Schutzstufe) -> None:
    text = f"**Empfohlen: Schutzstufe {usecase.schutzstufe}.** {usecase.schutzstufe_reason}"
    if usecase.schutzstufe == 2 and level == Schutzstufe.ONE:
        st.warning(text + " Sie arbeiten gerade auf Schutzstufe 1.", icon=":material/shield:")
        st.button(
            "Auf Schutzstufe 2 wechseln",
            key=key(usecase, "to_stufe_2"),
            icon=":material/lock:",
            on_click=_switch_to_stufe_2,
        )
    else:
        st.info(text, icon=":material/shield:")


def _switch_to_stufe_2() -> None:
    state.set_schutzstufe(Schutzstufe.TWO)


def send(
    gw: Gateway,
    sel: state.Selection,
    usecase: UseCase,
    values: dict[str, object],
    prompt: str,
    *,
    schema: dict[str, Any] | None = None,
    action: str | None = None,
    show: bool = True,
) -> Result | None:
    """Send one turn of the exercise. On a refusal or an error the turn is kept for a retry."""
    conv = conversation(usecase, values)
    if sel.endpoint is None:
        _keep(usecase, prompt, schema, WorkbenchError(
            f"Auf Schutzstufe {int(sel.schutzstufe)} ist kein KI-Dienst nutzbar.",
            "Starten Sie Ollama (`ollama serve`) oder prüfen Sie die Dienste unter „Modelle & Status“.",
        ))  # fmt: skip
    request = conv.request(
        prompt,
        sel.schutzstufe,
        sel.endpoint.id,
        sel.model,
        action,
        json_schema=schema,
        purpose=f"anwendungsfall:{usecase.id}",
    )
    try:
        response = gw.chat(request)
    except WorkbenchError as exc:
        _keep(usecase, prompt, schema, exc)
    entry = conv.add_user(prompt)
    try:
        if show:
            with st.chat_message("assistant"):
                st.write_stream(response)
        else:
            with st.status("Die KI erstellt die strukturierte Antwort …", expanded=False) as status:
                st.write_stream(response)
                status.update(label="Antwort erhalten", state="complete")
        result = response.result
    except WorkbenchError as exc:
        conv.discard_failed(entry, request.schutzstufe)
        _keep(usecase, prompt, schema, exc)
    conv.add_result(result)
    return result


def ask_structured(
    gw: Gateway,
    sel: state.Selection,
    usecase: UseCase,
    values: dict[str, object],
    prompt: str,
    *,
    instruction: str,
    schema: dict[str, Any],
    parse: Callable[[str], object],
    store: str,
    action: str | None = None,
) -> None:
    """Send a turn that must come back as JSON; one retry if it cannot be read, then keep the text.

    Stores (parsed or None, result, error text or None) under the session key `store`.
    """
    result = send(
        gw, sel, usecase, values, f"{prompt}\n\n{instruction}", schema=schema, action=action, show=False
    )
    if result is None:
        return
    try:
        st.session_state[key(usecase, store)] = (parse(result.text), result, None)
        return
    except StructuredFormatError as first_error:
        retry = f"Ihre Antwort konnte nicht gelesen werden: {first_error} {instruction}"
        result = send(gw, sel, usecase, values, retry, schema=schema, show=False)
    if result is None:
        return
    try:
        st.session_state[key(usecase, store)] = (parse(result.text), result, None)
    except StructuredFormatError as error:
        st.session_state[key(usecase, store)] = (None, result, str(error))


def unreadable(usecase: UseCase, result: Result, what: str, error: str | None) -> None:
    """The fallback when the model gave no usable structure: its text, with the note why (if known)."""
    reason = f" ({error})" if error else ""
    st.warning(
        f"Die KI hat auch nach einer Nachfrage {what} geliefert{reason}. Ihre Antwort als Text:",
        icon=":material/warning:",
    )
    st.markdown(result.text)
    components.result_footer(result, key=key(usecase, "unreadable"))


def _keep(usecase: UseCase, prompt: str, schema: dict[str, Any] | None, exc: WorkbenchError) -> NoReturn:
    st.session_state[key(usecase, "failed")] = (prompt, schema, exc)
    st.rerun()


def retry_panel(gw: Gateway, usecase: UseCase) -> tuple[str, dict[str, Any] | None, str | None] | None:
    """Show why the last turn was not answered; returns (prompt, schema, action) when the person retries."""
    failed = st.session_state.get(key(usecase, "failed"))
    if not failed:
        return None
    prompt, schema, exc = failed
    choice = None
    with st.container(border=True):
        if isinstance(exc, PrivacyRefused):
            local = gw.default_endpoint(2)
            choice = privacy_panel.held_back(
                exc, prompt, key=key(usecase, "privacy"), local_endpoint_id=local.id if local else None
            )
            st.caption("Ändern Sie die Angaben im Formular oben, um die markierten Stellen zu entfernen.")
        else:
            components.show_error(exc)
        if st.button("Erneut senden", key=key(usecase, "retry"), icon=":material/send:"):
            choice = "send"
    if choice:
        del st.session_state[key(usecase, "failed")]
        return prompt, schema, None if choice == "send" else choice
    return None


def history(usecase: UseCase) -> None:
    """The conversation so far (structured kinds show their results separately)."""
    conv: Conversation | None = st.session_state.get(key(usecase, "conversation"))
    if conv is None:
        return
    for index, entry in enumerate(conv.entries):
        with st.chat_message(entry.role):
            st.markdown(entry.content)
            if entry.result is not None:
                components.result_footer(entry.result, key=key(usecase, f"turn_{index}"))


def downloads(usecase: UseCase) -> None:
    conv: Conversation | None = st.session_state.get(key(usecase, "conversation"))
    if conv is None:
        return
    last = conv.last_result()
    if last is None:
        return
    cols = st.columns(3)
    cols[0].download_button(
        "Letzte Antwort (Word)",
        to_docx(usecase.title, last.text, last.notice),
        f"{usecase.id}.docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        icon=":material/description:",
        key=key(usecase, "docx"),
    )
    cols[1].download_button(
        "Letzte Antwort (Markdown)", last.markdown(usecase.title), f"{usecase.id}.md", "text/markdown",
        icon=":material/download:", key=key(usecase, "md"),
    )  # fmt: skip
    cols[2].download_button(
        "Ganzer Verlauf (Markdown)", conv.export_markdown(), f"{usecase.id}-verlauf.md", "text/markdown",
        icon=":material/download:", key=key(usecase, "history_md"),
    )  # fmt: skip
