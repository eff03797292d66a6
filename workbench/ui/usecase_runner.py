"""Running a catalogue use case: form, prompt preview, sending through the gateway, follow-ups, downloads.

The kinds "plan" and "table" add their own result views (`usecase_plan`, `usecase_table`); this module
holds what all kinds share. Session-state keys carry the prefix ``uc_<id>_``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from workbench.chat import Conversation
from workbench.documents import SUPPORTED, read_document
from workbench.errors import WorkbenchError
from workbench.exports import to_docx
from workbench.gateway import Gateway, Result
from workbench.policy import PrivacyAction, Schutzstufe
from workbench.structured import StructuredFormatError
from workbench.ui import components, readability, state
from workbench.ui.ask import Ask
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
            state.restore_input(widget_key, cast(field.default))
            values[field.name] = st.number_input(
                field.label,
                min_value=None if field.min is None else cast(field.min),
                max_value=None if field.max is None else cast(field.max),
                help=field.help or None,
                key=widget_key,
            )
        elif field.type == "choice":
            state.restore_input(widget_key, field.default)
            values[field.name] = st.selectbox(
                field.label,
                field.options,
                help=field.help or None,
                key=widget_key,
            )
        elif field.type == "long_text":
            state.restore_input(widget_key, str(field.default))
            values[field.name] = st.text_area(field.label, help=field.help or None, key=widget_key)
        elif field.type == "file":
            values[field.name] = _file_field(usecase, field, widget_key)
        else:
            state.restore_input(widget_key, str(field.default))
            values[field.name] = st.text_input(field.label, help=field.help or None, key=widget_key)
        if field.type != "file":
            state.remember_input(widget_key)
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
            text = read_document(upload.name, upload.getvalue(), max_mb=state.settings().max_upload_mb)
            st.caption(f"Verwendet wird der Text aus „{upload.name}“.")
            return text
        except WorkbenchError as exc:
            components.show_error(exc)
    state.restore_input(widget_key, str(field.default))
    text = st.text_area(f"{field.label} (Text)", height=220, key=widget_key)
    state.remember_input(widget_key)
    return text


def missing_required(usecase: UseCase, values: dict[str, object]) -> list[str]:
    return [f.label for f in usecase.fields if f.required and not str(values.get(f.name, "")).strip()]


def conversation(usecase: UseCase, values: dict[str, object]) -> Conversation:
    conv = st.session_state.get(key(usecase, "conversation"))
    if conv is None:
        conv = Conversation(
            system=usecase.render_system(values),
            title=f"{usecase.title} – KI-Werkbank",
            max_tokens=usecase.max_tokens,
        )
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


def asker(gw: Gateway, sel: state.Selection, usecase: UseCase) -> Ask:
    """The exercise's ask widget: its held-back or failed question waits in one panel."""
    return Ask(gw, sel, key(usecase, "ask"))


def send(
    gw: Gateway,
    sel: state.Selection,
    usecase: UseCase,
    values: dict[str, object],
    prompt: str,
    *,
    schema: dict[str, Any] | None = None,
    action: PrivacyAction | None = None,
    show: bool = True,
    instruction: str | None = None,
) -> Result:
    """Send one turn of the exercise. On a refusal or an error the turn is kept for a retry (rerun)."""
    if usecase.readability:
        _remember_source(usecase, values, prompt)
    return asker(gw, sel, usecase).turn(
        conversation(usecase, values),
        f"{prompt}\n\n{instruction}" if instruction else prompt,
        action,
        display="chat" if show else "status",
        json_schema=schema,
        purpose=f"anwendungsfall:{usecase.id}",
        context=instruction,
        status_label="Die KI erstellt die strukturierte Antwort …",
    )


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
    action: PrivacyAction | None = None,
) -> None:
    """Send a turn that must come back as JSON; one retry if it cannot be read, then keep the text.

    Stores (parsed or None, result, error text or None) under the session key `store`.
    """
    result = send(
        gw, sel, usecase, values, prompt, instruction=instruction, schema=schema, action=action, show=False
    )
    try:
        st.session_state[key(usecase, store)] = (parse(result.text), result, None)
        return
    except StructuredFormatError as first_error:
        retry = f"Ihre Antwort konnte nicht gelesen werden: {first_error} {instruction}"
        result = send(gw, sel, usecase, values, retry, schema=schema, show=False)
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


def has_answer(usecase: UseCase) -> bool:
    """Whether the exercise's conversation holds at least one answer to build on."""
    conv: Conversation | None = st.session_state.get(key(usecase, "conversation"))
    return conv is not None and conv.last_result() is not None


def retry_panel(
    gw: Gateway, sel: state.Selection, usecase: UseCase
) -> tuple[str, PrivacyAction | None] | None:
    """Show why the last turn was not answered; returns (prompt, action) when the person retries."""
    retry = asker(gw, sel, usecase).panel(
        edit_hint="Sie können den Text hier oder die Angaben im Formular oben ändern."
    )
    if retry is None:
        return None
    text, instruction = retry.text, retry.context
    if isinstance(instruction, str) and text.endswith(f"\n\n{instruction}"):
        text = text[: -len(instruction) - 2]  # sent again with the instruction appended
    return text, retry.action


def history(usecase: UseCase) -> None:
    """The conversation so far (structured kinds show their results separately)."""
    conv: Conversation | None = st.session_state.get(key(usecase, "conversation"))
    if conv is None:
        return
    for index, entry in enumerate(conv.entries):
        with st.chat_message(entry.role):
            if entry.role == "user":  # the prompt exactly as typed, not as Markdown
                components.literal(entry.content)
            else:
                st.markdown(entry.content)
            if entry.result is not None:
                components.result_footer(entry.result, key=key(usecase, f"turn_{index}"))
    if usecase.readability:
        _readability(usecase, conv)


def _remember_source(usecase: UseCase, values: dict[str, object], prompt: str) -> None:
    """Keep the source text a turn works on, for the readability comparison (follow-ups keep the last)."""
    field = usecase.source_field()
    text = str(values.get(field.name, "")).strip() if field is not None else ""
    name = key(usecase, "readability_source")
    if text and (text in prompt or name not in st.session_state):
        st.session_state[name] = text


def _readability(usecase: UseCase, conv: Conversation) -> None:
    """Readability of the last answer, next to that of the source text it was made from."""
    last = conv.last_result()
    if last is None:
        return
    source = st.session_state.get(key(usecase, "readability_source"))
    if source:
        readability.show_comparison(source, last.text)
    else:
        readability.show_single(last.text, key=key(usecase, "readability"))


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
